"""Issue 18: a dataset stored per kabupaten. An office's file reads and writes only its
kabupaten; imports into different kabupaten run at once; the figures are those of the same
imports into a dataset kept as one file per table; a killed import leaves before or after."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from kesiapan.devtools import sample
from kesiapan.importer import core as importer
from kesiapan.importer import uploads as import_uploads
from kesiapan.importer import writing as import_writing
from kesiapan.store import dataset as store
from kesiapan.store import partitions, versions
from kesiapan.store.dataset import Dataset, query_names
from tests.conftest import materialize_reference, run_cli
from tests.importer.conftest import ROOT

PARAMETERLESS = {"tanggal_data", "wilayah_daftar", "data_tabel"}
FLIPPED = 5  # attendance marks the update changes
RENAMED = 2  # roster names the update changes


def _read(folder: Path, table: str) -> str:
    return f"read_csv('{folder / (table + '.csv')}', all_varchar = true)"


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A small Jawa Timur-shaped dataset (several kabupaten) and three office files: the
    attendance of one kecamatan of 35.27, the roster of one desa of 35.01, and the attendance
    of another kecamatan of 35.27."""
    root = tmp_path_factory.mktemp("partisi")
    source = root / "sumber"
    sample.generate(source, scale="jatim", seed=7, _n_tps=900)
    con = duckdb.connect()
    kecamatan = [
        k
        for (k,) in con.execute(
            f"select distinct kode_kecamatan from {_read(source, 'bimtek_sesi')} "
            "where kode_kecamatan like '35.27.%' order by 1"
        ).fetchall()
    ]
    made = {"sumber": source}
    for name, kec in (("hadir_a", kecamatan[0]), ("hadir_b", kecamatan[1])):
        made[name] = root / f"{name}.csv"
        con.execute(
            f"copy (select kode_sesi, nik, case when row_number() over () <= {FLIPPED} then "
            "(case when hadir = 'ya' then 'tidak' else 'ya' end) else hadir end as hadir "
            f"from {_read(source, 'bimtek_hadir')} where kode_sesi in (select kode_sesi from "
            f"{_read(source, 'bimtek_sesi')} where kode_kecamatan = '{kec}')) "
            f"to '{made[name]}' (header)"
        )
    made["awal"] = root / "supervisi.csv"
    con.execute(
        f"copy (select * from {_read(source, 'supervisi')} limit 3) to '{made['awal']}' (header)"
    )
    made["kpps"] = root / "kpps.csv"
    con.execute(
        f"copy (select * replace (case when row_number() over () <= {RENAMED} then "
        f"nama || ' Baru' else nama end as nama) from {_read(source, 'kpps')} "
        "where kode_tps like '3501011%') "
        f"to '{made['kpps']}' (header)"
    )
    # The same roster with one member's NIK that of a member serving in 35.27 (a NIK active
    # in two TPS: the warning falls on the 35.27 row, in a kabupaten the file does not touch).
    made["kpps_lintas"] = root / "kpps_lintas.csv"
    con.execute(
        f"copy (select * replace (case when row_number() over () = 3 then (select min(nik) "
        f"from {_read(source, 'kpps')} where kode_tps like '3527%' and tanggal_berhenti is null)"
        f" else nik end as nik) from {_read(source, 'kpps')} where kode_tps like '3501011%') "
        f"to '{made['kpps_lintas']}' (header)"
    )
    # The roster of 35.01 with a member in a TPS that does not exist and one member more in
    # its first TPS than it has seats: findings that read the table of TPS.
    made["kpps_salah"] = root / "kpps_salah.csv"
    roster = f"select * from {_read(source, 'kpps')} where kode_tps like '3501011%'"
    con.execute(
        f"copy ({roster} union all select * replace ('3501019999999' as kode_tps, "
        "'3501010101900001' as nik) from (" + roster + " limit 1) union all select * replace "
        "('3501010101900002' as nik, 'anggota' as jabatan) from (" + roster + " limit 1)) "
        f"to '{made['kpps_salah']}' (header)"
    )
    made["supervisi"] = root / "supervisi_ubah.csv"
    con.execute(
        f"copy (select * replace ('temuan baru' as temuan) from {_read(source, 'supervisi')} "
        f"limit 1) to '{made['supervisi']}' (header)"
    )
    return made


def _dataset(files: dict[str, Path], target: Path, split: bool) -> Path:
    """A copy of the source, imported once (three of its own visits: no change) so that its
    versions are written per kabupaten (`split`) or one file per table."""
    shutil.copytree(files["sumber"], target)
    with (target / "dataset.toml").open("a", encoding="utf-8") as handle:
        handle.write(f"\nper_kabupaten = {'true' if split else 'false'}\n")
    _import(target, files["awal"])
    return target


def _import(folder: Path, path: Path) -> importer.CommitResult:
    preview = importer.prepare(folder, [import_uploads.Upload(path, path.name)])
    try:
        assert preview.error_count == 0, preview.errors
        return import_writing.commit(preview, drop_errors=False, who="Uji")
    finally:
        preview.close()


def _reference(folder: Path, like: Dataset) -> Dataset:
    """`folder` read straight from its files, its building blocks prepared for the dates
    `_compare` asks of a dataset like `like` (tests/conftest.py: materialize_reference)."""
    data = Dataset.open(folder, precomputed=False)
    first, last = like.first_date, like.default_as_of
    assert (data.first_date, data.default_as_of) == (first, last)
    materialize_reference(data, [first, first + (last - first) / 2, last])
    return data


def _compare(left: Dataset, right: Dataset, answers: dict[str, pd.DataFrame] | None = None) -> int:
    """Every query on every kabupaten and on the whole, at three dates: equal frames. `answers`
    keeps `right`'s frames for the next comparison against the same reference (each query
    answered once: the reference is the slow side)."""
    answers = {} if answers is None else answers
    kabupaten = sorted(left.query("wilayah_daftar")["kode_kabupaten"].unique())
    first, last = left.first_date, left.default_as_of
    views = [{}] + [
        {"as_of": d, **area}
        for d in (first, first + (last - first) / 2, last)
        for area in ({}, {"kabupaten": kabupaten[:1]}, {"kabupaten": kabupaten[-1:]})
    ]
    compared = 0
    for name in query_names():
        for view in [{}] if name in PARAMETERLESS else views:
            key = f"{name} {sorted(view.items())}"
            if key not in answers:
                answers[key] = right.query(name, **view)
            a, b = left.query(name, **view), answers[key]
            pd.testing.assert_frame_equal(a, b, check_dtype=False, obj=f"{name} {view}")
            compared += len(a)
    return compared


def _findings(data: Dataset) -> list[tuple[object, ...]]:
    return sorted((p.tingkat, p.kolom, p.pesan, p.kode_wilayah) for p in data.problems)


def _figures(folder: Path) -> str:
    return Dataset.open(folder).query("ringkasan_kecamatan").to_csv(index=False)


def test_an_office_file_touches_only_its_kabupaten_and_the_figures_agree(
    files: dict[str, Path], tmp_path: Path
) -> None:
    split = _dataset(files, tmp_path / "per_kabupaten", split=True)
    whole = _dataset(files, tmp_path / "utuh", split=False)
    live = versions.current(split)
    assert sorted(p.name for p in (split / "versions" / str(live) / "kpps").iterdir()) == [
        "kab=35.01",
        "kab=35.27",
    ]
    before = split / "versions" / str(live)

    preview = importer.prepare(split, [import_uploads.Upload(files["hadir_a"], "hadir.csv")])
    try:
        assert preview.touched == {"bimtek_hadir": ["35.27"]}
        assert preview.files[0].changed == FLIPPED
        # Only 35.27's attendance was read, and the roster rows of the NIKs it names.
        (hadir,) = preview.con.execute("select count(*) from _basis_bimtek_hadir").fetchone()
        (everything,) = (
            duckdb.connect()
            .execute(f"select count(*) from {_read(files['sumber'], 'bimtek_hadir')}")
            .fetchone()
        )
        assert 0 < hadir < everything
        result = import_writing.commit(preview, drop_errors=False, who="Uji")
    finally:
        preview.close()
    after = split / "versions" / result.version
    assert result.record["partisi"] == {"bimtek_hadir": ["35.27"]}
    for unchanged in ("bimtek_hadir/kab=35.01", "kpps/kab=35.01", "kpps/kab=35.27"):
        a, b = before / unchanged / "data_0.parquet", after / unchanged / "data_0.parquet"
        assert a.stat().st_ino == b.stat().st_ino, unchanged  # shared, not rewritten
    changed = "bimtek_hadir/kab=35.27/data_0.parquet"
    assert (before / changed).stat().st_ino != (after / changed).stat().st_ino
    assert oct((after / changed).stat().st_mode & 0o777) == "0o600"

    # The same two updates, one kabupaten after the other, into both layouts.
    _import(whole, files["hadir_a"])
    assert _import(split, files["kpps"]).record["partisi"] == {"kpps": ["35.01"]}
    _import(whole, files["kpps"])
    stored = Dataset.open(split)
    reference = _reference(whole, stored)
    # The same findings; they name a kabupaten's file and its row instead of kpps.parquet.
    assert _findings(stored) == _findings(reference)
    assert {p.berkas for p in stored.problems if p.baris} <= {
        "kpps/kab=35.01/data_0.parquet",
        "kpps/kab=35.27/data_0.parquet",
        "bimtek_hadir/kab=35.01/data_0.parquet",
        "bimtek_hadir/kab=35.27/data_0.parquet",
    }
    answers: dict[str, pd.DataFrame] = {}
    assert _compare(stored, reference, answers) > 1_000
    assert _compare(_reference(split, stored), reference, answers) > 1_000
    roster = split / "versions" / str(versions.current(split)) / "kpps" / "kab=35.01"
    (renamed,) = (
        duckdb.connect()
        .execute(f"select count(*) from '{roster}/data_0.parquet' where nama like '% Baru'")
        .fetchone()
    )
    assert renamed == RENAMED


def _import_command(folder: Path, path: Path) -> list[str]:
    """The import command as an office types it."""
    return [
        *(sys.executable, "-m", "kesiapan", "import"),
        *("--data", str(folder), str(path), "--who", "Uji"),
    ]


def _start(folder: Path, path: Path, pause: str | None, tmp_path: Path) -> tuple:
    marker = tmp_path / f"tahan-{path.stem}-{time.monotonic_ns()}"
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    if pause:
        env[versions.PAUSE_ENV] = f"{pause}:{marker}"
    process = subprocess.Popen(
        _import_command(folder, path),
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return process, marker


def _run_import(folder: Path, path: Path) -> subprocess.CompletedProcess:
    """The import command from start to end, as an office runs it."""
    return subprocess.run(
        _import_command(folder, path),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _wait_for(marker: Path, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.05)


def _waits_for_lock(pid: int, lock: Path) -> bool:
    """Linux lists a process blocked in flock() in /proc/locks, behind "->": `pid` waits
    there for `lock`'s inode."""
    inode = str(lock.stat().st_ino)
    for line in Path("/proc/locks").read_text(encoding="ascii").splitlines():
        fields = line.split()
        if "->" in fields:
            kind, owner, file_id = fields[fields.index("->") + 1], fields[-4], fields[-3]
            if kind == "FLOCK" and owner == str(pid) and file_id.rsplit(":", 1)[-1] == inode:
                return True
    return False


def test_imports_into_two_kabupaten_at_once_and_a_third_waits_its_turn(
    files: dict[str, Path], tmp_path: Path
) -> None:
    folder = _dataset(files, tmp_path / "data", split=True)
    whole = _dataset(files, tmp_path / "utuh", split=False)
    # A holds 35.27 mid-commit (its partition written, nothing switched yet) ...
    a, marker = _start(folder, files["hadir_a"], "versi_sebagian", tmp_path)
    _wait_for(marker, a)
    # ... while B, into 35.01, runs from start to end without waiting for it.
    b = _run_import(folder, files["kpps"])
    assert b.returncode == 0, b.stderr
    # C, into 35.27 as well, waits for A's lock and says so ...
    c, _ = _start(folder, files["hadir_b"], None, tmp_path)
    said = []
    while not said or "menunggu impor lain ke kabupaten 35.27 selesai" not in said[-1]:
        line = c.stderr.readline()  # type: ignore[union-attr]
        assert line, f"C never waited: {''.join(said)}"
        said.append(line)
    # ... for A's lock: the kernel lists C as waiting for 35.27's lock file (no second of
    # sleep to see whether C finishes meanwhile).
    lock = folder / partitions.LOCKS_DIR / "35.27.kunci"
    deadline = time.monotonic() + 120
    while not _waits_for_lock(c.pid, lock):
        assert c.poll() is None, c.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert c.poll() is None  # still waiting
    # ... and goes ahead as soon as A is gone (killed here: its lock goes with it).
    os.kill(a.pid, signal.SIGKILL)
    a.wait(timeout=30)
    _, err = c.communicate(timeout=120)
    assert c.returncode == 0, err
    # A again, now on C's data: it lands too (the same command, in this process).
    again = run_cli(*_import_command(folder, files["hadir_a"])[3:])
    assert again.returncode == 0, again.stderr
    assert [r["partisi"] for r in versions.history(folder) if "partisi" in r] == [
        {"kpps": ["35.01"]},
        {"bimtek_hadir": ["35.27"]},
        {"bimtek_hadir": ["35.27"]},
    ]
    for path in (files["kpps"], files["hadir_b"], files["hadir_a"]):
        _import(whole, path)
    assert _figures(folder) == _figures(whole)
    stored = Dataset.open(folder)
    _compare(stored, _reference(whole, stored))


def test_killed_at_random_points_the_dataset_is_before_or_after(
    files: dict[str, Path], tmp_path: Path
) -> None:
    folder = _dataset(files, tmp_path / "data", split=True)
    steps = ("asli", "versi_sebagian", "versi_lengkap", "sebelum_current", "setelah_current")
    chosen = random.Random(18).choices(steps, k=4)
    updates = [files["hadir_a"], files["kpps"]]
    for round_, step in enumerate(chosen):
        path = updates[round_ % 2]
        before = _figures(folder)
        live = versions.current(folder)
        process, marker = _start(folder, path, step, tmp_path)
        _wait_for(marker, process)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        now = _figures(folder)
        if step == "setelah_current":
            assert versions.current(folder) != live
            # The after-figures: the same file again changes nothing more.
            _import(folder, path)
            assert _figures(folder) == now
        else:
            assert versions.current(folder) == live, step
            assert now == before, step
            _import(folder, path)  # the import that died, done again
        assert not [p for p in (folder / "versions").iterdir() if p.name.startswith(".baru-")]
    assert partitions.is_partitioned(folder / "versions" / str(versions.current(folder)))


def _store_of(folder: Path) -> Path:
    Dataset.open(folder)
    (found,) = store.resolve_folder(folder).glob(f"{store.CACHE_PREFIX}*.duckdb")
    return found


def _whole_store(folder: Path, target: Path) -> Path:
    """The store of the live version built whole: a copy of the version outside `versions/`."""
    shutil.copytree(
        store.resolve_folder(folder), target, ignore=shutil.ignore_patterns(".kesiapan-*")
    )
    Dataset.open(target)
    (found,) = target.glob(f"{store.CACHE_PREFIX}*.duckdb")
    assert store.build_info(found)[store.BUILD_INFO_HOW] == store.BUILT_WHOLE
    return found


def _assert_same_store(left: Path, right: Path) -> None:
    """Every table of two stores holds the same rows (as multisets), but `_bangun`, which
    names each store's own files and how it was built."""
    con = duckdb.connect()
    con.execute("attach $path as a (read_only)", {"path": str(left)})
    con.execute("attach $path as b (read_only)", {"path": str(right)})
    listed = "select table_name from duckdb_tables() where database_name = $db order by 1"
    tables = [t for (t,) in con.execute(listed, {"db": "b"}).fetchall()]
    assert [t for (t,) in con.execute(listed, {"db": "a"}).fetchall()] == tables
    assert {"anggota", "tps_riwayat", "desa_riwayat", "_cek_blok", "_masalah"} <= set(tables)
    for table in tables:
        if table == "_bangun":
            continue
        for one, other in (("a", "b"), ("b", "a")):
            (extra,) = con.execute(
                f"select count(*) from (select * from {one}.{table} "
                f"except all select * from {other}.{table})"
            ).fetchone()
            assert extra == 0, (table, one)


def _previewed(folder: Path, path: Path) -> tuple[object, ...]:
    """What a person sees before committing an import, and which tables it read as text."""
    preview = importer.prepare(folder, [import_uploads.Upload(path, path.name)])
    try:
        table = next(iter(preview.tables))
        text = preview.con.execute(
            "select table_name from duckdb_tables() where table_name like '\\_basis\\_%' "
            "escape '\\' order by 1"
        ).fetchall()
        # What the checks saw of other kabupaten: their rows with the upload's NIKs, and the
        # roster's latest date (looked up in the live version's store when it is built).
        context = preview.con.execute(
            "select (select count(*) from _basis_kpps), (select max(tanggal) from _tanggal_lain)"
        ).fetchone()
        return (
            context,
            preview.error_count,
            preview.warning_count,
            preview.errors,
            preview.warnings,
            preview.kinds,
            [r.changed for r in preview.files],
            preview.changes_frame(table).to_csv(index=False),
            [t for (t,) in text],
        )
    finally:
        preview.close()


def _assert_limited_checks_see_everything(folder: Path, files: dict[str, Path]) -> None:
    """An import into a dataset stored per kabupaten whose store is built reads the tables it
    does not change typed from that store and skips their checks, and looks up other kabupaten's
    rows with the upload's NIKs and the roster's latest date there: the preview is the one of
    every table read as text and every check run."""
    for name in ("kpps_salah", "kpps_lintas", "hadir_a"):
        limited = _previewed(folder, files[name])
        importer.CHECK_ONLY_CHANGED = False
        try:
            whole = _previewed(folder, files[name])
        finally:
            importer.CHECK_ONLY_CHANGED = True
        assert limited[-1] == ["_basis_bimtek_hadir", "_basis_kpps"], name
        assert "_basis_tps" in whole[-1]
        assert limited[:-1] == whole[:-1], name
        if name == "kpps_salah":
            said = {p.pesan for p in [*limited[3], *limited[4]]}  # type: ignore[misc]
            assert "kode tidak dikenal: tidak ada TPS di tabel tps" in said
            assert any("lebih banyak KPPS aktif" in p for p in said)
        if name == "kpps_lintas":  # the NIK's other TPS lies in 35.27, which it does not touch
            said = {p.pesan for p in [*limited[3], *limited[4]]}  # type: ignore[misc]
            assert any("aktif di dua TPS" in p for p in said), said


def test_the_store_of_an_update_is_rebuilt_only_for_its_kabupaten(
    files: dict[str, Path], tmp_path: Path
) -> None:
    folder = _dataset(files, tmp_path / "data", split=True)
    first = _store_of(folder)
    assert store.build_info(first)[store.BUILD_INFO_HOW] == store.BUILT_WHOLE
    _assert_limited_checks_see_everything(folder, files)
    # One kabupaten's attendance: the import builds the new version's store after switching to
    # it, and is killed just before the store is named; the new version is live, nothing
    # half-built is left, and the next open builds it again.
    live = versions.current(folder)
    process, marker = _start(folder, files["hadir_a"], "praolah_sebagian", tmp_path)
    _wait_for(marker, process)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert versions.current(folder) != live
    assert not list(store.resolve_folder(folder).glob(f"{store.CACHE_PREFIX}*.duckdb"))
    # That store, then the one the import of another kabupaten's roster builds itself: each is
    # the one before with that kabupaten's rows rebuilt, and equals a whole build table by table.
    for number, (path, how) in enumerate(
        (
            (None, "sebagian kpps=; bimtek_hadir=35.27"),
            (files["kpps_lintas"], "sebagian kpps=35.01; bimtek_hadir="),
        )
    ):
        if path is not None:
            _import(folder, path)
            assert store.built_store(store.resolve_folder(folder)) is not None  # no open yet
        built = _store_of(folder)
        assert store.build_info(built)[store.BUILD_INFO_HOW] == how
        _assert_same_store(built, _whole_store(folder, tmp_path / f"utuh{number}"))
    # The roster of 35.01 made a NIK of 35.27 active twice: 35.27's findings were checked
    # again, although its files did not change.
    twice = [p for p in Dataset.open(folder).problems if "aktif di dua TPS" in p.pesan]
    assert [p.berkas for p in twice] == ["kpps/kab=35.27/data_0.parquet"]
    # A table not stored per kabupaten changed: built whole.
    _import(folder, files["supervisi"])
    assert store.build_info(_store_of(folder))[store.BUILD_INFO_HOW] == store.BUILT_WHOLE
