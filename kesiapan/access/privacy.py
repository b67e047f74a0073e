"""Contract §4: personal data (NIK, phone numbers, birth dates) masked the same way on screen
and in files, and member names too for roles that may not see them (issue 5).

What a viewer may see unmasked is a `Tampil`; `kesiapan.access.accounts` decides it from the role.
Which columns hold personal data, and of which kind, is the column catalogue's personal-data class
(kesiapan/contract/columns.py), never a guess from a column's name; a column without an entry raises
`columns.UnknownColumn` rather than leave it unmasked. No Streamlit here: the pages, the exports
and the command line all use these functions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from kesiapan.contract import columns

MASK = "•"
MASKED_NOTE = "NIK dan nomor HP disamarkan (UU 27/2022 tentang Pelindungan Data Pribadi)."
NAMES_MASKED_NOTE = (
    "Nama, NIK dan nomor HP disamarkan (UU 27/2022 tentang Pelindungan Data Pribadi)."
)


@dataclass(frozen=True)
class Tampil:
    """What a viewer may see as it is: member names, and personal data (NIK, phone, birth
    date). The default is what every screen showed before roles: names, personal data masked."""

    nama: bool = True
    pribadi: bool = False

    @property
    def note(self) -> str | None:
        """The line a file or screen carries about what it masks."""
        if self.pribadi:
            return None if self.nama else "Nama anggota disamarkan."
        return MASKED_NOTE if self.nama else NAMES_MASKED_NOTE


BAWAAN = Tampil()


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


def mask_name(name: object) -> str:
    """The first letter of each word: Fathor Rosyid → F••••• R•••••."""
    if not isinstance(name, str) or not name:
        return ""
    return " ".join(w[0] + MASK * (len(w) - 1) for w in name.split())


def mask_birth(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else MASK * 10


# How each personal-data class is masked in a table cell.
_MASKERS = {
    columns.NIK: mask_nik,
    columns.PHONE: mask_phone,
    columns.BIRTH: mask_birth,
    columns.NAME: mask_name,
}


def personal_columns(frame: pd.DataFrame) -> list[str]:
    """The columns of a frame that carry personal data to be masked (NIK, phone, birth date)."""
    return [c for c in frame.columns if is_personal(c)]


def name_columns(frame: pd.DataFrame) -> list[str]:
    """The columns of a frame naming KPPS members (nama, nama_berhenti, nama_pengganti)."""
    return [c for c in frame.columns if is_name(c)]


def masked(frame: pd.DataFrame, tampil: Tampil = BAWAAN) -> pd.DataFrame:
    """A copy with what `tampil` may not see masked, for display and download."""
    out = frame.copy()
    hidden = () if tampil.pribadi else columns.PERSONAL_DATA
    hidden += () if tampil.nama else (columns.NAME,)
    for column in out.columns:
        kind = columns.personal_class(column)
        if kind in hidden:
            out[column] = out[column].map(_MASKERS[kind])
    return out


def is_personal(column: str | None) -> bool:
    """Whether a column holds NIK, phone or birth date (its catalogue class)."""
    return column is not None and columns.personal_class(column) in columns.PERSONAL_DATA


def is_name(column: str | None) -> bool:
    """Whether a column names KPPS members (its catalogue class)."""
    return column is not None and columns.personal_class(column) == columns.NAME


def reveals(frame: pd.DataFrame, tampil: Tampil) -> bool:
    """Whether the frame, shown to `tampil`, carries names or personal data unmasked: such a
    download goes into the audit log. A list of check results (`kolom`, `nilai`) reveals what
    its values of personal or name columns hold (issue 12)."""
    if (tampil.nama and name_columns(frame)) or (tampil.pribadi and personal_columns(frame)):
        return True
    if {"kolom", "nilai"} <= set(frame.columns):
        quoted = frame.loc[frame["nilai"].notna(), "kolom"]
        return any(
            (tampil.pribadi and is_personal(c)) or (tampil.nama and is_name(c)) for c in quoted
        )
    return False


def mask_value(column: str | None, value: str | None, tampil: Tampil = BAWAAN) -> str | None:
    """A value quoted in a check's message, masked when its column holds personal data (a
    birth date too: contract §4) or a name the viewer may not see."""
    if value is None or column is None:
        return value
    kind = columns.personal_class(column)
    if kind == columns.NAME:
        return value if tampil.nama else mask_name(value)
    if kind is None or tampil.pribadi:
        return value
    if kind == columns.BIRTH:
        return MASK * len(value)
    return _MASKERS[kind](value)


# "kolom nik: NIK bukan 16 digit (tertulis "35270…")": a check's reason as the rejects file
# carries it, with the value quoted.
_REASON = re.compile(r'kolom (?P<kolom>[a-z_]+): (?P<pesan>.*?) \(tertulis "(?P<nilai>.*?)"\)')


def masked_rows(
    columns: Sequence[str | None], rows: Sequence[Sequence[object]], tampil: Tampil
) -> list[tuple[object, ...]]:
    """Rows of an uploaded file (rejected rows, issue 12) masked for `tampil`: `columns` says
    which contract column each cell holds (None: not one; "alasan": the checks' reasons, whose
    quoted values are masked by the column they name)."""

    def reason(text: str) -> str:
        def one(m: re.Match[str]) -> str:
            shown = mask_value(m["kolom"], m["nilai"], tampil)
            return f'kolom {m["kolom"]}: {m["pesan"]} (tertulis "{shown}")'

        return _REASON.sub(one, text)

    out = []
    for row in rows:
        cells: list[object] = []
        for column, value in zip(columns, row, strict=False):
            if isinstance(value, str) and column == "alasan":
                value = reason(value)
            elif isinstance(value, str) and column:
                value = mask_value(column, value, tampil)
            cells.append(value)
        out.append(tuple(cells))
    return out
