"""The readiness table of contract §2 at one level, as CSV, JSON or XLSX."""

from __future__ import annotations

import io
import json
import math
from datetime import date
from pathlib import Path

import pandas as pd

from kesiapan.access import private
from kesiapan.contract.scope import CODE as SCOPE_CODE
from kesiapan.outputs.exports import csv_text, keep_text
from kesiapan.store.dataset import Dataset

LEVEL_QUERIES = {
    "kabupaten": "ringkasan_kabupaten",
    "kecamatan": "ringkasan_kecamatan",
    "desa": "ringkasan_desa",
    "tps": "tps_status",
}
# Contract §2, "Per TPS"; the query carries a few more columns for the dashboard.
TPS_COLUMNS = [
    "kode_tps",
    "kode_desa",
    "kode_kecamatan",
    "kebutuhan_kpps",
    "kpps_aktif",
    "kpps_terlatih",
    "ada_ketua",
    "status",
]
# Expected by date (docs/jadwal.md), after the §2 columns of every level but the TPS (a desa
# takes its share of its kecamatan's seats).
SCHEDULE_QUERIES = {
    "kabupaten": "jadwal_kabupaten",
    "kecamatan": "jadwal_kecamatan",
    "desa": "jadwal_desa",
}
SCHEDULE_COLUMNS = [
    "kursi_sampai_d",
    "kursi_mendatang",
    "target_terlatih",
    "target_akhir",
    "selisih_jadwal",
    "tanpa_kursi",
    "sesi_tambahan",
    "status_jadwal",
]
FORMATS = ("csv", "json", "xlsx")
COVERAGE_DECIMALS = 4
_AREA_PARAM_BY_DEPTH = {2: "kabupaten", 3: "kecamatan", 4: "desa"}
_SHOWN_MAX = 40  # characters of a refused --area value in the message


def area_filters(codes: list[str] | None) -> dict[str, list[str] | None]:
    """Sort area codes into the kabupaten/kecamatan/desa filters by their depth (`35.27.02`).

    Every code must have the shape of a kabupaten, kecamatan or desa code (store.SCOPE_CODE,
    whole string): anything else raises ValueError before a query sees it."""
    filters: dict[str, list[str] | None] = {"kabupaten": None, "kecamatan": None, "desa": None}
    for code in codes or []:
        code = code.strip()
        param = _AREA_PARAM_BY_DEPTH.get(len(code.split(".")))
        if param is None or not SCOPE_CODE.fullmatch(code):
            raise ValueError(
                f"kode wilayah '{_shown(code)}' tidak dikenal: pakai kode kabupaten (35.27), "
                "kecamatan (35.27.02) atau desa (35.27.02.2001)"
            )
        filters[param] = [*(filters[param] or []), code]
    return filters


def _shown(code: str) -> str:
    """A refused code as it can be printed: control and invisible characters escaped (repr),
    cut to a few dozen characters."""
    text = repr(code)[1:-1]
    return text if len(text) <= _SHOWN_MAX else text[:_SHOWN_MAX] + "…"


def report_table(
    dataset: Dataset, level: str, as_of: date | None = None, areas: list[str] | None = None
) -> pd.DataFrame:
    filters = area_filters(areas)
    frame = dataset.query(LEVEL_QUERIES[level], as_of=as_of, **filters)
    if level == "tps":
        frame = frame[TPS_COLUMNS]
    if level in SCHEDULE_QUERIES:
        key = f"kode_{level}"
        schedule = dataset.query(SCHEDULE_QUERIES[level], as_of=as_of, **filters)
        frame = frame.merge(schedule[[key, *SCHEDULE_COLUMNS]], on=key, how="left")
    return frame


def _plain(value: object) -> object:
    """A cell as a JSON/CSV value: NULL → None, numpy scalars → Python, dates → ISO text."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def records(frame: pd.DataFrame) -> list[dict[str, object]]:
    rows = []
    for row in frame.itertuples(index=False):
        record = {c: _plain(v) for c, v in zip(frame.columns, row, strict=True)}
        if record.get("cakupan_bimtek") is not None:
            record["cakupan_bimtek"] = round(float(record["cakupan_bimtek"]), COVERAGE_DECIMALS)
        rows.append(record)
    return rows


def render(frame: pd.DataFrame, fmt: str) -> bytes:
    if fmt == "json":
        text = json.dumps(records(frame), ensure_ascii=False, indent=2)
        return (text + "\n").encode("utf-8")
    if fmt == "csv":
        # Text a spreadsheet would run as a formula goes behind an apostrophe (exports' rule).
        rows = [{c: csv_text(v) for c, v in record.items()} for record in records(frame)]
        plain = pd.DataFrame(rows, columns=frame.columns)
        buffer = io.StringIO()
        plain.to_csv(buffer, index=False, lineterminator="\n")
        return buffer.getvalue().encode("utf-8")
    if fmt == "xlsx":
        return _xlsx(frame)
    raise ValueError(fmt)


def _xlsx(frame: pd.DataFrame) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Kesiapan"
    sheet.append(list(frame.columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row, record in enumerate(records(frame), start=2):
        sheet.append(list(record.values()))
        for index in range(1, len(record) + 1):
            keep_text(sheet.cell(row=row, column=index))  # a name starting with '=' stays text
    sheet.freeze_panes = "A2"
    for index, column in enumerate(frame.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(column) + 2)
        if column == "cakupan_bimtek":
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "0.00%"
        elif column.startswith("kode_"):
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "@"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write(frame: pd.DataFrame, fmt: str, output: Path | None, stdout: io.BufferedWriter) -> None:
    data = render(frame, fmt)
    if output is None:
        stdout.write(data)
        stdout.flush()
    else:
        private.write_bytes(output, data)  # names people: owner-only (issue 12)
