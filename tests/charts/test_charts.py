"""Chart builders as functions: traces, colours, order, Indonesian labels, the empty case."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from kesiapan.contract import labels, theme
from kesiapan.outputs import charts

# ---------------------------------------------------------------------------------------------
# Small hand-made frames with the columns of the queries in docs/queries.md


def _ringkasan(rows: list[tuple]) -> pd.DataFrame:
    """(kode, nama, kpps_aktif, kpps_terlatih, siap, kurang, tanpa_ketua, belum) per row."""
    records = []
    for code, name, aktif, terlatih, siap, kurang, ketua, belum in rows:
        records.append(
            {
                "kode_kecamatan": code,
                "kecamatan": name,
                "tps": siap + kurang + ketua + belum,
                "kebutuhan_kpps": aktif + 1,
                "kpps_aktif": aktif,
                "kursi_kosong": 1,
                "kpps_terlatih": terlatih,
                "cakupan_bimtek": terlatih / aktif if aktif else float("nan"),
                "tps_siap": siap,
                "tps_kurang_petugas": kurang,
                "tps_tanpa_ketua": ketua,
                "tps_belum_bimtek": belum,
            }
        )
    return pd.DataFrame(records)


RINGKASAN = _ringkasan(
    [
        ("35.27.01", "Sreseh", 100, 97, 10, 0, 0, 1),  # 97,0% baik
        ("35.27.02", "Torjun", 4, 2, 0, 2, 0, 0),  # 50,0% rendah
        ("35.27.03", "Sampang", 200, 170, 5, 0, 3, 2),  # 85,0% sedang
        ("35.27.04", "Camplong", 0, 0, 0, 1, 0, 0),  # no active KPPS
    ]
)

KUMULATIF = pd.DataFrame(
    {
        "tanggal": pd.to_datetime(["2024-01-25", "2024-01-26", "2024-01-27", "2024-01-28"]),
        "terlatih_baru": [100, 200, 300, 0],
        "terlatih_kumulatif": [100, 300, 600, 600],
        "kpps_aktif": [1000] * 4,
    }
)

SESI = pd.DataFrame(
    {
        "kode_sesi": ["BT-02", "BT-01", "BT-03"],
        "kode_kecamatan": ["35.27.02"] * 3,
        "kecamatan": ["Torjun"] * 3,
        "tanggal": pd.to_datetime(["2024-01-25", "2024-01-25", "2024-02-03"]),
        "tempat": ["Balai Desa Kodak", "Aula Kecamatan", "Balai Desa Kara"],
        "kapasitas": [100, 120, 80],
        "sudah_berlangsung": [True, True, False],
        "dipanggil": [90, 110, 0],
        "hadir": [85, 100, 0],
        "tidak_hadir": [5, 10, 0],
        "keterisian": [0.85, 100 / 120, 0.0],
        "disupervisi": [True, False, False],
    }
)

SESI_HARIAN = pd.DataFrame(
    {
        "tanggal": pd.to_datetime(["2024-01-25", "2024-02-03"]),
        "sudah_berlangsung": [True, False],
        "sesi": [2, 1],
        "kapasitas": [220, 80],
        "dipanggil": [200, None],
        "hadir": [185, None],
        "tidak_hadir": [15, None],
        "sesi_disupervisi": [1, None],
    }
)

KUNJUNGAN = pd.DataFrame(
    {
        "tanggal": pd.to_datetime(["2024-01-25", "2024-01-25", "2024-01-26", "2024-01-26"]),
        "pengawas": ["Siti Aminah", "Moh. Hasan", "Bambang", "Siti Aminah"],
        "lembaga": [
            "KPU Kabupaten Sampang",
            "KPU Kabupaten Sampang",
            "KPU Provinsi Jawa Timur",
            "KPU Kabupaten Sampang",
        ],
        "kode_kecamatan": ["35.27.01", "35.27.01", "35.27.02", "35.27.01"],
        "kecamatan": ["Sreseh", "Sreseh", "Torjun", "Sreseh"],
        "kode_desa": [None, None, "35.27.02.2002", None],
        "desa": [None, None, "Kodak", None],
        "kode_sesi": ["BT-01", "BT-02", None, None],
        "temuan": ["Hadir 85 dari 90 peserta.", None, "Perlengkapan lengkap.", "Aman."],
        "tindak_lanjut": [None] * 4,
        "lat": [-7.20, -7.20, -7.15, -7.20],
        "lon": [113.10, 113.10, 113.21, 113.10],
    }
)

SUPERVISI_KECAMATAN = pd.DataFrame(
    {
        "kode_kecamatan": ["35.27.01", "35.27.02", "35.27.03", "35.27.04"],
        "kecamatan": ["Sreseh", "Torjun", "Sampang", "Camplong"],
        "kunjungan": [3, 1, 0, 2],
        "sesi": [2, 1, 1, 1],
        "sesi_disupervisi": [2, 0, 0, 1],
        "desa": [12, 12, 18, 14],
        "desa_dikunjungi": [0, 1, 0, 0],
        "kunjungan_terakhir": pd.to_datetime(["2024-01-26", "2024-01-20", None, "2024-01-23"]),
        "hari_sejak_kunjungan": pd.array([1, 7, None, 4], dtype="Int64"),
    }
)

PAW = pd.DataFrame(
    {
        "tanggal_berhenti": pd.to_datetime(
            ["2024-01-27", "2024-01-26", "2024-01-26", "2024-01-26", "2024-01-27"]
        ),
        "status": [
            "pengganti_terlatih",
            "belum_diganti",
            "pengganti_belum_bimtek",
            "belum_diganti",
            "belum_diganti",
        ],
    }
)


def _square(x: float, y: float) -> list[list[float]]:
    return [[x, y], [x + 0.1, y], [x + 0.1, y + 0.1], [x, y + 0.1], [x, y]]


GEOJSON = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {
                "kode_kecamatan": "35.27.01",
                "kecamatan": "Sreseh",
                "centroid_lat": -7.15,
                "centroid_lon": 113.05,
            },
            "geometry": {"type": "Polygon", "coordinates": [_square(113.0, -7.2)]},
        },
        {
            # An island kecamatan: two outer rings; no centroid, so the mean is used.
            "type": "Feature",
            "properties": {"kode_kecamatan": "35.27.02", "kecamatan": "Torjun"},
            "geometry": {
                "type": "MultiPolygon",
                "coordinates": [[_square(113.2, -7.2)], [_square(113.2, -7.4)]],
            },
        },
        {
            "type": "Feature",
            "properties": {"kode_kecamatan": "35.27.03", "kecamatan": "Sampang"},
            "geometry": {"type": "Polygon", "coordinates": [_square(113.4, -7.2)]},
        },
        {
            # In the map but in no frame: outside the filter.
            "type": "Feature",
            "properties": {"kode_kecamatan": "35.27.09", "kecamatan": "Banyuates"},
            "geometry": {"type": "Polygon", "coordinates": [_square(113.0, -7.0)]},
        },
    ],
}


def _shuffled(df: pd.DataFrame) -> pd.DataFrame:
    return df.iloc[::-1].reset_index(drop=True)


def _by_name(fig: go.Figure) -> dict[str, go.Bar | go.Scatter]:
    return {trace.name: trace for trace in fig.data if trace.name}


def _annotation_texts(fig: go.Figure) -> list[str]:
    return [a.text for a in fig.layout.annotations]


def _area_traces(fig: go.Figure) -> dict[str, go.Scatter]:
    return {t.name: t for t in fig.data if t.fill == "toself"}


BUILDERS: dict[str, Callable[[pd.DataFrame], go.Figure]] = {
    "coverage_by_area": charts.coverage_by_area,
    "status_by_area": charts.status_by_area,
    "bimtek_curve": charts.bimtek_curve,
    "sessions_capacity": charts.sessions_capacity,
    "sessions_by_day": charts.sessions_by_day,
    "kecamatan_map": lambda df: charts.kecamatan_map(df, GEOJSON),
    "visits_timeline": charts.visits_timeline,
    "visits_map": lambda df: charts.visits_map(df, GEOJSON),
    "paw_timeline": charts.paw_timeline,
    "days_since_visit": charts.days_since_visit,
}
FRAMES = {
    "coverage_by_area": RINGKASAN,
    "status_by_area": RINGKASAN,
    "bimtek_curve": KUMULATIF,
    "sessions_capacity": SESI,
    "sessions_by_day": SESI_HARIAN,
    "kecamatan_map": RINGKASAN,
    "visits_timeline": KUNJUNGAN,
    "visits_map": KUNJUNGAN,
    "paw_timeline": PAW,
    "days_since_visit": SUPERVISI_KECAMATAN,
}
ENGLISH = ("January", "February", "March", "May ", "June", "July", "August", "October", "Dec ")


# ---------------------------------------------------------------------------------------------
# Every builder


@pytest.mark.parametrize("name", BUILDERS)
def test_empty_input_gives_a_figure_that_says_so(name: str) -> None:
    fig = BUILDERS[name](FRAMES[name].iloc[0:0])
    assert isinstance(fig, go.Figure)
    assert len(fig.data) == 0
    [message] = _annotation_texts(fig)
    assert message.startswith("Belum ada")


@pytest.mark.parametrize("name", BUILDERS)
def test_shared_look_and_indonesian_text(name: str) -> None:
    fig = BUILDERS[name](FRAMES[name])
    layout = fig.layout
    assert layout.template == pio.templates["plotly_white"]
    assert layout.separators == ",."
    assert layout.font.size >= 12
    assert layout.legend.orientation == "h"
    assert layout.legend.y > 1  # above the plot
    assert layout.height >= 240
    assert layout.hovermode in ("closest", "x unified", "y unified")
    text = fig.to_json()
    assert not [word for word in ENGLISH if word in text]
    # Nothing is fetched: only plain cartesian traces, no geo or tile maps.
    assert {trace.type for trace in fig.data} <= {"bar", "scatter"}


@pytest.mark.parametrize(
    "name", ["bimtek_curve", "visits_timeline", "paw_timeline", "sessions_by_day"]
)
def test_date_axes_carry_indonesian_ticks(name: str) -> None:
    fig = BUILDERS[name](FRAMES[name])
    assert fig.layout.xaxis.tickmode == "array"
    assert fig.layout.xaxis.ticktext[0] in ("25 Jan", "26 Jan")
    assert all(text.split()[1] in {"Jan", "Feb"} for text in fig.layout.xaxis.ticktext)


def test_short_dates_use_indonesian_month_abbreviations() -> None:
    assert charts._short_date(date(2024, 5, 1)) == "1 Mei"
    assert charts._short_date(date(2024, 8, 17)) == "17 Agu"
    assert charts._short_date(date(2024, 12, 31)) == "31 Des"


# ---------------------------------------------------------------------------------------------
# 1. coverage_by_area


def test_coverage_bars_coloured_by_band_lowest_on_top() -> None:
    fig = charts.coverage_by_area(RINGKASAN)
    traces = _by_name(fig)
    # One trace per band present, in the theme's band order.
    assert [t.name for t in fig.data] == [
        theme.COVERAGE_LABELS[b] for b in ("rendah", "sedang", "baik", "tanpa_data")
    ]
    for band in ("rendah", "sedang", "baik", "tanpa_data"):
        assert traces[theme.COVERAGE_LABELS[band]].marker.color == theme.COVERAGE_COLORS[band]
    assert traces["< 80% terlatih"].y == ("Torjun",)
    assert traces["< 80% terlatih"].text == ("2 dari 4 (50,0%)",)
    assert traces["80–95% terlatih"].text == ("170 dari 200 (85,0%)",)
    assert traces["Belum ada KPPS"].text == ("Belum ada KPPS aktif",)
    # Area code first in customdata, for click-to-drill.
    assert traces["≥ 95% terlatih"].customdata[0][0] == "35.27.01"
    assert "97 dari 100 KPPS terlatih (97,0%)" in traces["≥ 95% terlatih"].customdata[0][1]
    yaxis = fig.layout.yaxis
    assert list(yaxis.categoryarray) == ["Camplong", "Torjun", "Sampang", "Sreseh"]
    assert yaxis.range[0] > yaxis.range[1]  # first category at the top
    assert fig.layout.xaxis.title.text == "Cakupan Bimtek"
    assert tuple(fig.layout.xaxis.range) == pytest.approx((0, 1), abs=0.01)
    lines = sorted(shape.x0 for shape in fig.layout.shapes)
    assert lines == [theme.COVERAGE_RED_BELOW, theme.COVERAGE_GREEN_FROM]
    # Each line says what it is, in Indonesian, at its own x.
    marks = {a.text: a.x for a in fig.layout.annotations}
    assert marks == {"batas 80%": 0.8, "sasaran 95%": 0.95}


def test_coverage_order_does_not_depend_on_row_order() -> None:
    forward = charts.coverage_by_area(RINGKASAN)
    backward = charts.coverage_by_area(_shuffled(RINGKASAN))
    assert forward.layout.yaxis.categoryarray == backward.layout.yaxis.categoryarray


def test_coverage_tells_repeated_desa_names_apart() -> None:
    desa = pd.DataFrame(
        {
            "kode_kecamatan": ["35.27.04", "35.27.06"],
            "kecamatan": ["Camplong", "Kedungdung"],
            "kode_desa": ["35.27.04.2001", "35.27.06.2001"],
            "desa": ["Taman", "Taman"],
            "kpps_aktif": [10, 10],
            "kpps_terlatih": [5, 10],
            "cakupan_bimtek": [0.5, 1.0],
        }
    )
    fig = charts.coverage_by_area(desa, name_col="desa", code_col="kode_desa")
    assert list(fig.layout.yaxis.categoryarray) == ["Taman (Camplong)", "Taman (Kedungdung)"]


# The schedule figures of jadwal_kecamatan (docs/jadwal.md) merged in, as ui.Page.judged does.
JUDGED = RINGKASAN.assign(
    # Sreseh on schedule, Torjun behind (2 of a target of 4), Sampang short of seats (20
    # untrained, 12 seats ahead: 8 without a seat), Camplong nothing due.
    status_jadwal=["sesuai jadwal", "tertinggal dari jadwal", "jadwal tidak cukup",
                   "belum dijadwalkan"],
    target_terlatih=[90, 4, 150, 0],
    selisih_jadwal=[0, 2, 0, 0],
    tanpa_kursi=[0, 0, 8, 0],
)  # fmt: skip


def test_coverage_bars_judged_by_the_schedule_worst_first_with_the_expected_tick() -> None:
    fig = charts.coverage_by_area(JUDGED)
    traces = _by_name(fig)
    bars = [t for t in fig.data if t.type == "bar"]
    assert [t.name for t in bars] == [
        "Jadwal tidak cukup", "Tertinggal dari jadwal", "Belum dijadwalkan", "Sesuai jadwal"
    ]  # fmt: skip
    for status in theme.SCHEDULE_ORDER:
        assert traces[theme.SCHEDULE_LABELS[status]].marker.color == theme.SCHEDULE_COLORS[status]
    # Worst first, whatever the coverage: Sampang (85%) leads, Torjun (50%) follows.
    order = ["Sampang", "Torjun", "Camplong", "Sreseh"]
    assert list(fig.layout.yaxis.categoryarray) == order
    assert list(charts.coverage_by_area(_shuffled(JUDGED)).layout.yaxis.categoryarray) == order
    tick = traces[charts.EXPECTED_LABEL]
    assert tick.mode == "markers" and tick.marker.symbol == "line-ns-open"
    # Camplong has no active KPPS: no share to mark.
    assert dict(zip(tick.y, tick.x, strict=True)) == {"Sampang": 0.75, "Torjun": 1.0, "Sreseh": 0.9}
    hover = traces["Jadwal tidak cukup"].customdata[0][1]
    assert "Sasaran jadwal: 150 KPPS (75,0%)" in hover
    assert "Tanpa kursi di sesi mendatang: 8" in hover
    assert not fig.layout.shapes  # no 80/95% lines: the colours are no longer those bands
    # A bar too short to show its colour gets its status as a square at zero: Camplong.
    (bare,) = [t for t in fig.data if t.type == "scatter" and not t.name]
    assert (list(bare.y), list(bare.x), list(bare.marker.color)) == (
        ["Camplong"], [0.0], [theme.GREY]
    )  # fmt: skip


def test_map_takes_the_schedule_colours_when_judged() -> None:
    fig = charts.kecamatan_map(JUDGED, GEOJSON)
    areas = _area_traces(fig)
    assert areas["Sreseh"].fillcolor == charts._tint(theme.GREEN, charts.MAP_FILL)
    assert areas["Torjun"].fillcolor == charts._tint(theme.ORANGE, charts.MAP_FILL)
    assert areas["Sampang"].fillcolor == charts._tint(theme.RED, charts.MAP_FILL)
    assert "Tertinggal dari jadwal: sasaran 4 KPPS (100,0%)" in areas["Torjun"].text
    legend = [t.name for t in fig.data if t.showlegend is not False]
    assert legend == ["Jadwal tidak cukup", "Tertinggal dari jadwal", "Sesuai jadwal"]


# ---------------------------------------------------------------------------------------------
# 2. status_by_area


def test_status_stacks_in_theme_order_most_problems_on_top() -> None:
    fig = charts.status_by_area(RINGKASAN)
    assert fig.layout.barmode == "stack"
    assert [t.name for t in fig.data] == [labels.STATUS_LABELS[s] for s in theme.STATUS_ORDER]
    assert [t.marker.color for t in fig.data] == [
        theme.STATUS_COLORS[s] for s in theme.STATUS_ORDER
    ]
    # Sampang 5 problem TPS, Torjun 2 (kurang petugas), then Camplong 1 (kurang), Sreseh 1.
    order = ["Sampang", "Torjun", "Camplong", "Sreseh"]
    assert list(fig.layout.yaxis.categoryarray) == order
    backward = charts.status_by_area(_shuffled(RINGKASAN))
    assert list(backward.layout.yaxis.categoryarray) == order
    kurang = _by_name(fig)["Kurang petugas"]
    torjun = list(kurang.y).index("Torjun")
    assert kurang.x[torjun] == 2
    assert kurang.customdata[torjun][0] == "35.27.02"
    assert kurang.customdata[torjun][1] == "Kurang petugas: 2 TPS (100,0%)"


# ---------------------------------------------------------------------------------------------
# 3. bimtek_curve


def test_bimtek_curve_line_bars_target_and_window() -> None:
    fig = charts.bimtek_curve(KUMULATIF, date(2024, 1, 25), date(2024, 1, 29), date(2024, 1, 28))
    traces = _by_name(fig)
    line = traces["KPPS terlatih (kumulatif)"]
    assert line.mode == "lines+markers"
    assert list(line.y) == [100, 300, 600, 600]
    assert "28 Januari 2024" in line.customdata[3]
    assert "600 dari 1.000 KPPS aktif terlatih (60,0%)" in line.customdata[3]
    assert list(traces["Terlatih baru per hari"].y) == [100, 200, 300, 0]
    texts = _annotation_texts(fig)
    assert "Target: semua KPPS aktif (1.000)" in texts
    assert "Jadwal Bimtek" in texts
    assert {shape.type for shape in fig.layout.shapes} == {"line", "rect"}
    # The daily bars stand out on the window's band, which lies behind them (issue 15).
    (band,) = [shape for shape in fig.layout.shapes if shape.type == "rect"]
    assert band.layer == "below"
    assert band.fillcolor == "rgba(154,160,166,0.07)"
    assert traces["Terlatih baru per hari"].marker.color == "rgba(27,108,168,0.7)"
    assert fig.layout.yaxis.title.text == "KPPS terlatih"


def test_bimtek_curve_draws_the_expected_line_ahead_of_d() -> None:
    expected = pd.DataFrame(
        {
            "tanggal": pd.to_datetime(["2024-01-25", "2024-01-26", "2024-01-27", "2024-01-28",
                                       "2024-01-29"]),
            "kursi_kumulatif": [150, 400, 700, 900, 1100],
            "target_terlatih": [150, 400, 700, 900, 1000],
        }
    )  # fmt: skip
    fig = charts.bimtek_curve(
        KUMULATIF, date(2024, 1, 25), date(2024, 1, 29), date(2024, 1, 28), expected=expected
    )
    line = _by_name(fig)[f"{charts.EXPECTED_LABEL} (kursi sesi sampai hari itu)"]
    assert list(line.y) == [150, 400, 700, 900, 1000]
    assert line.line.shape == "hv"  # a step: seats come by the session day
    assert "29 Januari 2024" in line.customdata[4]
    assert "Sasaran jadwal: 1.000 KPPS (100,0%)" in line.customdata[4]
    # The axis reaches the last planned session.
    assert pd.Timestamp(fig.layout.xaxis.range[1]) >= pd.Timestamp("2024-01-29")
    # Sessions that start after the curve does: nothing expected before the first one.
    late = charts.bimtek_curve(KUMULATIF, as_of=date(2024, 1, 28), expected=expected.iloc[2:])
    line = _by_name(late)[f"{charts.EXPECTED_LABEL} (kursi sesi sampai hari itu)"]
    assert list(line.y) == [0, 700, 900, 1000]
    assert pd.Timestamp(line.x[0]) == pd.Timestamp("2024-01-25")


def test_bimtek_projection_runs_at_the_pace_of_the_last_three_calendar_days() -> None:
    # Pace = trained over the last three calendar days / 3 = (200 + 300 + 0) / 3 = 166,67 a day.
    # Without a schedule it runs to as_of + 14 days unless the target (400 to go) comes first:
    # 400 / 166,67 = 2,4 days after 28 Jan.
    fig = charts.bimtek_curve(KUMULATIF, as_of=date(2024, 1, 28))
    projection = _by_name(fig)["Proyeksi laju saat ini"]
    assert projection.line.dash == "dash"
    assert projection.y[0] == 600 and projection.y[-1] == pytest.approx(1000)
    assert pd.Timestamp(projection.x[-1]) == pd.Timestamp("2024-01-30 09:36")
    assert "Jadwal Bimtek" not in _annotation_texts(fig)
    # The schedule's end stops it earlier: one day at 166,67 a day.
    fig = charts.bimtek_curve(KUMULATIF, date(2024, 1, 25), date(2024, 1, 29), date(2024, 1, 28))
    projection = _by_name(fig)["Proyeksi laju saat ini"]
    assert projection.y[-1] == pytest.approx(766.6667, rel=1e-4)
    assert pd.Timestamp(projection.x[-1]) == pd.Timestamp("2024-01-29")


def test_bimtek_no_projection_once_everyone_is_trained() -> None:
    done = KUMULATIF.assign(kpps_aktif=600)
    assert "Proyeksi laju saat ini" not in _by_name(charts.bimtek_curve(done))


# ---------------------------------------------------------------------------------------------
# 4. sessions_capacity


def test_sessions_present_absent_capacity_and_planned_in_grey() -> None:
    fig = charts.sessions_capacity(_shuffled(SESI))
    traces = _by_name(fig)
    # Rows in date order (then code), labelled by day and venue, never by the raw code.
    labels_in_order = [
        "25 Jan · Aula Kecamatan",  # BT-01
        "25 Jan · Balai Desa Kodak",  # BT-02
        "3 Feb · Balai Desa Kara",  # BT-03
    ]
    assert list(fig.layout.yaxis.categoryarray) == labels_in_order
    assert fig.layout.yaxis.range[0] > fig.layout.yaxis.range[1]  # the first day on top
    assert traces["Hadir"].orientation == "h"
    assert list(traces["Hadir"].y) == labels_in_order[:2]
    assert list(traces["Hadir"].x) == [100, 85]
    assert list(traces["Tidak hadir"].x) == [10, 5]
    assert fig.layout.barmode == "stack"
    planned = traces["Belum berlangsung"]
    assert list(planned.y) == labels_in_order[2:]
    assert planned.marker.color.startswith("rgba(154,160,166")  # theme.GREY, tinted
    capacity = traces["Kapasitas"]
    assert list(capacity.x) == [120, 100, 80]
    # The hover names the venue, the date and the code.
    assert capacity.customdata[0].startswith("Aula Kecamatan, 25 Januari 2024 · BT-01")
    assert "Kapasitas: 120 (terisi 83,3%)" in capacity.customdata[0]
    assert traces["Hadir"].customdata[0] == "Hadir: 100 dari 110 dipanggil"
    assert fig.layout.xaxis.title.text == "Anggota KPPS"
    assert fig.layout.xaxis.tickangle is None  # nothing rotated
    # Each label over its own bar, not beside the plot where a phone has no room for it.
    assert fig.layout.yaxis.showticklabels is False
    assert [(a.text, a.y, a.xref, a.x) for a in fig.layout.annotations] == [
        (label, label, "paper", 0) for label in labels_in_order
    ]


def test_session_labels_name_the_kecamatan_when_there_are_several() -> None:
    """Several kecamatan: 'Torjun: Balai Desa Kodak'; no venue: 'Kec. …'; a long venue cut
    to SESSION_PLACE_MAX letters; one venue twice on a day: told apart by the code."""
    sessions = SESI.assign(
        kecamatan=["Torjun", "Sreseh", "Torjun"],
        tempat=["Balai Desa Kodak", None, "Gedung Serbaguna Kecamatan Torjun Lantai Dua"],
    )
    fig = charts.sessions_capacity(sessions)
    assert list(fig.layout.yaxis.categoryarray) == [
        "25 Jan · Kec. Sreseh",
        "25 Jan · Torjun: Balai Desa Kodak",
        "3 Feb · Torjun: Gedung Serbaguna Kecamatan…",
    ]
    twice = SESI.assign(tempat="Balai Desa Kodak")
    assert list(charts.sessions_capacity(twice).layout.yaxis.categoryarray) == [
        "25 Jan · Balai Desa Kodak (BT-01)",
        "25 Jan · Balai Desa Kodak (BT-02)",
        "3 Feb · Balai Desa Kodak",
    ]


def test_sessions_by_day_held_in_colour_planned_in_grey() -> None:
    days = pd.DataFrame(
        {
            "tanggal": pd.to_datetime(["2024-01-25", "2024-01-26", "2024-01-29"]),
            "sudah_berlangsung": [True, True, False],
            "sesi": [22, 25, 6],
            "kapasitas": [3485, 4000, 1000],
            "dipanggil": [3050, 3700, None],
            "hadir": [2892, 3500, None],
            "tidak_hadir": [158, 200, None],
            "sesi_disupervisi": [9, 5, None],
        }
    )
    fig = charts.sessions_by_day(days)
    traces = _by_name(fig)
    assert list(traces["Hadir"].y) == [2892, 3500]
    assert list(traces["Tidak hadir"].y) == [158, 200]
    # Not held: its seats in grey, never a zero of attendance.
    assert list(traces["Belum berlangsung"].y) == [1000]
    assert traces["Belum berlangsung"].marker.color == charts._tint(theme.GREY, 0.45)
    assert "Belum berlangsung" in traces["Belum berlangsung"].customdata[0]
    hover = traces["Hadir"].customdata[0]
    assert "25 Januari 2024</b> · 22 sesi" in hover
    assert "Hadir: 2.892 dari 3.050 dipanggil" in hover and "Disupervisi: 9 dari 22 sesi" in hover
    assert list(traces["Kapasitas"].y) == [3485, 4000, 1000]
    assert fig.layout.barmode == "stack"


def test_many_sessions_become_rows() -> None:
    many = pd.concat([SESI.assign(kode_sesi=f"BT-{i:02d}") for i in range(11)])
    fig = charts.sessions_capacity(many)
    assert _by_name(fig)["Hadir"].orientation == "h"
    assert len(set(fig.layout.yaxis.categoryarray)) == len(many)


# ---------------------------------------------------------------------------------------------
# 5. kecamatan_map


def test_map_fills_each_kecamatan_with_its_band_without_tiles() -> None:
    fig = charts.kecamatan_map(RINGKASAN, GEOJSON)
    areas = _area_traces(fig)
    assert set(areas) == {"Sreseh", "Torjun", "Sampang", "Banyuates"}
    assert areas["Sreseh"].fillcolor == charts._tint(theme.GREEN, charts.MAP_FILL)
    assert areas["Torjun"].fillcolor == charts._tint(theme.RED, charts.MAP_FILL)
    assert areas["Sampang"].fillcolor == charts._tint(theme.AMBER, charts.MAP_FILL)
    assert areas["Banyuates"].fillcolor == charts._tint(theme.GREY, 0.15)
    assert all(a.hoveron == "fills" and a.mode == "lines" for a in areas.values())
    assert areas["Torjun"].text == (
        "<b>Torjun</b><br>2 dari 4 KPPS terlatih (50,0%)<br>TPS siap: 0 dari 2<br>Kursi kosong: 1"
    )
    assert areas["Banyuates"].text == "Banyuates"  # outside the frame: name only
    # MultiPolygon: both islands in one path, broken by None.
    assert list(areas["Torjun"].x).count(None) == 1
    assert fig.layout.yaxis.scaleanchor == "x" and fig.layout.yaxis.scaleratio == 1
    assert fig.layout.xaxis.visible is False and fig.layout.yaxis.visible is False
    legend = [t.name for t in fig.data if t.showlegend is not False]
    assert legend == [theme.COVERAGE_LABELS[b] for b in ("rendah", "sedang", "baik")]
    names = next(t for t in fig.data if t.mode == "markers+text")
    torjun = list(names.text).index("Torjun")
    assert names.y[torjun] == pytest.approx(-7.25, abs=0.06)  # mean of both islands
    assert names.y[list(names.text).index("Sreseh")] == -7.15  # centroid from properties
    # Issue 15: a click on a name drills: its dot carries the kecamatan code.
    assert names.customdata[torjun][0] == "35.27.02"


def test_map_names_never_overlap() -> None:
    """Two kecamatan whose names would run together ("SresehPangarengan"): the second name
    moves above or below, and a third on the same spot is left to hover."""

    def square(code: str, name: str, lon: float) -> dict:
        ring = [[lon - 0.05, -7.2], [lon + 0.05, -7.2], [lon + 0.05, -7.1], [lon - 0.05, -7.1]]
        return {
            "type": "Feature",
            "properties": {"kode_kecamatan": code, "kecamatan": name},
            "geometry": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]},
        }

    geojson = {
        "type": "FeatureCollection",
        "features": [
            square("35.27.01", "Sreseh", 113.00),
            square("35.27.13", "Pangarengan", 113.02),
            square("35.27.14", "Jrengik", 113.01),
            square("35.27.09", "Ketapang", 113.60),
        ],
    }
    names = charts._label_places(charts._features(geojson), ("middle center", "top center"))
    assert names == ["middle center", "top center", None, "middle center"]


def test_map_draws_points_on_top() -> None:
    points = pd.DataFrame(
        {"lat": [-7.15], "lon": [113.05], "label": ["Desa Plasah"], "color": [theme.GREEN]}
    )
    fig = charts.kecamatan_map(RINGKASAN, GEOJSON, points=points)
    top = fig.data[-1]
    assert top.mode == "markers"
    assert list(top.text) == ["Desa Plasah"]
    assert list(top.marker.color) == [theme.GREEN]
    # Without statuses, no dot in the legend.
    assert not [t.name for t in fig.data if (t.name or "").startswith("Desa:")]


def test_map_names_the_statuses_of_its_desa_dots_in_the_legend() -> None:
    points = pd.DataFrame(
        {
            "lat": [-7.15, -7.16, -7.17],
            "lon": [113.05, 113.06, 113.07],
            "label": ["Kara", "Dulang", "Kodak"],
            "color": [theme.GREEN, theme.RED, theme.RED],
            "status": ["sesuai jadwal", "jadwal tidak cukup", "jadwal tidak cukup"],
        }
    )
    fig = charts.kecamatan_map(RINGKASAN, GEOJSON, points=points)
    dots = [t for t in fig.data if (t.name or "").startswith("Desa:")]
    # Worst first, one entry per status present, in the dots' own colours.
    assert [(t.name, t.marker.color, t.marker.symbol) for t in dots] == [
        ("Desa: jadwal tidak cukup", theme.RED, "circle"),
        ("Desa: sesuai jadwal", theme.GREEN, "circle"),
    ]
    assert list(fig.data[-1].text) == ["Kara", "Dulang", "Kodak"]  # the dots stay on top


# ---------------------------------------------------------------------------------------------
# 6. visits_timeline and 7. visits_map


def test_visits_per_day_stacked_by_lembaga() -> None:
    fig = charts.visits_timeline(_shuffled(KUNJUNGAN))
    traces = _by_name(fig)
    kabupaten, provinsi = traces["KPU Kabupaten Sampang"], traces["KPU Provinsi Jawa Timur"]
    assert fig.layout.barmode == "stack"
    assert list(kabupaten.y) == [2, 1]
    assert list(provinsi.y) == [1]
    colors = {kabupaten.marker.color, provinsi.marker.color}
    assert len(colors) == 2
    assert not colors & {theme.RED, theme.ORANGE, theme.AMBER, theme.GREEN, theme.GREY}
    assert kabupaten.customdata[0].startswith("<b>25 Januari 2024</b> · KPU Kabupaten Sampang")
    assert "Moh. Hasan — Sreseh" in kabupaten.customdata[0]
    assert "Bambang — Torjun (Kodak)" in provinsi.customdata[0]


def test_visits_map_tints_areas_and_marks_visits_like_the_timeline() -> None:
    fig = charts.visits_map(KUNJUNGAN, GEOJSON, SUPERVISI_KECAMATAN)
    areas = _area_traces(fig)
    assert areas["Sreseh"].fillcolor == charts._tint(theme.GREEN, charts.VISIT_FILL)
    assert areas["Sampang"].fillcolor == charts._tint(theme.RED, charts.VISIT_FILL)
    assert areas["Banyuates"].fillcolor == "rgba(0,0,0,0)"  # outside the frame: outline only
    assert "3 kunjungan, terakhir 26 Januari 2024" in areas["Sreseh"].text
    legend = [t.name for t in fig.data if t.showlegend is not False and t.fill != "toself"]
    assert legend[:2] == ["Sudah dikunjungi", "Belum dikunjungi"]
    timeline = _by_name(charts.visits_timeline(KUNJUNGAN))
    markers = _by_name(fig)
    for lembaga in ("KPU Kabupaten Sampang", "KPU Provinsi Jawa Timur"):
        assert markers[lembaga].marker.color == timeline[lembaga].marker.color
    # Three Kabupaten visits at one point: one marker, sized up, numbered, all in the hover.
    kabupaten = markers["KPU Kabupaten Sampang"]
    assert list(kabupaten.text) == ["3"]
    hover = kabupaten.customdata[0]
    assert "3 kunjungan" in hover and "25 Januari 2024" in hover
    assert "Temuan: Hadir 85 dari 90 peserta." in hover and "Temuan: –" in hover


def test_visits_map_without_kecamatan_frame_uses_the_visits() -> None:
    areas = _area_traces(charts.visits_map(KUNJUNGAN, GEOJSON))
    assert areas["Torjun"].fillcolor == charts._tint(theme.GREEN, charts.VISIT_FILL)
    assert areas["Sreseh"].fillcolor == charts._tint(theme.GREEN, charts.VISIT_FILL)
    assert areas["Sampang"].fillcolor == charts._tint(theme.RED, charts.VISIT_FILL)
    assert "3 kunjungan, terakhir 26 Januari 2024" in areas["Sreseh"].text


# ---------------------------------------------------------------------------------------------
# 8. paw_timeline


def test_paw_stacked_by_replacement_status() -> None:
    fig = charts.paw_timeline(_shuffled(PAW))
    assert [t.name for t in fig.data] == [
        "Belum diganti",
        "Pengganti belum Bimtek",
        "Pengganti sudah Bimtek",
    ]
    assert [t.marker.color for t in fig.data] == [theme.RED, theme.AMBER, theme.GREEN]
    belum = fig.data[0]
    assert list(belum.y) == [2, 1]
    assert belum.customdata[0] == "<b>26 Januari 2024</b><br>Belum diganti: 2 anggota KPPS"
    assert fig.layout.yaxis.title.text == "Anggota KPPS berhenti"


# ---------------------------------------------------------------------------------------------
# 9. days_since_visit


def test_days_since_visit_colours_and_never_visited_first() -> None:
    fig = charts.days_since_visit(_shuffled(SUPERVISI_KECAMATAN))
    traces = _by_name(fig)
    assert list(fig.layout.yaxis.categoryarray) == ["Sampang", "Torjun", "Camplong", "Sreseh"]
    never = traces["Belum pernah"]
    assert never.marker.color == theme.GREY
    assert list(never.text) == ["Belum pernah"]
    assert traces["≤ 3 hari"].marker.color == theme.GREEN
    assert list(traces["≤ 3 hari"].text) == ["1 hari · 26 Jan"]
    assert traces["4–7 hari"].marker.color == theme.AMBER
    assert sorted(traces["4–7 hari"].x) == [4, 7]  # 7 is still amber: thresholds inclusive
    assert "> 7 hari" not in traces
    assert (charts.DAYS_GREEN_MAX, charts.DAYS_AMBER_MAX) == (3, 7)
    hover = traces["4–7 hari"].customdata
    assert any("7 hari sejak kunjungan terakhir (20 Januari 2024)" in h[1] for h in hover)


def test_days_since_visit_today_still_shows_a_bar() -> None:
    today = SUPERVISI_KECAMATAN.assign(
        kunjungan_terakhir=pd.Timestamp("2024-01-27"),
        hari_sejak_kunjungan=pd.array([0] * 4, dtype="Int64"),
    )
    bar = _by_name(charts.days_since_visit(today))["≤ 3 hari"]
    assert min(bar.x) > 0
    assert bar.text[0] == "Hari ini · 27 Jan"


def test_geojson_round_trips_through_json() -> None:
    # Pages load the reference file with json.load: the builder must not need anything else.
    fig = charts.kecamatan_map(RINGKASAN, json.loads(json.dumps(GEOJSON)))
    assert len(_area_traces(fig)) == 4


def test_bimtek_projection_stops_at_voting_day_which_is_marked() -> None:
    # 166,67 a day from 28 Jan would reach the target on 30 Jan 09:36; voting day 29 Jan stops
    # it after one day (766,67) and is drawn as a labelled line.
    fig = charts.bimtek_curve(KUMULATIF, as_of=date(2024, 1, 28), hari_pemungutan=date(2024, 1, 29))
    projection = _by_name(fig)["Proyeksi laju saat ini"]
    assert projection.y[-1] == pytest.approx(766.6667, rel=1e-4)
    assert pd.Timestamp(projection.x[-1]) == pd.Timestamp("2024-01-29")
    assert "Hari pemungutan" in _annotation_texts(fig)
    # Far beyond the chart's dates, voting day is not drawn.
    far = charts.bimtek_curve(KUMULATIF, as_of=date(2024, 1, 28), hari_pemungutan=date(2024, 6, 1))
    assert "Hari pemungutan" not in _annotation_texts(far)


def test_a_far_island_is_drawn_as_an_inset_below_the_mainland() -> None:
    """Issue 15: Pulau Mandangin lies 0,083° south of Sampang's coast on a map 0,337° tall; it
    is moved to 0,03 × the map's extent below the coast and framed, not drawn to scale."""
    mainland = [[113.0 + 0.4 * i / 12, -6.9] for i in range(13)] + [[113.4, -7.2], [113.0, -7.2]]
    island = [[113.2, -7.31], [113.22, -7.31], [113.22, -7.30], [113.2, -7.31]]
    geojson = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"kode_kecamatan": "35.27.03", "kecamatan": "Sampang"},
                "geometry": {"type": "MultiPolygon", "coordinates": [[mainland], [island]]},
            }
        ],
    }
    feature = charts._features(geojson)[0]
    moved = feature["rings"][1]
    assert max(p[1] for p in moved) == pytest.approx(-7.2 - 0.03 * 0.4)
    assert [p[0] for p in moved] == [p[0] for p in island]
    assert feature["rings"][0] == mainland
    (box,) = feature["insets"]
    assert box[0] == pytest.approx(113.2 - 0.008 * 0.4)
    visits = pd.DataFrame({"kode_kecamatan": ["35.27.03"], "kunjungan": [0]})
    fig = charts.visits_map(pd.DataFrame(), geojson, visits.assign(kunjungan_terakhir=[None]))
    # Its note sits centred under the frame, not squeezed beside it against the coast.
    (note,) = [a for a in fig.layout.annotations if a.text == "pulau, digeser"]
    assert (note.xanchor, note.yanchor) == ("center", "top")
    assert note.x == pytest.approx((box[0] + box[1]) / 2)
    assert note.y == pytest.approx(box[2])
    assert fig.layout.yaxis.range[0] > -7.25
