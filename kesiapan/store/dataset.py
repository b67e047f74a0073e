"""A dataset folder read into DuckDB: one typed table per contract table, and the queries over it.

Every file is first read as text only (DuckDB's CSV sniffer would turn codes and NIKs into
integers), into `_raw_<table>` with canonical column names and the spreadsheet row number
`_baris`. The typed table `<table>` is derived from it by one SQL expression per value kind,
and the checks of contract §3 compare the two to name every value that could not be read.

A dataset may be limited to an area scope (`Dataset.scoped`, `scope`): codes of any level
(`35`, `35.27`, `35.27.02`, `35.27.02.2001`). Every query applies it in SQL (`$cakupan`, see
`queries/macros/wilayah_dipilih.sql`), below whatever filters the caller passes, and the
problems of the checks are limited to the rows in it.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import hashlib
import logging
import os
import re
import shutil
import stat
import tempfile
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from kesiapan import paths
from kesiapan.access import private
from kesiapan.contract import schema, sql
from kesiapan.contract import scope as area_scope
from kesiapan.contract.problems import ERROR, WARNING, DatasetError, Problem
from kesiapan.store import checks, overlay, xlsx_budget

QUERIES_DIR = paths.QUERIES
MACROS_DIR = QUERIES_DIR / "macros"
BUILD_DIR = QUERIES_DIR / "build"
CACHE_PREFIX = ".kesiapan-"
CACHE_FORMAT = "3"  # bump when the store's layout changes in a way the hashed files don't show
# DuckDB spills to disk beyond this while building, so a national roster fits a small machine.
BUILD_MEMORY_LIMIT = os.environ.get("KESIAPAN_BUILD_MEMORY", "1GB")
AREA_PARAMS = ("kabupaten", "kecamatan", "desa")
DEFAULT_SEATS = 7
# An area scope code (kesiapan/contract/scope.py); always used with fullmatch (`$` alone would also
# accept a trailing newline).
SCOPE_CODE = area_scope.CODE
# The one query file that runs without the scope: the dataset's span of dates, which only picks
# the default dates (the same for everyone).
UNSCOPED_QUERIES = frozenset({"tanggal_data"})
HEADER_ROW = 1  # a problem on the header row concerns the whole file, like one without a row
# Issue 18: the two big tables of an imported dataset may be stored per kabupaten, as
# hive-style folders `<table>/kab=35.27/data_0.parquet` (`kab=lain`: rows whose kabupaten cannot
# be told). A row of such a table is numbered `kabupaten digits * PART_STRIDE + its row in the
# file` (3527 * 10**7 + 2 for the first row of 35.27), so that a row keeps its number while
# other kabupaten change; messages name the partition's file and its own row.
PARTITIONED = ("kpps", "bimtek_hadir")
PARTITION_KEY = "kab"
PARTITION_FILE = "data_0.parquet"  # the name DuckDB gives with PARTITION_BY
UNKNOWN_PART = "lain"
PART_STRIDE = 10**7
PART_NAME = re.compile(r"[0-9]{2}\.[0-9]{2}")

_PARAM_RE = re.compile(r"\$([a-z_][a-z0-9_]*)")
_SQL_COMMENT = re.compile(r"--[^\n]*")
_BLANK = "nullif(trim({c}), '')"
# Spellings accepted for `hadir` (contract §1), compared after lower() and trim().
# A tick of any common form (contract §3: ✓ ✔ √ v x ☑) means present.
HADIR_TRUE = ("ya", "hadir", "y", "1", "true", "✓", "✔", "√", "v", "x", "☑", "☒", "✗", "✘")
HADIR_FALSE = ("tidak", "tidak hadir", "t", "0", "false", "-", "☐")
DATE_FORMATS = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d",
)
# Month names and abbreviations as offices write them (Indonesian first, English too), read
# day-first always: "5 JANUARI 1994", "Kamis, 25 Januari 2024", "27 Jan 2024", "3 Agust 2023".
MONTHS = (
    ("01", "januari|jan"),
    ("02", "februari|pebruari|feb|peb|febr"),
    ("03", "maret|mar|march"),
    ("04", "april|apr"),
    ("05", "mei|may"),
    ("06", "juni|jun|june"),
    ("07", "juli|jul|july"),
    ("08", "agustus|agust|agst|agu|agt|aug|august"),
    ("09", "september|sept|sep"),
    ("10", "oktober|okt|oct|october"),
    ("11", "november|nopember|nov|nop"),
    ("12", "desember|des|dec|december"),
)
log = logging.getLogger(__name__)
WEEKDAYS = "senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu|ahad"


# DuckDB uses every core for one query by default. Where several processes share the cores
# (the app's workers behind nginx, the test suite's workers) one thread each wastes less on
# coordination: KESIAPAN_DUCKDB_THREADS=1 (a whole number; unset, DuckDB's own default).
THREADS_ENV = "KESIAPAN_DUCKDB_THREADS"


def connect(database: str = ":memory:", *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """`duckdb.connect`, with the thread count of KESIAPAN_DUCKDB_THREADS when it is set."""
    threads = os.environ.get(THREADS_ENV, "").strip()
    config = {"threads": int(threads)} if threads.isdigit() and int(threads) > 0 else {}
    return duckdb.connect(database, read_only=read_only, config=config)


def _sql_list(values: tuple[str, ...]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def _worded_date(v: str) -> str:
    """A date with its month in words (and maybe a weekday before it) as a timestamp."""
    text = f"lower({v})"
    weekdays = WEEKDAYS.replace("'", "''")
    text = f"regexp_replace({text}, '^\\s*({weekdays})\\s*,?\\s*', '')"
    for number, names in MONTHS:
        text = f"regexp_replace({text}, '[\\s./-]+({names})[\\s./-]+', '/{number}/')"
    return f"case when regexp_matches({v}, '[A-Za-z]') then try_strptime({text}, '%d/%m/%Y') end"


def typed_expression(column: schema.Column, raw: str) -> str:
    """The SQL that turns raw text into the column's type; NULL when blank or unreadable."""
    v = _BLANK.format(c=raw)
    kind = column.kind
    if kind in (schema.TEXT, schema.CODE):
        return v
    if kind == schema.NIK:
        # People paste NIKs with spaces, quotes or Excel's leading apostrophe.
        return f"nullif(regexp_replace(trim({raw}), '[\\s''\"]', '', 'g'), '')"
    if kind == schema.DATE:
        formats = ", ".join(f"try_strptime({v}, '{f}')" for f in DATE_FORMATS)
        return f"cast(coalesce({formats}, {_worded_date(v)}) as date)"
    if kind == schema.INT:
        return (
            f"case when regexp_full_match({v}, '[+-]?[0-9]+(\\.0*)?')"
            f" then cast(split_part({v}, '.', 1) as bigint) end"
        )
    if kind == schema.DECIMAL:
        return f"try_cast(replace({v}, ',', '.') as double)"
    low = f"regexp_replace(lower({v}), '\\s+', ' ', 'g')"
    if kind == schema.BOOL:
        return (
            f"case when {low} in ({_sql_list(HADIR_TRUE)}) then true"
            f" when {low} in ({_sql_list(HADIR_FALSE)}) then false end"
        )
    if kind == schema.JABATAN:
        return (
            f"case when regexp_full_match({low}, '(ketua( kpps)?|kpps ?0?1)') then 'ketua'"
            f" when regexp_full_match({low}, '(anggota( kpps)?|kpps ?0?[2-7])') then 'anggota' end"
        )
    if kind == schema.JENIS_KELAMIN:
        return (
            f"case when {low} in ('l', 'lk', 'laki-laki', 'laki laki', 'laki', 'lelaki', 'pria')"
            f" then 'L' when {low} in ('p', 'pr', 'perempuan', 'wanita') then 'P' end"
        )
    if kind == schema.JENIS_WILAYAH:
        return f"case when {low} in ('desa', 'kelurahan') then {low} end"
    raise ValueError(f"unknown kind {kind}")


@dataclass(frozen=True)
class DatasetConfig:
    nama: str | None = None
    hari_pemungutan: date | None = None
    bimtek_mulai: date | None = None
    bimtek_selesai: date | None = None


@dataclass(frozen=True)
class SourceFile:
    table: str
    path: Path | None
    rows: int


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        return date.fromisoformat(value.strip())
    return None


def read_config(folder: Path, problems: list[Problem]) -> DatasetConfig:
    path = folder / "dataset.toml"
    if not path.exists():
        return DatasetConfig()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
        return DatasetConfig(
            nama=data.get("nama"),
            hari_pemungutan=_as_date(data.get("hari_pemungutan")),
            bimtek_mulai=_as_date(data.get("bimtek_mulai")),
            bimtek_selesai=_as_date(data.get("bimtek_selesai")),
        )
    except (tomllib.TOMLDecodeError, ValueError, UnicodeDecodeError) as exc:
        problems.append(
            Problem(WARNING, "dataset.toml", None, None, None, f"berkas tidak dapat dibaca: {exc}")
        )
        return DatasetConfig()


# -- versioned dataset folders (issue 7: kesiapan/store/versions.py) -------------------------------
VERSIONS_DIR = "versions"
CURRENT_FILE = "CURRENT"
_VERSION_NAME = re.compile(r"[0-9]{4,}")


def resolve_folder(path: Path) -> Path:
    """The live version of an imported dataset (DIR/versions/<name in DIR/CURRENT>), else
    `path` itself: a plain folder of six files is read as it is."""
    current = path / CURRENT_FILE
    if not ((path / VERSIONS_DIR).is_dir() and current.is_file()):
        return path
    name = current.read_text(encoding="utf-8").strip()
    live = path / VERSIONS_DIR / name
    if not _VERSION_NAME.fullmatch(name) or not live.is_dir():
        raise DatasetError(f"{current} menyebut versi '{name}' yang tidak ada di {live.parent}")
    return live


# -- end of versioned dataset folders ----------------------------------------------------------


def partition_files(folder: Path) -> dict[str, Path]:
    """A partitioned table's files by kabupaten code (or `lain`), sorted."""
    found = {}
    for path in sorted(folder.glob(f"{PARTITION_KEY}=*/{PARTITION_FILE}")):
        code = path.parent.name.split("=", 1)[1]
        if PART_NAME.fullmatch(code) or code == UNKNOWN_PART:
            found[code] = path
    return found


def part_number(code: str) -> int:
    """A partition's row-number block: 3527 for 35.27, 0 for rows of no known kabupaten."""
    return int(code.replace(".", "")) if PART_NAME.fullmatch(code) else 0


def is_partitioned(path: Path | None) -> bool:
    return path is not None and path.is_dir()


def find_table_file(folder: Path, table: str) -> tuple[Path | None, list[Path]]:
    """The file holding `table` (NAME.csv, NAME.xlsx or NAME.parquet, any case) and any rivals;
    for a table stored per kabupaten, its folder (issue 18)."""
    if table in PARTITIONED and (folder / table).is_dir():
        return folder / table, []
    found = sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and p.stem.lower() == table and p.suffix.lower() in schema.FILE_SUFFIXES
    )
    return (found[0] if found else None), found[1:]


def _csv_delimiter(path: Path) -> str:
    with path.open("rb") as handle:
        for line in handle:
            if line.strip():
                return ";" if line.count(b";") > line.count(b",") else ","
    return ","


def cell_text(value: object) -> tuple[str | None, bool]:
    """An Excel cell as text, and whether it was a number (a NIK typed as a number loses digits)."""
    if value is None:
        return None, False
    if isinstance(value, bool):
        return ("true" if value else "false"), False
    if isinstance(value, datetime):
        if value.time() == datetime.min.time():
            return value.date().isoformat(), False
        return value.isoformat(sep=" "), False
    if isinstance(value, date):
        return value.isoformat(), False
    if isinstance(value, int):
        return str(value), True
    if isinstance(value, float):
        return (str(int(value)) if value.is_integer() else repr(value)), True
    return str(value), False


class Dataset:
    """One dataset folder in DuckDB: typed tables, checks, precomputed history, named queries.

    By default the folder is read once into a DuckDB file next to it (`.kesiapan-<hash>.duckdb`,
    rebuilt whenever a file, the code or the SQL changes) holding the typed tables, the check
    results and the precomputed history of every TPS and desa; later opens only attach it,
    read-only. `precomputed=False` reads the files into memory and answers every query
    straight from the typed tables: the reference the precomputed store is checked against.

    `scope` is the area scope (None: unrestricted, as `open` returns it; an empty tuple:
    nothing). `scoped` gives a view of the same store limited to a scope.
    """

    def __init__(
        self,
        folder: Path,
        con: duckdb.DuckDBPyConnection,
        sources: dict[str, SourceFile],
        problems: list[Problem],
        config: DatasetConfig,
        precomputed: bool,
    ) -> None:
        self.folder = folder
        self._con = con
        self.sources = sources
        self.problems = problems
        self.config = config
        self.precomputed = precomputed
        self.scope: tuple[str, ...] | None = None
        # Issue 16: the live attendance journal's marks, shared by every scoped view.
        self.journal: overlay.Overlay | None = None
        self._all_problems = problems
        self.first_date, self.default_as_of = self._date_range()

    # -- opening ---------------------------------------------------------------------------
    @classmethod
    def open(cls, folder: Path | str, *, precomputed: bool = True) -> Dataset:
        root = Path(folder)  # issue 16: the journal lives here, through imports and restores
        folder = resolve_folder(root)  # issue 7: an imported dataset's live version
        if not folder.is_dir():
            raise DatasetError(f"Folder data tidak ditemukan: {folder}")
        problems: list[Problem] = []
        config = read_config(folder, problems)
        if precomputed:
            con = _open_cache(folder, config)
        else:
            con = connect()
            _load(con, folder, config)
        problems += _stored_problems(con)
        overlay.attach(con)
        dataset = cls(folder, con, _stored_sources(con, folder), problems, config, precomputed)
        dataset.journal = overlay.Overlay(con, root, precomputed=precomputed)
        return dataset

    def scoped(self, scope: tuple[str, ...] | None) -> Dataset:
        """A view of this dataset (same connection, nothing reloaded) whose queries, problems,
        errors and warnings are limited to the area scope `scope`. A view is never wider than
        the one it is made from: the scopes are intersected, and None keeps the current one.
        Raises ValueError for a code that is not `35`, `35.27`, `35.27.02` or `35.27.02.2001`."""
        scope = _intersect_scopes(self.scope, validate_scope(scope))
        view = copy.copy(self)
        view.scope = scope
        view.problems = [
            _own_count(p, scope) for p in self._all_problems if problem_in_scope(p, scope)
        ]
        return view

    # -- reading ---------------------------------------------------------------------------
    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    def query(
        self,
        name: str,
        as_of: date | None = None,
        kabupaten: list[str] | None = None,
        kecamatan: list[str] | None = None,
        desa: list[str] | None = None,
        batas: int | None = None,
    ) -> pd.DataFrame:
        """Run `queries/<name>.sql` with the as-of date and area filters (None = no filter);
        `batas` caps the rows of the name lists that take it. The area scope `self.scope`
        applies below the filters: a filter outside it finds nothing."""
        text = query_text(name)
        scope = validate_scope(self.scope)  # again: the attribute may have been set directly
        used = set(_PARAM_RE.findall(_SQL_COMMENT.sub("", text)))
        if scope is not None and "cakupan" not in used and name not in UNSCOPED_QUERIES:
            # Fail closed: a query file that ignores the scope must not run in a scoped view.
            raise RuntimeError(f"query {name} tidak menerapkan cakupan wilayah ($cakupan)")
        values: dict[str, object] = {
            "as_of": as_of or self.default_as_of,
            "kabupaten": _as_list(kabupaten),
            "kecamatan": _as_list(kecamatan),
            "desa": _as_list(desa),
            "batas": batas,
            "cakupan": _as_list(scope),
        }
        params = {p: values[p] for p in sorted(used)}
        self.journal_stamp()
        cursor = self._con.cursor()
        try:
            return cursor.execute(text, params).df()
        finally:
            cursor.close()

    def journal_stamp(self, *, force: bool = False) -> int:
        """Apply the attendance journal's new marks (at most once a second unless forced);
        the id of the last one applied, which keys cached results (issue 16)."""
        return self.journal.refresh(force=force) if self.journal is not None else 0

    def nik_areas(self, niks: list[str]) -> pd.DataFrame:
        """Where these NIKs serve (TPS, desa, kecamatan codes), whatever the view's scope: the
        one unscoped lookup, for marking a member of another kecamatan present at a session
        (issue 16). It returns area codes and the kecamatan's name only, no personal field."""
        cursor = self._con.cursor()
        try:
            text = (QUERIES_DIR / "jurnal" / "nik_wilayah.sql").read_text(encoding="utf-8")
            return cursor.execute(text, {"nik": [str(n) for n in niks]}).df()
        finally:
            cursor.close()

    def table_rows(self, table: str) -> int:
        """Rows of an input table; in a scoped view, the rows in the scope (`data_tabel`)."""
        if self.scope is None:
            return self.sources[table].rows
        counts = self.query("data_tabel")
        return int(counts.loc[counts["tabel"] == table, "baris"].iloc[0])

    def _date_range(self) -> tuple[date, date]:
        first, last = self._con.execute(query_text("tanggal_data")).fetchone()
        today = date.today()
        return (first or today), (last or today)


def create_macros(con: duckdb.DuckDBPyConnection, precomputed: bool) -> None:
    """Create the macros of `queries/macros/` (shared) and of `simpan/` (over the precomputed
    tables) or `langsung/` (straight from the typed tables). They live in the store itself:
    temporary macros would be invisible to the cursors that run the queries. A macro may use
    one defined later, so failures are retried until nothing moves."""
    overlay.attach(con)  # the macros read the journal's marks (issue 16)
    variant = MACROS_DIR / ("simpan" if precomputed else "langsung")
    pending = sorted([*MACROS_DIR.glob("*.sql"), *variant.glob("*.sql")])
    while pending:
        failed: list[Path] = []
        for sql_file in pending:
            try:
                con.execute(sql_file.read_text(encoding="utf-8"))
            except duckdb.CatalogException:
                failed.append(sql_file)
        if len(failed) == len(pending):
            con.execute(failed[0].read_text(encoding="utf-8"))  # raises the real error
        pending = failed


def _load(con: duckdb.DuckDBPyConnection, folder: Path, config: DatasetConfig) -> None:
    """Read the six tables as text, type them and run the checks; results stay in `con`
    as the tables `_masalah` (problems), `_sumber` (files and rows), and the checks' rows per
    block `_cek_blok` with their list `_cek_info` (what an incremental store build reuses)."""
    problems: list[Problem] = []
    sources: list[tuple[str, str | None, int]] = []
    numeric_niks: dict[str, list[int]] = {}
    for name in schema.TABLE_NAMES:
        table = schema.TABLES[name]
        path, rivals = find_table_file(folder, name)
        for rival in rivals:
            read_from = path.name if path else "-"
            problems.append(
                Problem(
                    WARNING,
                    rival.name,
                    None,
                    None,
                    None,
                    f"diabaikan: tabel {name} sudah dibaca dari {read_from}",
                )
            )
        headers = None
        if path is None:
            message = f"berkas tabel {name} tidak ada (CSV, XLSX atau Parquet) di folder data"
            problems.append(Problem(ERROR, f"{name}.csv", None, None, None, message))
        else:
            try:
                headers, numeric_niks[name] = load_source(con, path, table)
            except (duckdb.Error, OSError, ValueError, KeyError) as exc:
                message = f"berkas tidak dapat dibaca: {_read_error(exc, path)}"
                problems.append(Problem(ERROR, path.name, None, None, None, message))
                path = None
            else:
                problems.extend(header_problems(table, path.name, headers))
        create_raw(con, table, headers)
        create_typed(con, table)
        rows = con.execute(sql.compose("select count(*) from {t}", t=sql.ident(name)))
        rows = rows.fetchall()[0][0]
        sources.append((name, path.name if path else None, rows))
    create_macros(con, precomputed=False)
    as_of, voting_day = _check_dates(con, config)
    file_names = {n: f or f"{n}.csv" for n, f, _ in sources}
    listed = checks.run_blocks(
        con,
        file_names,
        as_of=as_of,
        voting_day=voting_day,
        stride=PART_STRIDE,
        per_block={t for t in PARTITIONED if is_partitioned(folder / t)},
    )
    _place_check_rows(con)
    _save_checks(con, listed)
    _write_problems(
        con,
        [(ORIGIN_LOAD, p) for p in problems]
        + [(ORIGIN_NUMERIC, p) for p in checks.numeric_problems(file_names, numeric_niks)],
        listed,
        {file: name for name, file in file_names.items()},
    )
    con.execute("create or replace table _sumber (tabel varchar, berkas varchar, baris bigint)")
    con.executemany("insert into _sumber values (?, ?, ?)", sources)


# Where a problem in `_masalah` comes from: reading the files, a check, an Excel-number NIK.
ORIGIN_LOAD, ORIGIN_CHECK, ORIGIN_NUMERIC = "muat", "cek", "angka"


def _check_dates(con: duckdb.DuckDBPyConnection, config: DatasetConfig) -> tuple[date, date]:
    """The as-of date the checks use (the data's last date) and the voting day."""
    _, last = con.execute(query_text("tanggal_data")).fetchall()[0]
    as_of = last or date.today()
    return as_of, config.hari_pemungutan or as_of


def _place_check_rows(con: duckdb.DuckDBPyConnection) -> None:
    """Each check row's area (queries/macros/wilayah_baris.sql), kept with it."""
    con.execute(
        "update _cek_blok as c set kode_wilayah = w.kode_wilayah from wilayah_baris() as w "
        "where w.tabel = c.tabel and w._baris = c.baris"
    )


def _save_checks(con: duckdb.DuckDBPyConnection, listed: list[checks.Check]) -> None:
    con.execute(
        "create or replace table _cek_info (cek integer, tingkat varchar, tabel varchar, "
        "berkas varchar, kolom varchar, pesan varchar)"
    )
    checks.insert_rows(
        con,
        "_cek_info",
        ["cek", "tingkat", "tabel", "berkas", "kolom", "pesan"],
        [dataclasses.astuple(c) for c in listed],
    )


def _saved_checks(con: duckdb.DuckDBPyConnection) -> list[checks.Check]:
    rows = con.execute(
        "select cek, tingkat, tabel, berkas, kolom, pesan from _cek_info order by cek"
    ).fetchall()
    return [checks.Check(*row) for row in rows]


def _write_problems(
    con: duckdb.DuckDBPyConnection,
    others: list[tuple[str, Problem]],
    listed: list[checks.Check],
    table_of_file: dict[str, str],
) -> None:
    """`_masalah`: the problems of reading the files, then the checks' (merged over their
    blocks, `checks.problems`), then Excel-number NIKs; numbered in that order."""
    found = checks.problems(con, listed)
    ordered = (
        [(o, p) for o, p in others if o == ORIGIN_LOAD]
        + [(ORIGIN_CHECK, p) for p in found]
        + [(o, p) for o, p in others if o != ORIGIN_LOAD]
    )
    con.execute(
        "create or replace table _masalah (urutan integer, tingkat varchar, berkas varchar, "
        "baris bigint, kolom varchar, nilai varchar, pesan varchar, tabel varchar, "
        "kode_wilayah varchar, asal varchar)"
    )
    checks.insert_rows(
        con,
        "_masalah",
        [
            "urutan",
            "tingkat",
            "berkas",
            "baris",
            "kolom",
            "nilai",
            "pesan",
            "tabel",
            "kode_wilayah",
            "asal",
        ],
        [
            (
                i,
                p.tingkat,
                p.berkas,
                p.baris,
                p.kolom,
                p.nilai,
                p.pesan,
                table_of_file.get(p.berkas) if p.baris is not None else None,
                p.kode_wilayah,
                origin,
            )
            for i, (origin, p) in enumerate(ordered)
        ],
    )
    if any(o != ORIGIN_CHECK and p.baris is not None for o, p in ordered):
        # Rows named outside the checks (Excel-number NIKs, a header row) placed likewise.
        con.execute(
            "update _masalah as m set kode_wilayah = w.kode_wilayah from wilayah_baris() as w "
            "where m.asal <> $cek and w.tabel = m.tabel and w._baris = m.baris",
            {"cek": ORIGIN_CHECK},
        )


def _stored_problems(con: duckdb.DuckDBPyConnection) -> list[Problem]:
    rows = con.execute(
        "select tingkat, berkas, baris, kolom, nilai, pesan, kode_wilayah from _masalah "
        "order by urutan"
    ).fetchall()
    return [Problem(*_partition_row(row)) for row in rows]


def _partition_row(row: tuple) -> tuple:
    """A problem on a row of a partitioned table names the kabupaten's file and its own row."""
    tingkat, berkas, baris, *rest = row
    if berkas in PARTITIONED and baris is not None and baris != HEADER_ROW:
        block, number = divmod(int(baris), PART_STRIDE)
        code = f"{block // 100:02d}.{block % 100:02d}" if block else UNKNOWN_PART
        berkas = f"{berkas}/{PARTITION_KEY}={code}/{PARTITION_FILE}"
        baris = number
    return (tingkat, berkas, baris, *rest)


def _stored_sources(con: duckdb.DuckDBPyConnection, folder: Path) -> dict[str, SourceFile]:
    rows = con.execute("select tabel, berkas, baris from _sumber").fetchall()
    return {
        name: SourceFile(name, folder / file if file else None, count) for name, file, count in rows
    }


def data_files(folder: Path) -> list[Path]:
    """The files a dataset folder's figures come from: the tables (a partitioned table's
    partition files) and dataset.toml."""
    found: list[Path] = []
    for p in folder.iterdir():
        if p.is_file() and (
            p.name.lower() == "dataset.toml"
            or (p.stem.lower() in schema.TABLE_NAMES and p.suffix.lower() in schema.FILE_SUFFIXES)
        ):
            found.append(p)
        elif p.is_dir() and p.name in PARTITIONED:
            found += partition_files(p).values()
    return sorted(found)


def _fingerprint(folder: Path) -> str:
    """What the store depends on: the code that reads the data, and each data file's name,
    size and modification time (issue 18: hashing every byte of a national dataset cost
    seconds at each open; a version's files are never written again once it is named, and any
    write to a file changes its mtime) and the version's name."""
    digest = hashlib.sha256(_code_digest().encode())
    digest.update(folder.name.encode())
    for path in data_files(folder):
        info = path.stat()
        name = str(path.relative_to(folder))
        digest.update(f"{name}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    return digest.hexdigest()[:16]


def _code_digest() -> str:
    """The code and SQL a store is built with: a store built by other code is never reused."""
    digest = hashlib.sha256(CACHE_FORMAT.encode())
    code = [Path(__file__), Path(checks.__file__), Path(schema.__file__)]
    queries = sorted([*BUILD_DIR.glob("*.sql"), *MACROS_DIR.rglob("*.sql")])
    for path in [*code, *queries]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _user_cache_dir() -> Path | None:
    """The private per-user cache folder (`$XDG_CACHE_HOME/kesiapan`, else `~/.cache/kesiapan`),
    created 0700; None when it cannot be made or is not ours and closed to others (issue 12:
    never a shared temp folder, where another local user could read or plant a store)."""
    base = os.environ.get("XDG_CACHE_HOME") or ""
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    folder = root / "kesiapan"
    try:
        if not folder.exists() and not folder.is_symlink():
            private.make_dir(folder)
    except OSError:
        return None
    return folder if private.is_private(folder, directory=True) else None


def _cache_path(folder: Path) -> Path | None:
    """`.kesiapan-<fingerprint>.duckdb` next to the data, or in the private per-user cache
    folder when the data folder is read-only; None when neither can hold a store."""
    name = f"{CACHE_PREFIX}{_fingerprint(folder)}.duckdb"
    if os.access(folder, os.W_OK):
        return folder / name
    fallback = _user_cache_dir()
    if fallback is None:
        return None
    key = hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:12]
    return fallback / f"{key}{name}"


def built_store(folder: Path) -> Path | None:
    """The store `Dataset.open` would attach for `folder`, if it is built (by this code, from
    the files the folder holds now: its name is their fingerprint) and ours; else None. An
    import reads the live version's tables that it does not change from it (issue 18)."""
    cache = _cache_path(folder)
    if cache is None or not cache.is_file() or not private.is_private(cache):
        return None
    return cache


def _trusted_store(cache: Path) -> bool:
    """Whether an existing store may be opened: a regular file of ours closed to others. One
    of ours left wider (an older version, a copy) is removed and built again; one of another
    owner, or not a plain file, is never opened."""
    if private.is_private(cache):
        return True
    try:
        info = os.lstat(cache)
    except OSError:
        return False
    if stat.S_ISREG(info.st_mode) and info.st_uid == os.geteuid():
        cache.unlink(missing_ok=True)
    return False


def _open_cache(folder: Path, config: DatasetConfig) -> duckdb.DuckDBPyConnection:
    """Attach the store read-only, building it first when the data or the code changed.
    Another process may replace the store between our look and our open: then build again.
    Without a trustworthy place for a store the dataset is read into memory instead."""
    for attempt in range(3):
        cache = _cache_path(folder)
        if cache is None:
            break
        present = cache.exists() or cache.is_symlink()
        if present and not _trusted_store(cache) and (cache.exists() or cache.is_symlink()):
            break  # another owner's, or not a plain file: never opened
        if not cache.exists():
            try:
                _build_cache(folder, cache, config)
            except (
                OSError,
                duckdb.IOException,
                duckdb.FatalException,
                duckdb.OutOfMemoryException,
            ):
                # A full disk or quota (issue 12): the half-built store went with its build
                # folder; the live version is read into memory instead of not opening at all.
                break
        if not private.is_private(cache):
            break
        try:
            return connect(str(cache), read_only=True)
        except duckdb.IOException:
            if attempt == 2:
                raise
    con = connect()
    _load(con, folder, config)
    for sql_file in sorted(BUILD_DIR.glob("*.sql")):
        con.execute(sql_file.read_text(encoding="utf-8"))
    create_macros(con, precomputed=True)
    return con


def _build_cache(folder: Path, cache: Path, config: DatasetConfig) -> None:
    """Write the store to a new file, then switch: readers never see half a store. A version
    that differs from one with a store only in some kabupaten of the tables stored per
    kabupaten gets a copy of that store with those kabupaten's rows replaced (issue 18,
    `_build_from_base`); anything else is built whole."""
    if _build_incrementally(folder, cache, config):
        return
    # Built inside a folder of its own, 0700, so nobody else can open the store while DuckDB
    # writes it with the umask's mode; it is closed to 0600 before it is named.
    building = Path(tempfile.mkdtemp(prefix=f"{cache.name}.{os.getpid()}.", dir=cache.parent))
    partial = building / cache.name
    try:
        con = connect(str(partial))
        spill = tempfile.mkdtemp(prefix="kesiapan-spill-")
        try:
            _build_settings(con, spill)
            _load(con, folder, config)
            for sql_file in sorted(BUILD_DIR.glob("*.sql")):
                con.execute(sql_file.read_text(encoding="utf-8"))
            create_macros(con, precomputed=True)
            drop_sources(con)
            _write_build_info(con, folder, _check_dates(con, config), BUILT_WHOLE)
            con.execute("checkpoint")
        finally:
            con.close()
            shutil.rmtree(spill, ignore_errors=True)
        private.restrict(partial)
        os.replace(partial, cache)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    _remove_older(cache)
    prune_stores(folder)


def _build_incrementally(folder: Path, cache: Path, config: DatasetConfig) -> bool:
    """`_build_from_base` from the best base there is; False (nothing written) when there is
    none or the store must be built whole."""
    base = _find_base(folder)
    if base is None:
        return False
    try:
        _build_from_base(folder, cache, config, base)
    except _NeedFull as why:
        log.info("tabel praolah dibangun utuh: %s", why)
        return False
    except (OSError, duckdb.Error) as exc:
        # The base store gone meanwhile, a full disk, a store unlike what we expected:
        # the whole build is always right.
        log.warning("tabel praolah sebagian gagal (%s); dibangun utuh", exc)
        return False
    _remove_older(cache)
    prune_stores(folder)
    return True


def build_store_after_import(folder: Path) -> bool:
    """The store of version `folder`, just made by an import, built from another version's
    store when it differs from it only in some kabupaten (issue 18): what the first open after
    the import would otherwise do, done by the import itself, so that the dashboard's next open
    only attaches it. Never a whole build (minutes; a first open still does that), never an
    error (the version is live already; an open builds what is missing). Returns whether the
    version's store is there."""
    cache = _cache_path(folder)
    if cache is None:
        return False
    if cache.exists() or cache.is_symlink():
        return private.is_private(cache)
    try:
        return _build_incrementally(folder, cache, read_config(folder, []))
    except (OSError, duckdb.Error) as exc:
        log.warning("tabel praolah tidak dibangun saat impor (%s)", exc)
        return False


def _build_settings(con: duckdb.DuckDBPyConnection, spill: str) -> None:
    con.execute(f"set memory_limit = '{BUILD_MEMORY_LIMIT}'")
    # A long build would otherwise draw DuckDB's progress bar into our stdout.
    con.execute("set enable_progress_bar = false")
    con.execute("set temp_directory = $dir", {"dir": spill})


# Stores kept besides the current version's: the newest other versions' (by name), which a
# restore opens at once and an incremental build starts from (it looks at BASE_CANDIDATES).
KEEP_STORES = 2
_BUILDING = re.compile(r"\.duckdb\.([0-9]+)\.[^/]+")


def prune_stores(version: Path, keep: int | None = None) -> list[Path]:
    """Remove the stores (derived files, rebuilt on demand) of old versions of the dataset
    `version` belongs to: the stores of its current version, of `version` itself and of the
    `keep` (KEEP_STORES) newest other versions stay, and so does every version's data. A build
    folder left by a process that died goes too (never one of a live process). Returns what
    went."""
    keep = KEEP_STORES if keep is None else keep
    versions_dir = version.parent
    if versions_dir.name != VERSIONS_DIR or not _VERSION_NAME.fullmatch(version.name):
        return []
    current = versions_dir.parent / CURRENT_FILE
    try:
        live = current.read_text(encoding="utf-8").strip()
    except OSError:
        return []
    named = sorted(
        (p for p in versions_dir.iterdir() if _VERSION_NAME.fullmatch(p.name) and p.is_dir()),
        key=lambda p: int(p.name),
        reverse=True,
    )
    others = [p for p in named if p.name not in (live, version.name)]
    removed: list[Path] = []
    for folder in others[keep:]:
        for path in folder.glob(f"{CACHE_PREFIX}*"):
            if path.is_file() and path.suffix in (".duckdb", ".wal"):
                # A folder we may read but not write keeps them: cleaning is never worth
                # failing the open that built a store.
                with contextlib.suppress(OSError):
                    path.unlink(missing_ok=True)
                    removed.append(path)
    for folder in named:
        for path in folder.glob(f"{CACHE_PREFIX}*.duckdb.*"):
            found = _BUILDING.search(path.name)
            if path.is_dir() and found and not _alive(int(found.group(1))):
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_older(cache: Path) -> None:
    """Stores of earlier versions of this dataset in the same folder (not files being built
    by another process)."""
    stem = cache.name[: cache.name.index(CACHE_PREFIX) + len(CACHE_PREFIX)]
    for old in cache.parent.glob(f"{stem}*"):
        if old != cache and old.suffix in (".duckdb", ".wal"):
            old.unlink(missing_ok=True)


# -- building a version's store from another version's (issue 18) ------------------------------
# `_bangun` in every store: each data file it was built from (`berkas`: its path in the version
# folder) with the file's identity (device, inode, size, mtime: a version shares an unchanged
# kabupaten's file with the version it comes from as a hard link), and under names starting
# with '#' the code's digest, the checks' dates, each partitioned table's header and how the
# store was built (`#dibangun`: `utuh`, or `sebagian` and the kabupaten rebuilt per table).
BUILD_INFO_CODE, BUILD_INFO_DATES, BUILD_INFO_HOW = "#kode", "#tanggal", "#dibangun"
BUILD_INFO_HEADERS = "#judul/"
BUILT_WHOLE = "utuh"
# Beyond this share of the kabupaten changed, building whole is as quick and simpler.
INCREMENTAL_MAX_SHARE = 0.25
BASE_CANDIDATES = 3  # the newest stores of other versions looked at
# The build files an incremental build knows how to restrict (`_STEPS`); another one added to
# queries/build/ makes every build whole until it is taught here.
_KNOWN_STEPS = (
    "10_nik_bimtek",
    "20_anggota",
    "30_tps_riwayat",
    "40_desa_riwayat",
    "50_sesi_kehadiran",
    "60_nik_absen",
    "70_kpps_paw",
    "80_tanggal_desa",
)


class _NeedFull(Exception):
    """An incremental build found a reason to build whole (the message says which)."""


@dataclass(frozen=True)
class _Base:
    path: Path
    touched: dict[str, list[str]]  # kabupaten codes (or `lain`) per partitioned table
    info: dict[str, str]


def _identity(path: Path) -> str:
    info = path.stat()
    return f"{info.st_dev}:{info.st_ino}:{info.st_size}:{info.st_mtime_ns}"


def _file_identities(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): _identity(p) for p in data_files(folder)}


def _write_build_info(
    con: duckdb.DuckDBPyConnection, folder: Path, dates: tuple[date, date], how: str
) -> None:
    rows = list(_file_identities(folder).items())
    rows += [
        (BUILD_INFO_CODE, _code_digest()),
        (BUILD_INFO_DATES, f"{dates[0].isoformat()} {dates[1].isoformat()}"),
        (BUILD_INFO_HOW, how),
    ]
    for table in PARTITIONED:
        if is_partitioned(folder / table):
            headers = partition_headers(con, folder / table)
            rows.append((BUILD_INFO_HEADERS + table, "\x1f".join(headers)))
    con.execute("create or replace table _bangun (berkas varchar, identitas varchar)")
    checks.insert_rows(con, "_bangun", ["berkas", "identitas"], rows)


def build_info(cache: Path) -> dict[str, str]:
    """What a store was built from and how (`_bangun`); empty for a store without it."""
    try:
        with connect(str(cache), read_only=True) as con:
            return dict(con.execute("select berkas, identitas from _bangun").fetchall())
    except duckdb.Error:
        return {}


def _find_base(folder: Path) -> _Base | None:
    """Among the newest stores of this dataset's other versions, the one this version differs
    from in the fewest kabupaten, if it differs from it only there (see `_touched`)."""
    if folder.parent.name != VERSIONS_DIR or not all(
        is_partitioned(folder / t) for t in PARTITIONED
    ):
        return None
    if sorted(p.stem for p in BUILD_DIR.glob("*.sql")) != list(_KNOWN_STEPS):
        return None
    stores = [
        p
        for p in folder.parent.glob(f"*/{CACHE_PREFIX}*.duckdb")
        if p.parent != folder and _VERSION_NAME.fullmatch(p.parent.name) and p.is_file()
    ]
    stores.sort(key=lambda p: p.stat().st_mtime_ns, reverse=True)
    mine = _file_identities(folder)
    code = _code_digest()
    best: _Base | None = None
    for path in stores[:BASE_CANDIDATES]:
        if not private.is_private(path):
            continue
        info = build_info(path)
        touched = _touched(info, mine, code)
        if touched is None:
            continue
        if best is None or sum(map(len, touched.values())) < sum(map(len, best.touched.values())):
            best = _Base(path, touched, info)
    return best


def _touched(info: dict[str, str], mine: dict[str, str], code: str) -> dict[str, list[str]] | None:
    """The kabupaten whose files differ between a store's version and this one, per table;
    None when anything else differs (the code, a table not stored per kabupaten,
    dataset.toml, the layout) or too much does."""
    if info.get(BUILD_INFO_CODE) != code:
        return None
    theirs = {k: v for k, v in info.items() if not k.startswith("#")}
    plain = {k: v for k, v in mine.items() if "/" not in k}
    if plain != {k: v for k, v in theirs.items() if "/" not in k}:
        return None
    touched: dict[str, set[str]] = {t: set() for t in PARTITIONED}
    parts = {k for k in [*mine, *theirs] if "/" in k}
    for name in parts:
        if mine.get(name) != theirs.get(name):
            table, folder_name = name.split("/")[:2]
            touched[table].add(folder_name.split("=", 1)[1])
    if not all(any(k.startswith(f"{t}/") for k in theirs) for t in PARTITIONED):
        return None
    count = len({k.split("/")[1] for k in mine if "/" in k})
    if sum(map(len, touched.values())) > max(1, count * INCREMENTAL_MAX_SHARE):
        return None
    return {t: sorted(c) for t, c in touched.items()}


def _build_from_base(folder: Path, cache: Path, config: DatasetConfig, base: _Base) -> None:
    """The store of `folder` as a copy of `base`'s with the touched kabupaten's rows replaced
    in every table; written beside and switched like a whole build."""
    building = Path(tempfile.mkdtemp(prefix=f"{cache.name}.{os.getpid()}.", dir=cache.parent))
    partial = building / cache.name
    try:
        shutil.copyfile(base.path, partial)
        con = connect()
        spill = tempfile.mkdtemp(prefix="kesiapan-spill-")
        try:
            _build_settings(con, spill)
            con.execute(sql.compose("attach {path} as s", path=sql.literal(partial)))
            how = _update_store(con, folder, config, base)
            con.execute("checkpoint s")
            con.execute("detach s")
        finally:
            con.close()
            shutil.rmtree(spill, ignore_errors=True)
        private.restrict(partial)
        from kesiapan.store import versions  # here: versions imports this module

        versions.checkpoint("praolah_sebagian")  # tests kill the process here
        os.replace(partial, cache)
        log.info("tabel praolah %s: %s dari %s", cache.name, how, base.path.parent.name)
    finally:
        shutil.rmtree(building, ignore_errors=True)


def _blocks_sql(table: str) -> sql.Fragment:
    """SQL: whether a row (its `_baris`) lies in one of the blocks listed in `table`."""
    return sql.compose(
        "_baris // {stride} in (select blok from {t})", stride=PART_STRIDE, t=sql.ident(table)
    )


def _ranges_sql(blocks: list[int]) -> sql.Fragment:
    """SQL: whether a row lies in one of these blocks, as ranges of `_baris` that DuckDB can
    answer from its row groups' min/max instead of reading every row. The numbers are made
    here from partition codes already checked (`PART_NAME`), so they are written as numbers."""
    parts = [
        sql.compose(
            "_baris between {lo} and {hi}",
            lo=int(b) * PART_STRIDE,
            hi=(int(b) + 1) * PART_STRIDE - 1,
        )
        for b in blocks
    ]
    return sql.compose("({p})", p=sql.join(parts, " or ")) if parts else sql.literal(False)


@dataclass(frozen=True)
class _From:
    """A step's input read from a scratch table of this build instead of the store."""

    table: str


# Conditions written here, over the build's own scratch tables.
_NIK = sql.trusted("nik in (select nik from _nik)")
_TPS = sql.trusted("kode_tps in (select kode_tps from _tps)")
_DESA = sql.trusted("kode_desa in (select kode_desa from _desa)")
_SESI = sql.trusted(
    "(kode_sesi in (select kode_sesi from _sesi) "
    "or (kode_sesi is null and exists (select 1 from _sesi where kode_sesi is null)))"
)
# Each build file run again over its inputs limited to what changed: the table it makes,
# which of its rows are replaced (`_ROSTER`: the roster rows of the touched kabupaten or of a
# changed NIK), the scratch sets of which one at least must hold something for a change,
# and its inputs (None: the store's whole table, as a view; a condition: the rows of the
# store's table that meet it, copied; `_From`: a scratch table).
_ROSTER = "{roster}"
_STEPS: tuple[tuple[str, str, str, tuple[str, ...], dict[str, str | _From | None]], ...] = (
    (
        "10_nik_bimtek",
        "nik_bimtek",
        _NIK,
        ("_nik",),
        {"bimtek_hadir": _From("_hadir_nik"), "bimtek_sesi": None},
    ),
    (
        "20_anggota",
        "anggota",
        _ROSTER,
        ("_blok_kpps", "_nik"),
        # The TPS of those rows only: the build joins them, and keeps only rows that match.
        {
            "kpps": _From("_kpps_nik"),
            "tps": sql.trusted("kode_tps in (select kode_tps from _kpps_nik)"),
            "nik_bimtek": _NIK,
        },
    ),
    ("30_tps_riwayat", "tps_riwayat", _TPS, ("_tps",), {"anggota": _TPS, "tps": _TPS}),
    ("40_desa_riwayat", "desa_riwayat", _DESA, ("_desa",), {"tps_riwayat": _DESA}),
    ("50_sesi_kehadiran", "sesi_kehadiran", _SESI, ("_sesi",), {"bimtek_hadir": _SESI}),
    (
        "60_nik_absen",
        "nik_absen",
        _NIK,
        ("_nik",),
        {"bimtek_hadir": _From("_hadir_nik"), "bimtek_sesi": None},
    ),
    ("70_kpps_paw", "kpps_paw", _TPS, ("_tps",), {"anggota": _TPS}),
    ("80_tanggal_desa", "tanggal_desa", _DESA, ("_desa",), {"anggota": _DESA}),
)


def _views(con: duckdb.DuckDBPyConnection, views: dict[str, str | _From | None]) -> None:
    """Scratch inputs named like the store's tables (`s.<name>`): a limited one copied (a
    few thousand rows, read many times), a whole one as a view."""
    for name, source in views.items():
        if isinstance(source, _From):
            con.execute(
                sql.compose(
                    "create view {v} as select * from {t}",
                    v=sql.ident(name),
                    t=sql.ident(source.table),
                )
            )
        elif source:
            con.execute(
                sql.compose(
                    "create table {v} as select * from {t} where {where}",
                    v=sql.ident(name),
                    t=sql.ident("s", name),
                    where=sql.trusted(source),  # a condition written in this module
                )
            )
        else:
            con.execute(
                sql.compose(
                    "create view {v} as select * from {t}",
                    v=sql.ident(name),
                    t=sql.ident("s", name),
                )
            )


def _drop_views(con: duckdb.DuckDBPyConnection, views: dict[str, str | _From | None]) -> None:
    for name, source in views.items():
        template = "drop table {v}" if isinstance(source, str) and source else "drop view {v}"
        con.execute(sql.compose(template, v=sql.ident(name)))


def _empty(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    query = sql.compose("select count(*) from {t}", t=sql.ident(table))
    return con.execute(query).fetchone()[0] == 0


def _update_store(
    con: duckdb.DuckDBPyConnection, folder: Path, config: DatasetConfig, base: _Base
) -> str:
    """Replace the touched kabupaten's rows in the store attached as `s`; what was rebuilt."""
    touched = base.touched
    for table in PARTITIONED:
        wanted_headers = base.info.get(BUILD_INFO_HEADERS + table)
        for code in touched[table]:
            path = folder / table / f"{PARTITION_KEY}={code}" / PARTITION_FILE
            if path.exists():
                names = con.execute(
                    "select name from parquet_schema($path)", {"path": str(path)}
                ).fetchall()
                if "\x1f".join(n[0] for n in names[1:]) != wanted_headers:
                    raise _NeedFull(f"kolom {table}/{code} berbeda")
    short = {"kpps": "kpps", "bimtek_hadir": "hadir"}
    blocks = {t: [part_number(c) for c in touched[t]] for t in PARTITIONED}
    for table in PARTITIONED:
        con.execute(
            sql.compose(
                "create table {t} as select unnest($b::bigint[]) as blok",
                t=sql.ident(f"_blok_{short[table]}"),
            ),
            {"b": blocks[table]},
        )
    con.execute(
        sql.compose(
            "create table _lama_kpps as select nik from s.kpps where {r}",
            r=_ranges_sql(blocks["kpps"]),
        )
    )
    con.execute(
        sql.compose(
            "create table _lama_hadir as select nik, kode_sesi from s.bimtek_hadir where {r}",
            r=_ranges_sql(blocks["bimtek_hadir"]),
        )
    )
    # The touched kabupaten's rows as the files now hold them, typed like a whole build.
    for table in PARTITIONED:
        headers, _ = load_source(con, folder / table, schema.TABLES[table], touched[table])
        create_raw(con, schema.TABLES[table], headers)
        new = sql.ident(f"_baru_{short[table]}")
        stored = sql.ident("s", table)
        con.execute(
            sql.compose(
                "create table {new} as {select}",
                new=new,
                select=typed_select(schema.TABLES[table]),
            )
        )
        con.execute(
            sql.compose(
                "delete from {stored} where {r}", stored=stored, r=_ranges_sql(blocks[table])
            )
        )
        con.execute(
            sql.compose("insert into {stored} by name select * from {new}", stored=stored, new=new)
        )
    drop_sources(con)
    _views(con, {"kpps": None, "bimtek_sesi": None, "supervisi": None})
    dates = _check_dates(con, config)
    if f"{dates[0].isoformat()} {dates[1].isoformat()}" != base.info.get(BUILD_INFO_DATES):
        # The checks' as-of date or the voting day moved: every kabupaten's checks change.
        raise _NeedFull("tanggal data berubah")
    _drop_views(con, {"kpps": None, "bimtek_sesi": None, "supervisi": None})
    # The NIKs whose rows changed: their training, absences and second posts may change in
    # any kabupaten; and the sessions whose roll call changed.
    con.execute(
        "create table _nik_kpps as select distinct nik from (select nik from _lama_kpps "
        "union all select nik from _baru_kpps) where nik is not null"
    )
    con.execute(
        "create table _nik as select nik from _nik_kpps union select nik from (select nik "
        "from _lama_hadir union all select nik from _baru_hadir) where nik is not null"
    )
    con.execute(
        "create table _sesi as select distinct kode_sesi from (select kode_sesi from "
        "_lama_hadir union all select kode_sesi from _baru_hadir)"
    )
    roster = sql.compose("({r} or {nik})", r=_ranges_sql(blocks["kpps"]), nik=_NIK)
    # Read once, used by several steps and the checks: the roster rows of the touched
    # kabupaten or of a changed NIK, and the attendance of a changed NIK.
    con.execute(sql.compose("create table _kpps_nik as select * from s.kpps where {r}", r=roster))
    con.execute(
        sql.compose("create table _hadir_nik as select * from s.bimtek_hadir where {n}", n=_NIK)
    )
    for step, target, rows_template, needed, inputs in _STEPS:
        rows = roster if rows_template == _ROSTER else sql.trusted(rows_template)
        if all(_empty(con, t) for t in needed):
            if target == "anggota":
                con.execute("create table _tps (kode_tps varchar)")
                con.execute("create table _desa (kode_desa varchar)")
            continue
        _views(con, inputs)
        con.execute((BUILD_DIR / f"{step}.sql").read_text(encoding="utf-8"))
        returned = sql.ident("kode_tps") if target == "anggota" else sql.literal(None)
        gone = con.execute(
            sql.compose(
                "delete from {stored} where {rows} returning {returned}",
                stored=sql.ident("s", target),
                rows=rows,
                returned=returned,
            )
        ).fetchall()
        con.execute(
            sql.compose(
                "insert into {stored} by name select * from {new}",
                stored=sql.ident("s", target),
                new=sql.ident(target),
            )
        )
        if target == "anggota":
            con.execute(
                "create table _tps as select distinct kode_tps from (select kode_tps from "
                "anggota union all select unnest($gone::varchar[]))",
                {"gone": sorted({t for (t,) in gone if t is not None})},
            )
            con.execute(
                sql.compose(
                    "create table _desa as select distinct kode_desa from s.tps where {t}", t=_TPS
                )
            )
        con.execute(sql.compose("drop table {t}", t=sql.ident(target)))
        _drop_views(con, inputs)
    _update_checks(con, folder, dates, blocks)
    con.execute(
        "update s._sumber as u set baris = n.baris from (select 'kpps' as tabel, count(*) as "
        "baris from s.kpps union all select 'bimtek_hadir', count(*) from s.bimtek_hadir) as n "
        "where n.tabel = u.tabel"
    )
    how = "sebagian " + "; ".join(f"{t}={','.join(touched[t])}" for t in PARTITIONED)
    con.execute("use s")
    try:
        _write_build_info(con, folder, dates, how)
    finally:
        con.execute("use memory")
    return how


def _part_code(block: int) -> str:
    return f"{block // 100:02d}.{block % 100:02d}" if block else UNKNOWN_PART


def _update_checks(
    con: duckdb.DuckDBPyConnection,
    folder: Path,
    dates: tuple[date, date],
    blocks: dict[str, list[int]],
) -> None:
    """The checks again for the kabupaten whose findings can change: those touched, and those
    holding a row of a NIK whose roster rows changed (a NIK in two TPS, attendance of a NIK
    not in the roster); every other kabupaten keeps its findings."""
    stride = PART_STRIDE
    # Every roster row of a NIK of a changed roster row is in _kpps_nik, every attendance
    # row of one in _hadir_nik.
    for listing, listed, rows in (
        ("_cek_kpps", "_blok_kpps", "_kpps_nik"),
        ("_cek_hadir", "_blok_hadir", "_hadir_nik"),
    ):
        con.execute(
            sql.compose(
                "create table {listing} as select blok from {listed} union select distinct "
                "_baris // {stride} from {rows} where nik in (select nik from _nik_kpps)",
                listing=sql.ident(listing),
                listed=sql.ident(listed),
                stride=stride,
                rows=sql.ident(rows),
            )
        )
    listed_blocks = {
        name: [
            b
            for (b,) in con.execute(
                sql.compose("select blok from {t} order by 1", t=sql.ident(name))
            ).fetchall()
        ]
        for name in ("_cek_kpps", "_cek_hadir")
    }
    # The rows checked (whole kabupaten: a range of `_baris` each), and every roster row of a
    # NIK they hold: from _kpps_nik for a NIK in _nik, from the store for the others.
    con.execute(
        sql.compose(
            "create table _periksa_kpps as select * from s.kpps where {r}",
            r=_ranges_sql(listed_blocks["_cek_kpps"]),
        )
    )
    con.execute(
        sql.compose(
            "create table bimtek_hadir as select * from s.bimtek_hadir where {r}",
            r=_ranges_sql(listed_blocks["_cek_hadir"]),
        )
    )
    con.execute(
        "create table _nik_cek as select nik from _periksa_kpps where nik is not null "
        "union select nik from bimtek_hadir where nik is not null"
    )
    con.execute("create table _nik_lain as select nik from _nik_cek except select nik from _nik")
    con.execute(
        "create table kpps as select * from _periksa_kpps union select * from _kpps_nik "
        "where nik in (select nik from _nik_cek)"
    )
    if not _empty(con, "_nik_lain"):
        con.execute(
            "insert into kpps select * from s.kpps where nik in (select nik from _nik_lain) "
            "except select * from kpps"
        )
    # The TPS those rows name: every check reads tps only by a row's kode_tps.
    _views(
        con,
        {
            "wilayah": None,
            "tps": sql.trusted("kode_tps in (select kode_tps from kpps)"),
            "bimtek_sesi": None,
            "supervisi": None,
        },
    )
    for table, listing in (("kpps", "_cek_kpps"), ("bimtek_hadir", "_cek_hadir")):
        found = con.execute(sql.compose("select blok from {t}", t=sql.ident(listing)))
        codes = [_part_code(b) for (b,) in found.fetchall()]
        codes = [c for c in codes if (folder / table / f"{PARTITION_KEY}={c}").is_dir()]
        headers, _ = load_source(con, folder / table, schema.TABLES[table], codes)
        create_raw(con, schema.TABLES[table], headers)
    create_macros(con, precomputed=False)
    file_names = {
        name: file or f"{name}.csv"
        for name, file in con.execute("select tabel, berkas from s._sumber").fetchall()
    }
    as_of, voting_day = dates
    listed = checks.run_blocks(
        con,
        file_names,
        as_of=as_of,
        voting_day=voting_day,
        stride=stride,
        only=set(PARTITIONED),
        per_block=set(PARTITIONED),
    )
    con.execute("use s")
    try:
        same = _saved_checks(con) == listed
    finally:
        con.execute("use memory")
    if not same:
        raise _NeedFull("daftar pemeriksaan berbeda")
    _place_check_rows(con)
    mine = sql.trusted(
        "(tabel = 'kpps' and blok in (select blok from _cek_kpps)) "
        "or (tabel = 'bimtek_hadir' and blok in (select blok from _cek_hadir))"
    )
    con.execute(sql.compose("delete from s._cek_blok where {m}", m=mine))
    con.execute(sql.compose("insert into s._cek_blok select * from _cek_blok where {m}", m=mine))
    con.execute("drop table _cek_blok")
    table_of_file = {file: name for name, file in file_names.items()}
    con.execute("use s")
    try:
        others = [
            (row[0], Problem(*row[1:]))
            for row in con.execute(
                "select asal, tingkat, berkas, baris, kolom, nilai, pesan, kode_wilayah "
                "from _masalah where asal <> $cek order by urutan",
                {"cek": ORIGIN_CHECK},
            ).fetchall()
        ]
        _write_problems(con, others, listed, table_of_file)
    finally:
        con.execute("use memory")


# The area-scope rule (kesiapan/contract/scope.py), under the names the store's callers know.
validate_scope = area_scope.validate
in_scope = area_scope.in_scope
_tidy_scope = area_scope.tidy
_intersect_scopes = area_scope.intersect


def problem_in_scope(problem: Problem, scope: tuple[str, ...] | None) -> bool:
    """A problem without a data row (a missing file or column, a count of further rows) is
    shown to every scope; one about a row only when the row's area lies in the scope."""
    if scope is None or problem.baris is None or problem.baris == HEADER_ROW:
        return True
    return in_scope(problem.kode_wilayah, scope)


_MORE_ROWS = re.compile(r" — dan [0-9.]+ baris lain$")


def _own_count(problem: Problem, scope: tuple[str, ...] | None) -> Problem:
    """A check's "— dan 503.216 baris lain" counts the whole dataset; a scoped viewer is not
    told how many rows lie outside its area, so the count is dropped from its copy."""
    if scope is None or problem.baris is not None or not _MORE_ROWS.search(problem.pesan):
        return problem
    pesan = _MORE_ROWS.sub(" — dan mungkin baris lain (tidak dihitung per wilayah)", problem.pesan)
    return dataclasses.replace(problem, pesan=pesan)


def _as_list(values: list[str] | tuple[str, ...] | None) -> list[str] | None:
    if values is None:
        return None
    return [str(v) for v in values]


def query_text(name: str) -> str:
    path = QUERIES_DIR / f"{name}.sql"
    if not re.fullmatch(r"[a-z_]+", name) or not path.exists():
        raise KeyError(f"query tidak dikenal: {name}")
    return path.read_text(encoding="utf-8")


def query_names() -> list[str]:
    return sorted(p.stem for p in QUERIES_DIR.glob("*.sql"))


def load_source(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    table: schema.Table,
    parts: list[str] | None = None,
) -> tuple[list[str], list[int]]:
    """Read a file as text into `_src_<table>` (columns column0…, `_baris`); return its header.
    For a table stored per kabupaten, `parts` limits the reading to those kabupaten."""
    src = sql.ident(f"_src_{table.name}")
    lines = sql.ident(f"_src_{table.name}_lines")
    suffix = path.suffix.lower()
    numeric_rows: list[int] = []
    if path.is_dir():
        files = partition_files(path)
        chosen = [str(f) for code, f in files.items() if parts is None or code in parts]
        headers = partition_headers(con, path)
        columns = [f"column{i}" for i in range(len(headers))]
        if not chosen:
            nulls = sql.join(
                sql.compose("cast(null as varchar) as {c}", c=sql.ident(c)) for c in columns
            )
            con.execute(
                sql.compose(
                    "create or replace view {src} as select cast(null as bigint) as _baris, "
                    "{nulls} where false",
                    src=src,
                    nulls=nulls,
                )
            )
            return headers, numeric_rows
        casts = sql.join(
            sql.compose("cast(t.{h} as varchar) as {c}", h=sql.quoted_name(h), c=sql.ident(c))
            for h, c in zip(headers, columns, strict=True)
        )
        # The row number: the kabupaten's block (PART_STRIDE) plus the row as a spreadsheet
        # would show it (the header is row 1). A view cannot take parameters: the paths are
        # literals here.
        con.execute(
            sql.compose(
                "create or replace view {src} as select coalesce(try_cast(replace("
                "regexp_extract(t.filename, {pattern}, 1), '.', '') as bigint), 0) * {stride} "
                "+ t.file_row_number + 2 as _baris, {casts} from read_parquet([{listed}], "
                "filename = true, file_row_number = true, hive_partitioning = false) as t",
                src=src,
                pattern=sql.literal(PARTITION_KEY + "=([0-9]{2}[.][0-9]{2})/"),
                stride=PART_STRIDE,
                casts=casts,
                listed=sql.join(sql.literal(f) for f in chosen),
            )
        )
        return headers, numeric_rows
    if suffix == ".csv":
        read = (
            "create or replace table {lines} as "
            "select * from read_csv($path, header = false, all_varchar = true, "
            "delim = $delim, quote = '\"', null_padding = true, skip = 0{more})"
        )
        params = {"path": str(path), "delim": _csv_delimiter(path)}
        try:
            con.execute(sql.compose(read, lines=lines, more=sql.trusted("")), params)
        except duckdb.InvalidInputException:
            # A quoted line break (an address typed on two lines) defeats the parallel reader
            # and the strict sniffer: read such a file again, line by line.
            slow = sql.trusted(", parallel = false, strict_mode = false")
            con.execute(sql.compose(read, lines=lines, more=slow), params)
        width = len(con.execute(sql.compose("select * from {t} limit 0", t=lines)).description)
        # DuckDB names them column0 or column00 by width; rename to one scheme.
        columns = [f"column{i}" for i in range(width)]
        first_line = con.execute(
            sql.compose("select * from {t} where rowid = 0", t=lines)
        ).fetchall()
        headers = [str(h) if h is not None else "" for h in (first_line[0] if first_line else ())]
        # A view, not a copy: a national roster is millions of rows. Line 1 is the header.
        con.execute(
            sql.compose(
                "create or replace view {src} as select rowid + 1 as _baris, * "
                "from {lines} as t({columns}) where rowid > 0",
                src=src,
                lines=lines,
                columns=sql.join(sql.ident(c) for c in columns),
            )
        )
    elif suffix == ".xlsx":
        headers, frame, numeric_rows = _read_xlsx(path, table)
        frame_name = f"_src_{table.name}_frame"
        con.register(frame_name, frame)
        con.execute(
            sql.compose(
                "create or replace table {src} as select * from {frame}",
                src=src,
                frame=sql.ident(frame_name),
            )
        )
        con.unregister(frame_name)
        columns = list(frame.columns[1:])
    elif suffix == ".parquet":
        names = con.execute(
            "select name from parquet_schema($path)", {"path": str(path)}
        ).fetchall()
        # parquet_schema lists the root first; only leaf columns name data.
        headers = [n[0] for n in names[1:]]
        columns = [f"column{i}" for i in range(len(headers))]
        names_sql = [sql.ident(c) for c in columns]
        con.execute(
            sql.compose(
                "create or replace table {lines} as select {casts} "
                "from read_parquet($path) as t({columns})",
                lines=lines,
                casts=sql.join(sql.compose("cast({c} as varchar) as {c}", c=c) for c in names_sql),
                columns=sql.join(names_sql),
            ),
            {"path": str(path)},
        )
        # Row 1 is the header in a spreadsheet's terms, so the first record is row 2.
        con.execute(
            sql.compose(
                "create or replace view {src} as select rowid + 2 as _baris, * from {lines}",
                src=src,
                lines=lines,
            )
        )
    else:  # pragma: no cover - find_table_file only returns known suffixes
        raise ValueError(path.suffix)
    if len(columns) != len(headers):
        raise ValueError("jumlah kolom tidak cocok dengan baris judul")
    return headers, numeric_rows


def partition_headers(con: duckdb.DuckDBPyConnection, folder: Path) -> list[str]:
    """The column names of a partitioned table (every partition is written alike)."""
    first = next(iter(partition_files(folder).values()), None)
    if first is None:
        raise ValueError(f"folder {folder.name} tidak berisi satu pun berkas per kabupaten")
    names = con.execute("select name from parquet_schema($path)", {"path": str(first)}).fetchall()
    return [n[0] for n in names[1:]]


def _read_xlsx(path: Path, table: schema.Table) -> tuple[list[str], pd.DataFrame, list[int]]:
    import openpyxl

    why = xlsx_budget.refusal(path)  # issue 12: refused before openpyxl reads its texts
    if why:
        raise ValueError(why)
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header_cells = next(rows, ())
        headers = [cell_text(v)[0] or "" for v in header_cells]
        while headers and not headers[-1]:
            headers.pop()
        nik_position = schema.match_headers(table, headers).get("nik")
        records: list[list[object]] = []
        numeric_rows: list[int] = []
        for number, cells in enumerate(rows, start=2):
            values = [cell_text(v) for v in cells[: len(headers)]]
            if not any(text is not None and text.strip() for text, _ in values):
                continue  # Excel keeps formatted but empty rows at the end of a sheet.
            values += [(None, False)] * (len(headers) - len(values))
            if nik_position is not None and values[nik_position][1]:
                numeric_rows.append(number)
            records.append([number, *(text for text, _ in values)])
    finally:
        workbook.close()
    columns = ["_baris", *(f"column{i}" for i in range(len(headers)))]
    frame = pd.DataFrame(records, columns=columns, dtype=object)
    frame["_baris"] = frame["_baris"].astype("int64")
    for column in columns[1:]:
        frame[column] = frame[column].astype("string")
    return headers, frame, numeric_rows


_CSV_LINE = re.compile(r"CSV Error on Line: (\d+)")


def _first_non_utf8_line(path: Path) -> int | None:
    """The number of the first line that is not UTF-8 text (None: all are, or unreadable)."""
    try:
        with path.open("rb") as handle:
            for number, raw in enumerate(handle, start=1):
                try:
                    raw.decode("utf-8")
                except UnicodeDecodeError:
                    return number
    except OSError:
        return None
    return None


def _read_error(exc: BaseException, path: Path | None = None) -> str:
    """Why a file could not be read, naming the line but never quoting it (issue 12: DuckDB's
    message carries the whole offending line, a roster row of another area, to every viewer)."""
    text = str(exc)
    line = _CSV_LINE.search(text)
    where = f"baris {line.group(1)}: " if line else ""
    if "Invalid unicode" in text or isinstance(exc, UnicodeDecodeError):
        bad = _first_non_utf8_line(path) if path is not None else None
        where = f"baris {bad}: " if bad else where  # DuckDB's own number can be one off
        return (
            f"{where}isinya bukan teks UTF-8; simpan ulang berkas sebagai "
            "CSV UTF-8 (Excel: CSV UTF-8 (Comma delimited))"
        )
    if isinstance(exc, duckdb.Error):
        if "sniffing" in text:
            return "bentuk CSV-nya tidak dikenali (pemisah kolom, tanda kutip atau baris rusak)"
        return f"{where}baris ini tidak dapat dibaca sebagai CSV"
    if isinstance(exc, OSError):
        return exc.strerror or type(exc).__name__
    # Our own ValueError/KeyError messages name columns, not row content; DuckDB's never pass.
    first = text.split("\n", 1)[0]
    return first.split("Original Line", 1)[0].strip() or type(exc).__name__


def header_problems(table: schema.Table, file_name: str, headers: list[str]) -> list[Problem]:
    found = schema.match_headers(table, headers)
    return [
        Problem(
            ERROR,
            file_name,
            1,
            column.name,
            None,
            f"kolom wajib '{column.name}' tidak ditemukan di baris judul",
        )
        for column in table.columns
        if column.header_required and column.name not in found
    ]


def create_raw(
    con: duckdb.DuckDBPyConnection, table: schema.Table, headers: list[str] | None
) -> None:
    """`_raw_<table>`: a view with canonical columns as text; a missing column is all NULL."""
    found = schema.match_headers(table, headers) if headers is not None else {}
    parts = [sql.trusted("_baris" if headers is not None else "cast(null as bigint) as _baris")]
    for column in table.columns:
        name = sql.ident(column.name)
        if column.name in found:
            source_column = sql.ident(f"column{found[column.name]}")
            parts.append(sql.compose("{s} as {c}", s=source_column, c=name))
        else:
            parts.append(sql.compose("cast(null as varchar) as {c}", c=name))
    source = (
        sql.ident(f"_src_{table.name}")
        if headers is not None
        else sql.trusted("(select 1) as nothing where false")
    )
    con.execute(
        sql.compose(
            "create or replace view {raw} as select {parts} from {source}",
            raw=sql.ident(f"_raw_{table.name}"),
            parts=sql.join(parts),
            source=source,
        )
    )


def drop_sources(con: duckdb.DuckDBPyConnection) -> None:
    """The text copies are needed only for the checks; the typed tables stay."""
    for name in schema.TABLE_NAMES:
        con.execute(sql.compose("drop view if exists {v}", v=sql.ident(f"_raw_{name}")))
        for suffix in ("", "_lines"):
            kind = con.execute(
                "select table_type from information_schema.tables where table_name = $n",
                {"n": f"_src_{name}{suffix}"},
            ).fetchall()
            if kind:
                template = "drop view {t}" if kind[0][0] == "VIEW" else "drop table {t}"
                con.execute(sql.compose(template, t=sql.ident(f"_src_{name}{suffix}")))


def create_typed(con: duckdb.DuckDBPyConnection, table: schema.Table) -> None:
    con.execute(
        sql.compose(
            "create or replace table {t} as {select}",
            t=sql.ident(table.name),
            select=typed_select(table),
        )
    )


def typed_select(table: schema.Table, raw: str | None = None) -> sql.Fragment:
    """The select that types `_raw_<table>` (or `raw`), row number first."""
    parts = [sql.ident("_baris")]
    for column in table.columns:
        expression = typed_expression(column, column.name)
        if table.name == "tps" and column.name == "kebutuhan_kpps":
            # Contract: a blank seat count means the usual 7 (1 ketua + 6 anggota).
            expression = f"coalesce({expression}, {int(DEFAULT_SEATS)})"
        # typed_expression is this module's own, built from the contract's column.
        parts.append(sql.compose("{e} as {c}", e=sql.trusted(expression), c=sql.ident(column.name)))
    return sql.compose(
        "select {parts} from {raw}",
        parts=sql.join(parts),
        raw=sql.ident(raw or "_raw_" + table.name),
    )
