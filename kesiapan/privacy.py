"""Contract §4: personal data (NIK, phone numbers) masked the same way on screen and in files.

No Streamlit here: the pages, the exports and the command line all use these functions.
"""

from __future__ import annotations

import pandas as pd

MASK = "•"
# Columns holding a NIK start with "nik" (nik, nik_berhenti, nik_pengganti); phones are no_hp.
PHONE_COLUMNS = ("no_hp",)
MASKED_NOTE = "NIK dan nomor HP disamarkan (UU 27/2022 tentang Pelindungan Data Pribadi)."


def mask_nik(nik: object) -> str:
    """Show the region (4 digits) and the serial (4 digits) only: 3527••••••••0001."""
    if not isinstance(nik, str) or not nik:
        return ""
    return nik[:4] + MASK * max(len(nik) - 8, 0) + nik[-4:] if len(nik) > 8 else MASK * len(nik)


def mask_phone(phone: object) -> str:
    """Keep the operator prefix (4 digits) and the last 3 digits: 0812•••••890."""
    if not isinstance(phone, str) or not phone:
        return ""
    return phone[:4] + MASK * max(len(phone) - 7, 0) + phone[-3:] if len(phone) > 7 else MASK * 3


def personal_columns(frame: pd.DataFrame) -> list[str]:
    """The columns of a frame that carry personal data to be masked."""
    return [c for c in frame.columns if c.startswith("nik") or c in PHONE_COLUMNS]


def masked(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with personal data masked (NIK, phone) for display and download."""
    out = frame.copy()
    for column in personal_columns(out):
        mask = mask_phone if column in PHONE_COLUMNS else mask_nik
        out[column] = out[column].map(mask)
    return out


def mask_value(column: str | None, value: str | None) -> str | None:
    """A value quoted in a check's message, masked when its column holds personal data (a
    birth date too: contract §4)."""
    if value is None or column is None:
        return value
    if column.startswith("nik"):
        return mask_nik(value)
    if column in PHONE_COLUMNS:
        return mask_phone(value)
    if column == "tanggal_lahir":
        return MASK * len(value)
    return value
