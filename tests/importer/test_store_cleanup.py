"""Issue 18: the stores (derived DuckDB files, ±490 MB each nationally) of old versions are
removed when a new store is built; the current version's, the newest others' and every
version's data stay, and a removed store is built again when its version is opened."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from kesiapan.importer import core as importer
from kesiapan.importer import uploads as import_uploads
from kesiapan.importer import writing as import_writing
from kesiapan.store import dataset as store
from kesiapan.store import versions
from kesiapan.store.dataset import Dataset
from tests.importer.conftest import ROSTER


def _import(folder: Path, path: Path) -> None:
    preview = importer.prepare(folder, [import_uploads.Upload(path, path.name)])
    try:
        assert preview.error_count == 0, preview.errors
        import_writing.commit(preview, drop_errors=False, who="Uji")
    finally:
        preview.close()


def _with_stores(folder: Path) -> list[str]:
    return sorted(
        p.parent.name for p in (folder / "versions").glob(f"*/{store.CACHE_PREFIX}*.duckdb")
    )


def _data(folder: Path) -> dict[str, dict[str, bytes]]:
    """Every version's data files, byte for byte."""
    return {
        v.name: {str(p.relative_to(v)): p.read_bytes() for p in store.data_files(v)}
        for v in sorted((folder / "versions").iterdir())
        if versions.VERSION_RE.fullmatch(v.name)
    }


def _figures(folder: Path) -> str:
    return Dataset.open(folder).query("ringkasan_kecamatan").to_csv(index=False)


def test_old_versions_lose_their_store_but_never_their_data(
    base: Path, write: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert store.KEEP_STORES == 2
    monkeypatch.setattr(store, "KEEP_STORES", 1)  # the same rule, one store build fewer
    rosters = [write(f"kpps_{n}.csv", ROSTER.replace("081231", f"08{n}231")) for n in range(2)]
    _import(base, rosters[0])  # the plain folder becomes 0001, the import 0002
    first = _figures(base / "versions" / "0001")
    _figures(base)
    assert _with_stores(base) == ["0001", "0002"]
    # A build folder left by a killed build goes; one of a live process stays.
    gone = subprocess.Popen(["true"])
    gone.wait()
    dead = base / "versions" / "0001" / f"{store.CACHE_PREFIX}0.duckdb.{gone.pid}.x"
    dead.mkdir()
    (dead / "setengah.duckdb").write_bytes(b"x")
    live = base / "versions" / "0001" / f"{store.CACHE_PREFIX}0.duckdb.1.y"  # init
    live.mkdir()
    _import(base, rosters[1])
    data = _data(base)
    _figures(base)
    # Current 0003 and the newest other keep theirs; 0001's goes, its data stays.
    assert _with_stores(base) == ["0002", "0003"]
    assert not dead.exists() and live.is_dir()
    assert _data(base) == data
    # A restored version's store is built again, with the same figures; now 0002's goes.
    versions.restore(base, "0001", who="Uji")
    assert _figures(base) == first
    assert _with_stores(base) == ["0001", "0003"]
    assert _data(base) == data
