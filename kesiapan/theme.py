"""The one colour legend: TPS status and Bimtek coverage share red/amber/green everywhere."""

from __future__ import annotations

import math

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


def schedule_rank(status: str | None) -> int:
    """Severity of a schedule status, 0 = worst; unknown last."""
    return SCHEDULE_ORDER.index(status) if status in SCHEDULE_ORDER else len(SCHEDULE_ORDER)
