"""Contract §3's new errors, and every refusal: each names file, row and column in Indonesian,
shows no traceback, and leaves the dataset byte for byte as it was."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kesiapan.importer import core as importer
from kesiapan.importer import writing as import_writing
from tests.importer.conftest import cli, messages, tree

# A new member of TPS 002 of desa Torjun, and Moh. Hasan (stored in TPS 001, SK 10 January).
HENDRA = "3527021505910007,Hendra Wijaya,L,1991-05-15,3527022001002,KPPS 1,2024-01-10"
HASAN = "3527021203800001,Moh. Hasan,L,1980-03-12,3527022001001,ketua,"
ROSTER_HEADER = "nik,nama,jenis_kelamin,tanggal_lahir,kode_tps,jabatan,tanggal_sk"


def test_the_same_nik_twice_among_the_active_rows_of_one_tps(base: Path, write, prepared):
    """A row pasted twice, and a stored member listed again without his SK date: both would
    count one person twice in a TPS."""
    path = write("kpps_tps.csv", "\n".join([ROSTER_HEADER, HENDRA, HENDRA, HASAN]) + "\n")
    before = tree(base)
    preview = prepared(base, path)
    duplicate = (
        "NIK yang sama tercatat dua kali sebagai KPPS aktif di TPS yang sama (baris ganda); "
        "hapus salah satunya"
    )
    assert [str(p) for p in preview.errors] == [
        f'kpps_tps.csv, baris 3, kolom nik: {duplicate} (tertulis "3527021505910007")',
        f'kpps_tps.csv, baris 4, kolom nik: {duplicate} (tertulis "3527021203800001")',
    ]
    (report,) = preview.files
    assert (report.rows_read, report.rows_rejected, report.added) == (3, 2, 1)
    with pytest.raises(importer.ImportRefused, match="2 baris bergalat"):
        import_writing.commit(preview, drop_errors=False, who="Uji")
    assert tree(base) == before


def test_an_attendance_file_most_of_whose_niks_match_nobody(base: Path, write, prepared):
    """Excel kept 15 digits of each NIK: the 16th became 0, so nobody is found."""
    rows = ["3527021203800000", "3527024407850000", "3527022311900000", "3527031505880006"]
    path = write(
        "hadir_bt01.csv",
        "kode_sesi,nik,hadir\n" + "".join(f"BT-352702-01,{nik},ya\n" for nik in rows),
    )
    before = tree(base)
    preview = prepared(base, path)
    assert [str(p) for p in preview.blocking] == [
        "hadir_bt01.csv, baris 1, kolom nik: 3 dari 4 NIK di berkas ini tidak ada di daftar "
        "KPPS: hampir pasti NIK-nya rusak (disimpan sebagai angka Excel, digit ke-16 hilang) "
        "atau berkasnya salah; tidak ada yang disimpan dari berkas ini. Simpan kolom NIK "
        "sebagai teks lalu unggah lagi"
    ]
    assert preview.refusal(drop_errors=True) == (
        "1 galat tidak dapat diatasi dengan membuang baris: perbaiki berkasnya lalu unggah lagi"
    )
    with pytest.raises(importer.ImportRefused):
        import_writing.commit(preview, drop_errors=True, who="Uji")
    assert tree(base) == before
    # Two unknown NIKs of four are only warned about, row by row.
    path = write("hadir_bt01.csv", "kode_sesi,nik,hadir\n" + "".join(
        f"BT-352702-01,{nik},ya\n" for nik in [*rows[:2], "3527021203800001", rows[3]]
    ))  # fmt: skip
    preview = prepared(base, path)
    assert preview.blocking == []
    assert [p.pesan for p in preview.warnings] == ["NIK tidak ada di daftar KPPS"] * 2


def test_an_empty_box_where_the_stored_roll_call_says_present_is_warned(
    base: Path, write, prepared
) -> None:
    """Moh. Hasan is stored present in BT-352702-01; a form sent back with his box empty
    would untrain him: the preview says so on his row (it is still what the file says)."""
    path = write(
        "daftar_hadir.csv",
        "KODE SESI;NIK;HADIR\nBT-352702-01;3527021203800001;\nBT-352702-01;3527024407850002;\n",
    )
    preview = prepared(base, path)
    assert messages(preview) == [
        "peringatan: daftar_hadir.csv, baris 2, kolom hadir: tanda kehadiran kosong dibaca tidak "
        "hadir, padahal tersimpan hadir di sesi ini; bila daftarnya belum selesai diisi, "
        "lengkapi dulu"
    ]
    assert preview.files[0].changed_columns == {"hadir": 1}


def _refusals(base: Path, write: Callable[..., Path]) -> dict[str, tuple[list[str], str]]:
    """name → (command-line arguments after `import --data BASE`, words of the refusal)."""
    bad_date = HENDRA.replace("1991-05-15", "1991-15-05")
    roster = write("kpps_x.csv", f"{ROSTER_HEADER}\n{bad_date}\n")
    attendance = write("hadir.csv", "kode_sesi,nik,hadir\nBT-352702-01,3527021203800001,ya\n")
    form = write("kpps_gform.csv", "Timestamp,Email Address,NIK\n1,a@b.c,1\n")
    no_session = write(
        "daftar hadir.csv", "DAFTAR HADIR BIMTEK 1 Maret 2024\nNIK,HADIR\n3527021203800001,ya\n"
    )
    return {
        "baris bergalat": ([str(roster)], "1 baris bergalat"),
        "penghapusan tanpa konfirmasi": (
            [str(attendance), "--mode", "ganti-bagian"],
            "konfirmasi penghapusannya",
        ),
        "bukan tabel": ([str(form)], "tidak ada berkas yang dapat dimuat"),
        "sesi tidak ada": ([str(no_session)], "tidak ada berkas yang dapat dimuat"),
    }


@pytest.mark.parametrize(
    "name",
    ["baris bergalat", "penghapusan tanpa konfirmasi", "bukan tabel", "sesi tidak ada"],
)
def test_every_refusal_leaves_the_dataset_as_it_was(name: str, base: Path, write) -> None:
    arguments, words = _refusals(base, write)[name]
    before = tree(base)
    result = cli("import", "--data", str(base), *arguments)
    assert result.returncode == 1
    assert words in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert tree(base) == before
