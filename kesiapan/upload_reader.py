"""Reading an uploaded file the way people make them, as text, into DuckDB.

CSV (comma, semicolon, tab or bar; UTF-8 with or without BOM, UTF-16 from Excel's "Unicode
text", Windows-1252), XLSX (any sheet; cells as Excel stores them) or Parquet; title rows above
the header, blank rows anywhere, trailing empty columns. Every row keeps its number in the
original file, the number a spreadsheet shows, blank rows and title rows included.

A CSV is read by DuckDB, never whole into Python: one streaming pass turns it into UTF-8 and
marks blank lines (DuckDB skips those, which would shift every later row number), then
`read_csv` reads it single-threaded, keeping record order.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from kesiapan import store

PEEK_ROWS = 30  # rows searched for the header (title rows, logos, blank lines above it)
PEEK_BYTES = 1 << 18
CHUNK_BYTES = 1 << 22
XLSX_BATCH = 20_000
DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "koma", ";": "titik koma", "\t": "tab", "|": "garis tegak"}
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 (.xls) and password-protected workbooks
_PARQUET = b"PAR1"
_BLANK_LINE = re.compile(r"^(?=\r?\n)", re.MULTILINE)
_CP1252_UNDEFINED = {0x81, 0x8D, 0x8F, 0x90, 0x9D}
_fallback_used = threading.local()

Progress = Callable[[float, str], None]


class ReadError(Exception):
    """A file that cannot be read at all; the message is for people (Indonesian)."""


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    """Bytes that are not UTF-8 are read as Windows-1252 (what Excel writes on Windows)."""
    assert isinstance(error, UnicodeDecodeError)
    _fallback_used.count = getattr(_fallback_used, "count", 0) + 1
    bad = error.object[error.start : error.end]
    text = "".join(chr(b) if b in _CP1252_UNDEFINED else bytes([b]).decode("cp1252") for b in bad)
    return text, error.end


codecs.register_error("kesiapan-cp1252", _cp1252_fallback)


@dataclass
class Source:
    """An uploaded file: what it really is (whatever its name says) and how to read it."""

    path: Path
    name: str
    kind: str  # "csv", "xlsx" or "parquet"
    sheets: tuple[str, ...] = ()
    encoding: str | None = None
    delimiter: str | None = None
    notes: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """'CSV, titik koma, UTF-8' for the preview."""
        if self.kind == "csv":
            return f"CSV, {DELIMITER_NAMES[self.delimiter or ',']}, {self.encoding}"
        return "Excel (.xlsx)" if self.kind == "xlsx" else "Parquet"


def open_source(path: Path, name: str) -> Source:
    """Recognise the file by its content: a .csv that is really a workbook is read as one."""
    with path.open("rb") as handle:
        head = handle.read(PEEK_BYTES)
    if not head.strip():
        raise ReadError("berkas kosong: tidak ada isi yang dapat dibaca")
    suffix = Path(name).suffix.lower()
    if head.startswith(_OLE):
        raise ReadError(
            "berkas Excel lama (.xls) atau berkas yang dikunci kata sandi tidak dapat dibaca; "
            "buka di Excel lalu simpan sebagai Excel Workbook (.xlsx) tanpa kata sandi"
        )
    if head.startswith(_ZIP):
        source = Source(path, name, "xlsx", sheets=tuple(_sheet_names(path)))
        if suffix != ".xlsx":
            source.notes.append(
                f"berkas bernama {suffix or 'tanpa akhiran'} tetapi isinya Excel "
                "(.xlsx); dibaca sebagai Excel"
            )
        return source
    if head.startswith(_PARQUET):
        return Source(path, name, "parquet")
    encoding, text = _decode_head(head)
    if "\x00" in text:
        raise ReadError("jenis berkas tidak dikenal: unggah CSV, Excel (.xlsx) atau Parquet")
    source = Source(path, name, "csv", encoding=encoding, delimiter=_delimiter(text))
    if suffix in (".xlsx", ".xls"):
        source.notes.append(f"berkas bernama {suffix} tetapi isinya teks (CSV); dibaca sebagai CSV")
    return source


def _sheet_names(path: Path) -> list[str]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile, XML and openpyxl errors alike: the file is not usable
        raise ReadError(
            "berkas tidak dapat dibuka sebagai Excel (.xlsx): isinya rusak atau bukan berkas Excel"
        ) from exc
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()


def _decoder(head: bytes) -> tuple[codecs.IncrementalDecoder, str, int]:
    """The decoder for a text file, its label and how many bytes of BOM to skip."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return codecs.getincrementaldecoder("utf-16")(errors="replace"), "UTF-16", 0
    if head.startswith(codecs.BOM_UTF8):
        decoder = codecs.getincrementaldecoder("utf-8")(errors="kesiapan-cp1252")
        return decoder, "UTF-8 dengan BOM", len(codecs.BOM_UTF8)
    return codecs.getincrementaldecoder("utf-8")(errors="kesiapan-cp1252"), "UTF-8", 0


def _decode_head(head: bytes) -> tuple[str, str]:
    decoder, label, skip = _decoder(head)
    _fallback_used.count = 0
    text = decoder.decode(head[skip:])
    if _fallback_used.count:
        label = "Windows-1252"
    return label, text


def _delimiter(text: str) -> str:
    """The separator that splits the first rows into the most fields (ties: comma)."""
    lines = text.splitlines()[: PEEK_ROWS * 2]
    sample = "\n".join(lines)

    def fields(delimiter: str) -> int:
        rows = csv.reader(io.StringIO(sample), delimiter=delimiter, quotechar='"')
        return sum(max(len(row) - 1, 0) for row in rows)

    return max(DELIMITERS, key=lambda d: (fields(d), -DELIMITERS.index(d)))


# -- peeking: the first rows, to find the header -------------------------------------------------
def peek(source: Source, sheet: str | None = None) -> list[tuple[int, list[str]]]:
    """(row number, cells as text) of the first non-blank rows."""
    if source.kind == "csv":
        return _peek_csv(source)
    if source.kind == "xlsx":
        return _peek_xlsx(source.path, sheet)
    return _peek_parquet(source.path)


def _peek_csv(source: Source) -> list[tuple[int, list[str]]]:
    with source.path.open("rb") as handle:
        head = handle.read(PEEK_BYTES)
        complete = not handle.read(1)
    _, text = _decode_head(head)
    if not complete:
        text = text[: text.rfind("\n") + 1]  # the last line may be cut in the middle
    rows = []
    reader = csv.reader(io.StringIO(text), delimiter=source.delimiter or ",", quotechar='"')
    for number, cells in enumerate(reader, start=1):
        if any(c.strip() for c in cells):
            rows.append((number, cells))
            if len(rows) >= PEEK_ROWS:
                break
    return rows


def _open_sheet(path: Path, sheet: str | None) -> tuple[Any, Any]:
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    names = workbook.sheetnames
    if sheet is not None and sheet not in names:
        workbook.close()
        raise ReadError(f"lembar '{sheet}' tidak ada; lembar yang ada: {', '.join(names)}")
    worksheet = workbook[sheet] if sheet is not None else workbook.worksheets[0]
    # Some programs write a wrong sheet size; read what the sheet really holds.
    worksheet.reset_dimensions()
    return workbook, worksheet


def _row_text(cells: tuple[object, ...]) -> list[tuple[str | None, bool]]:
    return [store._cell_text(value) for value in cells]


def _peek_xlsx(path: Path, sheet: str | None) -> list[tuple[int, list[str]]]:
    workbook, worksheet = _open_sheet(path, sheet)
    rows = []
    try:
        for number, cells in enumerate(worksheet.iter_rows(min_row=1, values_only=True), start=1):
            texts = [text or "" for text, _ in _row_text(cells)]
            if any(t.strip() for t in texts):
                rows.append((number, texts))
                if len(rows) >= PEEK_ROWS:
                    break
    finally:
        workbook.close()
    return rows


def _parquet_columns(path: Path) -> list[str]:
    names = duckdb.execute("select name from parquet_schema($p)", {"p": str(path)}).fetchall()
    return [n[0] for n in names[1:]]  # the first row is the schema's root


def _peek_parquet(path: Path) -> list[tuple[int, list[str]]]:
    headers = _parquet_columns(path)
    first = duckdb.execute(
        "select * from read_parquet($p) limit $n", {"p": str(path), "n": PEEK_ROWS - 1}
    ).fetchall()
    rows = [(1, headers)]
    for number, values in enumerate(first, start=2):
        rows.append((number, ["" if v is None else str(v) for v in values]))
    return rows


# -- loading: every row after the header --------------------------------------------------------
def load(
    con: duckdb.DuckDBPyConnection,
    target: str,
    source: Source,
    sheet: str | None,
    header_row: int,
    width: int,
    numeric_positions: set[int],
    work_dir: Path,
    progress: Progress,
) -> int:
    """Create `target`: `_baris` (row number in the file), `c0`… (text, `width` of them),
    `_lebih` (text beyond the header's last column: a CSV row with too many fields) and
    `_angka` (a cell at one of `numeric_positions` was an Excel number). Blank rows and the
    rows down to the header are left out. Returns the number of rows."""
    columns = [f"c{i}" for i in range(width)]
    if source.kind == "csv":
        _load_csv(con, target, source, header_row, columns, work_dir, progress)
    elif source.kind == "xlsx":
        _load_xlsx(con, target, source.path, sheet, header_row, columns, numeric_positions)
    else:
        _load_parquet(con, target, source.path, columns)
    return int(con.execute(f"select count(*) from {target}").fetchall()[0][0])  # noqa: S608


def _not_blank(columns: list[str]) -> str:
    return "coalesce(" + ", ".join(f"nullif(trim({c}), '')" for c in columns) + ") is not null"


def _load_csv(
    con: duckdb.DuckDBPyConnection,
    target: str,
    source: Source,
    header_row: int,
    columns: list[str],
    work_dir: Path,
    progress: Progress,
) -> None:
    normalised = work_dir / f"{target}.csv"
    source.encoding = normalise_csv(source.path, normalised, source.delimiter or ",", progress)
    spec = ", ".join(f"'{c}': 'VARCHAR'" for c in [*columns, "_lebih"])
    # No sniffing: the sniffer would skip title rows and '#' lines and guess types.
    con.execute(
        f"create or replace table {target}_baris as select * from read_csv($path, "  # noqa: S608
        "header = false, auto_detect = false, delim = $delim, quote = '\"', escape = '\"', "
        f"null_padding = true, strict_mode = false, parallel = false, skip = 0, "
        f"columns = {{{spec}}})",
        {"path": str(normalised), "delim": source.delimiter or ","},
    )
    con.execute(
        f"create or replace view {target} as select rowid + 1 as _baris, "  # noqa: S608
        f"{', '.join(columns)}, nullif(trim(_lebih), '') as _lebih, false as _angka "
        f"from {target}_baris where rowid + 1 > {int(header_row)} and {_not_blank(columns)}"
    )


def normalise_csv(source: Path, target: Path, delimiter: str, progress: Progress) -> str:
    """Write `source` as UTF-8 with every blank line made a row of empty fields (one delimiter),
    so that DuckDB keeps it and row numbers stay those of the file. Returns the encoding."""
    size = max(source.stat().st_size, 1)
    with source.open("rb") as raw:
        head = raw.read(4)
        raw.seek(0)
        decoder, label, skip = _decoder(head)
        raw.read(skip)
        _fallback_used.count = 0
        carry, in_quote, done = "", False, skip
        with target.open("w", encoding="utf-8", newline="") as out:
            while chunk := raw.read(CHUNK_BYTES):
                done += len(chunk)
                text = carry + decoder.decode(chunk)
                cut = text.rfind("\n") + 1
                part, carry = text[:cut], text[cut:]
                part, in_quote = _mark_blank_lines(part, delimiter, in_quote)
                out.write(part)
                progress(done / size, "Membaca berkas")
            tail = carry + decoder.decode(b"", final=True)
            out.write(_mark_blank_lines(tail, delimiter, in_quote)[0])
    return "Windows-1252" if _fallback_used.count else label


def _mark_blank_lines(text: str, delimiter: str, in_quote: bool) -> tuple[str, bool]:
    """`text` starts at a line start; a blank line outside quotes gets one delimiter."""
    if '"' not in text and not in_quote:
        return _BLANK_LINE.sub(delimiter, text), False
    pieces, start, quotes = [], 0, 0
    for match in _BLANK_LINE.finditer(text):
        quotes += text.count('"', start, match.start())
        pieces.append(text[start : match.start()])
        if (quotes % 2 == 1) == in_quote:  # an even number of quotes so far: outside a value
            pieces.append(delimiter)
        start = match.start()
    quotes += text.count('"', start)
    pieces.append(text[start:])
    return "".join(pieces), in_quote ^ (quotes % 2 == 1)


def _load_xlsx(
    con: duckdb.DuckDBPyConnection,
    target: str,
    path: Path,
    sheet: str | None,
    header_row: int,
    columns: list[str],
    numeric_positions: set[int],
) -> None:
    import pyarrow as pa

    width = len(columns)
    names = ["_baris", *columns, "_lebih", "_angka"]
    schema = pa.schema(
        [("_baris", pa.int64())]
        + [(c, pa.string()) for c in [*columns, "_lebih"]]
        + [("_angka", pa.bool_())]
    )
    con.execute(
        f"create or replace table {target} (_baris bigint, "
        + "".join(f"{c} varchar, " for c in columns)
        + "_lebih varchar, _angka boolean)"
    )
    batch: list[list[object]] = []

    def flush() -> None:
        if not batch:
            return
        arrays = [
            pa.array([row[i] for row in batch], type=schema.field(i).type)
            for i in range(len(names))
        ]
        con.register("_xlsx_batch", pa.Table.from_arrays(arrays, schema=schema))
        con.execute(f"insert into {target} select * from _xlsx_batch")  # noqa: S608
        con.unregister("_xlsx_batch")
        batch.clear()

    workbook, worksheet = _open_sheet(path, sheet)
    try:
        rows = worksheet.iter_rows(min_row=1, values_only=True)
        for number, cells in enumerate(rows, start=1):
            if number <= header_row:
                continue
            values = _row_text(cells[:width])
            texts = [text for text, _ in values]
            if not any(t is not None and t.strip() for t in texts):
                continue  # Excel keeps formatted but empty rows, often at the end of a sheet
            texts += [None] * (width - len(texts))
            numeric = any(values[p][1] for p in numeric_positions if p < len(values))
            batch.append([number, *texts, None, numeric])
            if len(batch) >= XLSX_BATCH:
                flush()
        flush()
    finally:
        workbook.close()


def _load_parquet(
    con: duckdb.DuckDBPyConnection, target: str, path: Path, columns: list[str]
) -> None:
    names = _parquet_columns(path)
    casts = ", ".join(
        f"cast(t.column{i} as varchar) as {c}" for i, c in enumerate(columns[: len(names)])
    )
    aliases = ", ".join(f"column{i}" for i in range(len(names)))
    con.execute(
        f"create or replace table {target}_baris as select {casts} "  # noqa: S608
        f"from read_parquet($p) as t({aliases})",
        {"p": str(path)},
    )
    # Row 1 is the header in a spreadsheet's terms, so the first record is row 2.
    con.execute(
        f"create or replace view {target} as select rowid + 2 as _baris, "  # noqa: S608
        f"{', '.join(columns)}, cast(null as varchar) as _lebih, false as _angka "
        f"from {target}_baris where {_not_blank(columns)}"
    )
