"""What the Streamlit pages share: the dataset of this process, cached queries, table display.

Pages call `page()` for the dataset, the filters and the area list, then `query()` for every
figure; nothing here aggregates: it maps codes to words and formats for display.
"""

from __future__ import annotations

import io
import json
import os
import zlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from kesiapan import filters as flt
from kesiapan import labels
from kesiapan.store import Dataset

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT / "data" / "sample"
REFERENCE_DIR = ROOT / "data" / "referensi"
GEOJSON_NAME = "kecamatan.geojson"
STATUS_WORDS = {**labels.STATUS_LABELS, **labels.PAW_STATUS_LABELS}


def data_folder() -> Path:
    return Path(os.environ.get("KESIAPAN_DATA", DEFAULT_DATA))


@st.cache_resource(show_spinner="Membaca dataset…")
def dataset(folder: str) -> Dataset:
    """One DuckDB connection per process; every query takes its own cursor."""
    return Dataset.open(Path(folder))


@st.cache_data(ttl=600, max_entries=512, show_spinner=False)
def _query(
    folder: str,
    name: str,
    as_of: date | None,
    kabupaten: tuple[str, ...] | None,
    kecamatan: tuple[str, ...] | None,
    desa: tuple[str, ...] | None,
) -> pd.DataFrame:
    return dataset(folder).query(
        name,
        as_of=as_of,
        kabupaten=list(kabupaten) if kabupaten else None,
        kecamatan=list(kecamatan) if kecamatan else None,
        desa=list(desa) if desa else None,
    )


@st.cache_data(max_entries=4, show_spinner=False)
def kecamatan_geojson(folder: str) -> dict | None:
    """Kecamatan boundaries: the dataset's own file, else the bundled reference ones."""
    candidates = [Path(folder) / GEOJSON_NAME, *sorted(REFERENCE_DIR.glob(f"*/{GEOJSON_NAME}"))]
    features = []
    for path in candidates:
        if path.exists():
            features += json.loads(path.read_text(encoding="utf-8"))["features"]
    return {"type": "FeatureCollection", "features": features} if features else None


@dataclass(frozen=True)
class Page:
    folder: str
    data: Dataset
    filters: flt.Filters
    areas: pd.DataFrame

    def query(self, name: str, **overrides: object) -> pd.DataFrame:
        """A query with this view's filters (any of them overridden by keyword)."""
        args = {**self.filters.args(), **overrides}
        return _query(
            self.folder,
            name,
            args["as_of"],
            _tuple(args["kabupaten"]),
            _tuple(args["kecamatan"]),
            _tuple(args["desa"]),
        )

    def caption(self) -> str:
        return flt.caption(self.filters, self.areas, self.data.config.hari_pemungutan)

    def area_name(self) -> str:
        return self.filters.describe(self.areas)

    def areas_summary(self) -> tuple[pd.DataFrame, str, str, str]:
        """The summary one level below the view: desa inside one kecamatan, else kecamatan.
        Returns the frame, its name column, its code column and the drill level."""
        if self.single_kecamatan:
            return self.query("ringkasan_desa"), "desa", "kode_desa", "desa"
        return self.query("ringkasan_kecamatan"), "kecamatan", "kode_kecamatan", "kecamatan"

    @property
    def single_kecamatan(self) -> str | None:
        """The kecamatan when the view is one kecamatan (chosen, or implied by its desa)."""
        if len(self.filters.kecamatan) == 1:
            return self.filters.kecamatan[0]
        if self.filters.desa:
            codes = self.areas[self.areas["kode_desa"].isin(self.filters.desa)]["kode_kecamatan"]
            if codes.nunique() == 1:
                return str(codes.iloc[0])
        return None


def _tuple(values: object) -> tuple[str, ...] | None:
    if not values:
        return None
    return tuple(values)  # type: ignore[arg-type]


def page() -> Page:
    """The context of the page being drawn (app.py has drawn the filters already)."""
    folder = str(data_folder())
    data = dataset(folder)
    areas = _query(folder, "wilayah_daftar", None, None, None, None)
    return Page(folder, data, flt.current(data.default_as_of), areas)


# -- tables ------------------------------------------------------------------------------------
def mask_nik(nik: object) -> str:
    """Contract §4: show the region (4 digits) and the serial (4 digits) only."""
    if not isinstance(nik, str) or not nik:
        return ""
    return nik[:4] + "•" * max(len(nik) - 8, 0) + nik[-4:] if len(nik) > 8 else "•" * len(nik)


def mask_phone(phone: object) -> str:
    if not isinstance(phone, str) or not phone:
        return ""
    return phone[:4] + "•" * max(len(phone) - 7, 0) + phone[-3:] if len(phone) > 7 else "•••"


def masked(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with personal data masked (NIK, phone) for display and download."""
    out = frame.copy()
    for column in [c for c in out.columns if c.startswith("nik")]:
        out[column] = out[column].map(mask_nik)
    if "no_hp" in out.columns:
        out["no_hp"] = out["no_hp"].map(mask_phone)
    return out


def for_display(frame: pd.DataFrame) -> pd.DataFrame:
    """Words instead of codes: status and jabatan labels, dates in Indonesian."""
    out = frame.copy()
    for column in out.columns:
        if column == "status" or column.endswith("_status"):
            out[column] = out[column].map(lambda s: STATUS_WORDS.get(s, s))
        elif column.startswith("jabatan"):
            out[column] = out[column].map(lambda j: j.capitalize() if isinstance(j, str) else j)
        elif pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].map(
                lambda d: labels.tanggal(d.date()) if not pd.isna(d) else ""
            )
    return out


def to_excel(frame: pd.DataFrame, title: str, subtitle: str) -> bytes:
    """A workbook with the title and filters above the table, bold frozen header."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Data"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([subtitle])
    sheet.append([])
    sheet.append([labels.HEADERS.get(c, c) for c in frame.columns])
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for row in frame.itertuples(index=False):
        sheet.append([None if pd.isna(v) else v for v in row])
    sheet.freeze_panes = "A5"
    for index, column in enumerate(frame.columns, start=1):
        width = max(
            [len(labels.HEADERS.get(column, column))] + [len(str(v)) for v in frame[column]]
        )
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 10), 48)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_csv(frame: pd.DataFrame) -> bytes:
    header = [labels.HEADERS.get(c, c) for c in frame.columns]
    # Excel in an Indonesian locale opens semicolon files with a BOM correctly.
    return frame.to_csv(index=False, sep=";", header=header).encode("utf-8-sig")


def downloads(frame: pd.DataFrame, name: str, title: str, subtitle: str, key: str) -> None:
    left, right = st.columns(2)
    left.download_button(
        "Unduh Excel",
        to_excel(frame, title, subtitle),
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
        icon=":material/download:",
    )
    right.download_button(
        "Unduh CSV",
        to_csv(frame),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        icon=":material/download:",
    )


ROW_HEIGHT = 35  # st.dataframe's default row height in pixels
MAX_TABLE_HEIGHT = 560


def _is_share(column: str) -> bool:
    return column.startswith("cakupan") or column == "keterisian"


def column_config(frame: pd.DataFrame) -> dict[str, object]:
    """Indonesian headers for every known column of a query."""
    config: dict[str, object] = {}
    for column in frame.columns:
        label = labels.HEADERS.get(column, column)
        if pd.api.types.is_bool_dtype(frame[column]):
            config[column] = st.column_config.CheckboxColumn(label)
        elif pd.api.types.is_numeric_dtype(frame[column]) and not column.startswith(("lat", "lon")):
            config[column] = st.column_config.NumberColumn(label)
        else:
            config[column] = st.column_config.TextColumn(label)
    return config


def styled(shown: pd.DataFrame, raw: pd.DataFrame) -> object:
    """Indonesian number display (19.082, 87,5%) that still sorts by the numbers: the browser's
    locale decides Streamlit's own number formats, so the Styler formats them instead."""
    formats = {}
    for column in shown.columns:
        if column not in raw.columns or pd.api.types.is_bool_dtype(raw[column]):
            continue
        if _is_share(column):
            formats[column] = labels.persen
        elif pd.api.types.is_integer_dtype(raw[column]) and column != "nomor_tps":
            formats[column] = labels.angka
    return shown.style.format(formats, na_rep="–")


def table_height(rows: int) -> int:
    return min(ROW_HEIGHT * (rows + 1) + 3, MAX_TABLE_HEIGHT)


def table(frame: pd.DataFrame, columns: list[str], key: str, **kwargs: object) -> object:
    """st.dataframe of the chosen columns with Indonesian headers and formats."""
    shown = for_display(frame[columns]).reset_index(drop=True)
    return st.dataframe(
        styled(shown, frame[columns]),
        hide_index=True,
        column_config=column_config(frame[columns]),
        key=key,
        width="stretch",
        height=table_height(len(shown)),
        **kwargs,
    )


def empty(message: str) -> None:
    st.info(message, icon=":material/info:")


def status_table(
    frame: pd.DataFrame, columns: list[str], key: str, drill_col: str | None = "kode_kecamatan"
) -> None:
    """A summary table whose first column is the coverage band in the shared colours;
    selecting a row drills into that kecamatan (or desa)."""
    from kesiapan import theme

    bands = frame["cakupan_bimtek"].map(theme.coverage_band)
    shown = for_display(frame[columns]).reset_index(drop=True)
    shown.insert(0, "kesiapan", bands.map(theme.COVERAGE_LABELS).tolist())
    colors = dict(zip(theme.COVERAGE_LABELS.values(), theme.COVERAGE_COLORS.values(), strict=True))
    table_style = styled(shown, frame[columns]).map(
        lambda v: f"background-color: {colors.get(v, '')}; color: white; font-weight: 600",
        subset=["kesiapan"],
    )
    config = column_config(frame[columns])
    config["kesiapan"] = st.column_config.TextColumn("Kesiapan")
    event = st.dataframe(
        table_style,
        hide_index=True,
        column_config=config,
        key=view_key(key),
        width="stretch",
        height=table_height(len(shown)),
        on_select="rerun" if drill_col else "ignore",
        selection_mode="single-row",
    )
    rows = event.selection.rows if drill_col and event else []
    if rows:
        code = frame[drill_col].iloc[rows[0]]
        if drill_col == "kode_desa":
            flt.drill(desa=code)
        else:
            flt.drill(kecamatan=code)


def view_key(key: str) -> str:
    """A widget key per filtered view: a selection made to drill in must not survive the
    drill and fire again on the narrower table or chart."""
    state = st.session_state
    view = "|".join(
        ",".join(state.get(k) or []) for k in (flt.KABUPATEN_KEY, flt.KECAMATAN_KEY, flt.DESA_KEY)
    )
    return f"{key}:{zlib.crc32(view.encode()):08x}"


def drill_from_chart(figure: object, key: str, level: str = "kecamatan") -> None:
    """Show a Plotly chart whose points carry an area code in customdata[0]; a click drills."""
    event = st.plotly_chart(
        figure, key=view_key(key), on_select="rerun", selection_mode="points", theme=None
    )
    points = event.selection.points if event else []
    if points and points[0].get("customdata"):
        code = points[0]["customdata"][0]
        flt.drill(**{level: code})


def desa_points(desa: pd.DataFrame) -> pd.DataFrame:
    """`supervisi_desa` rows with coordinates as map points: name and visits as the label."""
    points = desa.dropna(subset=["lat", "lon"]).copy()
    points["label"] = [
        f"{name}: {labels.angka(visits)} kunjungan supervisi"
        for name, visits in zip(points["desa"], points["kunjungan"], strict=True)
    ]
    return points


def headline(
    column: object, label: str, part: float, whole: float, noun: str, help: str = ""
) -> None:
    """A headline figure: the count large, 'dari <denominator> <noun> (share)' under it."""
    share = f" ({labels.persen(part / whole)})" if whole else ""
    column.metric(  # type: ignore[attr-defined]
        label,
        labels.angka(part),
        delta=f"dari {labels.angka(whole)} {noun}{share}",
        delta_color="off",
        delta_arrow="off",
        help=help or None,
        border=True,
    )
