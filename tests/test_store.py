"""The store: every table read as text then typed, and the §3 checks naming file, row, column."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pytest

from kesiapan.contract.problems import ERROR, WARNING, DatasetError, Problem
from kesiapan.store.dataset import Dataset


def _replace(folder: Path, table: str, old: str, new: str) -> None:
    path = folder / f"{table}.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _messages(dataset: Dataset) -> list[str]:
    return [f"{p.tingkat}: {p}" for p in dataset.problems]


def test_valid_dataset_has_no_problems_and_keeps_codes_as_text(small: Path) -> None:
    dataset = Dataset.open(small)
    assert dataset.problems == []
    tps = dataset.query("tps_status")
    assert tps["kode_tps"].tolist() == ["3527022001001", "3527022002001"]
    # Blank kebutuhan_kpps means 7; the second TPS asks for 2.
    assert tps["kebutuhan_kpps"].tolist() == [7, 2]
    assert dataset.default_as_of == date(2024, 1, 26)
    assert dataset.first_date == date(2024, 1, 24)


def test_nik_of_fifteen_digits_is_an_error_naming_file_row_and_column(small: Path) -> None:
    _replace(small, "kpps", "3527020303880001", "352702030388000")
    dataset = Dataset.open(small)
    assert dataset.errors == [
        Problem(ERROR, "kpps.csv", 4, "nik", "352702030388000", "NIK harus 16 digit angka")
    ]
    assert str(dataset.errors[0]) == (
        'kpps.csv, baris 4, kolom nik: NIK harus 16 digit angka (tertulis "352702030388000")'
    )
    # The row's area (its TPS's desa) rides along for scoped views; it is not part of equality.
    assert dataset.errors[0].kode_wilayah == "35.27.02.2002"


@pytest.mark.parametrize(
    ("table", "old", "new", "expected"),
    [
        (
            "kpps",
            "1990-01-01",
            "31/02/1990",
            (
                "kpps.csv, baris 2, kolom tanggal_lahir: tanggal tidak dapat dibaca; "
                'tulis sebagai YYYY-MM-DD atau DD/MM/YYYY (tertulis "31/02/1990")'
            ),
        ),
        (
            "kpps",
            ",KPPS 2,",
            ",wakil ketua,",
            (
                "kpps.csv, baris 4, kolom jabatan: jabatan tidak dikenal; pakai ketua/anggota "
                'atau KPPS 1 (ketua) sampai KPPS 7 (tertulis "wakil ketua")'
            ),
        ),
        (
            "bimtek_hadir",
            ",tidak,",
            ",absen,",
            (
                "bimtek_hadir.csv, baris 3, kolom hadir: nilai kehadiran tidak dikenal; pakai "
                'ya/tidak, hadir/tidak hadir, y/t, 1/0 atau true/false (tertulis "absen")'
            ),
        ),
        (
            "kpps",
            "3527022002001,KPPS 2",
            "3527022009001,KPPS 2",
            (
                "kpps.csv, baris 4, kolom kode_tps: kode tidak dikenal: tidak ada TPS di tabel "
                'tps (tertulis "3527022009001")'
            ),
        ),
        (
            "tps",
            "3527022002001,35.27.02.2002,1,240,2\n",
            "3527022002001,35.27.02.2002,1,240,2\n3527022001001,35.27.02.2001,1,250,\n",
            (
                "tps.csv, baris 4, kolom kode_tps: kode_tps ganda: sudah dipakai di baris "
                'sebelumnya (tertulis "3527022001001")'
            ),
        ),
        (
            "tps",
            "35.27.02.2002,1,240,2",
            "35.27.02.2002,2,240,2",
            (
                "tps.csv, baris 3, kolom nomor_tps: nomor_tps tidak sama dengan 3 digit terakhir "
                'kode_tps (tertulis "2")'
            ),
        ),
        (
            "tps",
            ",240,2",
            ",240,0",
            'tps.csv, baris 3, kolom kebutuhan_kpps: di luar batas (paling kecil 1) (tertulis "0")',
        ),
        (
            "supervisi",
            "35.27.02,,BT-352702-01",
            "35.27.02,35.27.03.1001,BT-352702-01",
            (
                "supervisi.csv, baris 2, kolom kode_desa: kode tidak dikenal: tidak ada "
                'desa/kelurahan di wilayah (tertulis "35.27.03.1001")'
            ),
        ),
        (
            "kpps",
            "Moh. Hasan,L,",
            "Moh. Hasan,,",
            "kpps.csv, baris 2, kolom jenis_kelamin: wajib diisi",
        ),
    ],
)
def test_bad_values_are_errors_in_indonesian(
    small: Path, table: str, old: str, new: str, expected: str
) -> None:
    _replace(small, table, old, new)
    errors = [str(p) for p in Dataset.open(small).errors]
    assert errors == [expected]


def test_missing_column_and_missing_file(small: Path) -> None:
    (small / "supervisi.csv").unlink()
    _replace(small, "tps", "kode_tps,kode_desa,nomor_tps", "kode_tps,desa,nomor_tps")
    dataset = Dataset.open(small)
    messages = [str(p) for p in dataset.errors]
    assert messages[:2] == [
        "tps.csv, baris 1, kolom kode_desa: kolom wajib 'kode_desa' tidak ditemukan di baris judul",
        "supervisi.csv: berkas tabel supervisi tidak ada (CSV, XLSX atau Parquet) di folder data",
    ]
    # Neither names a data row (the header is row 1), so neither has an area.
    assert [p.kode_wilayah for p in dataset.errors[:2]] == [None, None]
    # Queries still run on what is there: the TPS cannot be placed, so no TPS is in scope.
    assert dataset.query("ringkasan_kecamatan")["tps"].tolist() == [0]


def test_headers_match_aliases_case_and_spaces(small: Path) -> None:
    _replace(
        small,
        "kpps",
        "nik,nama,jenis_kelamin,tanggal_lahir",
        " NIK ,Nama Lengkap,L/P,Tgl Lahir",
    )
    assert Dataset.open(small).problems == []


def test_semicolon_csv_with_bom(small: Path) -> None:
    text = (small / "kpps.csv").read_text(encoding="utf-8").replace(",", ";")
    (small / "kpps.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    dataset = Dataset.open(small)
    assert dataset.problems == []
    assert dataset.query("ringkasan_kabupaten")["kpps_aktif"].tolist() == [3]


def test_xlsx_with_text_and_numeric_nik(small: Path) -> None:
    lines = [line.split(",") for line in (small / "kpps.csv").read_text().splitlines()]
    (small / "kpps.csv").unlink()
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(lines[0])
    for number, line in enumerate(lines[1:]):
        row: list[object] = [value or None for value in line]
        row[3] = date.fromisoformat(line[3])  # a real Excel date
        if number == 2:
            row[0] = int(line[0])  # typed as a number: Excel keeps 15 significant digits
        sheet.append(row)
    sheet.append([None] * len(lines[0]))  # a formatted but empty trailing row
    workbook.save(small / "kpps.xlsx")

    dataset = Dataset.open(small)
    assert [str(p) for p in dataset.problems] == [
        "kpps.xlsx, baris 4, kolom nik: NIK tersimpan sebagai angka Excel: Excel hanya menyimpan "
        "15 digit, digit ke-16 bisa hilang; simpan kolom NIK sebagai teks"
    ]
    assert dataset.problems[0].tingkat == WARNING
    assert dataset.sources["kpps"].rows == 3
    untrained = dataset.query("kpps_belum_bimtek")
    assert untrained["nik"].tolist() == ["3527024202950001", "3527020303880001"]


def test_parquet_table(small: Path) -> None:
    duckdb.execute(
        "copy (select * from read_csv($src, all_varchar = true)) to $dst (format parquet)",
        {"src": str(small / "tps.csv"), "dst": str(small / "tps.parquet")},
    )
    (small / "tps.csv").unlink()
    dataset = Dataset.open(small)
    assert dataset.problems == []
    assert dataset.query("tps_status")["kebutuhan_kpps"].tolist() == [7, 2]


def test_warnings_of_contract_section_3(small: Path) -> None:
    kpps = small / "kpps.csv"
    kpps.write_text(
        kpps.read_text()
        # Birth date in the NIK (01-01-90) disagrees with tanggal_lahir; and over 55 in 2024.
        + "3527020101900002,Sulaiman,L,1960-05-05,,3527022001001,anggota,2024-01-24,,\n"
        # Same NIK as Moh. Hasan, active in another TPS at the same time; a second ketua there.
        + "3527020101900001,Moh. Hasan,L,1990-01-01,,3527022002001,ketua,2024-01-24,,\n",
        encoding="utf-8",
    )
    hadir = small / "bimtek_hadir.csv"
    hadir.write_text(hadir.read_text() + "BT-352702-01,3527029999990001,ya,,\n", encoding="utf-8")
    dataset = Dataset.open(small)
    assert dataset.errors == []
    assert [str(p) for p in dataset.warnings] == [
        "kpps.csv, baris 6, kolom nik: NIK yang sama aktif di dua TPS pada waktu yang sama "
        '(tertulis "3527020101900001")',
        # A TPS-level warning points at the TPS's first member row.
        "kpps.csv, baris 3, kolom kode_tps: TPS ini punya lebih banyak KPPS aktif daripada "
        'kebutuhan kursinya (per tanggal data) (tertulis "3527022002001")',
        "kpps.csv, baris 3, kolom jabatan: TPS ini punya dua ketua aktif (per tanggal data) "
        '(tertulis "3527022002001")',
        "kpps.csv, baris 5, kolom nik: tanggal lahir atau jenis kelamin di NIK (digit 7–12, "
        "tanggal + 40 untuk perempuan) tidak cocok dengan tanggal_lahir/jenis_kelamin "
        '(tertulis "3527020101900002")',
        "kpps.csv, baris 5, kolom tanggal_lahir: umur pada hari pemungutan suara di atas 55 "
        'tahun (batas yang disarankan) (tertulis "1960-05-05")',
        "bimtek_hadir.csv, baris 4, kolom nik: NIK tidak ada di daftar KPPS "
        '(tertulis "3527029999990001")',
    ]


def test_unknown_folder_and_unknown_query(small: Path) -> None:
    with pytest.raises(DatasetError, match="Folder data tidak ditemukan"):
        Dataset.open(small / "tidak-ada")
    with pytest.raises(KeyError):
        Dataset.open(small).query("../../etc/passwd")
