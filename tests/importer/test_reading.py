"""Files that are awkward but right read cleanly: title rows, sheets, Excel dates and numbers,
encodings, separators, blank lines, names instead of codes."""

from __future__ import annotations

import codecs
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from kesiapan.importer import upload_reader
from kesiapan.importer import writing as import_writing
from kesiapan.store.dataset import Dataset
from tests.importer.conftest import ROSTER, messages


def _ppk_workbook(path: Path) -> None:
    """A PPK's roster as it arrives: a title, a second sheet of instructions, names instead of
    codes, dates three ways, NIKs with an apostrophe and spaces, empty formatted rows."""
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "Petunjuk"
    notes.append(["Isi satu baris per anggota; jangan ubah judul kolom."])
    sheet = book.create_sheet("Daftar KPPS")
    sheet.append(["DAFTAR ANGGOTA KPPS PEMILU 2024"])
    sheet.append(["PPK Torjun dan Sampang"])
    sheet.append([])
    sheet.append(
        ["No.", "NIK", "Nama Lengkap", "Jenis Kelamin", "Tgl. Lahir", "Kec.", "Desa/Kel",
         "TPS", "Jabatan", "Keterangan", None, None]
    )  # fmt: skip
    sheet.append([1, "'3527021505910007", "Hendra Wijaya", "Laki-laki", datetime(1991, 5, 15),
                  "Torjun", "Torjun", "TPS 002", "Ketua KPPS", None])  # fmt: skip
    sheet.append([2, "3527 0262 0893 0008", "Dewi Lestari", "P", 34203, "TORJUN", "Ds. Torjun",
                  2, "Anggota", None])  # fmt: skip
    sheet.append([3, " 3527020907870009 ", "Joko Susilo", "l", "09-07-1987", "Kec. Torjun",
                  "torjun", "002", "KPPS 3", None])  # fmt: skip
    sheet.append([4, "3527036404900013", "Rina Marlina", "P", "24/04/1990", "Sampang",
                  "Kel. Rongtengah", "1", "anggota", "pengganti"])  # fmt: skip
    for _ in range(3):
        sheet.append([None] * 12)
    sheet["L20"].number_format = "@"  # formatted but empty cells far below and to the right
    book.save(path)


def test_a_ppk_workbook_with_names_and_quirks_reads_clean(base: Path, tmp_path: Path, prepared):
    path = tmp_path / "Daftar KPPS PPK Torjun.xlsx"
    _ppk_workbook(path)
    preview = prepared(base, path, mode="perbarui")
    # No errors; the sheet has no phone numbers and no SK dates: the stored ones are kept.
    assert messages(preview) == []
    (report,) = preview.files
    assert (report.table, report.sheet, report.header_row) == ("kpps", "Daftar KPPS", 4)
    assert report.sheets == ("Petunjuk", "Daftar KPPS")
    assert report.derived == {"kode_tps": "nomor_tps"}
    assert report.unused == ["No."]
    assert (report.rows_read, report.rows_rejected) == (4, 0)
    assert report.about == (
        "2 TPS di desa/kelurahan Rongtengah dan Torjun, kecamatan Sampang dan Torjun"
    )
    # Four new members (contract §5: the six stored ones stay; nothing is removed).
    assert (report.added, report.removed, report.changed) == (4, 0, 0)
    rows = preview.sample_rows(0)
    assert [r["baris"] for r in rows] == [5, 6, 7, 8]
    assert [r["kode_tps"] for r in rows] == ["3527022001002"] * 3 + ["3527031001001"]
    # Excel's day number 34203 is 22 August 1993; text dates stay text for the store to read.
    assert [r["tanggal_lahir"] for r in rows] == [
        "1991-05-15",
        "1993-08-22",
        "09-07-1987",
        "24/04/1990",
    ]

    import_writing.commit(preview, drop_errors=False, who="Uji")
    dataset = Dataset.open(base, precomputed=False)
    assert dataset.errors == []
    kpps = dataset._con.execute(
        "select nik, tanggal_lahir, jenis_kelamin, jabatan from kpps order by _baris"
    ).fetchall()
    assert kpps[-4:] == [
        ("3527021505910007", date(1991, 5, 15), "L", "ketua"),
        ("3527026208930008", date(1993, 8, 22), "P", "anggota"),
        ("3527020907870009", date(1987, 7, 9), "L", "anggota"),
        ("3527036404900013", date(1990, 4, 24), "P", "anggota"),
    ]


def test_the_table_is_found_by_its_columns_when_the_name_says_nothing(base, write, prepared):
    roster = write("export_20240110.csv", ROSTER)
    attendance = write("data.csv", "kode_sesi;nik;hadir\nBT-352702-01;3527021203800001;Ya\n")
    preview = prepared(base, roster, attendance)
    assert [f.table for f in preview.files] == ["kpps", "bimtek_hadir"]
    assert preview.errors == []


SPELLINGS = ["Ya", "ya ", "✓", "1", "v", "Hadir", "TRUE", "y", "Tidak Hadir", "t", "0", "-"]


def test_every_attendance_spelling_of_the_contract_is_read(base, write, prepared):
    rows = "".join(f"BT-352702-01,3527021203800001,{s}\n" for s in SPELLINGS)
    preview = prepared(base, write("daftar_hadir.csv", "Kode Sesi,NIK,Kehadiran\n" + rows))
    assert preview.errors == []
    assert preview.files[0].rows_read == len(SPELLINGS)


ROWS = [
    ["nik", "nama", "jenis_kelamin", "tanggal_lahir", "kode_tps", "jabatan"],
    ["3527021505910007", "Ma’ruf Café", "L", "1991-05-15", "3527022001002", "ketua"],
    ["3527026208930008", "Dewi “Ani” Lestari", "P", "1993-08-22", "3527022001002", "anggota"],
]


@pytest.mark.parametrize(
    ("encoding", "separator", "newline", "bom"),
    [
        ("utf-8", ",", "\n", b""),
        ("utf-8", ";", "\r\n", codecs.BOM_UTF8),
        ("cp1252", ";", "\r\n", b""),
        ("utf-16-le", "\t", "\r\n", codecs.BOM_UTF16_LE),
    ],
    ids=["utf8", "utf8-bom-titik-koma", "windows-1252", "utf16-tab"],
)
def test_encodings_and_separators(base, write, prepared, encoding, separator, newline, bom):
    text = newline.join(separator.join(row) for row in ROWS) + newline
    path = write("kpps.csv", bom + text.encode(encoding))
    preview = prepared(base, path)
    assert preview.errors == []
    names = [r["nama"] for r in preview.sample_rows(0)]
    assert names == ["Ma’ruf Café", "Dewi “Ani” Lestari"]


def test_blank_lines_and_quoted_line_breaks_keep_the_file_row_numbers(
    base, write, prepared, monkeypatch
):
    text = (
        "Rekap supervisi Bimtek\r\n"
        "\r\n"
        "tanggal,pengawas,lembaga,kode_kecamatan,temuan\r\n"
        '2024-01-25,Budi Santoso,KPU Kabupaten Sampang,35.27.02,"baris satu\r\n'
        "\r\n"
        'baris tiga"\r\n'
        "\r\n"
        "\r\n"
        "31/01/2024x,Siti,KPU Kabupaten Sampang,35.27.02,\r\n"
    )
    expected = [
        "galat: supervisi.csv, baris 7, kolom tanggal: tanggal tidak dapat dibaca; tulis "
        'sebagai YYYY-MM-DD atau DD/MM/YYYY (tertulis "31/01/2024x")'
    ]
    path = write("supervisi.csv", text)
    assert [f"galat: {p}" for p in prepared(base, path).errors] == expected
    # The same, streamed in chunks of a few bytes: blank lines and quotes split anywhere.
    for size in (1, 2, 3, 5, 7, 11):
        monkeypatch.setattr(upload_reader, "CHUNK_BYTES", size)
        preview = prepared(base, path)
        assert [f"galat: {p}" for p in preview.errors] == expected, size
        assert preview.sample_rows(0)[0]["temuan"] == "baris satu\r\n\r\nbaris tiga"


def test_a_large_csv_goes_through_duckdb_in_chunks(base, write, prepared, monkeypatch):
    """The national roster's path (DuckDB reads the file; Python only streams it through) at a
    small scale: 20 000 members of 2 000 new TPS, some blank lines, one bad date."""
    monkeypatch.setattr(upload_reader, "CHUNK_BYTES", 4096)
    tps = ["kode_tps,kode_desa,nomor_tps"]
    tps += [f"3527022001{n:03d},35.27.02.2001,{n}" for n in range(1, 1000)]
    lines = ["nik,nama,jenis_kelamin,tanggal_lahir,kode_tps,jabatan"]
    for n in range(20_000):
        tps_code = f"3527022001{n % 999 + 1:03d}"
        lines.append(f"35270215059{n:05d},Anggota {n},L,1991-05-15,{tps_code},anggota")
        if n % 5000 == 4999:
            lines.append("")
    lines[12_345] = lines[12_345].replace("1991-05-15", "1991-15-05")
    preview = prepared(
        base, write("tps.csv", "\n".join(tps) + "\n"), write("kpps.csv", "\n".join(lines) + "\n")
    )
    kpps = preview.files[1]
    assert (kpps.rows_read, kpps.rows_rejected) == (20_000, 1)
    assert [str(p) for p in preview.errors] == [
        "kpps.csv, baris 12346, kolom tanggal_lahir: tanggal tidak dapat dibaca; tulis sebagai "
        'YYYY-MM-DD atau DD/MM/YYYY (tertulis "1991-15-05")'
    ]


def test_a_parquet_file_is_read_as_text(base, tmp_path: Path, prepared) -> None:
    """Codes written as numbers by some other tool still come in as the text they were."""
    import duckdb

    path = tmp_path / "tps.parquet"
    duckdb.execute(
        "copy (select * from read_csv($src, all_varchar = true) union all select "
        "'3527022002002', '35.27.02.2002', '2', '150', null) to $dst (format parquet)",
        {"src": str(base / "tps.csv"), "dst": str(path)},
    )
    preview = prepared(base, path)
    assert messages(preview) == []
    (report,) = preview.files
    assert (report.table, report.description, report.rows_read, report.added) == (
        "tps",
        "Parquet",
        8,
        1,
    )
    assert preview.sample_rows(0)[0]["kode_tps"] == "3527022001001"
