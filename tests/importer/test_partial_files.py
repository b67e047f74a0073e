"""Contract §5 on the bundled sample: one session's daftar hadir, as a PPK operator sends it,
changes that session and nothing else, by default and with --mode perbarui; replacing the
session removes exactly the row it no longer lists, and only once that is confirmed."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from kesiapan.importer import core as importer
from kesiapan.importer import writing as import_writing
from kesiapan.outputs.report import report_table
from kesiapan.store.dataset import Dataset
from tests.conftest import SAMPLE
from tests.importer.conftest import cli, tree

SESSION = "BT-352702-03"  # Torjun, 26 Januari 2024, Balai Desa Patapan
TORJUN = "35.27.02"


def _attendance() -> list[dict[str, str]]:
    with (SAMPLE / "bimtek_hadir.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _trained_niks(folder: Path) -> set[str]:
    dataset = Dataset.open(folder, precomputed=False)
    return {
        nik
        for (nik,) in dataset._con.execute(
            "select distinct nik from bimtek_hadir where hadir"
        ).fetchall()
    }


def _two_absent_untrained(rows: list[dict[str, str]]) -> list[str]:
    """Two NIKs marked absent in the session and present in no session at all: marking them
    present trains exactly two more of Torjun's members."""
    trained = {r["nik"] for r in rows if r["hadir"].lower() == "ya"}
    absent = [r["nik"] for r in rows if r["kode_sesi"] == SESSION and r["hadir"] == "tidak"]
    chosen = [nik for nik in absent if nik not in trained][:2]
    assert len(chosen) == 2
    return chosen


def _daftar_hadir(path: Path, rows: list[dict[str, str]], present: set[str]) -> Path:
    """The session's roll call as a PPK types it: its own headers, ticks for present."""
    lines = ["KODE SESI;NIK;KEHADIRAN;PRE TEST;POST TEST"]
    for r in rows:
        mark = "ya" if r["nik"] in present or r["hadir"] == "ya" else "tidak"
        lines.append(";".join([r["kode_sesi"], r["nik"], mark, r["nilai_pre"], r["nilai_post"]]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _by_kecamatan(folder: Path) -> pd.DataFrame:
    frame = report_table(Dataset.open(folder), "kecamatan")
    return frame.set_index("kode_kecamatan")


@pytest.fixture
def session_file(sample_dir: Path, tmp_path: Path) -> tuple[Path, list[str]]:
    rows = _attendance()
    flipped = _two_absent_untrained(rows)
    own = [r for r in rows if r["kode_sesi"] == SESSION]
    return _daftar_hadir(tmp_path / "hadir BT-352702-03.csv", own, set(flipped)), flipped


def _assert_only_the_session_changed(folder: Path, before: pd.DataFrame, flipped: list[str]):
    after = _by_kecamatan(folder)
    others = before.index != TORJUN
    pd.testing.assert_frame_equal(after[others], before[others])
    # Torjun: the same members, two more of them trained; nothing else about it moved.
    assert after.loc[TORJUN, "kpps_terlatih"] == before.loc[TORJUN, "kpps_terlatih"] + 2
    for column in ("tps", "kpps_aktif", "kursi_kosong", "sesi_bimtek", "kunjungan_supervisi"):
        assert after.loc[TORJUN, column] == before.loc[TORJUN, column]
    assert set(flipped) <= _trained_niks(folder)


def test_one_session_by_default_changes_only_that_session(sample_dir, session_file, prepared):
    path, flipped = session_file
    before = _by_kecamatan(sample_dir)
    stored = _attendance()
    preview = prepared(sample_dir, path)
    (report,) = preview.files
    assert report.table == "bimtek_hadir"
    assert report.about == f"sesi {SESSION} (Torjun, 26 Januari 2024)"
    own = sum(r["kode_sesi"] == SESSION for r in stored)
    assert (report.added, report.changed, report.unchanged, report.removed) == (0, 2, own - 2, 0)
    assert report.changed_columns == {"hadir": 2}
    import_writing.commit(preview, drop_errors=False, who="Operator Torjun")
    _assert_only_the_session_changed(sample_dir, before, flipped)
    # Every other session's roll call is as it was, row for row.
    dataset = Dataset.open(sample_dir, precomputed=False)
    kept = dataset._con.execute(
        "select count(*) from bimtek_hadir where kode_sesi <> $s", {"s": SESSION}
    ).fetchall()[0][0]
    assert kept == sum(r["kode_sesi"] != SESSION for r in stored)


def test_the_same_with_mode_perbarui_on_the_command_line(sample_dir, session_file) -> None:
    path, flipped = session_file
    before = _by_kecamatan(sample_dir)
    result = cli("import", "--data", str(sample_dir), str(path), "--mode", "perbarui")
    assert result.returncode == 0, result.stderr
    assert f"berkas ini tentang: sesi {SESSION} (Torjun, 26 Januari 2024)" in result.stdout
    assert "akan dihapus" not in result.stdout
    _assert_only_the_session_changed(sample_dir, before, flipped)


def test_replacing_the_session_lists_the_one_row_and_waits_for_the_confirmation(
    sample_dir: Path, tmp_path: Path, prepared
) -> None:
    rows = [r for r in _attendance() if r["kode_sesi"] == SESSION]
    gone = rows[3]
    path = _daftar_hadir(tmp_path / "hadir.csv", rows[:3] + rows[4:], set())
    before = tree(sample_dir)

    preview = prepared(sample_dir, path, mode="ganti-bagian")
    assert preview.rows_removed == 1
    removed = preview.removal_frame("bimtek_hadir")
    assert removed[["kode_sesi", "nik"]].values.tolist() == [[SESSION, gone["nik"]]]
    assert preview.refusal(drop_errors=False) == (
        "impor ini akan menghapus 1 baris kehadiran Bimtek dari data sekarang; periksa "
        "daftarnya, lalu konfirmasi penghapusannya"
    )
    with pytest.raises(importer.ImportRefused):
        import_writing.commit(preview, drop_errors=False, who="Operator Torjun")
    assert tree(sample_dir) == before

    # The command line says the same, lists the row (NIK masked for nobody: the server's own
    # user), exits 1 and writes nothing.
    refused = cli("import", "--data", str(sample_dir), str(path), "--mode", "ganti-bagian")
    assert refused.returncode == 1
    assert "PERHATIAN: 1 baris bimtek_hadir yang tersimpan akan DIHAPUS:" in refused.stderr
    assert f"  {SESSION} · {gone['nik']} ·" in refused.stderr
    assert "jalankan lagi dengan --konfirmasi-hapus" in refused.stderr
    assert tree(sample_dir) == before

    done = cli(
        "import", "--data", str(sample_dir), str(path), "--mode", "ganti-bagian",
        "--konfirmasi-hapus",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    dataset = Dataset.open(sample_dir, precomputed=False)
    left = dataset._con.execute(
        "select count(*) from bimtek_hadir where kode_sesi = $s", {"s": SESSION}
    ).fetchall()[0][0]
    assert left == len(rows) - 1
    assert (
        dataset._con.execute(
            "select count(*) from bimtek_hadir where nik = $n and kode_sesi = $s",
            {"n": gone["nik"], "s": SESSION},
        ).fetchall()[0][0]
        == 0
    )


def test_an_operator_may_not_replace_a_whole_table(sample_dir: Path, session_file) -> None:
    from kesiapan.access import accounts as access

    folder = access.akses_folder(sample_dir)
    access.add(folder, "budi", peran="operator", wilayah=[TORJUN], nama="Budi",
              password="sandi-rahasia-2024")  # fmt: skip
    path, _ = session_file
    before = tree(sample_dir)
    result = cli("import", "--data", str(sample_dir), str(path), "--mode", "ganti",
                 "--pengguna", "budi")  # fmt: skip
    assert result.returncode == 2
    assert "--mode ganti (mengganti seluruh tabel) hanya untuk admin" in result.stderr
    assert tree(sample_dir) == before


def test_an_empty_mark_beside_a_name_reads_absent(base: Path, write, prepared) -> None:
    """Contract §3: a daftar hadir with a box left empty beside a listed name."""
    sheet = write(
        "daftar_hadir.csv",
        "KODE SESI;NIK;HADIR\n"
        "BT-352702-01;3527021203800001;✓\n"
        "BT-352702-01;3527024407850002;\n"
        "BT-352702-01;3527022311900003;√\n",
    )
    preview = prepared(base, sheet)
    (report,) = preview.files
    assert preview.errors == []
    assert report.readings == [
        "tanda kehadiran yang kosong di samping nama dibaca tidak hadir (1 baris)"
    ]
    assert [(r["nik"], r["hadir"]) for r in preview.sample_rows(0)] == [
        ("3527021203800001", "✓"),
        ("3527024407850002", "tidak"),
        ("3527022311900003", "√"),
    ]
    # Moh. Hasan (present) and Siti Aminah (absent) are as stored; Abdul Rahman is new.
    assert (report.added, report.changed, report.unchanged) == (1, 0, 2)


def test_a_ppk_workbook_footer_and_column_numbers_are_skipped(
    base: Path, tmp_path: Path, prepared
) -> None:
    """A daftar hadir as PPKs print it: title rows, the header, the "(1) (2) (3)" row under
    it, the roll call, a JUMLAH row, and the signature block with its date line and NIP."""
    import openpyxl

    path = tmp_path / "Daftar Hadir Bimtek Torjun.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Daftar Hadir"
    sheet.append(["DAFTAR HADIR BIMTEK KPPS KECAMATAN TORJUN"])
    sheet.merge_cells("A1:D1")
    sheet.append([])
    sheet.append(["NO", "KODE SESI", "NIK", "HADIR"])  # row 3
    sheet.append(["(1)", "(2)", "(3)", "(4)"])  # row 4
    sheet.append([1, "BT-352702-01", "3527021203800001", "✓"])  # row 5
    sheet.append([2, "BT-352702-01", "3527022311900003", "√"])  # row 6
    sheet.append(["JUMLAH", None, None, 2])  # row 7
    sheet.append([])
    sheet.append([None, None, "Torjun, 25 Januari 2024"])  # row 9
    sheet.append([None, None, "Mengetahui"])  # row 10
    sheet.append([None, None, "Ketua PPK Torjun"])  # row 11
    sheet.append([None, None, "( Moh. Kholil )"])  # row 12
    sheet.append([None, None, "NIP. 19700101 199903 1 001"])  # row 13
    book.save(path)
    preview = prepared(base, path)
    (report,) = preview.files
    assert [str(p) for p in preview.errors] == []
    assert (report.table, report.header_row, report.rows_read) == ("bimtek_hadir", 3, 2)
    assert report.readings == [
        "baris 4 berisi nomor kolom (1), (2), … dan dilewati",
        "baris 7, 9, 10, 11, 12, 13 dibaca sebagai kaki tabel (jumlah, tanggal, tanda tangan) "
        "dan dilewati",
    ]
    assert [(r["baris"], r["nik"]) for r in preview.sample_rows(0)] == [
        (5, "3527021203800001"),
        (6, "3527022311900003"),
    ]


@pytest.mark.parametrize(
    ("header", "what"),
    [
        ("Timestamp,Email Address,Nama,NIK,Apakah Anda puas?", "ekspor Google Form"),
        ("NO,NAMA YANG DIGANTI,NIK,NAMA PENGGANTI,NIK PENGGANTI,ALASAN", "formulir usulan PAW"),
    ],
)
def test_a_file_that_is_no_contract_table_is_refused_as_such(
    header: str, what: str, base: Path, write, prepared
) -> None:
    row = "1,Ahmad,3527021203800001,Budi,3527024407850002,mengundurkan diri"
    preview = prepared(base, write("kpps_kiriman.csv", f"{header}\n{row}\n"))
    (problem,) = preview.errors
    assert (problem.berkas, problem.baris) == ("kpps_kiriman.csv", 1)
    assert problem.pesan.startswith(f"berkas ini tampaknya {what}")
    assert preview.files[0].table is None
    assert preview.refusal(drop_errors=True) == "tidak ada berkas yang dapat dimuat"
