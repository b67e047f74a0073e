"""What an import does to a dataset: replace or update, one version per commit, the original
kept byte for byte, the record, the rejected rows, several files at once, and the same report
figures as the files it came from."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from kesiapan.importer import core as importer
from kesiapan.importer import writing as import_writing
from kesiapan.store import versions
from kesiapan.store.dataset import Dataset, resolve_folder
from tests.importer.conftest import CORPUS, ROSTER, cli, messages, tree

# Torjun's roster from its PPK: Moh. Hasan stays, Siti Aminah's phone number changed, Abdul
# Rahman is gone, Nur Aini and Ahmad Fauzi stay, and Hendra Wijaya is new (TPS 002).
TORJUN = (
    "nik;nama;jenis_kelamin;tanggal_lahir;no_hp;kode_tps;jabatan;tanggal_sk\n"
    "3527021203800001;Moh. Hasan;L;12/03/1980;081231000001;3527022001001;KPPS 1;10/01/2024\n"
    "3527024407850002;Siti Aminah;P;04/07/1985;081299999999;3527022001001;KPPS 2;10/01/2024\n"
    "3527025502920004;Nur Aini;P;15/02/1992;;3527022002001;ketua;2024-01-10\n"
    "3527020101950005;Ahmad Fauzi;L;01/01/1995;081231000005;3527022002001;anggota;2024-01-10\n"
    "3527021505910007;Hendra Wijaya;L;15/05/1991;;3527022001002;KPPS 1;2024-01-10\n"
)


UNKNOWN_TPS = "kode tidak dikenal: tidak ada TPS di tabel tps"


def _kpps(folder: Path) -> list[tuple]:
    dataset = Dataset.open(folder, precomputed=False)
    assert dataset.errors == []
    return dataset._con.execute(
        "select nik, no_hp, kode_tps, jabatan from kpps order by kode_tps, nik"
    ).fetchall()


def test_update_adds_and_updates_and_removes_nothing(base: Path, write, prepared) -> None:
    """Contract §5: by default a file adds and updates rows by their identity (NIK + TPS + SK
    date) and removes nothing, whatever it leaves out."""
    preview = prepared(base, write("kpps_torjun.csv", TORJUN))
    assert preview.mode == "perbarui"
    assert messages(preview) == []
    (report,) = preview.files
    assert report.about == ("3 TPS di desa/kelurahan Kara dan Torjun, kecamatan Torjun")
    # Values compared once typed (12/03/1980 = 1980-03-12, KPPS 1 = ketua): only Siti Aminah's
    # phone number changed; Hendra Wijaya is new; Abdul Rahman, not in the file, stays.
    assert (report.added, report.changed, report.unchanged, report.removed) == (1, 1, 3, 0)
    assert report.changed_columns == {"no_hp": 1}
    assert preview.refusal(drop_errors=False) is None
    result = import_writing.commit(preview, drop_errors=False, who="Siti")
    assert (result.version, result.previous) == ("0002", "0001")
    assert _kpps(base) == [
        ("3527021203800001", "081231000001", "3527022001001", "ketua"),
        ("3527022311900003", "081231000003", "3527022001001", "anggota"),
        ("3527024407850002", "081299999999", "3527022001001", "anggota"),
        ("3527021505910007", None, "3527022001002", "ketua"),
        ("3527020101950005", "081231000005", "3527022002001", "anggota"),
        ("3527025502920004", None, "3527022002001", "ketua"),
        ("3527031505880006", "081231000006", "3527031001001", "ketua"),
    ]


def test_replacing_the_tps_of_the_file_asks_before_removing(base: Path, write, prepared):
    """Mode ganti-bagian: the file is the complete roster of the TPS it names. Abdul Rahman
    (TPS 001 of Torjun, not in the file) is the one row to go; the confirmation is needed."""
    before = tree(base)
    preview = prepared(base, write("kpps_torjun.csv", TORJUN), mode="ganti-bagian")
    (report,) = preview.files
    assert (report.added, report.changed, report.unchanged, report.removed) == (1, 1, 3, 1)
    removed = preview.removal_frame("kpps")
    assert list(removed["nik"]) == ["3527022311900003"]
    assert list(removed["nama"]) == ["Abdul Rahman"]
    assert preview.refusal(drop_errors=False) == (
        "impor ini akan menghapus 1 baris KPPS dari data sekarang; periksa daftarnya, lalu "
        "konfirmasi penghapusannya"
    )
    with pytest.raises(importer.ImportRefused, match="akan menghapus 1 baris KPPS"):
        import_writing.commit(preview, drop_errors=False, who="Siti")
    assert tree(base) == before
    import_writing.commit(preview, drop_errors=False, who="Siti", confirm_removal=True)
    niks = {nik for nik, *_ in _kpps(base)}
    assert "3527022311900003" not in niks
    assert "3527031505880006" in niks  # TPS of kecamatan Sampang: not named by the file


def test_replace_takes_the_file_as_the_whole_table(base: Path, write, prepared) -> None:
    preview = prepared(base, write("kpps_torjun.csv", TORJUN), mode="ganti")
    (report,) = preview.files
    assert (report.added, report.changed, report.removed) == (1, 1, 2)
    assert sorted(preview.removal_frame("kpps")["nama"]) == ["Abdul Rahman", "Slamet Riyadi"]
    import_writing.commit(preview, drop_errors=False, who="Siti", confirm_removal=True)
    assert "3527031505880006" not in {nik for nik, *_ in _kpps(base)}


def test_a_column_the_file_lacks_keeps_its_stored_values(base: Path, write, prepared) -> None:
    """A roster without phone numbers and SK dates updates names and keeps both as stored."""
    roster = "nik;nama;jenis_kelamin;tanggal_lahir;kode_tps;jabatan\n" + (
        "3527021203800001;Moh. Hasan Basri;L;12/03/1980;3527022001001;ketua\n"
    )
    preview = prepared(base, write("kpps.csv", roster))
    (report,) = preview.files
    assert (report.added, report.changed, report.unchanged) == (0, 1, 0)
    assert report.changed_columns == {"nama": 1}
    assert report.kept_columns == ["no_hp", "tanggal_sk", "tanggal_berhenti", "alasan_berhenti"]
    changes = preview.changes_frame("kpps")
    assert changes[["kolom", "sebelum", "sesudah"]].values.tolist() == [
        ["nama", "Moh. Hasan", "Moh. Hasan Basri"]
    ]
    import_writing.commit(preview, drop_errors=False, who="Siti")
    dataset = Dataset.open(base, precomputed=False)
    assert dataset._con.execute(
        "select nama, no_hp, tanggal_sk from kpps where nik = '3527021203800001'"
    ).fetchall() == [("Moh. Hasan Basri", "081231000001", date(2024, 1, 10))]


def test_a_commit_keeps_the_original_the_record_and_the_rejected_rows(base: Path, prepared):
    upload = CORPUS / "kpps_tps_tidak_ada.csv"
    preview = prepared(base, upload)
    result = import_writing.commit(preview, drop_errors=True, who="Budi Santoso")
    folder = base
    # The plain folder became version 0001 (its files moved, byte for byte), the import 0002.
    assert sorted(p.name for p in folder.iterdir()) == [
        ".kunci-impor",
        "CURRENT",
        "history.jsonl",
        "originals",
        "rejects",
        "versions",
    ]
    assert (folder / "CURRENT").read_text() == "0002\n"
    assert resolve_folder(folder) == folder / "versions" / "0002"
    live = sorted(p.name for p in (folder / "versions" / "0002").iterdir())
    assert live == [
        "bimtek_hadir.csv",
        "bimtek_sesi.csv",
        "dataset.toml",
        "impor.json",
        "kpps.parquet",
        "supervisi.csv",
        "tps.csv",
        "wilayah.csv",
    ]
    sha = importer.sha256_of(upload)
    assert (folder / "originals" / f"{sha}.csv").read_bytes() == upload.read_bytes()
    first, second = versions.history(folder)
    assert (first["versi"], first["aksi"], first["oleh"]) == ("0001", "awal", "Budi Santoso")
    record = dict(second)
    assert record.pop("waktu")
    assert record == {
        "versi": "0002",
        "aksi": "impor",
        "oleh": "Budi Santoso",
        "dasar": "0001",
        "cara": "perbarui",
        "berkas": [
            {
                "nama": "kpps_tps_tidak_ada.csv",
                "sha256": sha,
                "ukuran": upload.stat().st_size,
                "asli": f"originals/{sha}.csv",
                "tabel": "kpps",
                "lembar": None,
                "baris_judul": 1,
                "baris_dibaca": 3,
                "baris_diterima": 2,
                "baris_ditolak": 1,
                "tentang": "1 TPS di desa/kelurahan Torjun, kecamatan Torjun",
                "ditambah": 2,
                "diubah": 0,
                "tetap": 0,
                "dihapus": 0,
                "tolakan": "rejects/0002-kpps_tps_tidak_ada-ditolak.xlsx",
            }
        ],
    }
    assert result.record == second
    assert json.loads((folder / "versions" / "0002" / "impor.json").read_text()) == second
    sheet = openpyxl.load_workbook(result.rejects[0]).active
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == [
        ["baris", "NIK", "Nama Lengkap", "L/P", "Tgl Lahir", "No HP", "Kode TPS", "Jabatan",
         "Tgl SK", "alasan"],
        [4, "3527020907870009", "Joko Susilo", "L", "1987-07-09", None, "3527022001009",
         "KPPS 3", "2024-01-10", f"kolom kode_tps: {UNKNOWN_TPS} (tertulis \"3527022001009\")"],
    ]  # fmt: skip
    # The new version is a plain dataset the store reads without an error; the rejected row
    # is not in it.
    assert Dataset.open(folder, precomputed=False).errors == []
    assert "3527020907870009" not in {nik for nik, *_ in _kpps(folder)}


def test_several_files_make_one_version(base: Path, write, prepared) -> None:
    """A new TPS and its members, in two files of one import: each checks against the other."""
    tps = write(
        "tps.csv",
        (CORPUS / "_dasar" / "tps.csv").read_text() + "3527022002002,35.27.02.2002,2,150,\n",
    )
    kpps = write("kpps.csv", ROSTER.replace("3527022001002", "3527022002002"))
    preview = prepared(base, tps, kpps)
    assert messages(preview) == []
    assert [(f.table, f.added) for f in preview.files] == [("tps", 1), ("kpps", 2)]
    result = import_writing.commit(preview, drop_errors=False, who="Uji")
    assert [f["tabel"] for f in result.record["berkas"]] == ["tps", "kpps"]
    assert len(versions.versions(base)) == 2


def test_dropping_a_tps_drops_the_members_that_point_to_it(base: Path, write, prepared) -> None:
    tps = write(
        "tps.csv",
        (CORPUS / "_dasar" / "tps.csv").read_text() + "3527022002002,35.27.02.2002,2,150,0\n",
    )
    kpps = write("kpps.csv", ROSTER.replace("3527022001002", "3527022002002"))
    preview = prepared(base, tps, kpps)
    assert messages(preview) == [
        "galat: tps.csv, baris 9, kolom kebutuhan_kpps: di luar batas (paling kecil 1) "
        '(tertulis "0")',
        "galat: kpps.csv, baris 2, kolom kode_tps: kode tidak dikenal: tidak ada TPS di tabel "
        'tps (tertulis "3527022002002")',
        "galat: kpps.csv, baris 3, kolom kode_tps: kode tidak dikenal: tidak ada TPS di tabel "
        'tps (tertulis "3527022002002")',
    ]
    assert [f.rows_rejected for f in preview.files] == [1, 2]
    # Every member would go: the roster cannot replace the table with nothing.
    assert preview.refusal(drop_errors=True) == (
        "tidak ada baris yang dapat diterima dari kpps.csv"
    )


def test_a_preview_of_an_older_version_cannot_be_committed(base: Path, write, prepared) -> None:
    first = prepared(base, write("kpps.csv", ROSTER))
    second = prepared(base, write("kpps_lagi.csv", ROSTER))
    import_writing.commit(first, drop_errors=False, who="Uji")
    with pytest.raises(importer.ImportRefused, match="dataset berubah sejak pratinjau dibuat"):
        import_writing.commit(second, drop_errors=False, who="Uji")


def test_the_bundled_sample_is_never_imported_into(write, prepared) -> None:
    from tests.conftest import SAMPLE

    preview = prepared(SAMPLE, write("kpps.csv", ROSTER))
    assert preview.refusal(drop_errors=True).startswith("data/sample adalah dataset contoh")


def test_restore_switches_back_and_is_recorded(base: Path, write, prepared) -> None:
    import_writing.commit(prepared(base, write("kpps.csv", ROSTER)), drop_errors=False, who="A")
    assert versions.restore(base, "0001", "B") == "0002"
    assert versions.current(base) == "0001"
    assert [v.name for v in versions.versions(base) if v.live] == ["0001"]
    assert versions.history(base)[-1]["aksi"] == "pulihkan"
    with pytest.raises(versions.VersionError, match="versi 0001 sudah aktif"):
        versions.restore(base, "0001", "B")
    with pytest.raises(versions.VersionError, match="versi 0009 tidak ada"):
        versions.restore(base, "0009", "B")
    # A new import after a restore builds on the restored version and takes the next number.
    preview = prepared(base, write("kpps_2.csv", ROSTER))
    assert import_writing.commit(preview, drop_errors=False, who="C").version == "0003"


def test_the_report_gives_the_same_figures_on_the_imported_files(sample_dir: Path, tmp_path):
    """Import the sample's six files into a new folder; the report command agrees."""
    target = tmp_path / "impor"
    files = [str(p) for p in sorted(sample_dir.glob("*.csv"))]
    result = cli("import", "--data", str(target), *files, "--who", "Uji")
    assert result.returncode == 0, result.stderr
    assert "Tersimpan: versi 0001 sekarang aktif (dataset baru)." in result.stdout
    for level in ("kecamatan", "tps"):
        original = cli("report", "--data", str(sample_dir), "--level", level, "--format", "csv")
        imported = cli("report", "--data", str(target), "--level", level, "--format", "csv")
        assert original.returncode == imported.returncode == 0, imported.stderr
        assert imported.stdout == original.stdout
        assert len(io.StringIO(original.stdout).readlines()) > 14
