"""Issue 12 items 1 and 5: the precomputed store is never kept in a shared temp folder, never
opened when planted or left readable by others, and is created owner-only whatever the umask."""

from __future__ import annotations

import os
import pwd
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from kesiapan.store import dataset as store
from kesiapan.store.dataset import CACHE_PREFIX, Dataset

MINI = Path("tests/fixtures/mini")
OTHER_USER = "kesiapan-rt"


def _copy_mini(target: Path) -> Path:
    shutil.copytree(MINI, target, ignore=shutil.ignore_patterns(".kesiapan-*"))
    return target


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def wide_umask() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


@pytest.fixture
def read_only_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = _copy_mini(tmp_path / "data")
    # Tests run as root, for whom no folder is read-only: ask the store's own question falsely.
    monkeypatch.setattr(store.os, "access", lambda path, mode: False)
    return folder


def test_no_store_in_the_shared_temp_folder(
    read_only_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, wide_umask: None
) -> None:
    shared = tmp_path / "shared-tmp"
    shared.mkdir()
    monkeypatch.setenv("TMPDIR", str(shared))
    monkeypatch.setattr(store.tempfile, "tempdir", str(shared))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert Dataset.open(read_only_data).query("ringkasan_total")["tps"].tolist() == [7]
    assert not (shared / "kesiapan-cache").exists()
    assert not [p for p in shared.iterdir() if p.name.startswith(("kesiapan", ".kesiapan"))]
    cache = tmp_path / "cache" / "kesiapan"
    (built,) = cache.glob("*.duckdb")
    assert _mode(cache) == 0o700 and _mode(built) == 0o600
    assert not [p for p in cache.iterdir() if p != built]  # no build folder or .tmp left


def test_cache_folder_of_another_owner_or_too_wide_is_not_used(
    read_only_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache" / "kesiapan"
    cache.mkdir(parents=True)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    os.chmod(cache, 0o777)
    data = Dataset.open(read_only_data)
    assert data.query("ringkasan_total")["tps"].tolist() == [7]
    assert data.precomputed
    assert list(cache.iterdir()) == []  # read into memory instead
    os.chmod(cache, 0o700)
    os.chown(cache, 12345, 12345)
    assert Dataset.open(read_only_data).query("ringkasan_total")["tps"].tolist() == [7]
    assert list(cache.iterdir()) == []


def _planted_store(folder: Path, tmp_path: Path, name_for: Path | None = None) -> Path:
    """A real store of `folder` whose scope macro lets everything through, under the name the
    store of `name_for` (default `folder`) has: the fingerprint names the folder and its files'
    sizes and mtimes (issue 18), so a store built elsewhere is planted under that name."""
    scratch = _copy_mini(tmp_path / "scratch")
    Dataset.open(scratch)
    (built,) = scratch.glob(f"{CACHE_PREFIX}*.duckdb")
    con = duckdb.connect(str(built))
    con.execute("create or replace macro dalam_cakupan(kode, cakupan) as true")
    con.close()
    planted = folder / store._cache_path(name_for or folder).name
    shutil.copyfile(built, planted)
    return planted


@pytest.mark.parametrize("how", ["other-owner", "world-readable"])
def test_a_planted_store_is_never_opened(tmp_path: Path, how: str) -> None:
    folder = _copy_mini(tmp_path / "data")
    planted = _planted_store(folder, tmp_path)
    if how == "other-owner":
        os.chmod(planted, 0o600)
        os.chown(planted, 12345, 12345)
    else:
        os.chmod(planted, 0o666)
    torjun = Dataset.open(folder).scoped(("35.27.02",))
    kecamatan = set(torjun.query("ringkasan_kecamatan")["kode_kecamatan"])
    assert kecamatan == {"35.27.02"}
    if how == "other-owner":
        assert planted.exists() and planted.stat().st_uid == 12345  # left alone, not used
    else:
        (rebuilt,) = folder.glob(f"{CACHE_PREFIX}*.duckdb")
        assert _mode(rebuilt) == 0o600  # ours but too wide: removed and built again


def test_store_next_to_the_data_is_owner_only(tmp_path: Path, wide_umask: None) -> None:
    folder = _copy_mini(tmp_path / "data")
    Dataset.open(folder)
    (built,) = folder.glob(f"{CACHE_PREFIX}*.duckdb")
    assert _mode(built) == 0o600
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == [built.name]


def _other_user() -> pwd.struct_passwd | None:
    if os.geteuid() != 0 or shutil.which("useradd") is None:
        return None
    try:
        return pwd.getpwnam(OTHER_USER)
    except KeyError:
        pass
    done = subprocess.run(
        ["useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", OTHER_USER],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        return None
    return pwd.getpwnam(OTHER_USER)


@pytest.fixture
def other_user() -> Iterator[pwd.struct_passwd]:
    user = _other_user()
    if user is None:
        pytest.skip("cannot create a second local user here")
    try:
        yield user
    finally:
        subprocess.run(["userdel", OTHER_USER], capture_output=True, check=False)


def test_a_second_local_user_can_neither_read_nor_plant(
    tmp_path: Path, other_user: pwd.struct_passwd, wide_umask: None
) -> None:
    # pytest's own folders are closed to other users: work in one both users can reach.
    shared = Path(tempfile.mkdtemp(prefix="kesiapan-rt-"))
    try:
        os.chmod(shared, 0o755)
        folder = _copy_mini(shared / "data")
        os.chmod(folder, 0o1777)  # a data folder anyone may write into (sticky, like /tmp)
        stage = _copy_mini(shared / "stage")
        planted = _planted_store(stage, tmp_path, name_for=folder)
        os.chmod(stage, 0o755)
        os.chmod(planted, 0o644)
        target = folder / planted.name
        # The other user plants the store first, as itself, under the name the server uses.
        _as(other_user, "cp", str(planted), str(target))
        assert target.stat().st_uid == other_user.pw_uid
        torjun = Dataset.open(folder).scoped(("35.27.02",))
        assert set(torjun.query("ringkasan_kecamatan")["kode_kecamatan"]) == {"35.27.02"}
        assert target.stat().st_uid == other_user.pw_uid  # never opened, never replaced
        # When the server builds its own store, the other user cannot read it.
        _as(other_user, "rm", "-f", str(target))
        Dataset.open(folder)
        (built,) = folder.glob(f"{CACHE_PREFIX}*.duckdb")
        assert built.stat().st_uid == os.geteuid() and _mode(built) == 0o600
        read = _as(other_user, "cat", str(built), check=False)
        assert read.returncode != 0 and b"Permission denied" in read.stderr
    finally:
        shutil.rmtree(shared, ignore_errors=True)


def _as(user: pwd.struct_passwd, *command: str, check: bool = True) -> subprocess.CompletedProcess:
    setpriv = ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups"]
    return subprocess.run([*setpriv, *command], capture_output=True, check=check)
