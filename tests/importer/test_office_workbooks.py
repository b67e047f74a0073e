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


def _roster_sheet(sheet, rows, titles=("DAFTAR ANGGOTA KPPS PEMILU 2024", "KECAMATAN TORJUN")):
    """A PPS roster: title rows (two: the header over rows 4–5), a header over two rows
    (PENEMPATAN merged over DESA and TPS, the other headers merged down), a column-number row,
    a signature block."""
    for title in titles:
        sheet.append([title])
    sheet.append([])
    top = len(titles) + 2
    sheet.append(["NO", "NAMA", "NIK", "L/P", "TGL LAHIR", "PENEMPATAN", None, "JABATAN"])
    sheet.append([None, None, None, None, None, "DESA", "TPS", None])
    for column in "ABCDEH":
        sheet.merge_cells(f"{column}{top}:{column}{top + 1}")
    sheet.merge_cells(f"F{top}:G{top}")
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


RONGTENGAH_TPS1 = [
    ("Rina Marlina", "3527036404900013", "PR", "24-04-1990", "RONGTENGAH", "1", "KPPS 2")
]


def test_one_sheet_per_desa_is_read_as_one_table(base: Path, tmp_path: Path, prepared) -> None:
    """A PPK's workbook: instructions, one sheet per desa (each with its own title, two-row
    header, column numbers and signature), and a REKAP sheet repeating every row."""
    workbook = Workbook()
    notes = workbook.active
    notes.title = "Petunjuk"
    notes.append(["Isi satu lembar per desa; jangan ubah judul kolom."])
    _roster_sheet(workbook.create_sheet("Torjun"), TORJUN_TPS2)
    # One more title row than the sheet before: its header is a row lower; its second member
    # has an impossible birth date.
    _roster_sheet(
        workbook.create_sheet("Rongtengah"),
        [*RONGTENGAH_TPS1, ("Nur Hasanah", "3527035102920014", "PR", "31-02-1992", "RONGTENGAH",
                            "1", "KPPS 3")],
        ("DAFTAR ANGGOTA KPPS PEMILU 2024", "KECAMATAN SAMPANG", "KELURAHAN RONGTENGAH"),
    )  # fmt: skip
    _roster_sheet(workbook.create_sheet("REKAP"), TORJUN_TPS2 + RONGTENGAH_TPS1)
    path = tmp_path / "kpps_ppk.xlsx"
    workbook.save(path)

    preview = prepared(base, path)
    (report,) = preview.files
    assert report.sheets_used == ("Torjun", "Rongtengah")
    assert report.sheets_skipped == [
        ("Petunjuk", "tidak berisi tabel yang dikenali"),
        ("REKAP", "lembar rekap, bukan daftar"),
    ]
    assert (report.table, report.header_row, report.rows_read, report.rows_rejected) == (
        "kpps",
        5,
        4,
        1,
    )
    # The rows of each sheet keep the numbers that sheet shows.
    assert [str(p) for p in preview.errors] == [
        "kpps_ppk.xlsx (lembar Rongtengah), baris 9, kolom tanggal_lahir: tanggal tidak dapat "
        'dibaca; tulis sebagai YYYY-MM-DD atau DD/MM/YYYY (tertulis "31-02-1992")',
    ]
    assert [(r["lembar"], r["baris"], r["nik"]) for r in preview.sample_rows(0)] == [
        ("Torjun", 7, "3527021505910007"),
        ("Torjun", 8, "3527026208930008"),
        ("Rongtengah", 8, "3527036404900013"),
        ("Rongtengah", 9, "3527035102920014"),
    ]
    assert "lembar Rongtengah: baris 7 berisi nomor kolom (1), (2), … dan dilewati" in (
        report.readings
    )
    headers, rows = preview.rejects_table(0)
    assert headers[:3] == ["lembar", "baris", "NO"]
    assert [r[:2] for r in rows] == [("Rongtengah", 9)]
    assert (report.added, report.changed, report.unchanged) == (3, 0, 0)

    importer.commit(preview, drop_errors=True, who="PPK Torjun")
    members = _members(base)
    assert len(members) == 9  # six in the base, three added; the REKAP counted nobody twice
    assert members["3527036404900013"] == ("3527031001001", "anggota")
