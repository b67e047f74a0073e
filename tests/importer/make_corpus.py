"""Write tests/importer/corpus/: files with the mistakes people really make, one per file.

The files are imported against `corpus/_dasar/` (a small valid dataset: kabupaten Sampang with
kecamatan Torjun, Sampang and Kedungdung, plus a fictional kecamatan Kedungdung in Bangkalan so
that a kecamatan name is ambiguous; desa Kara exists in Torjun and in Sampang). What each file
gets wrong and the exact messages expected are in `cases.py`. Run from the repository root:

    .venv/bin/python tests/importer/make_corpus.py
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl

OUT = Path(__file__).resolve().parent / "corpus"

# A roster the way SIAKBA exports it, and three new members for TPS 002 of desa Torjun.
HEADER = ["NIK", "Nama Lengkap", "L/P", "Tgl Lahir", "No HP", "Kode TPS", "Jabatan", "Tgl SK"]
R1 = ["3527021505910007", "Hendra Wijaya", "L", "1991-05-15", "081231000007", "3527022001002",
      "KPPS 1", "2024-01-10"]  # fmt: skip
R2 = ["3527026208930008", "Dewi Lestari", "P", "1993-08-22", "081231000008", "3527022001002",
      "KPPS 2", "2024-01-10"]  # fmt: skip
R3 = ["3527020907870009", "Joko Susilo", "L", "1987-07-09", "", "3527022001002", "KPPS 3",
      "2024-01-10"]  # fmt: skip
# The same three, placed by name: kecamatan, desa, TPS number (a PPK's own sheet).
PLACES = ["NIK", "Nama", "Jenis Kelamin", "Tanggal Lahir", "Kecamatan", "Desa/Kelurahan",
          "No TPS", "Jabatan"]  # fmt: skip
P1 = ["3527021505910007", "Hendra Wijaya", "L", "15/05/1991", "Torjun", "Torjun", "2", "Ketua"]
P2 = ["3527026208930008", "Dewi Lestari", "P", "22/08/1993", "Torjun", "Torjun", "002", "Anggota"]
P3 = ["3527020907870009", "Joko Susilo", "L", "09/07/1987", "Torjun", "Torjun", "TPS 2", "Anggota"]
SESI = "kode_sesi,kode_kecamatan,tanggal,tempat,kapasitas\n"
SESI_ADA = (
    "BT-352702-01,35.27.02,2024-01-25,Aula Kantor Kecamatan Torjun,60\n"
    "BT-352703-01,35.27.03,2024-01-26,Pendopo Kecamatan Sampang,80\n"
)
TPS = "kode_tps,kode_desa,nomor_tps,jumlah_dpt,kebutuhan_kpps\n"
TPS_ADA = (
    "3527022001001,35.27.02.2001,1,280,\n"
    "3527022001002,35.27.02.2001,2,265,\n"
    "3527022002001,35.27.02.2002,1,250,3\n"
    "3527031001001,35.27.03.1001,1,300,\n"
    "3527032002001,35.27.03.2002,1,240,\n"
    "3527062001001,35.27.06.2001,1,210,\n"
    "3526022001001,35.26.02.2001,1,200,\n"
)
HADIR = "Kode Sesi,NIK,Kehadiran,Nilai Pre Test,Nilai Post Test\n"
# A member of kecamatan Kedungdung (a name two kabupaten share), one aged 16 on voting day,
# and a fourth member for TPS 001 of desa Kara (three seats).
KEDUNGDUNG = ["3527061505910011", "Rudi Hartono", "L", "15/05/1991", "Kedungdung", "Bajrasokah",
              "1", "Ketua"]  # fmt: skip
UMUR_16 = ["3527020101080010", "Rizky Pratama", "L", "2008-01-01", "", "3527022001002", "KPPS 4",
           "2024-01-10"]  # fmt: skip
KEEMPAT = ["3527024103940012", "Lina Marlina", "P", "1994-03-01", "", "3527022002001", "KPPS 4",
           "2024-01-10"]  # fmt: skip


def csv_text(rows: list[list[str]], sep: str = ",") -> str:
    return "".join(sep.join(row) + "\n" for row in rows)


def replaced(row: list[str], index: int, value: str) -> list[str]:
    out = list(row)
    out[index] = value
    return out


def workbook(sheets: dict[str, list[list[object]]]) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        book = openpyxl.Workbook()
        book.remove(book.active)
        for title, rows in sheets.items():
            sheet = book.create_sheet(title)
            for row in rows:
                sheet.append(row)
        book.save(path)

    return write


def text(content: str, encoding: str = "utf-8") -> Callable[[Path], None]:
    return lambda path: path.write_bytes(content.encode(encoding))


def raw(content: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(content)


def numeric_nik_workbook(path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "KPPS"
    sheet.append(HEADER)
    sheet.append(R1)
    sheet.append([int(R2[0]), *R2[1:]])  # typed into a General cell: an Excel number
    book.save(path)


def footer_workbook(path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "KPPS"
    sheet.append(["DAFTAR NAMA ANGGOTA KPPS"])
    sheet.append(["PPK TORJUN - PEMILU 2024"])
    sheet.append([])
    sheet.append(HEADER)
    sheet.append(R1)
    sheet.append(R2)
    sheet.append([])
    sheet.append(["Torjun, 10 Januari 2024"])
    book.save(path)


FILES: dict[str, Callable[[Path], None]] = {
    # -- the file as a whole --------------------------------------------------------------------
    "kpps_excel_lama.xls": raw(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)),
    "daftar_hadir_kosong.csv": raw(b""),
    "rekap_kpps_dua_lembar.xlsx": workbook(
        {
            "Torjun": [HEADER, R1, R2],
            "Sampang": [HEADER, replaced(R3, 5, "3527031001001")],
        }
    ),
    "kpps_lembar_salah.xlsx": workbook({"Sheet1": [HEADER, R1]}),
    "laporan.csv": text("id,name,gender,birth_date\n1,Hendra Wijaya,M,1991-05-15\n"),
    "kpps_tanpa_jabatan.csv": text(csv_text([HEADER[:6], R1[:6]])),
    "kpps_tanpa_data.csv": text(csv_text([HEADER])),
    "kpps_tanpa_nomor_tps.csv": text(
        csv_text(
            [["NIK", "Nama", "L/P", "Tgl Lahir", "Desa", "Jabatan"], [*P1[:4], "Torjun", "Ketua"]]
        )
    ),
    "kpps_csv_bernama_xlsx.xlsx": text(csv_text([HEADER, R1])),
    # -- NIK -------------------------------------------------------------------------------------
    "kpps_nik_15_digit.csv": text(csv_text([HEADER, R1, replaced(R2, 0, "352702620893008")])),
    "kpps_nik_notasi_ilmiah.csv": text(
        csv_text([HEADER, *[replaced(r, 0, "3,52702E+15") for r in (R1, R2)]], sep=";")
    ),
    "kpps_nik_angka_excel.xlsx": numeric_nik_workbook,
    "kpps_nik_huruf_o.csv": text(csv_text([HEADER, replaced(R1, 0, "35270215O5910007")])),
    "kpps_nik_desimal.csv": text(csv_text([HEADER, replaced(R1, 0, "3527021505910007.0")])),
    "kpps_nik_dua_kolom.csv": text(
        csv_text([["NIK", "No. KTP", *HEADER[1:]], [R1[0], R1[0], *R1[1:]]])
    ),
    # -- values ----------------------------------------------------------------------------------
    "kpps_jenis_kelamin_lk_pr.csv": text(
        csv_text([HEADER, replaced(R1, 2, "LK"), replaced(R2, 2, "PR")])
    ),
    "kpps_tanggal_mustahil.csv": text(csv_text([HEADER, replaced(R1, 3, "31/02/1991"), R2])),
    "kpps_tanggal_format_amerika.csv": text(csv_text([HEADER, replaced(R1, 3, "05/15/1991")])),
    "kpps_tanggal_nama_bulan.csv": text(csv_text([HEADER, replaced(R1, 3, "15 Mei 1991")])),
    "kpps_tanggal_titik.csv": text(csv_text([HEADER, replaced(R1, 3, "15.05.1991")])),
    "kpps_jabatan_sekretaris.csv": text(csv_text([HEADER, R1, R2, replaced(R3, 6, "Sekretaris")])),
    "kpps_jabatan_kpps8.csv": text(csv_text([HEADER, R1, replaced(R2, 6, "KPPS 8")])),
    "kpps_tps_tidak_ada.csv": text(csv_text([HEADER, R1, R2, replaced(R3, 5, "3527022001009")])),
    "kpps_kode_tps_notasi_ilmiah.csv": text(
        csv_text([HEADER, replaced(R1, 5, "3,52702E+12")], sep=";")
    ),
    "kpps_formula_na.xlsx": workbook({"KPPS": [HEADER, R1, replaced(R2, 5, "#N/A")]}),
    "kpps_koma_dalam_nama.csv": text(csv_text([HEADER, R1, replaced(R3, 1, "Joko Susilo, S.Pd.")])),
    "kpps_kaki_tanda_tangan.xlsx": footer_workbook,
    # -- places by name --------------------------------------------------------------------------
    "kpps_nama_desa_salah_ketik.csv": text(csv_text([PLACES, P1, replaced(P2, 5, "Karah")])),
    "kpps_nama_kecamatan_salah.csv": text(csv_text([PLACES, replaced(P1, 4, "Torjung"), P2])),
    "kpps_desa_ambigu.csv": text(
        csv_text(
            [
                [h for h in PLACES if h != "Kecamatan"],
                [
                    "3527021505910007",
                    "Hendra Wijaya",
                    "L",
                    "15/05/1991",
                    "Ds. Torjun",
                    "2",
                    "Ketua",
                ],
                ["3527026208930008", "Dewi Lestari", "P", "22/08/1993", "Kara", "1", "Anggota"],
            ]
        )
    ),
    "kpps_kecamatan_ambigu.csv": text(csv_text([PLACES, KEDUNGDUNG])),
    "kpps_nomor_tps_huruf.csv": text(csv_text([PLACES, P1, replaced(P2, 6, "1A")])),
    "kpps_nomor_tps_tidak_ada.csv": text(csv_text([PLACES, P1, replaced(P2, 6, "5")])),
    # -- encodings and layout --------------------------------------------------------------------
    "kpps_windows1252.csv": text(
        csv_text([HEADER, replaced(R3, 1, "Ma’ruf Amin"), replaced(R1, 6, "Anggota – cadangan")]),
        encoding="cp1252",
    ),
    "kpps_baris_kosong.csv": raw(
        b"\xef\xbb\xbf"
        + csv_text([HEADER, R1]).replace(",", ";").encode()
        + b"\n\n"
        + csv_text([replaced(R2, 3, "1993-02-30")]).replace(",", ";").encode()
    ),
    "kpps_teks_unicode.txt": raw(
        "\ufeff".encode("utf-16-le")
        + csv_text([HEADER, R1, replaced(R2, 6, "Wakil Ketua")], sep="\t")
        .replace("\n", "\r\n")
        .encode("utf-16-le")
    ),
    "supervisi_catatan_multibaris.csv": text(
        "tanggal,pengawas,lembaga,kode_kecamatan,kode_desa,kode_sesi,temuan,tindak_lanjut\n"
        '2024-01-25,Budi Santoso,KPU Kabupaten Sampang,35.27.02,,BT-352702-01,"Peserta hadir 58.\n'
        'Praktik pengisian formulir belum tuntas.\n\nPerlu sesi tambahan.",\n'
        "26-01-2024,Siti Nurhayati,KPU Kabupaten Sampang,35.27.03,,BT-352703-01,Tertib.,\n"
        "2024-01-27,Siti Nurhayati,KPU Kabupaten Sampang,35.27.03,,,Kunjungan ke PPS.,\n"
        "27 Jan 2024,Budi Santoso,KPU Kabupaten Sampang,35.27.02,,,Kunjungan ke PPS.,\n"
    ),
    # -- warnings --------------------------------------------------------------------------------
    "kpps_umur_16.csv": text(csv_text([HEADER, R1, UMUR_16])),
    "kpps_nik_tanggal_lahir_beda.csv": text(csv_text([HEADER, replaced(R1, 3, "1991-05-16")])),
    "kpps_dua_ketua.csv": text(csv_text([HEADER, R1, replaced(R2, 6, "Ketua")])),
    "kpps_nik_dua_tps.csv": text(csv_text([HEADER, R1, replaced(R1, 5, "3527022002001")])),
    # -- attendance ------------------------------------------------------------------------------
    "hadir_keterangan_izin.csv": text(
        "Kode Sesi,NIK,Keterangan\n"
        "BT-352702-01,3527021203800001,Hadir\n"
        "BT-352702-01,3527024407850002,Izin\n"
        "BT-352702-01,3527022311900003,Sakit\n"
    ),
    "hadir_kosong.csv": text(
        HADIR + "BT-352702-01,3527021203800001,ya,60,85\nBT-352702-01,3527024407850002,,,\n"
    ),
    "hadir_nilai_150.csv": text(HADIR + "BT-352702-01,3527021203800001,✓,60,150\n"),
    "hadir_sesi_salah_ketik.csv": text(HADIR + "BT-35272-01,3527021203800001,1,60,85\n"),
    "hadir_nik_bukan_kpps.csv": text(HADIR + "BT-352702-01,3527029999990001,ya,,\n"),
    # -- sessions, visits, TPS, areas -----------------------------------------------------------
    "sesi_kode_ganda.csv": text(
        SESI + SESI_ADA + "BT-352702-02,35.27.02,2024-01-27,Aula Kantor Kecamatan Torjun,60\n"
        "BT-352702-02,35.27.02,2024-01-28,Balai Desa Kara,40\n"
    ),
    "sesi_kapasitas_orang.csv": text(
        SESI + SESI_ADA + "BT-352702-02,35.27.02,2024-01-27,Balai Desa Kara,60 orang\n"
    ),
    "sesi_kode_kecamatan_tanpa_nol.csv": text(
        SESI + SESI_ADA + "BT-352702-02,35.27.2,2024-01-27,Balai Desa Kara,60\n"
    ),
    "supervisi_desa_lain_kecamatan.csv": text(
        "Tanggal Kunjungan,Nama Pengawas,Instansi,Kode Kec,Kode Desa,Kode Sesi,Temuan\n"
        "2024-01-25,Budi Santoso,KPU Kabupaten Sampang,35.27.02,35.27.03.1001,,Sudah tertib.\n"
    ),
    "tps_nomor_tidak_cocok.csv": text(TPS + TPS_ADA + "3527022002002,35.27.02.2002,3,150,\n"),
    "tps_kebutuhan_nol.csv": text(TPS + TPS_ADA + "3527022002002,35.27.02.2002,2,150,0\n"),
    "tps_kode_bertitik.csv": text(TPS + TPS_ADA + "3527022002.002,35.27.02.2002,2,150,\n"),
    "wilayah_jenis_singkatan.csv": text(
        (OUT / "_dasar" / "wilayah.csv")
        .read_text(encoding="utf-8")
        .replace(",kelurahan,", ",Kel.,")
    ),
    "kpps_lebih_kursi.csv": text(
        csv_text([HEADER, *[replaced(r, 5, "3527022002001") for r in (R1, R2, R3)], KEEMPAT])
    ),
}


def main() -> None:
    for name, write in FILES.items():
        write(OUT / name)
    print(f"{len(FILES)} berkas ditulis ke {OUT}")


if __name__ == "__main__":
    main()
