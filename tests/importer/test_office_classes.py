"""The files offices really have (issue 11), one class each, on small workbooks made here:
Excel date cells in any number format under HARI/TANGGAL and TGL, a combined TEMPAT, TGL LAHIR,
a SIAKBA roster export, a supervision log with its own headers and a blank desa, the spellings
of places (P. Mandangin, Ds., Kel., Desa), an old spelling refused with the real name, and an
ambiguous desa settled by the operator's own area. Figures worked out by hand from the corpus
base (tests/importer/corpus/_dasar) or the bundled sample."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook

from kesiapan.importer import writing as import_writing
from kesiapan.store.dataset import Dataset
from tests.importer.conftest import messages, tree


def _rows(folder: Path, sql: str) -> list[tuple]:
    return Dataset.open(folder, precomputed=False)._con.execute(sql).fetchall()


def test_excel_date_cells_in_any_number_format(base: Path, tmp_path: Path, prepared) -> None:
    """A jadwal whose TGL column is Excel dates shown four ways (Indonesian long date, day
    first, a plain number, General with a time), and one typed as text with its weekday."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Jadwal"
    sheet.append(["JADWAL BIMTEK KPPS KABUPATEN SAMPANG"])
    sheet.append(["KODE SESI", "KODE KEC", "TGL", "TEMPAT"])
    formats = ["[$-421]dddd, dd mmmm yyyy", "dd/mm/yyyy", "0", "General"]
    days = [datetime(2024, 1, 27), datetime(2024, 1, 28), datetime(2024, 1, 29),
            datetime(2024, 1, 30, 8, 30)]  # fmt: skip
    for number, (fmt, day) in enumerate(zip(formats, days, strict=True), start=2):
        sheet.append([f"BT-352702-{number:02d}", "35.27.02", day, f"Balai Desa {number}"])
        sheet.cell(sheet.max_row, 3).number_format = fmt
    sheet.append(["BT-352702-06", "35.27.02", "Rabu, 31 Januari 2024", "Balai Desa 6"])
    path = tmp_path / "jadwal.xlsx"
    book.save(path)
    preview = prepared(base, path)
    assert messages(preview) == []
    assert preview.files[0].table == "bimtek_sesi"
    assert preview.files[0].added == 5
    import_writing.commit(preview, drop_errors=False, who="KPU Sampang")
    assert _rows(base, "select kode_sesi, tanggal from bimtek_sesi where tempat like 'Balai%'") == [
        ("BT-352702-02", date(2024, 1, 27)),
        ("BT-352702-03", date(2024, 1, 28)),
        ("BT-352702-04", date(2024, 1, 29)),
        ("BT-352702-05", date(2024, 1, 30)),
        ("BT-352702-06", date(2024, 1, 31)),
    ]


def test_a_combined_place_and_birth_date_column(base: Path, write, prepared) -> None:
    path = write(
        "kpps_torjun.csv",
        "NIK;NAMA;LK/PR;TEMPAT, TGL LAHIR;KODE TPS;JABATAN\n"
        "3527021505910007;Hendra Wijaya;LK;SAMPANG, 15-05-1991;3527022001002;KPPS 1\n"
        "3527026208930008;Dewi Lestari;PR;Torjun, 22 Agustus 1993;3527022001002;KPPS 2\n"
        "3527020907870009;Joko Susilo;Laki-laki;Sampang, 9/7/1987;3527022001002;KPPS 3\n"
        "3527024103940012;Lina Marlina;Perempuan;Sampang;3527022001002;KPPS 4\n",
    )
    preview = prepared(base, path)
    assert [str(p) for p in preview.errors] == [
        "kpps_torjun.csv, baris 5, kolom tanggal_lahir: tanggal tidak dapat dibaca; tulis "
        'sebagai YYYY-MM-DD atau DD/MM/YYYY (tertulis "Sampang")'
    ]
    import_writing.commit(preview, drop_errors=True, who="PPS Torjun")
    assert _rows(
        base,
        "select nik, jenis_kelamin, tanggal_lahir from kpps where kode_tps = '3527022001002' "
        "order by nik",
    ) == [
        ("3527020907870009", "L", date(1987, 7, 9)),
        ("3527021505910007", "L", date(1991, 5, 15)),
        ("3527026208930008", "P", date(1993, 8, 22)),
    ]


SIAKBA = [
    "NO", "NIK", "NAMA", "JENIS KELAMIN", "TEMPAT LAHIR", "TANGGAL LAHIR", "USIA", "ALAMAT",
    "PROVINSI", "KABUPATEN/KOTA", "KECAMATAN", "KELURAHAN/DESA", "NO TPS", "JABATAN", "NO. HP",
    "EMAIL", "PENDIDIKAN TERAKHIR", "PEKERJAAN",
]  # fmt: skip


def test_a_siakba_roster_export(base: Path, tmp_path: Path, prepared) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Data KPPS"
    sheet.append(SIAKBA)
    sheet.append([1, "3527021505910007", "HENDRA WIJAYA", "Laki-laki", "SAMPANG",
                  datetime(1991, 5, 15), 32, "Dsn. Tengah", "JAWA TIMUR", "KABUPATEN SAMPANG",
                  "TORJUN", "TORJUN", "002", "KETUA KPPS", "081231000007", "hw@contoh.id", "SMA",
                  "Wiraswasta"])  # fmt: skip
    sheet.append([2, "3527026208930008", "DEWI LESTARI", "Perempuan", "SAMPANG",
                  datetime(1993, 8, 22), 30, "Dsn. Barat", "JAWA TIMUR", "KABUPATEN SAMPANG",
                  "TORJUN", "TORJUN", "002", "ANGGOTA KPPS", "081231000008", "", "S1",
                  "Guru"])  # fmt: skip
    path = tmp_path / "export_siakba.xlsx"
    book.save(path)
    preview = prepared(base, path)
    (report,) = preview.files
    assert messages(preview) == []
    assert report.table == "kpps"
    assert report.derived == {"kode_tps": "nomor_tps"}
    assert report.unused == [
        "NO", "TEMPAT LAHIR", "USIA", "ALAMAT", "PROVINSI", "EMAIL", "PENDIDIKAN TERAKHIR",
        "PEKERJAAN",
    ]  # fmt: skip
    import_writing.commit(preview, drop_errors=False, who="KPU Sampang")
    assert _rows(
        base, "select nama, jabatan, no_hp from kpps where kode_tps = '3527022001002' order by 1"
    ) == [
        ("DEWI LESTARI", "anggota", "081231000008"),
        ("HENDRA WIJAYA", "ketua", "081231000007"),
    ]


def test_a_supervision_log_with_its_own_headers_and_a_blank_desa(
    base: Path, tmp_path: Path, prepared
) -> None:
    """NAMA PETUGAS, INSTANSI, HARI/TANGGAL, KECAMATAN, DESA, SESI, HASIL SUPERVISI,
    REKOMENDASI; a visit to the kecamatan office names no desa."""
    book = Workbook()
    sheet = book.active
    sheet.append(["LAPORAN SUPERVISI BIMTEK KPPS"])
    sheet.append([])
    sheet.append(["NO", "HARI/TANGGAL", "NAMA PETUGAS", "INSTANSI", "KECAMATAN", "DESA", "SESI",
                  "HASIL SUPERVISI", "REKOMENDASI"])  # fmt: skip
    sheet.append([1, "Kamis, 25 Januari 2024", "Dra. Umi Kulsum", "KPU Kabupaten Sampang",
                  "Torjun", None, "BT-352702-01", "Peserta lengkap", None])  # fmt: skip
    sheet.append([2, datetime(2024, 1, 26), "Dra. Umi Kulsum", "KPU Kabupaten Sampang",
                  "Sampang", "Kel. Rongtengah", None, "Formulir C belum dibagikan",
                  "PPS membagikan sebelum Bimtek"])  # fmt: skip
    path = tmp_path / "monitoring.xlsx"
    book.save(path)
    preview = prepared(base, path)
    (report,) = preview.files
    assert messages(preview) == []
    assert report.table == "supervisi"
    assert report.about == "2 kunjungan, 25–26 Januari 2024"
    import_writing.commit(preview, drop_errors=False, who="KPU Sampang")
    assert _rows(
        base,
        "select tanggal, pengawas, lembaga, kode_kecamatan, kode_desa, kode_sesi, temuan, "
        "tindak_lanjut from supervisi where pengawas like 'Dra.%' order by tanggal",
    ) == [
        (date(2024, 1, 25), "Dra. Umi Kulsum", "KPU Kabupaten Sampang", "35.27.02", None,
         "BT-352702-01", "Peserta lengkap", None),
        (date(2024, 1, 26), "Dra. Umi Kulsum", "KPU Kabupaten Sampang", "35.27.03",
         "35.27.03.1001", None, "Formulir C belum dibagikan", "PPS membagikan sebelum Bimtek"),
    ]  # fmt: skip


def test_island_and_prefixed_place_names(sample_dir: Path, write, prepared) -> None:
    """The sample's desa P. Mandangin (kecamatan Sampang) as offices write it, and an old
    spelling refused with the real name suggested."""
    lines = [
        "TANGGAL,PENGAWAS,LEMBAGA,KECAMATAN,DESA",
        "2024-01-27,Ahmad,KPU Kabupaten Sampang,Kec. Sampang,PULAU MANDANGIN",
        "2024-01-27,Ahmad,KPU Kabupaten Sampang,SAMPANG,P. Mandangin",
        "2024-01-27,Ahmad,KPU Kabupaten Sampang,Sampang,Ds. P.Mandangin",
        "2024-01-27,Ahmad,KPU Kabupaten Sampang,Sampang,Desa Pulau Mandangin",
        "2024-01-27,Ahmad,KPU Kabupaten Sampang,Sampang,Pulau Mandingin",
    ]
    before = tree(sample_dir)
    preview = prepared(sample_dir, write("supervisi.csv", "\n".join(lines) + "\n"))
    assert [str(p) for p in preview.errors] == [
        "supervisi.csv, baris 6, kolom desa: nama desa/kelurahan tidak dikenal di kecamatan "
        "Sampang; mungkin maksudnya 'P. Mandangin'? (tertulis \"Pulau Mandingin\")"
    ]
    codes = [r["kode_desa"] for r in preview.sample_rows(0)]
    assert codes == ["35.27.03.2001"] * 4 + [None]
    assert tree(sample_dir) == before


def test_an_ambiguous_desa_is_settled_by_the_operators_area(base: Path, write, prepared):
    """Kara is a desa of Torjun and of Sampang: a roster naming only the desa is refused for
    an account of the whole kabupaten, and read as Torjun's Kara for Torjun's operator."""
    path = write(
        "kpps_kara.csv",
        "NIK,NAMA,L/P,TGL LAHIR,DESA,NO TPS,JABATAN\n"
        "3527024103940012,Lina Marlina,P,01/03/1994,Ds. Kara,1,Anggota\n",
    )
    preview = prepared(base, path, scope=("35.27",))
    assert [str(p) for p in preview.errors] == [
        "kpps_kara.csv, baris 2, kolom desa: nama desa/kelurahan ambigu: ada di 2 tempat "
        '(kecamatan Sampang, Torjun); tambahkan kolom kecamatan (tertulis "Ds. Kara")'
    ]
    preview = prepared(base, path, scope=("35.27.02",))
    assert messages(preview) == []
    assert preview.sample_rows(0)[0]["kode_tps"] == "3527022002001"
    import_writing.commit(preview, drop_errors=False, who="Operator Torjun")
    assert _rows(base, "select kode_tps from kpps where nik = '3527024103940012'") == [
        ("3527022002001",)
    ]
