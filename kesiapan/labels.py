"""Indonesian number, percentage and date formats, and the words for codes shown to people."""

from __future__ import annotations

import math
from datetime import date

BULAN = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)

STATUS_LABELS = {
    "kurang_petugas": "Kurang petugas",
    "tanpa_ketua": "Tanpa ketua",
    "belum_bimtek": "Belum Bimtek",
    "siap": "Siap",
}


def angka(value: float | int | None) -> str:
    """19082 → '19.082' (Indonesian thousands separator)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{round(value):,}".replace(",", ".")


def persen(fraction: float | None, decimals: int = 1) -> str:
    """0.875 → '87,5%'."""
    if fraction is None or (isinstance(fraction, float) and math.isnan(fraction)):
        return "–"
    text = f"{fraction * 100:,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".") + "%"


def tanggal(value: date | None) -> str:
    """date(2024, 1, 28) → '28 Januari 2024'."""
    if value is None:
        return "–"
    return f"{value.day} {BULAN[value.month - 1]} {value.year}"


def dari(part: int, whole: int, noun: str) -> str:
    """'18.734 dari 19.082 KPPS' — never a bare percentage."""
    return f"{angka(part)} dari {angka(whole)} {noun}"


def hitung_mundur(as_of: date, voting_day: date | None) -> str | None:
    """'H-17' before voting day, 'Hari H' on it, 'H+2' after."""
    if voting_day is None:
        return None
    days = (voting_day - as_of).days
    if days == 0:
        return "Hari H"
    return f"H-{days}" if days > 0 else f"H+{-days}"
