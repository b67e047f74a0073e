"""Tables stored per kabupaten (issue 18): which rows go where, when it is worth it, and the
locks that let offices of different kabupaten import at the same time.

A dataset folder's two big tables (`kpps`, `bimtek_hadir`) may live as hive-style folders,
`<table>/kab=35.27/data_0.parquet`, one file per kabupaten, inside each version folder. An
import of one kecamatan's attendance or one desa's roster then reads and writes only the
kabupaten it names; the other kabupaten's files are hard links to the previous version's, so
every version stays whole and a restore stays one switch of CURRENT.

- a roster row belongs to the kabupaten of its TPS code (`3527012001001` → `35.27`);
- an attendance row to the kabupaten of its session's kecamatan;
- a row whose kabupaten cannot be told goes to `kab=lain`.

The layout is chosen when an import writes a version: per kabupaten when the dataset spans
several kabupaten and has at least `MIN_ROSTER_ROWS` roster rows, or when `dataset.toml` says
`per_kabupaten = true` (`false` keeps one file per table). No Streamlit here.
"""

from __future__ import annotations

import contextlib
import fcntl
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path

from kesiapan.access import private
from kesiapan.contract import schema, sql
from kesiapan.store import dataset as store
from kesiapan.store.dataset import (
    PART_NAME,
    PARTITION_FILE,
    PARTITION_KEY,
    PARTITIONED,
    UNKNOWN_PART,
)

MIN_ROSTER_ROWS = 100_000
LOCKS_DIR = ".kunci-kabupaten"
WAITING = (
    "menunggu impor lain ke kabupaten {kode} selesai; impor ini berjalan sesudahnya "
    "dengan data terbaru"
)

# The kabupaten of a row, from its typed columns (`t.` the row; sessions joined as `s.`).
_TPS_KAB = (
    "case when regexp_full_match({c}, '[0-9]{{13}}') "
    "then substr({c}, 1, 2) || '.' || substr({c}, 3, 2) else 'lain' end"
)
_KECAMATAN_KAB = (
    "case when regexp_full_match({c}, '[0-9]{{2}}[.][0-9]{{2}}([.].*)?') "
    "then left({c}, 5) else 'lain' end"
)


def tps_kabupaten(column: str) -> str:
    """SQL: the kabupaten (`35.27`, else `lain`) of a typed 13-digit TPS code."""
    return _TPS_KAB.format(c=column)


def kecamatan_kabupaten(column: str) -> str:
    """SQL: the kabupaten (`35.27`, else `lain`) of a typed kecamatan code."""
    return _KECAMATAN_KAB.format(c=column)


def row_kabupaten(table: str, source: str) -> sql.Fragment:
    """SQL selecting every column of `source` (rows of `table`, typed or as text) plus `_kab`,
    the partition the row belongs to. Attendance looks its session up in the typed
    `bimtek_sesi` of the same connection."""
    # The typed expressions are store's own, built from the contract's columns.
    if table == "kpps":
        code = store.typed_expression(schema.TABLES["kpps"].column("kode_tps"), "r.kode_tps")
        return sql.compose(
            "select r.*, {kab} as _kab from {source} as r",
            kab=sql.trusted(tps_kabupaten(code)),
            source=sql.ident(source),
        )
    if table == "bimtek_hadir":
        code = store.typed_expression(
            schema.TABLES["bimtek_hadir"].column("kode_sesi"), "r.kode_sesi"
        )
        return sql.compose(
            "select r.*, coalesce(s._kab, {unknown}) as _kab from {source} as r "
            "left join (select kode_sesi, min({kab}) as _kab from bimtek_sesi "
            "where kode_sesi is not null group by kode_sesi) as s on s.kode_sesi = {code}",
            unknown=sql.literal(UNKNOWN_PART),
            source=sql.ident(source),
            kab=sql.trusted(kecamatan_kabupaten("kode_kecamatan")),
            code=sql.trusted(code),
        )
    raise ValueError(f"tabel {table} tidak disimpan per kabupaten")


def wanted(folder: Path | None, roster_rows: int, kabupaten: int) -> bool:
    """Whether a version of this dataset is written per kabupaten (see the module docstring).
    `folder` is the version whose dataset.toml rules (None: none)."""
    setting = _setting(folder)
    if setting is not None:
        return setting
    return kabupaten > 1 and roster_rows >= MIN_ROSTER_ROWS


def _setting(folder: Path | None) -> bool | None:
    path = folder / "dataset.toml" if folder is not None else None
    if path is None or not path.is_file():
        return None
    try:
        value = tomllib.loads(path.read_text(encoding="utf-8-sig")).get("per_kabupaten")
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None
    return value if isinstance(value, bool) else None


def is_partitioned(folder: Path | None) -> bool:
    """Whether a version folder keeps both big tables per kabupaten."""
    return folder is not None and all((folder / t).is_dir() for t in PARTITIONED)


def partition_path(table_folder: Path, code: str) -> Path:
    return table_folder / f"{PARTITION_KEY}={code}" / PARTITION_FILE


def valid_code(code: str) -> bool:
    return bool(PART_NAME.fullmatch(code)) or code == UNKNOWN_PART


@contextlib.contextmanager
def kabupaten_locks(
    folder: Path, codes: list[str], waiting: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold the lock of each kabupaten an import writes (`.kunci-kabupaten/<code>.kunci`),
    taken in order so two imports never wait on each other in a circle. An import into
    another kabupaten does not wait; one into the same kabupaten waits its turn (no timeout:
    that import is a few seconds), and `waiting` is told which kabupaten it waits for."""
    target = folder / LOCKS_DIR
    private.make_dir(target)
    with contextlib.ExitStack() as stack:
        for code in sorted(set(codes)):
            if not valid_code(code):
                raise ValueError(f"kode kabupaten tidak sah: {code!r}")
            handle = stack.enter_context(private.open_text(target / f"{code}.kunci", "a"))
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if waiting is not None:
                    waiting(WAITING.format(kode=code))
                fcntl.flock(handle, fcntl.LOCK_EX)
            stack.callback(fcntl.flock, handle, fcntl.LOCK_UN)
        yield


def table_names() -> tuple[str, ...]:
    return tuple(t for t in schema.TABLE_NAMES if t in PARTITIONED)
