"""Indonesian number, percentage and date formats, and the words for codes shown to people."""

from __future__ import annotations

import math
import re
from datetime import date

import pandas as pd

from kesiapan.contract import columns

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

# The words for codes and every column header live in the column catalogue
# (kesiapan/contract/columns.py); these names stay for the code that reads them here.
STATUS_LABELS = columns.STATUS_WORDS
PAW_STATUS_LABELS = columns.PAW_STATUS_WORDS
HEADERS = columns.HEADERS


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def angka(value: float | int | None) -> str:
    """19082 → '19.082' (Indonesian thousands separator)."""
    if _missing(value):
        return "–"
    return f"{round(value):,}".replace(",", ".")


def persen(fraction: float | None, decimals: int = 1) -> str:
    """0.875 → '87,5%'."""
    if _missing(fraction):
        return "–"
    text = f"{fraction * 100:,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".") + "%"


def tanggal(value: date | None) -> str:
    """date(2024, 1, 28) → '28 Januari 2024'."""
    if value is None:
        return "–"
    return f"{value.day} {BULAN[value.month - 1]} {value.year}"


def tanggal_pendek(value: date | None) -> str:
    """date(2024, 1, 27) → '27 Jan' (Mei, Agu, Okt, Des: Indonesian abbreviations)."""
    if value is None:
        return "–"
    return f"{value.day} {BULAN[value.month - 1][:3]}"


def perubahan(change: float | int, since: date) -> str:
    """'+1.204 sejak 27 Jan', '-3 sejak 27 Jan', 'tetap sejak 27 Jan'."""
    if _missing(change) or round(change) == 0:
        return f"tetap sejak {tanggal_pendek(since)}"
    sign = "+" if change > 0 else "-"
    return f"{sign}{angka(abs(change))} sejak {tanggal_pendek(since)}"


def rentang(first: date | None, last: date | None) -> str:
    """'25–29 Januari 2024'; across months '30 Januari – 2 Februari 2024'."""
    if first is None or last is None:
        return "–"
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{tanggal(last)}"
    if first.year == last.year:
        return f"{first.day} {BULAN[first.month - 1]} – {tanggal(last)}"
    return f"{tanggal(first)} – {tanggal(last)}"


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


def header(column: str) -> str:
    """The Indonesian header of a column; columns.UnknownColumn when the catalogue has none."""
    return columns.header(column)


def kalimat(text: str) -> str:
    """First letter upper case, the rest as written ('sesi Bimtek' → 'Sesi Bimtek', 'TPS')."""
    return text[:1].upper() + text[1:]


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:&])")
# Markdown ends a line at CR as well as LF; a new line could start a heading, list or quote.
_LINE_BREAK = re.compile(r"\r\n|[\r\n]")


def polos(text: str) -> str:
    """A value from the data (a name, a file's column) as plain text inside Markdown: every
    character Markdown would act on is escaped, so `**x**`, `[a](b)`, `<b>` or `&lt;` show as
    typed, and line breaks become spaces."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", _LINE_BREAK.sub(" ", text))
