"""The journal through the dataset's life (contract §5): exported as a bimtek_hadir file,
imported back by identity (kode_sesi + nik) without counting anyone twice, and kept, still
counted, through an import and a restore of an earlier version."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

from kesiapan.outputs.report import report_table
from kesiapan.store import journal
from kesiapan.store.dataset import Dataset
from tests.conftest import ROOT

SESSION = "BT-352702-03"  # Torjun, 26 Januari 2024
TORJUN = "35.27.02"


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kesiapan", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _torjun_trained(folder: Path) -> int:
    table = report_table(Dataset.open(folder), "kecamatan").set_index("kode_kecamatan")
    return int(table.loc[TORJUN, "kpps_terlatih"])


def _absent_untrained(folder: Path) -> tuple[str, str]:
    """One member absent on the session's paper list and trained nowhere, and one member of
    Torjun not on its roll call at all, also untrained."""
    data = Dataset.open(folder, precomputed=False)
    absent = data._con.execute(
        "select h.nik from bimtek_hadir as h where h.kode_sesi = $s and not h.hadir "
        "and h.nik not in (select nik from bimtek_hadir where hadir) order by h.nik limit 1",
        {"s": SESSION},
    ).fetchone()[0]
    roster = data.query("presensi_peserta", kecamatan=[TORJUN])
    called = {
        n
        for (n,) in data._con.execute(
            "select nik from bimtek_hadir where kode_sesi = $s", {"s": SESSION}
        ).fetchall()
    }
    uncalled = roster[roster["tanggal_bimtek"].isna() & ~roster["nik"].isin(called)]
    return absent, str(uncalled["nik"].iloc[0])


def test_exported_imported_and_restored_the_marks_count_once(sample_copy: Path, monkeypatch):
    monkeypatch.delenv(journal.URL_ENV, raising=False)
    before = _torjun_trained(sample_copy)
    absent, uncalled = _absent_untrained(sample_copy)
    jurnal = journal.open_journal(sample_copy)
    for nik in (absent, uncalled):
        jurnal.mark(pengguna="sari", kode_sesi=SESSION, nik=nik)
    jurnal.mark(pengguna="sari", kode_sesi=SESSION, nik=uncalled, aksi=journal.BATAL)
    jurnal.mark(pengguna="sari", kode_sesi=SESSION, nik=uncalled)
    marked = _torjun_trained(sample_copy)
    assert marked == before + 2

    # The marks in force as a bimtek_hadir file: two rows, present, no scores.
    export = sample_copy.parent / "bimtek_hadir.csv"
    result = cli("presensi", "ekspor", "--data", str(sample_copy), "--output", str(export))
    assert result.returncode == 0, result.stderr
    assert "2 tanda hadir ditulis" in result.stdout
    with export.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted((r["kode_sesi"], r["nik"], r["hadir"]) for r in rows) == sorted(
        [(SESSION, absent, "ya"), (SESSION, uncalled, "ya")]
    )
    assert export.stat().st_mode & 0o077 == 0  # NIKs: owner-only

    # Imported (add and update by identity): the absent row is updated, the other added; the
    # journal is kept and nobody is counted twice.
    result = cli("import", "--data", str(sample_copy), str(export), "--mode", "perbarui")
    assert result.returncode == 0, result.stdout + result.stderr
    assert _torjun_trained(sample_copy) == marked
    assert len(journal.open_journal(sample_copy).records()) == 4
    stored = Dataset.open(sample_copy)
    stored.journal_stamp(force=True)
    # The store now counts both on paper: the journal adds nothing more to it.
    assert stored._con.execute("select count(*) from jurnal.hadir_baru").fetchone()[0] == 0
    session = stored.query("bimtek_sesi_kehadiran").set_index("kode_sesi").loc[SESSION]
    straight = Dataset.open(sample_copy, precomputed=False)
    again = straight.query("bimtek_sesi_kehadiran").set_index("kode_sesi").loc[SESSION]
    assert (session["dipanggil"], session["hadir"]) == (again["dipanggil"], again["hadir"])

    # The version before the import restored: the paper rows are gone, the marks still count.
    result = cli("restore", "--data", str(sample_copy), "1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert _torjun_trained(sample_copy) == marked
    assert [r.aksi for r in journal.open_journal(sample_copy).records()] == [
        journal.HADIR,
        journal.HADIR,
        journal.BATAL,
        journal.HADIR,
    ]
