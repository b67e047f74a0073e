"""Tables leave the dashboard as formatted Excel workbooks and as CSV, in Indonesian.

A table is exported as people read it on screen, plus what an analyst needs to reuse it: the
area hierarchy as columns (province down to the finest area in the table, with codes), headers
from the column catalogue, the applied filters and the as-of date written above the table, a frozen
header row, column widths that fit, and numbers, shares and dates as real Excel values in
Indonesian formats. Personal data is always masked (contract §4). No Streamlit here: the pages,
the action packs and the command line all write through this module.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import cached_property

import pandas as pd

from kesiapan.access import privacy
from kesiapan.contract import columns, labels, theme

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv"
ZIP_MIME = "application/zip"
PDF_MIME = "application/pdf"

YES, NO = "Ya", "Tidak"
ALL = "semua"

# The area hierarchy, coarse to fine: (code column, name column) per level.
# A TPS is the finest "area": its code and its number within the desa.
LEVELS = ("provinsi", "kabupaten", "kecamatan", "desa", "tps")
LEVEL_COLUMNS = {
    "provinsi": (None, "provinsi"),
    "kabupaten": ("kode_kabupaten", "kabupaten"),
    "kecamatan": ("kode_kecamatan", "kecamatan"),
    "desa": ("kode_desa", "desa"),
    "tps": ("kode_tps", "nomor_tps"),
}

# Excel number formats. [$-421] is Indonesian (LCID 0x0421): month names read "Januari".
FORMAT_INT = "#,##0"
FORMAT_SHARE = "0.0%"
FORMAT_DATE = "[$-421]d mmmm yyyy"
FORMAT_TEXT = "@"
FORMAT_DECIMAL = "0.000000"

MIN_WIDTH = 6
MAX_WIDTH = 50
DATE_WIDTH = 18  # "28 September 2024"
WIDTH_SAMPLE_ROWS = 2000  # enough rows to size a column; measuring all is slow on big tables
HEADER_FILL = "DDE3EA"
NOTE_COLOR = "555555"
CSV_SHARE_DECIMALS = 4
SHEET_NAME_MAX = 31  # Excel's limit
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# Formula injection: a spreadsheet runs a CSV cell starting with one of these as a formula (a
# name "=HYPERLINK(…)" in the roster would become a link); a leading apostrophe keeps it text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Control characters an XLSX cell cannot hold (openpyxl refuses to write them).
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def header(column: str, series: pd.Series | None = None) -> str:
    """The Indonesian header of a column in a file (the catalogue's, with the exports' own
    words); columns.UnknownColumn for a column the catalogue lacks, never the raw name."""
    info = columns.entry(column)
    if series is not None and info.count_header and pd.api.types.is_numeric_dtype(series):
        return info.count_header
    return info.export_header or info.header


def is_share(column: str) -> bool:
    return columns.is_share(column)


# -- the view being exported ------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Scope:
    """The filtered view a file is made for: the area filters, the as-of date and the dataset's
    own facts written into every file (its name, its latest date, voting day)."""

    as_of: date
    areas: pd.DataFrame  # wilayah_daftar: the names behind the codes
    kabupaten: tuple[str, ...] = ()
    kecamatan: tuple[str, ...] = ()
    desa: tuple[str, ...] = ()
    dataset_name: str | None = None
    data_as_of: date | None = None
    voting_day: date | None = None
    bimtek_start: date | None = None
    bimtek_end: date | None = None
    # What the viewer may see unmasked (issue 5); every file of this scope masks the rest.
    tampil: privacy.Tampil = privacy.BAWAAN

    @classmethod
    def of(
        cls,
        dataset: object,
        as_of: date | None = None,
        kabupaten: Iterable[str] | None = None,
        kecamatan: Iterable[str] | None = None,
        desa: Iterable[str] | None = None,
    ) -> Scope:
        """The scope of a `store.Dataset` (typed loosely: this module never opens data)."""
        config = dataset.config  # type: ignore[attr-defined]
        return cls(
            as_of=as_of or dataset.default_as_of,  # type: ignore[attr-defined]
            areas=dataset.query("wilayah_daftar"),  # type: ignore[attr-defined]
            kabupaten=tuple(kabupaten or ()),
            kecamatan=tuple(kecamatan or ()),
            desa=tuple(desa or ()),
            dataset_name=config.nama,
            data_as_of=dataset.default_as_of,  # type: ignore[attr-defined]
            voting_day=config.hari_pemungutan,
            bimtek_start=config.bimtek_mulai,
            bimtek_end=config.bimtek_selesai,
        )

    @cached_property
    def area_index(self) -> AreaIndex:
        return AreaIndex(self.areas)

    def args(self) -> dict[str, object]:
        """Keyword arguments for `Dataset.query` (an empty filter is no filter)."""
        return {
            "as_of": self.as_of,
            "kabupaten": list(self.kabupaten) or None,
            "kecamatan": list(self.kecamatan) or None,
            "desa": list(self.desa) or None,
        }

    def narrowed_to_kecamatan(self, code: str) -> Scope:
        """The same view inside one kecamatan (a desa filter stays, limited to that kecamatan)."""
        inside = set(self.areas.loc[self.areas["kode_kecamatan"] == code, "kode_desa"])
        return replace(self, kecamatan=(code,), desa=tuple(d for d in self.desa if d in inside))

    def area_name(self) -> str:
        """'Kabupaten Sampang', 'Kecamatan Torjun, Sreseh', 'Desa/Kel. Kara' (as on screen)."""
        if self.desa:
            return f"Desa/Kel. {self._names('kode_desa', 'desa', self.desa, short=True)}"
        if self.kecamatan:
            return f"Kecamatan {self._names('kode_kecamatan', 'kecamatan', self.kecamatan, True)}"
        if self.kabupaten:
            return f"Kabupaten {self._names('kode_kabupaten', 'kabupaten', self.kabupaten, True)}"
        kabupaten = self.areas["kabupaten"].drop_duplicates()
        if len(kabupaten) == 1:
            return f"Kabupaten {kabupaten.iloc[0]}"
        return "Semua wilayah"

    def _names(self, code_col: str, name_col: str, codes: Sequence[str], short: bool) -> str:
        lookup = self.areas.drop_duplicates(code_col).set_index(code_col)[name_col]
        if short:
            names = [str(lookup.get(code, code)) for code in codes]
            if len(names) > 3:
                return f"{', '.join(names[:3])} dan {len(names) - 3} lainnya"
            return ", ".join(names)
        return ", ".join(f"{lookup.get(code, code)} ({code})" for code in codes)

    def countdown(self) -> str | None:
        """'H-17 menuju hari pemungutan suara (14 Februari 2024)', or None without voting day."""
        mark = labels.hitung_mundur(self.as_of, self.voting_day)
        if mark is None:
            return None
        return f"{mark} menuju hari pemungutan suara ({labels.tanggal(self.voting_day)})"

    def filter_lines(self) -> list[str]:
        """The lines written above every exported table."""
        position = f"Posisi per tanggal: {labels.tanggal(self.as_of)}"
        countdown = self.countdown()
        if countdown:
            position += f" · {countdown}"
        source = f"Data terakhir: {labels.tanggal(self.data_as_of)}"
        if self.dataset_name:
            source += f" · {self.dataset_name}"
        return [
            f"Kabupaten/Kota: {self._filter('kode_kabupaten', 'kabupaten', self.kabupaten)}",
            f"Kecamatan: {self._filter('kode_kecamatan', 'kecamatan', self.kecamatan)}",
            f"Desa/Kelurahan: {self._filter('kode_desa', 'desa', self.desa)}",
            position,
            source,
        ]

    def _filter(self, code_col: str, name_col: str, codes: Sequence[str]) -> str:
        return self._names(code_col, name_col, codes, short=False) if codes else ALL

    def file_stem(self, name: str) -> str:
        """'kpps_belum_bimtek_kabupaten-sampang_2024-01-28': what, where, when."""
        return f"{slug(name, '_')}_{slug(self.area_name())}_{self.as_of.isoformat()}"


def slug(text: str, sep: str = "-") -> str:
    """Lowercase ASCII words joined by `sep`, for file names."""
    words = re.findall(r"[a-z0-9]+", text.lower().replace("/", " "))
    return sep.join(words) or "tabel"


# -- the table to export ----------------------------------------------------------------------
class AreaIndex:
    """Names behind the codes of `wilayah_daftar`, as dictionaries (mapping a Series through a
    dict is fast; rebuilding indexed frames for every table is not)."""

    def __init__(self, areas: pd.DataFrame) -> None:
        kabupaten = areas.drop_duplicates("kode_kabupaten")
        kecamatan = areas.drop_duplicates("kode_kecamatan")
        self.provinsi = dict(zip(kabupaten["kode_kabupaten"], kabupaten["provinsi"], strict=True))
        self.kabupaten = dict(zip(kabupaten["kode_kabupaten"], kabupaten["kabupaten"], strict=True))
        self.kabupaten_of = dict(
            zip(kecamatan["kode_kecamatan"], kecamatan["kode_kabupaten"], strict=True)
        )
        self.kecamatan = dict(zip(kecamatan["kode_kecamatan"], kecamatan["kecamatan"], strict=True))
        self.kecamatan_of = dict(zip(areas["kode_desa"], areas["kode_kecamatan"], strict=True))
        self.desa = dict(zip(areas["kode_desa"], areas["desa"], strict=True))


def finest_level(frame: pd.DataFrame) -> str | None:
    if {"kode_tps", "kode_desa"} <= set(frame.columns):
        return "tps"
    for level in ("desa", "kecamatan", "kabupaten"):
        code_col, _ = LEVEL_COLUMNS[level]
        if code_col in frame.columns:
            return level
    return None


def _objects(values: pd.Series) -> pd.Series:
    """Text cells as Python objects with None for NULL (what openpyxl and to_csv expect)."""
    return values.astype(object).where(values.notna(), None)


def hierarchy(
    frame: pd.DataFrame, areas: AreaIndex | pd.DataFrame, top: str = "provinsi"
) -> pd.DataFrame:
    """Area columns for each row, from `top` down to the finest area the frame names: a code and
    a name per level (the province by name only; a TPS by code and number). Rows naming no desa
    (a visit to a kecamatan) keep their kecamatan and leave the desa blank."""
    index = areas if isinstance(areas, AreaIndex) else AreaIndex(areas)
    level = finest_level(frame)
    out = pd.DataFrame(index=frame.index)
    if level is None:
        return out
    codes: dict[str, pd.Series] = {}
    if "kode_desa" in frame.columns:
        codes["desa"] = frame["kode_desa"]
    if "kode_kecamatan" in frame.columns:
        codes["kecamatan"] = frame["kode_kecamatan"]
    elif "desa" in codes:
        codes["kecamatan"] = codes["desa"].map(index.kecamatan_of)
    if "kode_kabupaten" in frame.columns:
        codes["kabupaten"] = frame["kode_kabupaten"]
    else:
        codes["kabupaten"] = codes["kecamatan"].map(index.kabupaten_of)
    names = {
        "provinsi": codes["kabupaten"].map(index.provinsi),
        "kabupaten": codes["kabupaten"].map(index.kabupaten),
    }
    if "kecamatan" in codes:
        names["kecamatan"] = codes["kecamatan"].map(index.kecamatan)
    if "desa" in codes:
        names["desa"] = codes["desa"].map(index.desa)
    for name in LEVELS[LEVELS.index(top) : LEVELS.index(level) + 1]:
        code_col, name_col = LEVEL_COLUMNS[name]
        if name == "tps":
            out[code_col] = _objects(frame[code_col])
            if name_col in frame.columns:
                out[name_col] = frame[name_col]
            continue
        if code_col is not None:
            out[code_col] = _objects(codes[name])
        values = names[name]
        if name_col in frame.columns and not pd.api.types.is_numeric_dtype(frame[name_col]):
            values = values.fillna(frame[name_col])  # codes unknown to wilayah keep their name
        out[name_col] = _objects(values)
    return out


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _cell(column: str, value: object) -> object:
    """A value as people read it: words for codes, Ya/Tidak, dates as dates, NULL as empty."""
    if _is_missing(value):
        return None
    if hasattr(value, "item") and not isinstance(value, pd.Timestamp):
        value = value.item()
    if isinstance(value, bool):
        return YES if value else NO
    words = columns.words(column)
    if words is not None:
        return words.get(value, value)  # type: ignore[call-overload]
    if columns.is_role(column):
        return columns.as_read(column, value)
    if isinstance(value, pd.Timestamp | datetime):
        return value.date()
    return value


def _integral(series: pd.Series) -> bool:
    values = series.dropna()
    return bool(len(values)) and bool((values == values.round()).all())


def export_frame(
    frame: pd.DataFrame,
    columns: Sequence[str] | None = None,
    areas: AreaIndex | pd.DataFrame | None = None,
    top: str = "provinsi",
    tampil: privacy.Tampil = privacy.BAWAAN,
) -> pd.DataFrame:
    """The table as it is written to a file: the area hierarchy first (when `areas` is given and
    the frame names an area), then the chosen columns; personal data masked, codes turned into
    words, whole-number columns as integers. Column names stay the query's names."""
    columns = list(columns if columns is not None else frame.columns)
    source = privacy.masked(frame, tampil)
    parts = []
    area = hierarchy(source, areas, top) if areas is not None else pd.DataFrame(index=frame.index)
    if len(area.columns):
        parts.append(area)
        columns = [c for c in columns if c not in area.columns]
    body = pd.DataFrame(index=source.index)
    for column in columns:
        series = source[column]
        if pd.api.types.is_bool_dtype(series):
            body[column] = series.map(lambda v: _cell("", v)).astype(object)
        elif pd.api.types.is_float_dtype(series) and not is_share(column) and _integral(series):
            body[column] = series.round().astype("Int64")
        elif pd.api.types.is_numeric_dtype(series):
            body[column] = series
        else:
            body[column] = series.map(lambda v, c=column: _cell(c, v)).astype(object)
    parts.append(body)
    return pd.concat(parts, axis=1).reset_index(drop=True)


# -- CSV ---------------------------------------------------------------------------------------
def csv_bytes(frame: pd.DataFrame) -> bytes:
    """Semicolon-separated with a BOM and decimal commas, as Excel in an Indonesian locale opens
    it; dates as YYYY-MM-DD, which every spreadsheet reads as a date."""
    out = frame.copy()
    for column in out.columns:
        if is_share(column) and pd.api.types.is_numeric_dtype(out[column]):
            out[column] = out[column].round(CSV_SHARE_DECIMALS)
        elif out[column].dtype == object or pd.api.types.is_string_dtype(out[column].dtype):
            out[column] = out[column].map(_csv_cell)
    headers = [header(c, frame[c]) for c in frame.columns]
    text = out.to_csv(index=False, sep=";", header=headers, decimal=",", lineterminator="\r\n")
    return text.encode("utf-8-sig")


def _csv_cell(value: object) -> object:
    """Dates as ISO text; text a spreadsheet would run as a formula behind an apostrophe
    (numbers are never text here, so -1 stays a number)."""
    if isinstance(value, date):
        return value.isoformat()
    return csv_text(value)


def csv_text(value: object) -> object:
    """A CSV cell a spreadsheet will not run: text starting with FORMULA_START behind an
    apostrophe; anything else (numbers too) as it is. Shared by every CSV the app writes."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


# -- Excel -------------------------------------------------------------------------------------
def xlsx_value(value: object) -> object:
    """A value as an XLSX cell can hold it: NULL as empty, text without control characters."""
    if _is_missing(value):
        return None
    if isinstance(value, str):
        return _XLSX_ILLEGAL.sub("\ufffd", value)
    return value


def keep_text(cell: object) -> None:
    """openpyxl writes a str starting with '=' as a formula: a cell of text stays text.
    Shared by every XLSX the app writes."""
    value = cell.value  # type: ignore[attr-defined]
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # type: ignore[attr-defined]


def sheet_name(text: str) -> str:
    return _SHEET_FORBIDDEN.sub(" ", text)[:SHEET_NAME_MAX].strip() or "Data"


def _number_format(column: str, series: pd.Series) -> str | None:
    if pd.api.types.is_bool_dtype(series):
        return None
    if is_share(column) and pd.api.types.is_numeric_dtype(series):
        return FORMAT_SHARE
    if pd.api.types.is_integer_dtype(series):
        return None if columns.entry(column).display == columns.NUMBER else FORMAT_INT
    if pd.api.types.is_float_dtype(series):
        return FORMAT_DECIMAL
    if columns.is_code(column):
        return FORMAT_TEXT
    if series.map(lambda v: isinstance(v, date)).any():
        return FORMAT_DATE
    return None


def _display_width(value: object, number_format: str | None) -> int:
    if _is_missing(value):
        return 0
    if number_format == FORMAT_DATE:
        return DATE_WIDTH
    if number_format == FORMAT_INT:
        return len(labels.angka(value))  # type: ignore[arg-type]
    if number_format == FORMAT_SHARE:
        return 6
    return len(str(value))


def _status_fill(value: object) -> str | None:
    """Status words and coverage bands get the one legend's colours, as on screen."""
    for code, word in labels.STATUS_LABELS.items():
        if value == word:
            return theme.STATUS_COLORS[code]
    for band, word in theme.COVERAGE_LABELS.items():
        if value == word:
            return theme.COVERAGE_COLORS[band]
    for status, word in theme.SCHEDULE_LABELS.items():
        if value == word:
            return theme.SCHEDULE_COLORS[status]
    return None


def add_table_sheet(
    workbook: object,
    name: str,
    frame: pd.DataFrame,
    title: str,
    lines: Sequence[str],
    empty_message: str | None = None,
) -> object:
    """One sheet: the title, the filter lines, an empty row, then the table with a bold frozen
    header, an autofilter, Indonesian number and date formats, status colours, fitted widths
    and a landscape print setup that repeats the header on every printed page."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(sheet_name(name))  # type: ignore[attr-defined]
    title_cell = sheet.cell(row=1, column=1, value=xlsx_value(title))
    title_cell.font = Font(bold=True, size=14)
    keep_text(title_cell)
    notes = list(lines)
    if frame.empty and empty_message:
        notes.append(empty_message)
    for number, line in enumerate(notes, start=2):
        note_cell = sheet.cell(row=number, column=1, value=xlsx_value(line))
        note_cell.font = Font(size=10, color=NOTE_COLOR)
        keep_text(note_cell)
    # One empty row, then the header; rows are counted, never read back from the sheet
    # (an appended empty row does not count in sheet.max_row).
    header_row = len(notes) + 3
    headers = [header(c, frame[c]) for c in frame.columns]
    for index, text in enumerate(headers, start=1):
        keep_text(sheet.cell(row=header_row, column=index, value=xlsx_value(text)))
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor=HEADER_FILL)
    rule = Border(bottom=Side(style="thin", color="888888"))
    wrap = Alignment(wrap_text=True, vertical="top")
    for cell in sheet[header_row]:
        cell.font, cell.fill, cell.border, cell.alignment = bold, fill, rule, wrap

    formats = [_number_format(c, frame[c]) for c in frame.columns]
    colored = [
        c == "status" or c.endswith("_status") or c in ("kesiapan", "status_jadwal")
        for c in frame.columns
    ]
    white = Font(color="FFFFFF", bold=True)
    fills: dict[str, PatternFill] = {}
    row = header_row
    for record in frame.itertuples(index=False, name=None):
        values = [xlsx_value(v) for v in record]
        sheet.append(values)
        row += 1  # sheet.max_row scans every row: counting keeps a big sheet linear
        for index, value in enumerate(values):
            if isinstance(value, str) and value.startswith("="):
                sheet.cell(row=row, column=index + 1).data_type = "s"  # text, not a formula
        for index, (number_format, is_colored) in enumerate(zip(formats, colored, strict=True)):
            if number_format is None and not is_colored:
                continue
            cell = sheet.cell(row=row, column=index + 1)
            if number_format is not None:
                cell.number_format = number_format
            if is_colored and (color := _status_fill(cell.value)):
                fills.setdefault(color, PatternFill("solid", fgColor=color.lstrip("#")))
                cell.fill, cell.font = fills[color], white

    last_row = row
    sheet.freeze_panes = f"A{header_row + 1}"
    if len(frame.columns):
        last_col = get_column_letter(len(frame.columns))
        sheet.auto_filter.ref = f"A{header_row}:{last_col}{last_row}"
        sheet.print_title_rows = f"{header_row}:{header_row}"
    sample = frame.head(WIDTH_SAMPLE_ROWS)
    for index, column in enumerate(frame.columns, start=1):
        widest = max(
            [_display_width(v, formats[index - 1]) for v in sample[column]] or [0],
        )
        # Headers wrap, so a long header needs only about half its length.
        head = len(headers[index - 1])
        width = max(widest, head if head <= 14 else max(14, math.ceil(head / 2)))
        sheet.column_dimensions[get_column_letter(index)].width = min(
            max(width + 2, MIN_WIDTH), MAX_WIDTH
        )
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    return sheet


def new_workbook() -> object:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    return workbook


def workbook_bytes(workbook: object) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)  # type: ignore[attr-defined]
    return buffer.getvalue()


def table_lines(scope: Scope, frame: pd.DataFrame, notes: Sequence[str] = ()) -> list[str]:
    """The filter lines, the row count and, when the table names people, the masking note."""
    lines = [*scope.filter_lines(), f"Jumlah baris: {labels.angka(len(frame))}", *notes]
    note = scope.tampil.note
    if note and (privacy.personal_columns(frame) or privacy.name_columns(frame)):
        lines.append(note)
    return lines


def table_title(title: str, scope: Scope) -> str:
    return f"{title} — {scope.area_name()}"


def excel(
    frame: pd.DataFrame, title: str, scope: Scope, sheet: str = "Data", notes: Sequence[str] = ()
) -> bytes:
    """A workbook of one exported table (see `export_frame`) under its title and filters."""
    workbook = new_workbook()
    lines = table_lines(scope, frame, notes)
    add_table_sheet(workbook, sheet, frame, table_title(title, scope), lines)
    return workbook_bytes(workbook)


@dataclass(frozen=True, eq=False)
class TableFiles:
    """A table of a page ready to download. Nothing is written until a file is asked for, so a
    page can offer every table's files without paying for them on every rerun."""

    # As the page has it (the query's columns), or how to fetch it when a file is asked for.
    frame: pd.DataFrame | Callable[[], pd.DataFrame]
    columns: Sequence[str] | None  # the columns shown; None = all
    title: str
    scope: Scope
    notes: tuple[str, ...] = ()  # more lines above the table

    @property
    def stem(self) -> str:
        return self.scope.file_stem(self.title)

    def table(self) -> pd.DataFrame:
        return self._table

    @cached_property
    def _table(self) -> pd.DataFrame:
        # Once per object: the audit log counts the rows of the file being made (issue 5).
        frame = self.frame() if callable(self.frame) else self.frame
        return export_frame(frame, self.columns, self.scope.area_index, tampil=self.scope.tampil)

    def xlsx(self) -> bytes:
        return excel(self.table(), self.title, self.scope, notes=self.notes)

    def csv(self) -> bytes:
        return csv_bytes(self.table())
