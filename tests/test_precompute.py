"""The precomputed store answers exactly like the straight-from-the-tables reference."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from kesiapan.store import dataset as store
from kesiapan.store.dataset import CACHE_PREFIX, Dataset, query_names
from tests.conftest import materialize_reference

PARAMETERLESS = {"tanggal_data", "wilayah_daftar", "data_tabel"}


@pytest.fixture(scope="module")
def jatim_small(jatim_900: Path) -> Path:
    """A synthetic Jawa Timur-shaped dataset, shrunk to 900 TPS: several kabupaten (the run's
    shared one, tests/conftest.py)."""
    return jatim_900


def _views(data: Dataset, folder: Path) -> list[dict[str, object]]:
    areas = data.query("wilayah_daftar")
    kabupaten = sorted(areas["kode_kabupaten"].unique())
    kecamatan = sorted(areas["kode_kecamatan"].unique())
    desa = sorted(areas["kode_desa"].unique())
    first, last = data.first_date, data.default_as_of
    # A day with Bimtek sessions, the middle one: "trained by the as-of date" counts that day's
    # sessions (`<=`); none of the other dates falls on a session, so a store that counted only
    # the days before (`<`) agreed with the reference at all of them.
    session_days = sorted(set(pd.read_csv(folder / "bimtek_sesi.csv", dtype=str)["tanggal"]))
    on_a_session = date.fromisoformat(session_days[len(session_days) // 2])
    dates = [
        first - timedelta(days=1),
        first,
        on_a_session,
        first + (last - first) / 3,
        last,
        last + timedelta(5),
    ]
    views: list[dict[str, object]] = []
    for as_of in dates:
        views += [
            {"as_of": as_of},
            {"as_of": as_of, "kabupaten": kabupaten[:1]},
            {"as_of": as_of, "kecamatan": kecamatan[1:3]},
            {"as_of": as_of, "desa": desa[::7]},
            {"as_of": as_of, "kecamatan": ["99.99.99"]},
        ]
    return views


def _dates(views: list[dict[str, object]]) -> list[date]:
    return [v["as_of"] for v in views]  # type: ignore[misc]


def _scopes(data: Dataset) -> list[tuple[str, ...]]:
    """Two area scopes: a kabupaten (a kecamatan when there is only one kabupaten), and a
    kecamatan with a desa of another kecamatan (whose sessions it shares, not its visits)."""
    areas = data.query("wilayah_daftar")
    kabupaten = sorted(areas["kode_kabupaten"].unique())
    kecamatan = sorted(areas["kode_kecamatan"].unique())
    desa = sorted(areas["kode_desa"].unique())
    first = (kabupaten[-1],) if len(kabupaten) > 1 else (kecamatan[1],)
    return [first, (kecamatan[0], desa[-1])]


def _compare(stored: Dataset, direct: Dataset, views: list[dict[str, object]]) -> int:
    compared = 0
    for name in query_names():
        for view in [{}] if name in PARAMETERLESS else views:
            left = stored.query(name, **view)
            right = direct.query(name, **view)
            obj = f"{name} {view} cakupan={stored.scope}"
            pd.testing.assert_frame_equal(left, right, check_dtype=False, obj=obj)
            compared += len(left)
    return compared


@pytest.mark.parametrize("folder_name", ["sample", "jatim"])
def test_every_query_agrees_with_the_reference(folder_name: str, jatim_small: Path) -> None:
    folder = Path("data/sample") if folder_name == "sample" else jatim_small
    stored = Dataset.open(folder)
    direct = Dataset.open(folder, precomputed=False)
    assert stored.precomputed and not direct.precomputed
    assert stored.problems == direct.problems
    assert [p.kode_wilayah for p in stored.problems] == [p.kode_wilayah for p in direct.problems]
    assert (stored.first_date, stored.default_as_of) == (direct.first_date, direct.default_as_of)
    views = _views(stored, folder)
    # The reference's building blocks once per date (tests/conftest.py), not in every query.
    assert {v["as_of"] for v in views} <= set(materialize_reference(direct, _dates(views)))
    everything = _compare(stored, direct, views)
    assert everything > 10_000
    # The same under two area scopes, with the same filters (inside the scopes and outside),
    # on the dates within the data.
    inner = [v for v in views if stored.first_date <= v["as_of"] <= stored.default_as_of]
    for scope in _scopes(stored):
        scoped_stored, scoped_direct = stored.scoped(scope), direct.scoped(scope)
        assert scoped_stored.problems == scoped_direct.problems
        assert 1_000 < _compare(scoped_stored, scoped_direct, inner) < everything, scope


def test_store_is_built_once_and_rebuilt_when_a_file_changes(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    shutil.copytree("tests/fixtures/mini", folder, ignore=shutil.ignore_patterns(".kesiapan-*"))
    Dataset.open(folder)
    (store,) = folder.glob(f"{CACHE_PREFIX}*.duckdb")
    built = store.stat().st_mtime_ns
    Dataset.open(folder)
    assert store.exists() and store.stat().st_mtime_ns == built
    kpps = folder / "kpps.csv"
    kpps.write_text(kpps.read_text().replace("Moh. Hasan", "Moh. Hasan Basri"))
    data = Dataset.open(folder)
    (rebuilt,) = folder.glob(f"{CACHE_PREFIX}*.duckdb")
    assert rebuilt != store and not store.exists()
    assert "Moh. Hasan Basri" in set(data.query("kpps_aktif_tps", as_of=date(2024, 1, 27))["nama"])


def test_read_only_folder_keeps_its_store_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "data"
    shutil.copytree("tests/fixtures/mini", folder, ignore=shutil.ignore_patterns(".kesiapan-*"))
    # CI runs as root, for whom no folder is read-only: ask the store's own question falsely.
    monkeypatch.setattr(store.os, "access", lambda path, mode: False)
    # Issue 12: the private per-user cache folder, never the shared temp folder.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert Dataset.open(folder).query("ringkasan_total")["tps"].tolist() == [7]
    assert not list(folder.glob(f"{CACHE_PREFIX}*"))
    assert len(list((tmp_path / "cache" / "kesiapan").glob("*.duckdb"))) == 1
