"""`python -m kesiapan import | versions | restore` as a person runs them: Indonesian, exit codes,
the problems listed with file, row and column, never a traceback."""

from __future__ import annotations

from pathlib import Path

from tests.importer.conftest import CORPUS, ROSTER, cli


def test_import_with_errors_lists_them_and_saves_nothing(base: Path) -> None:
    result = cli("import", "--data", str(base), str(CORPUS / "kpps_nik_notasi_ilmiah.csv"))
    assert result.returncode == 1
    assert "kpps_nik_notasi_ilmiah.csv: tabel kpps, baris judul 1 (CSV, titik koma, UTF-8)" in (
        result.stdout
    )
    assert "  dibaca 2 baris · diterima 0 · ditolak 2" in result.stdout
    assert (
        "  - kpps_nik_notasi_ilmiah.csv, baris 3, kolom nik: NIK harus 16 digit angka "
        '(tertulis "3,52702E+15")' in result.stderr
    )
    assert result.stderr.rstrip().endswith(
        "Tidak disimpan: 2 baris bergalat: perbaiki berkasnya, atau buang baris-baris itu "
        "(disimpan di berkas tolakan).\n"
        "Jalankan lagi dengan --drop-errors untuk membuang baris-baris itu."
    )
    assert "[100%] Selesai" in result.stderr  # progress on the way
    assert "Traceback" not in result.stderr
    assert not (base / "versions").exists()


def test_import_drop_errors_versions_and_restore(base: Path, tmp_path: Path) -> None:
    roster = tmp_path / "Daftar KPPS Torjun.csv"
    roster.write_text(ROSTER + "352702150591000,Salah Ketik,L,1991-05-15,,3527022001002,KPPS 3,\n")
    result = cli(
        "import", "--data", str(base), str(roster), "--mode", "perbarui", "--drop-errors",
        "--who", "Siti Nurhayati",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-2:] == [
        "Tersimpan: versi 0002 sekarang aktif (sebelumnya 0001).",
        f"Baris yang dibuang disimpan di {base}/rejects/0002-Daftar_KPPS_Torjun-ditolak.xlsx",
    ]
    assert "  jika disimpan: 2 baris baru · 0 diperbarui · 0 tetap sama" in result.stdout

    listing = cli("versions", "--data", str(base))
    assert listing.returncode == 0
    lines = listing.stdout.splitlines()
    assert lines[0] == f"Versi dataset {base} (* = aktif):"
    assert lines[1].startswith("* 0002  ")
    assert lines[1].endswith(
        "oleh Siti Nurhayati  Daftar KPPS Torjun.csv → KPPS: 2 diterima, 1 ditolak "
        "(tambah dan perbarui)"
    )
    assert lines[2].startswith("  0001  ")
    assert lines[2].endswith("versi awal: berkas yang sudah ada di folder")

    back = cli("restore", "--data", str(base), "1", "--who", "Siti Nurhayati")
    assert (back.returncode, back.stdout) == (0, "Versi 0001 aktif lagi (sebelumnya 0002).\n")
    again = cli("restore", "--data", str(base), "0001")
    assert (again.returncode, again.stderr) == (1, "kesalahan: versi 0001 sudah aktif\n")
    unknown = cli("restore", "--data", str(base), "7")
    assert unknown.returncode == 1
    assert unknown.stderr == "kesalahan: versi 0007 tidak ada; versi yang ada: 0001, 0002\n"


def test_sheet_table_and_plain_folder_messages(base: Path, tmp_path: Path) -> None:
    import openpyxl

    two_tables = openpyxl.Workbook()
    two_tables.active.append(["NIK", "Nama", "L/P", "Tgl Lahir", "Kode TPS", "Jabatan"])
    two_tables.create_sheet("Jadwal").append(["kode_sesi", "kode_kecamatan", "tanggal"])
    two_tables.save(tmp_path / "kiriman.xlsx")
    asked = cli("import", "--data", str(base), str(tmp_path / "kiriman.xlsx"))
    assert asked.returncode == 1
    assert "Pilih lembarnya dengan --sheet NAMA." in asked.stderr
    workbook = str(CORPUS / "rekap_kpps_dua_lembar.xlsx")
    both = cli("import", "--data", str(base), workbook)  # one sheet per kecamatan
    assert both.returncode == 0, both.stderr
    assert (
        "rekap_kpps_dua_lembar.xlsx: tabel kpps, lembar Torjun dan Sampang, dibaca sebagai satu "
        "tabel, baris judul 1"
    ) in both.stdout
    chosen = cli("import", "--data", str(base), workbook, "--sheet", "Sampang", "--table", "kpps")
    assert chosen.returncode == 0, chosen.stderr
    assert "rekap_kpps_dua_lembar.xlsx: tabel kpps, lembar 'Sampang', baris judul 1" in (
        chosen.stdout
    )

    plain = base.parent / "biasa"
    plain.mkdir()
    listing = cli("versions", "--data", str(plain))
    assert listing.stdout == f"Folder {plain} belum punya versi: belum pernah diimpor.\n"
    missing = cli("import", "--data", str(base), str(base / "tidak-ada.csv"))
    assert missing.returncode == 2
    assert missing.stderr == f"kesalahan: berkas tidak ditemukan: {base / 'tidak-ada.csv'}\n"
    wrong = cli("import", "--data", str(base), workbook, "--mode", "tambah")
    assert wrong.returncode == 2
    assert (
        "argumen --mode: pilihan tidak dikenal: 'tambah' (pilih dari 'perbarui', 'ganti-bagian', "
        "'ganti')"
    ) in wrong.stderr
