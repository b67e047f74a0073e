"""Issue 12 item 5: every file the app writes that holds personal data is owner-only (files
0600, folders 0700) whatever the umask: versions, originals, rejects, history, the audit log,
the users file, and what the commands write (report, action packs, list of changes)."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from kesiapan.access import accounts as access
from kesiapan.access import audit
from kesiapan.importer import core as importer
from kesiapan.importer import uploads as import_uploads
from kesiapan.importer import writing as import_writing
from kesiapan.store import versions
from kesiapan.store.dataset import Dataset
from tests.conftest import run_cli
from tests.importer.conftest import BASE, ROSTER

PASSWORD = "sandi-rahasia-2024"


@pytest.fixture(params=[0o022, 0o000], ids=["umask022", "umask000"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


def _open_entries(root: Path) -> list[str]:
    """Every file not 0600 and folder not 0700 under `root` (root itself included)."""
    wrong = []
    for path in [root, *sorted(root.rglob("*"))]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        want = 0o700 if path.is_dir() else 0o600
        if mode != want:
            wrong.append(f"{path.relative_to(root.parent)} {mode:o}")
    return wrong


def test_an_import_keeps_everything_owner_only(tmp_path: Path, umask: int) -> None:
    data = tmp_path / "data"
    shutil.copytree(BASE, data, ignore=shutil.ignore_patterns(".kesiapan-*"))
    upload = tmp_path / "unggah.csv"
    # One good row and one for a TPS that does not exist: the rejects file is written too.
    upload.write_text(
        ROSTER + "3527020907870009,Joko Susilo,L,1987-07-09,,3527022001009,KPPS 3,2024-01-10\n",
        encoding="utf-8",
    )
    preview = importer.prepare(data, [import_uploads.Upload(upload, upload.name)])
    try:
        result = import_writing.commit(preview, drop_errors=True, who="uji")
    finally:
        preview.close()
    assert result.rejects
    for name in (versions.VERSIONS_DIR, versions.ORIGINALS_DIR, versions.REJECTS_DIR):
        assert _open_entries(data / name) == []
    for name in (versions.HISTORY_FILE, "CURRENT", versions.LOCK_FILE):
        assert stat.S_IMODE((data / name).stat().st_mode) == 0o600, name
    # The precomputed store of the new version, next to it.
    Dataset.open(data)
    stores = list((data / versions.VERSIONS_DIR).rglob(".kesiapan-*"))
    assert stores and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in stores)


def test_a_folder_made_by_an_older_version_is_closed_at_its_next_import(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(BASE, data, ignore=shutil.ignore_patterns(".kesiapan-*"))
    upload = tmp_path / "unggah.csv"
    upload.write_text(ROSTER, encoding="utf-8")
    for round_ in range(2):
        preview = importer.prepare(data, [import_uploads.Upload(upload, upload.name)])
        try:
            import_writing.commit(preview, drop_errors=False, who="uji")
        finally:
            preview.close()
        if round_ == 0:  # as an older version left it: readable by everyone
            for path in [data / versions.VERSIONS_DIR, *(data / versions.VERSIONS_DIR).rglob("*")]:
                path.chmod(0o755 if path.is_dir() else 0o644)
            (data / versions.HISTORY_FILE).chmod(0o644)
        upload.write_text(ROSTER.replace("Hendra", "Hendro"), encoding="utf-8")
    assert _open_entries(data / versions.VERSIONS_DIR) == []
    assert stat.S_IMODE((data / versions.HISTORY_FILE).stat().st_mode) == 0o600


def test_accounts_and_audit_log_are_owner_only(tmp_path: Path, umask: int) -> None:
    folder = tmp_path / "akses"
    access.add(folder, "rina", peran="analis", wilayah=["35.27"], password=PASSWORD)
    audit.record(folder, audit.MASUK, "rina")
    assert _open_entries(folder) == []
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [access.USERS_FILE, access.LOCK_FILE, audit.AUDIT_FILE, *_audit_companions(folder)]
    )


def _audit_companions(folder: Path) -> list[str]:
    """Files the audit log keeps beside itself (its key and checkpoint), when there are any."""
    return [
        p.name
        for p in folder.iterdir()
        if p.name not in (access.USERS_FILE, access.LOCK_FILE, audit.AUDIT_FILE)
    ]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    """The command as `python -m kesiapan` runs it, in this process under the usual umask."""
    return run_cli(*args, umask=0o022)


def test_files_written_by_commands_are_owner_only(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(BASE, data, ignore=shutil.ignore_patterns(".kesiapan-*"))
    report = tmp_path / "keluar" / "laporan.xlsx"
    report.parent.mkdir()
    done = _cli("report", "--data", str(data), "--format", "xlsx", "--output", str(report))
    assert done.returncode == 0, done.stderr
    packs = tmp_path / "paket"
    done = _cli("actions", "--data", str(data), "--out", str(packs))
    assert done.returncode == 0, done.stderr
    zipped = tmp_path / "baru" / "paket.zip"
    done = _cli("actions", "--data", str(data), "--out", str(zipped))
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    assert _open_entries(packs) == [] and list(packs.iterdir())
    assert stat.S_IMODE(zipped.stat().st_mode) == 0o600
    assert stat.S_IMODE(zipped.parent.stat().st_mode) == 0o700
    # A folder the person named and that already existed keeps its own mode.
    assert stat.S_IMODE(report.parent.stat().st_mode) == 0o755
