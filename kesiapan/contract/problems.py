"""Errors and warnings about a dataset, worded for the people who fix the files (Indonesian)."""

from __future__ import annotations

from dataclasses import dataclass, field

ERROR = "galat"
WARNING = "peringatan"


@dataclass(frozen=True)
class Problem:
    tingkat: str
    berkas: str
    baris: int | None
    kolom: str | None
    nilai: str | None
    pesan: str
    # The area of the row (its desa, or its kecamatan when that is all it names), so that a
    # view limited to an area scope lists only its own rows' problems; None for a problem
    # without a row or a row that cannot be placed. Not part of a problem's identity.
    kode_wilayah: str | None = field(default=None, compare=False)

    @property
    def is_error(self) -> bool:
        return self.tingkat == ERROR

    def __str__(self) -> str:
        where = [self.berkas]
        if self.baris is not None:
            where.append(f"baris {self.baris}")
        if self.kolom:
            where.append(f"kolom {self.kolom}")
        text = f"{', '.join(where)}: {self.pesan}"
        if self.nilai is not None:
            text += f' (tertulis "{self.nilai}")'
        return text


class DatasetError(Exception):
    """A dataset that cannot be used at all: the folder is missing or holds no tables."""
