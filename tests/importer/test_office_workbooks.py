"""Workbooks as offices make them (contract §3 and §5): a header over two rows with merged
cells, one sheet per desa with a REKAP sheet, a daftar hadir whose session is only in its
title or given by date and venue. Made with openpyxl, with real merged cells; every figure
afterwards worked out by hand from the corpus base (tests/importer/corpus/_dasar)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from kesiapan.importer import core as importer
from kesiapan.importer import writing as import_writing
from kesiapan.store.dataset import Dataset
from tests.importer.conftest import messages, tree

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
    import_writing.commit(preview, drop_errors=False, who="PPS Torjun")
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

    import_writing.commit(preview, drop_errors=True, who="PPK Torjun")
    members = _members(base)
    assert len(members) == 9  # six in the base, three added; the REKAP counted nobody twice
    assert members["3527036404900013"] == ("3527031001001", "anggota")


def _roll_call(sheet, titles, rows) -> None:
    """A daftar hadir as a PPK prints it: title lines (merged across the table), the header,
    one row per member with a tick or an empty box, the signature block."""
    for title in titles:
        sheet.append([title])
        sheet.merge_cells(f"A{sheet.max_row}:D{sheet.max_row}")
    sheet.append([])
    sheet.append(["NO", "NAMA", "NIK", "TANDA TANGAN"])
    for number, row in enumerate(rows, start=1):
        sheet.append([number, *row])
    sheet.append([])
    sheet.append([None, None, "Ketua PPK"])


TORJUN_ROLL = [
    ("Moh. Hasan", "3527021203800001", "✓"),
    ("Siti Aminah", "3527024407850002", "√"),
    ("Abdul Rahman", "3527022311900003", None),
]


def _attendance(folder: Path) -> list[tuple[str, str, bool]]:
    con = Dataset.open(folder, precomputed=False)._con
    return con.execute("select kode_sesi, nik, hadir from bimtek_hadir order by all").fetchall()


def test_a_session_named_only_in_the_title(base: Path, tmp_path: Path, prepared) -> None:
    workbook = Workbook()
    _roll_call(
        workbook.active,
        [
            "DAFTAR HADIR BIMTEK KPPS PEMILU 2024",
            "KECAMATAN TORJUN",
            "Hari/Tanggal : Kamis, 25 Januari 2024",
            "Tempat : Aula Kantor Kecamatan Torjun",
        ],
        TORJUN_ROLL,
    )
    path = tmp_path / "Daftar Hadir Bimtek.xlsx"
    workbook.save(path)
    preview = prepared(base, path)
    (report,) = preview.files
    assert messages(preview) == []
    assert (report.table, report.header_row, report.rows_read) == ("bimtek_hadir", 6, 3)
    assert report.about == "sesi BT-352702-01 (Torjun, 25 Januari 2024)"
    assert report.readings == [
        "baris 11 dibaca sebagai kaki tabel (jumlah, tanggal, tanda tangan) dan dilewati",
        "kode sesi tidak ada di berkas; sesi dikenali dari judul: BT-352702-01 (Torjun, "
        "25 Januari 2024, Aula Kantor Kecamatan Torjun)",
        "tanda kehadiran yang kosong di samping nama dibaca tidak hadir (1 baris)",
    ]
    # Moh. Hasan present as stored, Siti Aminah now present, Abdul Rahman new and absent.
    assert (report.added, report.changed, report.unchanged) == (1, 1, 1)
    import_writing.commit(preview, drop_errors=False, who="PPK Torjun")
    assert _attendance(base) == [
        ("BT-352702-01", "3527021203800001", True),
        ("BT-352702-01", "3527022311900003", False),
        ("BT-352702-01", "3527024407850002", True),
        ("BT-352703-01", "3527031505880006", True),
    ]


SECOND_SESSION_ON_25 = (
    "kode_sesi,kode_kecamatan,tanggal,tempat,kapasitas\n"
    "BT-352703-02,35.27.03,2024-01-25,Pendopo Kecamatan Sampang,80\n"
)


def test_a_title_date_two_sessions_share_is_refused_naming_them(
    base: Path, tmp_path: Path, write, prepared
) -> None:
    """Two sessions on 25 January (Torjun's, and Sampang's, stored and sent again in the
    schedule alongside): a title with only the date cannot tell them apart; the venue or the
    operator's own area can."""
    with (base / "bimtek_sesi.csv").open("a", encoding="utf-8") as stored:
        stored.write(SECOND_SESSION_ON_25.splitlines()[1] + "\n")
    schedule = write("jadwal_bimtek.csv", SECOND_SESSION_ON_25)
    workbook = Workbook()
    _roll_call(workbook.active, ["DAFTAR HADIR BIMTEK KPPS", "Kamis, 25 Januari 2024"], TORJUN_ROLL)
    path = tmp_path / "daftar hadir.xlsx"
    workbook.save(path)
    before = tree(base)
    preview = prepared(base, schedule, path)
    assert [str(p) for p in preview.errors] == [
        "daftar hadir.xlsx, baris 2, kolom kode_sesi: sesi Bimtek tidak dapat dipastikan: ada 2 "
        "sesi pada 25 Januari 2024 (BT-352702-01 (Torjun, 25 Januari 2024, Aula Kantor Kecamatan "
        "Torjun); BT-352703-02 (Sampang, 25 Januari 2024, Pendopo Kecamatan Sampang)); tambahkan "
        "kolom Kode Sesi atau Tempat"
    ]
    assert preview.refusal(drop_errors=True) is not None
    with pytest.raises(importer.ImportRefused):
        import_writing.commit(preview, drop_errors=True, who="PPK")
    assert tree(base) == before

    # The operator of Torjun means Torjun's session.
    preview = prepared(base, path, scope=("35.27.02",))
    assert preview.errors == []
    assert preview.files[0].about == "sesi BT-352702-01 (Torjun, 25 Januari 2024)"
    # So does a title that names the venue.
    workbook = Workbook()
    _roll_call(workbook.active, ["DAFTAR HADIR", "25/01/2024", "Aula Kec. Torjun"], TORJUN_ROLL)
    workbook.save(path)
    preview = prepared(base, schedule, path)
    assert preview.errors == []
    assert preview.files[1].about == "sesi BT-352702-01 (Torjun, 25 Januari 2024)"


def test_one_sheet_per_session_each_named_by_its_title(base: Path, tmp_path: Path, prepared):
    workbook = Workbook()
    _roll_call(workbook.active, ["DAFTAR HADIR BIMTEK", "Kamis, 25 Januari 2024"], TORJUN_ROLL)
    workbook.active.title = "Torjun"
    _roll_call(
        workbook.create_sheet("Sampang"),
        ["DAFTAR HADIR BIMTEK", "KECAMATAN SAMPANG", "Jumat, 26 Januari 2024"],
        [("Slamet Riyadi", "3527031505880006", "v")],
    )
    path = tmp_path / "absensi bimtek.xlsx"
    workbook.save(path)
    preview = prepared(base, path)
    (report,) = preview.files
    assert messages(preview) == []
    assert report.sheets_used == ("Torjun", "Sampang")
    assert report.about == (
        "sesi BT-352702-01 (Torjun, 25 Januari 2024) dan BT-352703-01 (Sampang, 26 Januari 2024)"
    )
    assert (report.added, report.changed, report.unchanged) == (1, 1, 2)


def test_sessions_given_by_date_and_venue_per_row(base: Path, write, prepared) -> None:
    path = write(
        "rekap_kehadiran.csv",
        "HARI/TANGGAL;TEMPAT;NIK;HADIR\n"
        "Kamis, 25 Januari 2024;Aula Kec. Torjun;3527024407850002;hadir\n"
        "26-01-2024;Pendopo Kecamatan Sampang;3527031505880006;hadir\n"
        "25/01/2024;Balai Desa Patapan;3527022311900003;hadir\n"
        "25/13/2024;Aula Kec. Torjun;3527022311900003;hadir\n",
    )
    before = tree(base)
    preview = prepared(base, path)
    (report,) = preview.files
    assert [str(p) for p in preview.errors] == [
        "rekap_kehadiran.csv, baris 4, kolom tanggal: tidak ada sesi Bimtek pada 25 Januari 2024 "
        "di tempat 'Balai Desa Patapan'; sesi pada tanggal itu: BT-352702-01 (Torjun, 25 Januari "
        '2024, Aula Kantor Kecamatan Torjun) (tertulis "25/01/2024")',
        "rekap_kehadiran.csv, baris 5, kolom tanggal: tanggal sesi tidak dapat dibaca; tulis "
        'sebagai DD/MM/YYYY atau 25 Januari 2024 (tertulis "25/13/2024")',
    ]
    assert (report.rows_read, report.rows_rejected) == (4, 2)
    assert report.about == (
        "sesi BT-352702-01 (Torjun, 25 Januari 2024) dan BT-352703-01 (Sampang, 26 Januari 2024)"
    )
    assert (report.added, report.changed, report.unchanged) == (0, 1, 1)
    assert tree(base) == before
    import_writing.commit(preview, drop_errors=True, who="KPU Sampang")
    assert ("BT-352702-01", "3527024407850002", True) in _attendance(base)
