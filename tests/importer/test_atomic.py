"""A dataset is wholly the old or wholly the new version, whatever happens to the import.

The import runs as a real process (`python -m kesiapan import`). `KESIAPAN_UJI_TAHAN=<step>:<file>`
makes it write <file> when it reaches that step of a commit and wait there; the test then kills
it with SIGKILL (no cleanup, no finally blocks) and looks at what is left.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kesiapan.importer import core as importer
from kesiapan.importer import uploads as import_uploads
from kesiapan.importer import writing as import_writing
from kesiapan.store import versions
from kesiapan.store.dataset import Dataset
from tests.importer.conftest import CORPUS, ROOT, ROSTER, cli, tree

# Two tables in one import, so that "versi_sebagian" stops between the two files.
HADIR = "kode_sesi,nik,hadir\nBT-352702-01,3527021505910007,ya\n"
# Steps of importer.commit, in order; the switch of CURRENT comes between the last two.
BEFORE_SWITCH = ("asli", "versi_sebagian", "versi_lengkap", "sebelum_current")


def _versioned(base: Path, write) -> Path:
    """The corpus base after one import: versions 0001 (its files) and 0002 (the import)."""
    preview = importer.prepare(base, [import_uploads.Upload(write("kpps.csv", ROSTER), "kpps.csv")])
    try:
        import_writing.commit(preview, drop_errors=False, who="Uji")
    finally:
        preview.close()
    return base


def _import_until(step: str, folder: Path, files: list[Path], tmp_path: Path) -> None:
    """Start an import, wait for it to reach `step`, kill it there."""
    marker = tmp_path / f"di-{step}"
    # TMPDIR: the killed process cannot remove its work folder; let pytest's tmp_path hold it.
    env = {**os.environ, versions.PAUSE_ENV: f"{step}:{marker}", "TMPDIR": str(tmp_path)}
    args = ["import", "--data", str(folder), *map(str, files), "--who", "Uji"]
    process = subprocess.Popen(
        [sys.executable, "-m", "kesiapan", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert process.poll() is None, process.stderr.read().decode()  # type: ignore[union-attr]
            assert time.monotonic() < deadline, f"the import never reached {step}"
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=30)
        process.stderr.close()  # type: ignore[union-attr]
    assert process.returncode == -signal.SIGKILL


def _figures(folder: Path) -> str:
    """The readiness table per kecamatan, as text."""
    dataset = Dataset.open(folder, precomputed=False)
    return dataset.query("ringkasan_kecamatan").to_csv(index=False)


@pytest.mark.parametrize("step", BEFORE_SWITCH)
def test_killed_mid_commit_the_dataset_is_byte_identical(step, base, write, tmp_path) -> None:
    folder = _versioned(base, write)
    live_before = versions.dataset_files(folder)
    current_before = (folder / "CURRENT").read_bytes()
    history_before = (folder / "history.jsonl").read_bytes()
    figures_before = _figures(folder)
    new = [
        write("kpps_baru.csv", ROSTER.replace("Dewi Lestari", "Dewi L.")),
        write("hadir.csv", HADIR),
    ]

    _import_until(step, folder, new, tmp_path)

    assert (folder / "CURRENT").read_bytes() == current_before
    assert versions.dataset_files(folder) == live_before
    assert (folder / "history.jsonl").read_bytes() == history_before
    assert [v.name for v in versions.versions(folder)] == ["0002", "0001"]
    assert _figures(folder) == figures_before
    # The next import clears what the dead one left and goes ahead.
    result = cli("import", "--data", str(folder), *map(str, new), "--who", "Uji")
    assert result.returncode == 0, result.stderr
    assert not list((folder / "versions").glob(f"{versions.TEMP_PREFIX}*"))
    assert versions.current(folder) in ("0003", "0004")  # 0003 if the dead one had not renamed


def test_killed_after_the_switch_the_new_version_is_whole(base, write, tmp_path) -> None:
    folder = _versioned(base, write)
    new = [
        write("kpps_baru.csv", ROSTER.replace("Dewi Lestari", "Dewi L.")),
        write("hadir.csv", HADIR),
    ]

    _import_until("setelah_current", folder, new, tmp_path)

    assert versions.current(folder) == "0003"
    files = versions.dataset_files(folder)
    assert {"kpps.parquet", "bimtek_hadir.parquet"} <= set(files)
    dataset = Dataset.open(folder, precomputed=False)
    assert dataset.errors == []
    assert "Dewi L." in dataset.query("kpps_belum_bimtek")["nama"].tolist()
    # Its line in history.jsonl was never written; the version list still shows it, and the
    # next import or restore writes it back.
    assert [r["versi"] for r in versions.history(folder)] == ["0001", "0002"]
    assert [v.name for v in versions.versions(folder)] == ["0003", "0002", "0001"]
    versions.restore(folder, "0002", "Uji")
    assert [r["versi"] for r in versions.history(folder)] == ["0001", "0002", "0003", "0002"]


@pytest.mark.parametrize("versioned", [False, True], ids=["folder-biasa", "berversi"])
def test_a_failed_import_changes_nothing(versioned: bool, base, write) -> None:
    folder = _versioned(base, write) if versioned else base
    before = tree(folder)
    result = cli("import", "--data", str(folder), str(CORPUS / "kpps_nik_15_digit.csv"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert tree(folder) == before
