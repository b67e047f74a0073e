"""The commissioner's briefing: a printable A4 PDF of the filtered area at one date.

Page 1: the header (title, area, as-of date, data date), the countdown, the headline figures
with their denominators, the main points in words and the table one level below the area
(kecamatan, or desa inside one kecamatan) in the shared status colours. Page 2: TPS status per
area and the Bimtek curve. Page 3: the coverage map and the days since the last supervision.

The page is HTML with the app's own Plotly charts, printed by headless Chromium (Debian's
`chromium`) with plotly.js loaded from the plotly package: nothing is fetched from the network,
the charts stay sharp vector drawings and every word stays text in the PDF.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import plotly
import plotly.graph_objects as go
import plotly.io as pio

from kesiapan import paths
from kesiapan.contract import labels, theme
from kesiapan.outputs import actions, charts
from kesiapan.outputs.exports import Scope

TITLE = "Briefing Kesiapan KPPS"
HARI = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
PLOTLY_JS = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
REFERENCE_DIR = paths.REFERENCE
GEOJSON_NAME = "kecamatan.geojson"

# A4 is 210 × 297 mm; with 12 mm margins the content is 186 mm wide, 703 CSS px at 96 dpi.
CONTENT_WIDTH_PX = 700
PAGE_HEIGHT_MM = 272  # 297 − 2 × 12 mm margin, less a millimetre so rounding never spills
# Beyond these the table and the bar charts no longer fit their page: the lowest coverage
# comes first and the rest is counted in a note (the Excel downloads have every row).
MAX_TABLE_ROWS = 20
MAX_NAMES = 5  # areas named in one sentence of the main points
MAX_CHART_ROWS = 20
STATUS_CHART_MAX_HEIGHT = 500
CURVE_HEIGHT = 380
MAP_HEIGHT = 470
DAYS_CHART_MAX_HEIGHT = 420
CHROMIUM_TIMEOUT_S = 90
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-pdf-header-footer",
    # Lets plotly.js finish drawing before the page is printed; virtual time, so it is quick.
    "--virtual-time-budget=15000",
)


class BriefingError(RuntimeError):
    """The briefing could not be made (no area in scope, no Chromium, Chromium failed)."""


# -- the figures ------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Figures:
    """Everything the briefing shows, from the app's own queries for one scope."""

    scope: Scope
    total: pd.Series
    summary: pd.DataFrame  # one level below the area: kecamatan, or desa in one kecamatan
    level: str  # "kecamatan" or "desa"
    kecamatan: pd.DataFrame
    supervision: pd.DataFrame
    curve: pd.DataFrame
    upcoming: pd.DataFrame
    schedule: pd.Series  # jadwal_total: the whole area against its schedule (docs/jadwal.md)
    expected: pd.DataFrame  # jadwal_harian: the expected line of the curve


def _single_kecamatan(scope: Scope) -> bool:
    if len(scope.kecamatan) == 1:
        return True
    if scope.desa:
        areas = scope.areas
        return areas.loc[areas["kode_desa"].isin(scope.desa), "kode_kecamatan"].nunique() == 1
    return False


def collect(dataset: object, scope: Scope) -> Figures:
    query = dataset.query  # type: ignore[attr-defined]
    args = scope.args()
    total = query("ringkasan_total", **args)
    if total.empty:
        raise BriefingError(f"Tidak ada wilayah yang cocok dengan filter ({scope.area_name()}).")
    kecamatan = _judged(query, args, "kecamatan")
    if _single_kecamatan(scope):
        summary, level = _judged(query, args, "desa"), "desa"
    else:
        summary, level = kecamatan, "kecamatan"
    return Figures(
        scope=scope,
        total=total.iloc[0],
        summary=summary,
        level=level,
        kecamatan=kecamatan,
        supervision=query("supervisi_kecamatan", **args),
        curve=query("bimtek_kumulatif", **args),
        upcoming=query("sesi_berikutnya", **args),
        schedule=query("jadwal_total", **args).iloc[0],
        expected=query("jadwal_harian", **args),
    )


def _judged(query: object, args: dict, level: str) -> pd.DataFrame:
    """ringkasan_<level> with jadwal_<level> merged in, as the pages show it (ui.Page.judged)."""
    code = f"kode_{level}"
    summary = query(f"ringkasan_{level}", **args)  # type: ignore[operator]
    schedule = query(f"jadwal_{level}", **args)  # type: ignore[operator]
    extra = [c for c in schedule.columns if c == code or c not in summary.columns]
    return summary.merge(schedule[extra], on=code, how="left")


def ranked(summary: pd.DataFrame, level: str) -> pd.DataFrame:
    """Worst first: schedule status, then the gap to it, then coverage (theme.worst_first)."""
    return theme.worst_first(summary, f"kode_{level}")


# -- words --------------------------------------------------------------------------------------
def _e(text: object) -> str:
    return html.escape(str(text))


def hari_tanggal(value: date) -> str:
    """'Rabu, 14 Februari 2024'."""
    return f"{HARI[value.weekday()]}, {labels.tanggal(value)}"


def _share(part: float, whole: float) -> str:
    return labels.persen(part / whole) if whole else "–"


def _int(value: object) -> int:
    return 0 if value is None or pd.isna(value) else int(value)  # type: ignore[call-overload]


def bimtek_schedule(scope: Scope) -> str | None:
    """Where the planned Bimtek window stands at the as-of date."""
    start, end = scope.bimtek_start, scope.bimtek_end
    if start is None or end is None:
        return None
    window = labels.rentang(start, end)
    if scope.as_of < start:
        return f"Jadwal Bimtek {window}: mulai {(start - scope.as_of).days} hari lagi"
    if scope.as_of <= end:
        day, days = (scope.as_of - start).days + 1, (end - start).days + 1
        return f"Jadwal Bimtek {window}: hari ke-{day} dari {days}"
    return f"Jadwal Bimtek {window}: selesai {(scope.as_of - end).days} hari lalu"


def headlines(
    total: pd.Series, status: str | None = None
) -> list[tuple[str, int, int, str, str | None]]:
    """(label, part, whole, noun, colour) of each headline figure; the trained figure takes
    the colour of the area's schedule `status` (status_jadwal)."""
    t = total
    return [
        ("TPS siap", _int(t.tps_siap), _int(t.tps), "TPS", None),
        (
            "KPPS terlatih",
            _int(t.kpps_terlatih),
            _int(t.kpps_aktif),
            "KPPS aktif",
            theme.SCHEDULE_COLORS.get(status or ""),
        ),
        ("Kursi kosong", _int(t.kursi_kosong), _int(t.kebutuhan_kpps), "kursi", None),
        ("TPS tanpa ketua", _int(t.tps_tanpa_ketua), _int(t.tps), "TPS", None),
        ("Sesi disupervisi", _int(t.sesi_disupervisi), _int(t.sesi_bimtek), "sesi", None),
        ("Desa dikunjungi", _int(t.desa_dikunjungi), _int(t.desa), "desa/kel.", None),
    ]


def _gap_text(row: dict) -> str:
    """'210 tanpa kursi' or '181 di bawah sasaran': what puts an area on the list."""
    if _int(row["tanpa_kursi"]):
        return f"{labels.angka(_int(row['tanpa_kursi']))} tanpa kursi"
    return f"{labels.angka(_int(row['selisih_jadwal']))} di bawah sasaran"


def key_points(figures: Figures) -> list[str]:
    """The briefing's main points in words, each with its numbers."""
    t, level = figures.total, figures.level
    summary = figures.summary
    points = []
    counts = summary["status_jadwal"].value_counts()
    parts = [
        f"{labels.angka(int(counts.get(status, 0)))} {theme.SCHEDULE_LABELS[status].lower()}"
        for status in theme.SCHEDULE_ORDER
        if counts.get(status, 0)
    ]
    text = f"Status jadwal {labels.angka(len(summary))} {level}: " + ", ".join(parts) + "."
    worst = ranked(summary, level)
    worst = worst[worst["status_jadwal"].isin(theme.SCHEDULE_ORDER[:2])]
    if len(worst):
        names = ", ".join(
            f"{r[level]} ({_gap_text(r)})" for r in worst.head(MAX_NAMES).to_dict("records")
        )
        if len(worst) > MAX_NAMES:
            names += f" dan {labels.angka(len(worst) - MAX_NAMES)} lainnya"
        text += f" Perlu perhatian: {names}."
    points.append(text)
    points.append(actions.plan_sentence(figures.schedule, figures.scope.as_of))
    points.append(
        f"{labels.angka(_int(t.kursi_kosong))} kursi KPPS kosong di "
        f"{labels.angka(_int(t.tps_kurang_petugas))} TPS yang kurang petugas; "
        f"{labels.angka(_int(t.tps_tanpa_ketua))} TPS lengkap tetapi tanpa ketua."
    )
    never = figures.supervision["kunjungan_terakhir"].isna()
    sessions_left = _int(t.sesi_bimtek) - _int(t.sesi_disupervisi)
    held = (
        f"{labels.angka(sessions_left)} dari {labels.angka(_int(t.sesi_bimtek))} sesi Bimtek "
        "yang sudah berlangsung belum disupervisi."
        if _int(t.sesi_bimtek)
        else f"belum ada sesi Bimtek yang berlangsung sampai {labels.tanggal(figures.scope.as_of)}."
    )
    points.append(
        f"Supervisi: {labels.angka(int(never.sum()))} dari "
        f"{labels.angka(len(figures.supervision))} kecamatan belum pernah dikunjungi; {held}"
    )
    return points


# -- HTML ---------------------------------------------------------------------------------------
CSS = """
@page { size: A4 portrait; margin: 12mm; }
* { box-sizing: border-box; }
body { margin: 0; font-family: "Liberation Sans", "DejaVu Sans", Arial, sans-serif;
       color: #1f2933; font-size: 10.5pt; line-height: 1.3; }
.page { position: relative; height: %(page)dmm; break-after: page; }
.page:last-child { break-after: auto; }
.top { border-bottom: 3px solid %(blue)s; padding-bottom: 5px; margin-bottom: 8px;
       display: flex; justify-content: space-between; align-items: flex-end; }
.top h1 { font-size: 20pt; margin: 0; color: %(blue)s; }
.top .area { font-size: 14pt; font-weight: bold; margin-top: 2px; }
.top .source { font-size: 9pt; color: #52606d; }
.top .meta { text-align: right; font-size: 9pt; color: #52606d; white-space: nowrap; }
.top .meta b { font-size: 12pt; color: #1f2933; }
.running { border-bottom: 2px solid %(blue)s; padding-bottom: 3px; margin-bottom: 8px;
           font-size: 9pt; color: #52606d; display: flex; justify-content: space-between; }
.running b { color: %(blue)s; }
.countdown { display: flex; gap: 10px; align-items: stretch; margin-bottom: 8px; }
.countdown .h { background: %(blue)s; color: white; border-radius: 6px; padding: 6px 14px;
                font-size: 24pt; font-weight: bold; display: flex; align-items: center; }
.countdown .text { flex: 1; display: flex; flex-direction: column; justify-content: center;
                   gap: 3px; font-size: 11pt; }
.cards { display: grid; grid-template-columns: repeat(3, 1fr); gap: 6px; margin-bottom: 8px; }
.card { border: 1px solid #cbd2d9; border-left: 5px solid %(blue)s; border-radius: 4px;
        padding: 4px 8px; }
.card .label { font-size: 9pt; color: #52606d; }
.card .value { font-size: 17pt; font-weight: bold; }
.card .whole { font-size: 9pt; color: #52606d; }
h2 { font-size: 12pt; margin: 8px 0 4px; color: #1f2933; }
ul.points { margin: 0 0 6px 18px; padding: 0; }
ul.points li { margin-bottom: 2px; }
table { width: 100%%; border-collapse: collapse; font-size: 8.6pt; }
th { background: #dde3ea; text-align: right; padding: 3px 4px; font-weight: bold;
     border-bottom: 1px solid #9aa5b1; vertical-align: bottom; }
th.name, td.name { text-align: left; }
td { padding: 2px 5px; text-align: right; border-bottom: 1px solid #e4e7eb;
     font-variant-numeric: tabular-nums; white-space: nowrap; }
th.chip, td.chip { text-align: center; }
td.chip { color: white; font-weight: bold; }
tr.total td { font-weight: bold; border-top: 1.5px solid #52606d; border-bottom: none; }
.note { font-size: 8.5pt; color: #52606d; margin-top: 3px; }
.legend { font-size: 8.5pt; color: #52606d; margin-top: 4px; }
.legend span { display: inline-block; width: 10px; height: 10px; margin: 0 3px 0 8px;
               vertical-align: -1px; }
thead { display: table-row-group; }
.chart { margin-bottom: 4px; }
.foot { position: absolute; bottom: 0; left: 0; right: 0; font-size: 8pt; color: #7b8794;
        border-top: 1px solid #cbd2d9; padding-top: 2px; display: flex;
        justify-content: space-between; }
"""


def _tint(color: str, alpha: float) -> str:
    red, green, blue = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def _header(scope: Scope) -> str:
    source = f'<div class="source">{_e(scope.dataset_name)}</div>' if scope.dataset_name else ""
    return f"""
<div class="top">
  <div><h1>{_e(TITLE)}</h1><div class="area">{_e(scope.area_name())}</div>{source}</div>
  <div class="meta">Posisi per tanggal<br><b>{_e(labels.tanggal(scope.as_of))}</b><br>
    Data terakhir: {_e(labels.tanggal(scope.data_as_of))}<br>
    Dicetak: {_e(labels.tanggal(date.today()))}</div>
</div>"""


def _running(scope: Scope) -> str:
    return (
        f'<div class="running"><span><b>{_e(TITLE)}</b> · {_e(scope.area_name())}</span>'
        f"<span>posisi {_e(labels.tanggal(scope.as_of))} · data terakhir "
        f"{_e(labels.tanggal(scope.data_as_of))}</span></div>"
    )


def _foot(page: int, pages: int) -> str:
    return (
        '<div class="foot"><span>NIK dan data pribadi tidak dimuat dalam briefing ini.</span>'
        f"<span>Halaman {page} dari {pages}</span></div>"
    )


def _countdown(scope: Scope) -> str:
    mark = labels.hitung_mundur(scope.as_of, scope.voting_day)
    schedule = bimtek_schedule(scope)
    if mark is None and schedule is None:
        return ""
    lines = []
    if mark is not None and scope.voting_day is not None:
        lines.append(f"menuju hari pemungutan suara, <b>{_e(hari_tanggal(scope.voting_day))}</b>")
    if schedule:
        lines.append(_e(schedule))
    box = f'<div class="h">{_e(mark)}</div>' if mark else ""
    text = "".join(f"<div>{line}</div>" for line in lines)
    return f'<div class="countdown">{box}<div class="text">{text}</div></div>'


def _cards(total: pd.Series, status: str | None = None) -> str:
    cells = []
    for label, part, whole, noun, color in headlines(total, status):
        color = color or theme.BLUE
        cells.append(
            f'<div class="card" style="border-left-color:{color}">'
            f'<div class="label">{_e(label)}</div>'
            f'<div class="value">{_e(labels.angka(part))}</div>'
            f'<div class="whole">dari {_e(labels.angka(whole))} {_e(noun)} '
            f"({_e(_share(part, whole))})</div></div>"
        )
    return f'<div class="cards">{"".join(cells)}</div>'


TABLE_STATUS = (
    ("tps_kurang_petugas", "kurang_petugas"),
    ("tps_tanpa_ketua", "tanpa_ketua"),
    ("tps_belum_bimtek", "belum_bimtek"),
)


def _chip(share: float | None, status: object) -> str:
    """The coverage share on the colour of the area's schedule status (docs/jadwal.md)."""
    color = theme.SCHEDULE_COLORS.get(str(status), theme.GREY)
    return f'<td class="chip" style="background:{color}">{_e(labels.persen(share))}</td>'


def _status_cell(count: int, status: str) -> str:
    style = f' style="background:{_tint(theme.STATUS_COLORS[status], 0.22)}"' if count else ""
    return f"<td{style}>{labels.angka(count)}</td>"


def _row_cells(record: dict | pd.Series, with_sessions: bool) -> list[str]:
    """The numbers of one table row (an area, or the total), after its name and coverage."""
    cells = [
        f"<td>{labels.angka(record['kpps_terlatih'])} / {labels.angka(record['kpps_aktif'])}</td>",
        f"<td>{labels.angka(record['tps_siap'])} / {labels.angka(record['tps'])}</td>",
        *(_status_cell(_int(record[column]), status) for column, status in TABLE_STATUS),
        f"<td>{labels.angka(record['kursi_kosong'])}</td>",
    ]
    if with_sessions:
        cells.append(
            f"<td>{labels.angka(record['sesi_disupervisi'])} / "
            f"{labels.angka(record['sesi_bimtek'])}</td>"
        )
    cells.append(f"<td>{labels.angka(record['kunjungan_supervisi'])}</td>")
    return cells


def _share_of(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)  # type: ignore[arg-type]


def _table(figures: Figures) -> str:
    level = figures.level
    rows = ranked(figures.summary, level)
    shown = rows.head(MAX_TABLE_ROWS)
    # ringkasan_desa has no session figures: sessions belong to a kecamatan.
    with_sessions = "sesi_bimtek" in rows.columns
    heads = [
        f'<th class="name">{_e(labels.HEADERS[level])}</th>',
        '<th class="chip">Cakupan Bimtek</th>',
        "<th>KPPS terlatih / aktif</th>",
        "<th>TPS siap / TPS</th>",
        *(f"<th>{_e(labels.STATUS_LABELS[s])}</th>" for _, s in TABLE_STATUS),
        "<th>Kursi kosong</th>",
        *(["<th>Sesi disupervisi</th>"] if with_sessions else []),
        "<th>Kunjungan</th>",
    ]
    body = []
    for record in shown.to_dict("records"):
        cells = [
            f'<td class="name">{_e(record[level])}</td>',
            _chip(_share_of(record["cakupan_bimtek"]), record["status_jadwal"]),
            *_row_cells(record, with_sessions),
        ]
        body.append(f"<tr>{''.join(cells)}</tr>")
    t = figures.total
    total = [
        '<td class="name">Jumlah</td>',
        _chip(_share_of(t["cakupan_bimtek"]), figures.schedule["status_jadwal"]),
        *_row_cells(t, with_sessions),
    ]
    body.append(f'<tr class="total">{"".join(total)}</tr>')
    note = ""
    if len(rows) > len(shown):
        note = (
            f'<div class="note">{labels.angka(len(shown))} {level} yang paling perlu perhatian '
            f"dari {labels.angka(len(rows))}; daftar lengkap ada di unduhan Excel.</div>"
        )
    bands = "".join(
        f'<span style="background:{theme.SCHEDULE_COLORS[status]}"></span>'
        f"{_e(theme.SCHEDULE_LABELS[status])}"
        for status in theme.SCHEDULE_ORDER
    )
    statuses = "".join(
        f'<span style="background:{_tint(theme.STATUS_COLORS[s], 0.22)}"></span>'
        f"{_e(labels.STATUS_LABELS[s])}"
        for _, s in TABLE_STATUS
    )
    return (
        f"<h2>Kesiapan per {_e(level)} (perlu perhatian di atas)</h2>"
        f"<table><thead><tr>{''.join(heads)}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        f'{note}<div class="legend">Cakupan Bimtek, warna = status jadwal:{bands}</div>'
        f'<div class="legend">Jumlah TPS per status, sel berwarna bila ada:{statuses}</div>'
    )


def _chart(figure: go.Figure, height: int) -> str:
    figure.update_layout(width=CONTENT_WIDTH_PX, height=height, autosize=False)
    return (
        '<div class="chart">'
        + pio.to_html(
            figure,
            include_plotlyjs=False,
            full_html=False,
            config={"staticPlot": True, "displayModeBar": False},
        )
        + "</div>"
    )


def _chart_rows(figures: Figures) -> tuple[pd.DataFrame, str]:
    rows = ranked(figures.summary, figures.level)
    if len(rows) <= MAX_CHART_ROWS:
        return rows, ""
    note = (
        f'<div class="note">{labels.angka(MAX_CHART_ROWS)} {figures.level} yang paling perlu '
        f"perhatian dari {labels.angka(len(rows))}.</div>"
    )
    return rows.head(MAX_CHART_ROWS), note


def kecamatan_geojson(folder: Path | None, kecamatan: Collection[str] | None = None) -> dict | None:
    """Kecamatan boundaries: the dataset's own file, else the bundled reference ones; only
    those of `kecamatan` (codes) when given, so a map shows the viewer's areas alone."""
    candidates = sorted(REFERENCE_DIR.glob(f"*/{GEOJSON_NAME}"))
    if folder is not None:
        candidates.insert(0, Path(folder) / GEOJSON_NAME)
    features = []
    for path in candidates:
        if path.exists():
            features += json.loads(path.read_text(encoding="utf-8"))["features"]
    if kecamatan is not None:
        wanted = set(kecamatan)
        features = [f for f in features if f["properties"].get("kode_kecamatan") in wanted]
    return {"type": "FeatureCollection", "features": features} if features else None


def _pages(figures: Figures, geojson: dict | None) -> list[str]:
    scope, level = figures.scope, figures.level
    code_col = f"kode_{level}"
    first = (
        _header(scope)
        + _countdown(scope)
        + _cards(figures.total, str(figures.schedule["status_jadwal"]))
        + "<h2>Pokok-pokok</h2><ul class='points'>"
        + "".join(f"<li>{_e(point)}</li>" for point in key_points(figures))
        + "</ul>"
        + _table(figures)
    )
    chart_rows, chart_note = _chart_rows(figures)
    status = charts.status_by_area(chart_rows, level, code_col)
    status_height = min(int(status.layout.height or STATUS_CHART_MAX_HEIGHT), 500)
    curve = charts.bimtek_curve(
        figures.curve,
        scope.bimtek_start,
        scope.bimtek_end,
        scope.as_of,
        height=CURVE_HEIGHT,
        hari_pemungutan=scope.voting_day,
        expected=figures.expected,
    )
    second = (
        _running(scope)
        + f"<h2>Status TPS per {_e(level)}</h2>"
        + _chart(status, status_height)
        + chart_note
        + "<h2>Perkembangan KPPS terlatih</h2>"
        + _chart(curve, CURVE_HEIGHT)
    )
    third = _running(scope)
    # A map only where the boundaries cover the area: otherwise it would show other places.
    covered = {
        f.get("properties", {}).get("kode_kecamatan") for f in (geojson or {}).get("features", [])
    }
    if geojson is not None and covered & set(figures.kecamatan["kode_kecamatan"]):
        third += "<h2>Peta status jadwal Bimtek per kecamatan</h2>" + _chart(
            charts.kecamatan_map(figures.kecamatan, geojson, height=MAP_HEIGHT), MAP_HEIGHT
        )
    supervision = figures.supervision
    note = ""
    if len(supervision) > MAX_CHART_ROWS:
        # Longest without a visit first: those are the ones to send someone to.
        order = supervision["hari_sejak_kunjungan"].fillna(10**6)
        supervision = supervision.loc[order.sort_values(ascending=False).index].head(MAX_CHART_ROWS)
        note = (
            f'<div class="note">{labels.angka(MAX_CHART_ROWS)} kecamatan yang paling lama '
            "tidak dikunjungi.</div>"
        )
    third += "<h2>Hari sejak kunjungan supervisi terakhir</h2>"
    if len(supervision) == 1:
        # One kecamatan: a sentence says it better than a chart of one bar.
        third += f"<p>{_e(last_visit_text(supervision.iloc[0], scope.as_of))}</p>"
    else:
        days = charts.days_since_visit(supervision)
        height = min(int(days.layout.height or DAYS_CHART_MAX_HEIGHT), DAYS_CHART_MAX_HEIGHT)
        third += _chart(days, height) + note
    return [first, second, third]


def last_visit_text(row: pd.Series, as_of: date) -> str:
    """'Kecamatan Torjun: kunjungan terakhir 26 Januari 2024, 2 hari sebelum 28 Januari 2024.'"""
    name = f"Kecamatan {row['kecamatan']}"
    if pd.isna(row["kunjungan_terakhir"]):
        return f"{name} belum pernah dikunjungi supervisi sampai {labels.tanggal(as_of)}."
    last = pd.Timestamp(row["kunjungan_terakhir"]).date()
    days = _int(row["hari_sejak_kunjungan"])
    when = "pada hari itu juga" if days == 0 else f"{labels.angka(days)} hari sebelumnya"
    return (
        f"{name}: {labels.angka(_int(row['kunjungan']))} kunjungan supervisi sampai "
        f"{labels.tanggal(as_of)}; yang terakhir {labels.tanggal(last)}, {when}."
    )


def render_html(figures: Figures, geojson: dict | None = None, plotly_js: str = "") -> str:
    """The briefing as one HTML document (plotly.js from `plotly_js`, a URL or path)."""
    pages = _pages(figures, geojson)
    sections = "".join(
        f'<section class="page">{content}{_foot(number, len(pages))}</section>'
        for number, content in enumerate(pages, start=1)
    )
    css = CSS % {"page": PAGE_HEIGHT_MM, "blue": theme.BLUE}
    script = f'<script src="{_e(plotly_js or PLOTLY_JS.as_uri())}"></script>'
    title = f"{TITLE} — {figures.scope.area_name()} — {labels.tanggal(figures.scope.as_of)}"
    return (
        f'<!doctype html><html lang="id"><head><meta charset="utf-8"><title>{_e(title)}</title>'
        f"{script}<style>{css}</style></head><body>{sections}</body></html>"
    )


# -- PDF ----------------------------------------------------------------------------------------
def find_chromium() -> str:
    """Chromium from KESIAPAN_CHROMIUM or BROWSER_PATH, else the usual names on PATH."""
    for candidate in (
        os.environ.get("KESIAPAN_CHROMIUM"),
        os.environ.get("BROWSER_PATH"),
        *CHROMIUM_CANDIDATES,
    ):
        if candidate and (path := shutil.which(candidate)):
            return path
    raise BriefingError(
        "Chromium tidak ditemukan: pasang paket Debian `chromium` (apt-get install chromium) "
        "atau tunjuk programnya dengan variabel KESIAPAN_CHROMIUM."
    )


def print_pdf(document: str, chromium: str | None = None) -> bytes:
    """Print an HTML document to PDF with headless Chromium, in a fresh profile every time."""
    browser = chromium or find_chromium()
    with tempfile.TemporaryDirectory(prefix="kesiapan-briefing-") as folder:
        page = Path(folder) / "briefing.html"
        page.write_text(document, encoding="utf-8")
        out = Path(folder) / "briefing.pdf"
        command = [
            browser,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={Path(folder) / 'profil'}",
            f"--print-to-pdf={out}",
            page.as_uri(),
        ]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=CHROMIUM_TIMEOUT_S, check=False
            )
        except subprocess.TimeoutExpired:
            raise BriefingError(
                f"Chromium tidak selesai mencetak dalam {CHROMIUM_TIMEOUT_S} detik."
            ) from None
        if not out.exists() or out.stat().st_size == 0:
            tail = "\n".join(done.stderr.strip().splitlines()[-5:])
            raise BriefingError(f"Chromium gagal mencetak PDF (kode {done.returncode}): {tail}")
        return out.read_bytes()


def pdf(dataset: object, scope: Scope, chromium: str | None = None) -> bytes:
    """The briefing of `scope` as PDF bytes."""
    figures = collect(dataset, scope)
    geojson = kecamatan_geojson(
        getattr(dataset, "folder", None), set(scope.areas["kode_kecamatan"])
    )
    return print_pdf(render_html(figures, geojson), chromium)


def file_name(scope: Scope) -> str:
    return f"{scope.file_stem('briefing kesiapan kpps')}.pdf"
