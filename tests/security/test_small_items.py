"""Issue 12 item 13, the smaller breaks not tested with their larger kin: a disk that fills up
when the new version's store is built, and commands given a path or number they cannot use.
(Lockout answers, `aktif` as a string and a folder as users file: test_sessions.py; a damaged
audit log: test_audit_tamper.py; the formula header: test_downloads.py; whole-dataset counts
and the quoted line break: test_problem_leaks.py.)"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kesiapan.store.dataset import CACHE_PREFIX, Dataset
from tests.conftest import ROOT

MINI = ROOT / "tests" / "fixtures" / "mini"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 256 KB file system: the dataset's files fit, its precomputed store does not."""
    mount = tmp_path / "kecil"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k,mode=0700", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True, check=False)


def test_a_full_disk_while_building_the_store_still_opens_the_data(small_disk: Path) -> None:
    data = small_disk / "data"
    shutil.copytree(MINI, data, ignore=shutil.ignore_patterns(".kesiapan-*"))
    whole = Dataset.open(MINI, precomputed=False).query("ringkasan_total")
    opened = Dataset.open(data)  # the store cannot be written here
    assert opened.query("ringkasan_total").equals(whole)
    # Nothing half-written left behind: only the dataset's own files.
    files = sorted(p.name for p in MINI.iterdir() if not p.name.startswith("."))
    assert sorted(p.name for p in data.iterdir()) == files
    assert not list(small_disk.rglob(f"{CACHE_PREFIX}*"))


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kesiapan", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("sample", "--out", "/proc/nope"), "kesalahan: tidak dapat menulis /proc/nope"),
        (("bench", "--warm", "-1"), "'-1' bukan bilangan bulat 0 atau lebih"),
        (("actions", "--data", str(MINI), "--out", ""), "tujuan kosong"),
        (("actions", "--data", str(MINI), "--out", "  "), "tujuan kosong"),
        (("report", "--data", str(MINI), "--output", ""), "tujuan kosong"),
        (("briefing", "--data", str(MINI), "--out", ""), "tujuan kosong"),
    ],
)
def test_commands_refuse_what_they_cannot_use_in_words(
    args: tuple[str, ...], said: str, tmp_path: Path
) -> None:
    done = _run(*args, cwd=tmp_path)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr and said in done.stderr
    assert list(tmp_path.iterdir()) == []  # nothing written into the current folder
