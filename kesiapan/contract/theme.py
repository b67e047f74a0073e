"""The one colour legend: TPS status and Bimtek coverage share red/amber/green everywhere."""

from __future__ import annotations

import math

import pandas as pd

# Colour-blind-safe enough on both light and dark backgrounds; text on them stays readable.
RED = "#d7263d"
ORANGE = "#f46036"
AMBER = "#f2a900"
GREEN = "#2e933c"
GREY = "#9aa0a6"
BLUE = "#1b6ca8"

STATUS_ORDER = ("kurang_petugas", "tanpa_ketua", "belum_bimtek", "siap")
STATUS_COLORS = {
    "kurang_petugas": RED,
    "tanpa_ketua": ORANGE,
    "belum_bimtek": AMBER,
    "siap": GREEN,
}

# Coverage bands (share of active KPPS trained): below 80% is behind, from 95% on track.
COVERAGE_RED_BELOW = 0.80
COVERAGE_GREEN_FROM = 0.95
COVERAGE_BANDS = ("rendah", "sedang", "baik", "tanpa_data")
COVERAGE_LABELS = {
    "rendah": "< 80% terlatih",
    "sedang": "80–95% terlatih",
    "baik": "≥ 95% terlatih",
    "tanpa_data": "Belum ada KPPS",
}
COVERAGE_COLORS = {"rendah": RED, "sedang": AMBER, "baik": GREEN, "tanpa_data": GREY}
# Text on a chip of these colours: white on amber or grey is too faint to read on a phone.
INK_ON = {AMBER: "#262730", GREY: "#262730"}


def coverage_band(fraction: float | None) -> str:
    if fraction is None or (isinstance(fraction, float) and math.isnan(fraction)):
        return "tanpa_data"
    if fraction < COVERAGE_RED_BELOW:
        return "rendah"
    if fraction < COVERAGE_GREEN_FROM:
        return "sedang"
    return "baik"


def coverage_color(fraction: float | None) -> str:
    return COVERAGE_COLORS[coverage_band(fraction)]


# Schedule status (docs/jadwal.md, `status_jadwal` of the jadwal_* queries): judged against
# what the area's own sessions allowed by D, so "not yet due" never reads as "late". Worst
# first: this order sorts every list of areas.
SCHEDULE_ORDER = (
    "jadwal tidak cukup",
    "tertinggal dari jadwal",
    "belum dijadwalkan",
    "sesuai jadwal",
)
SCHEDULE_COLORS = {
    "jadwal tidak cukup": RED,
    "tertinggal dari jadwal": ORANGE,
    "belum dijadwalkan": GREY,
    "sesuai jadwal": GREEN,
}
SCHEDULE_LABELS = {
    "jadwal tidak cukup": "Jadwal tidak cukup",
    "tertinggal dari jadwal": "Tertinggal dari jadwal",
    "belum dijadwalkan": "Belum dijadwalkan",
    "sesuai jadwal": "Sesuai jadwal",
}

# What the colours mean, in one sentence under every chart and map that uses them.
SCHEDULE_CAPTION = (
    "Warna menilai tiap wilayah terhadap jadwal sesinya sendiri: merah = jadwal tidak cukup "
    "(kursi sesi mendatang tidak menampung semua yang belum Bimtek), oranye = tertinggal dari "
    "jadwal (terlatih kurang dari 80% sasaran), abu-abu = belum dijadwalkan (belum ada sesi "
    "yang jatuh tempo), hijau = sesuai jadwal. Sasaran jadwal: KPPS aktif yang dapat ditampung "
    "sesi sampai tanggal ini."
)


def schedule_rank(status: str | None) -> int:
    """Severity of a schedule status, 0 = worst; unknown last."""
    return SCHEDULE_ORDER.index(status) if status in SCHEDULE_ORDER else len(SCHEDULE_ORDER)


# Captions say how every list is ordered; the words live beside the orders they describe.
AREAS_ORDER_TEXT = (
    "Urutan: status jadwal terburuk di atas (jadwal tidak cukup, tertinggal, belum "
    "dijadwalkan, sesuai), lalu selisih dari sasaran terbesar."
)
TPS_ORDER_TEXT = (
    "Urutan: status terburuk di atas (kurang petugas, tanpa ketua, belum Bimtek, siap), lalu "
    "kursi kosong dan anggota belum Bimtek terbanyak."
)


def worst_first(frame: pd.DataFrame, code_col: str) -> pd.DataFrame:
    """Areas in the order they need attention: schedule status (`status_jadwal`, worst
    first), then the gap to the schedule (`selisih_jadwal` + `tanpa_kursi`, largest first),
    then the lowest coverage, then the code; without schedule columns, coverage then code."""
    keys = pd.DataFrame(index=frame.index)
    if "status_jadwal" in frame.columns:
        keys["rank"] = frame["status_jadwal"].map(schedule_rank)
        gap = frame["selisih_jadwal"].fillna(0) + frame["tanpa_kursi"].fillna(0)
        keys["gap"] = -gap
    keys["coverage"] = frame["cakupan_bimtek"].fillna(-1.0)  # no active KPPS: first
    keys["code"] = frame[code_col].astype(str)
    order = keys.sort_values(list(keys.columns), kind="stable").index
    return frame.loc[order]


def worst_first_tps(frame: pd.DataFrame) -> pd.DataFrame:
    """TPS in the order they need attention: status (kurang petugas first), then empty seats,
    then members not trained, most first, then the code."""
    keys = pd.DataFrame(
        {
            "rank": frame["status"].map(
                lambda s: STATUS_ORDER.index(s) if s in STATUS_ORDER else len(STATUS_ORDER)
            ),
            "seats": -(frame["kebutuhan_kpps"] - frame["kpps_aktif"]).clip(lower=0),
            "untrained": -(frame["kpps_aktif"] - frame["kpps_terlatih"]),
            "code": frame["kode_tps"].astype(str),
        },
        index=frame.index,
    )
    return frame.loc[keys.sort_values(list(keys.columns), kind="stable").index]


VISITS_ORDER_TEXT = (
    "Urutan: belum pernah dikunjungi di atas, lalu yang paling lama tidak dikunjungi, lalu "
    "sesi belum disupervisi terbanyak."
)


def least_visited_first(frame: pd.DataFrame) -> pd.DataFrame:
    """Kecamatan of `supervisi_kecamatan` in the order someone should go: never visited, then
    the longest since the last visit, then the most sessions held without a supervisor."""
    keys = pd.DataFrame(
        {
            "days": -frame["hari_sejak_kunjungan"].astype("float").fillna(float("inf")),
            "missed": -(frame["sesi"] - frame["sesi_disupervisi"]),
            "code": frame["kode_kecamatan"].astype(str),
        },
        index=frame.index,
    )
    return frame.loc[keys.sort_values(list(keys.columns), kind="stable").index]
