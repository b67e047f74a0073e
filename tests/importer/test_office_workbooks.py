"""Workbooks as offices make them (contract §3 and §5): a header over two rows with merged
cells, one sheet per desa with a REKAP sheet, a daftar hadir whose session is only in its
title or given by date and venue. Made with openpyxl, with real merged cells; every figure
afterwards worked out by hand from the corpus base (tests/importer/corpus/_dasar)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from kesiapan import importer
from kesiapan.store import Dataset
from tests.importer.conftest import messages

# Two members for TPS 002 of desa Torjun (empty in the base) and one for TPS 001 of Kara.
TORJUN_TPS2 = [
    ("Hendra Wijaya", "3527021505910007", "LK", "15-05-1991", "TORJUN", "2", "KPPS 1"),
    ("Dewi Lestari", "3527026208930008", "PR", "22-08-1993", "TORJUN", "2", "KPPS 2"),
]
KARA_TPS1 = [("Rudi Hartono", "3527021006900009", "LK", "10-06-1990", "KARA", "1", "KPPS 3")]


def _roster_sheet(sheet, rows) -> None:
    """A PPS roster: two title rows, a header over rows 4–5 (PENEMPATAN merged over DESA and
    TPS, the other headers merged down), a column-number row, a signature block."""
    sheet.append(["DAFTAR ANGGOTA KPPS PEMILU 2024"])
    sheet.append(["KECAMATAN TORJUN"])
    sheet.append([])
    sheet.append(["NO", "NAMA", "NIK", "L/P", "TGL LAHIR", "PENEMPATAN", None, "JABATAN"])
    sheet.append([None, None, None, None, None, "DESA", "TPS", None])
    for column in "ABCDEH":
        sheet.merge_cells(f"{column}4:{column}5")
    sheet.merge_cells("F4:G4")
    sheet.append([f"({i})" for i in range(1, 9)])
    for number, row in enumerate(rows, start=1):
        sheet.append([number, *row])
    sheet.append([])
    sheet.append([None, "Torjun, 24 Januari 2024"])
    sheet.append([None, "Ketua PPS"])


def _members(folder: Path) -> dict[str, tuple[str, str]]:
    con = Dataset.open(folder, precomputed=False)._con
    rows = con.execute("select nik, kode_tps, jabatan from kpps").fetchall()
    return {nik: (tps, jabatan) for nik, tps, jabatan in rows}


def test_a_header_over_two_rows_with_merged_cells(base: Path, tmp_path: Path, prepared) -> None:
    workbook = Workbook()
    _roster_sheet(workbook.active, TORJUN_TPS2)
    path = tmp_path / "kpps_torjun.xlsx"
    workbook.save(path)
    preview = prepared(base, path)
    (report,) = preview.files
    assert report.table == "kpps"
    assert report.header_row == 5
    assert messages(preview) == []
    assert (
        "judul kolom tersusun dua baris (baris 4–5) dan dibaca bersama: 'PENEMPATAN' di atas "
        "'DESA', 'TPS'"
    ) in report.readings
    assert report.rows_read == 2
    assert (report.added, report.changed, report.unchanged) == (2, 0, 0)
    importer.commit(preview, drop_errors=False, who="PPS Torjun")
    members = _members(base)
    assert len(members) == 8  # six in the base, two added
    assert members["3527021505910007"] == ("3527022001002", "ketua")
    assert members["3527026208930008"] == ("3527022001002", "anggota")
