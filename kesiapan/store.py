"""A dataset folder read into DuckDB: one typed table per contract table, and the queries over it.

Every file is first read as text only (DuckDB's CSV sniffer would turn codes and NIKs into
integers), into `_raw_<table>` with canonical column names and the spreadsheet row number
`_baris`. The typed table `<table>` is derived from it by one SQL expression per value kind,
and the checks of contract §3 compare the two to name every value that could not be read.

A dataset may be limited to an area scope (`Dataset.scoped`, `cakupan`): codes of any level
(`35`, `35.27`, `35.27.02`, `35.27.02.2001`). Every query applies it in SQL (`$cakupan`, see
`queries/macros/wilayah_dipilih.sql`), below whatever filters the caller passes, and the
problems of the checks are limited to the rows in it.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
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

from kesiapan import checks, paths, private, schema, xlsx_budget
from kesiapan import scope as area_scope
from kesiapan.attendance import overlay
from kesiapan.problems import ERROR, WARNING, DatasetError, Problem

QUERIES_DIR = paths.QUERIES
MACROS_DIR = QUERIES_DIR / "macros"
BUILD_DIR = QUERIES_DIR / "build"
CACHE_PREFIX = ".kesiapan-"
CACHE_FORMAT = "3"  # bump when the store's layout changes in a way the hashed files don't show
# DuckDB spills to disk beyond this while building, so a national roster fits a small machine.
BUILD_MEMORY_LIMIT = os.environ.get("KESIAPAN_BUILD_MEMORY", "1GB")
AREA_PARAMS = ("kabupaten", "kecamatan", "desa")
DEFAULT_SEATS = 7
# An area scope code (kesiapan/scope.py); always used with fullmatch (`$` alone would also
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
WEEKDAYS = "senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu|ahad"


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


def _read_config(folder: Path, problems: list[Problem]) -> DatasetConfig:
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


# -- versioned dataset folders (issue 7: kesiapan/versions.py) --------------------------------
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


def _cell_text(value: object) -> tuple[str | None, bool]:
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

    `cakupan` is the area scope (None: unrestricted, as `open` returns it; an empty tuple:
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
        self.cakupan: tuple[str, ...] | None = None
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
        config = _read_config(folder, problems)
        if precomputed:
            con = _open_cache(folder, config)
        else:
            con = duckdb.connect()
            _load(con, folder, config)
        problems += _stored_problems(con)
        overlay.attach(con)
        dataset = cls(folder, con, _stored_sources(con, folder), problems, config, precomputed)
        dataset.journal = overlay.Overlay(con, root, precomputed=precomputed)
        return dataset

    def scoped(self, cakupan: tuple[str, ...] | None) -> Dataset:
        """A view of this dataset (same connection, nothing reloaded) whose queries, problems,
        errors and warnings are limited to the area scope `cakupan`. A view is never wider than
        the one it is made from: the scopes are intersected, and None keeps the current one.
        Raises ValueError for a code that is not `35`, `35.27`, `35.27.02` or `35.27.02.2001`."""
        scope = _intersect_scopes(self.cakupan, validate_scope(cakupan))
        view = copy.copy(self)
        view.cakupan = scope
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
        `batas` caps the rows of the name lists that take it. The area scope `self.cakupan`
        applies below the filters: a filter outside it finds nothing."""
        sql = query_text(name)
        scope = validate_scope(self.cakupan)  # again: the attribute may have been set directly
        used = set(_PARAM_RE.findall(_SQL_COMMENT.sub("", sql)))
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
            return cursor.execute(sql, params).df()
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
            sql = (QUERIES_DIR / "jurnal" / "nik_wilayah.sql").read_text(encoding="utf-8")
            return cursor.execute(sql, {"nik": [str(n) for n in niks]}).df()
        finally:
            cursor.close()

    def table_rows(self, table: str) -> int:
        """Rows of an input table; in a scoped view, the rows in the scope (`data_tabel`)."""
        if self.cakupan is None:
            return self.sources[table].rows
        counts = self.query("data_tabel")
        return int(counts.loc[counts["tabel"] == table, "baris"].iloc[0])

    def _date_range(self) -> tuple[date, date]:
        first, last = self._con.execute(query_text("tanggal_data")).fetchone()
        today = date.today()
        return (first or today), (last or today)


def _create_macros(con: duckdb.DuckDBPyConnection, precomputed: bool) -> None:
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
    as the tables `_masalah` (problems) and `_sumber` (files and rows)."""
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
                headers, numeric_niks[name] = _load_source(con, path, table)
            except (duckdb.Error, OSError, ValueError, KeyError) as exc:
                message = f"berkas tidak dapat dibaca: {_read_error(exc, path)}"
                problems.append(Problem(ERROR, path.name, None, None, None, message))
                path = None
            else:
                problems.extend(_header_problems(table, path.name, headers))
        _create_raw(con, table, headers)
        _create_typed(con, table)
        rows = con.execute(f"select count(*) from {name}").fetchall()[0][0]
        sources.append((name, path.name if path else None, rows))
    _create_macros(con, precomputed=False)
    _, last = con.execute(query_text("tanggal_data")).fetchall()[0]
    as_of = last or date.today()
    file_names = {n: f or f"{n}.csv" for n, f, _ in sources}
    problems += checks.run(
        con,
        file_names,
        as_of=as_of,
        voting_day=config.hari_pemungutan or as_of,
        numeric_niks=numeric_niks,
    )
    con.execute(
        "create or replace table _masalah (urutan integer, tingkat varchar, berkas varchar, "
        "baris bigint, kolom varchar, nilai varchar, pesan varchar, tabel varchar, "
        "kode_wilayah varchar)"
    )
    table_of_file = {file: name for name, file in file_names.items()}
    if problems:
        con.executemany(
            "insert into _masalah values (?, ?, ?, ?, ?, ?, ?, ?, null)",
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
                )
                for i, p in enumerate(problems)
            ],
        )
    # Each problem's row placed in its area (queries/macros/wilayah_baris.sql).
    con.execute(
        "update _masalah as m set kode_wilayah = w.kode_wilayah from wilayah_baris() as w "
        "where w.tabel = m.tabel and w._baris = m.baris"
    )
    con.execute("create or replace table _sumber (tabel varchar, berkas varchar, baris bigint)")
    con.executemany("insert into _sumber values (?, ?, ?)", sources)


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
    digest = hashlib.sha256(CACHE_FORMAT.encode())
    code = [Path(__file__), Path(checks.__file__), Path(schema.__file__)]
    queries = sorted([*BUILD_DIR.glob("*.sql"), *MACROS_DIR.rglob("*.sql")])
    for path in [*code, *queries]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    digest.update(folder.name.encode())
    for path in data_files(folder):
        info = path.stat()
        name = str(path.relative_to(folder))
        digest.update(f"{name}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    return digest.hexdigest()[:16]


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
            return duckdb.connect(str(cache), read_only=True)
        except duckdb.IOException:
            if attempt == 2:
                raise
    con = duckdb.connect()
    _load(con, folder, config)
    for sql_file in sorted(BUILD_DIR.glob("*.sql")):
        con.execute(sql_file.read_text(encoding="utf-8"))
    _create_macros(con, precomputed=True)
    return con


def _build_cache(folder: Path, cache: Path, config: DatasetConfig) -> None:
    """Write the store to a new file, then switch: readers never see half a store."""
    # Built inside a folder of its own, 0700, so nobody else can open the store while DuckDB
    # writes it with the umask's mode; it is closed to 0600 before it is named.
    building = Path(tempfile.mkdtemp(prefix=f"{cache.name}.{os.getpid()}.", dir=cache.parent))
    partial = building / cache.name
    try:
        con = duckdb.connect(str(partial))
        spill = tempfile.mkdtemp(prefix="kesiapan-spill-")
        try:
            con.execute(f"set memory_limit = '{BUILD_MEMORY_LIMIT}'")
            # A long build would otherwise draw DuckDB's progress bar into our stdout.
            con.execute("set enable_progress_bar = false")
            con.execute("set temp_directory = $dir", {"dir": spill})
            _load(con, folder, config)
            for sql_file in sorted(BUILD_DIR.glob("*.sql")):
                con.execute(sql_file.read_text(encoding="utf-8"))
            _create_macros(con, precomputed=True)
            _drop_sources(con)
            con.execute("checkpoint")
        finally:
            con.close()
            shutil.rmtree(spill, ignore_errors=True)
        private.restrict(partial)
        os.replace(partial, cache)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    # Stores of earlier versions of this dataset (not files being built by another process).
    stem = cache.name[: cache.name.index(CACHE_PREFIX) + len(CACHE_PREFIX)]
    for old in cache.parent.glob(f"{stem}*"):
        if old != cache and old.suffix in (".duckdb", ".wal"):
            old.unlink(missing_ok=True)


# The area-scope rule (kesiapan/scope.py), under the names the store's callers know.
validate_scope = area_scope.validate
in_scope = area_scope.in_scope
_tidy_scope = area_scope.tidy
_intersect_scopes = area_scope.intersect


def problem_in_scope(problem: Problem, cakupan: tuple[str, ...] | None) -> bool:
    """A problem without a data row (a missing file or column, a count of further rows) is
    shown to every scope; one about a row only when the row's area lies in the scope."""
    if cakupan is None or problem.baris is None or problem.baris == HEADER_ROW:
        return True
    return in_scope(problem.kode_wilayah, cakupan)


_MORE_ROWS = re.compile(r" — dan [0-9.]+ baris lain$")


def _own_count(problem: Problem, cakupan: tuple[str, ...] | None) -> Problem:
    """A check's "— dan 503.216 baris lain" counts the whole dataset; a scoped viewer is not
    told how many rows lie outside its area, so the count is dropped from its copy."""
    if cakupan is None or problem.baris is not None or not _MORE_ROWS.search(problem.pesan):
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


def _load_source(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    table: schema.Table,
    parts: list[str] | None = None,
) -> tuple[list[str], list[int]]:
    """Read a file as text into `_src_<table>` (columns column0…, `_baris`); return its header.
    For a table stored per kabupaten, `parts` limits the reading to those kabupaten."""
    src = f"_src_{table.name}"
    suffix = path.suffix.lower()
    numeric_rows: list[int] = []
    if path.is_dir():
        files = partition_files(path)
        chosen = [str(f) for code, f in files.items() if parts is None or code in parts]
        headers = partition_headers(con, path)
        columns = [f"column{i}" for i in range(len(headers))]
        if not chosen:
            nulls = ", ".join(f"cast(null as varchar) as {c}" for c in columns)
            con.execute(
                f"create or replace view {src} as select cast(null as bigint) as _baris, "
                f"{nulls} where false"
            )
            return headers, numeric_rows
        casts = ", ".join(
            f'cast(t."{h.replace(chr(34), chr(34) * 2)}" as varchar) as {c}'
            for h, c in zip(headers, columns, strict=True)
        )
        # The row number: the kabupaten's block (PART_STRIDE) plus the row as a spreadsheet
        # would show it (the header is row 1).
        block = (
            "coalesce(try_cast(replace(regexp_extract(t.filename, "
            f"'{PARTITION_KEY}=([0-9]{{2}}[.][0-9]{{2}})/', 1), '.', '') as bigint), 0)"
        )
        # A view cannot take parameters: the paths are quoted here, as they are ours.
        listed = ", ".join("'" + f.replace("'", "''") + "'" for f in chosen)
        con.execute(
            f"create or replace view {src} as select {block} * {PART_STRIDE} "
            f"+ t.file_row_number + 2 as _baris, {casts} from read_parquet([{listed}], "
            "filename = true, file_row_number = true, hive_partitioning = false) as t"
        )
        return headers, numeric_rows
    if suffix == ".csv":
        read = (
            f"create or replace table {src}_lines as "
            "select * from read_csv($path, header = false, all_varchar = true, "
            "delim = $delim, quote = '\"', null_padding = true, skip = 0{more})"
        )
        params = {"path": str(path), "delim": _csv_delimiter(path)}
        try:
            con.execute(read.format(more=""), params)
        except duckdb.InvalidInputException:
            # A quoted line break (an address typed on two lines) defeats the parallel reader
            # and the strict sniffer: read such a file again, line by line.
            con.execute(read.format(more=", parallel = false, strict_mode = false"), params)
        width = len(con.execute(f"select * from {src}_lines limit 0").description)
        # DuckDB names them column0 or column00 by width; rename to one scheme.
        columns = [f"column{i}" for i in range(width)]
        first_line = con.execute(f"select * from {src}_lines where rowid = 0").fetchall()
        headers = [str(h) if h is not None else "" for h in (first_line[0] if first_line else ())]
        # A view, not a copy: a national roster is millions of rows. Line 1 is the header.
        con.execute(
            f"create or replace view {src} as select rowid + 1 as _baris, * "
            f"from {src}_lines as t({', '.join(columns)}) where rowid > 0"
        )
    elif suffix == ".xlsx":
        headers, frame, numeric_rows = _read_xlsx(path, table)
        con.register(f"{src}_frame", frame)
        con.execute(f"create or replace table {src} as select * from {src}_frame")
        con.unregister(f"{src}_frame")
        columns = list(frame.columns[1:])
    elif suffix == ".parquet":
        names = con.execute(
            "select name from parquet_schema($path)", {"path": str(path)}
        ).fetchall()
        # parquet_schema lists the root first; only leaf columns name data.
        headers = [n[0] for n in names[1:]]
        columns = [f"column{i}" for i in range(len(headers))]
        casts = ", ".join(f"cast({c} as varchar) as {c}" for c in columns)
        con.execute(
            f"create or replace table {src}_lines as select {casts} "
            f"from read_parquet($path) as t({', '.join(columns)})",
            {"path": str(path)},
        )
        # Row 1 is the header in a spreadsheet's terms, so the first record is row 2.
        con.execute(
            f"create or replace view {src} as select rowid + 2 as _baris, * from {src}_lines"
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
        headers = [_cell_text(v)[0] or "" for v in header_cells]
        while headers and not headers[-1]:
            headers.pop()
        nik_position = schema.match_headers(table, headers).get("nik")
        records: list[list[object]] = []
        numeric_rows: list[int] = []
        for number, cells in enumerate(rows, start=2):
            values = [_cell_text(v) for v in cells[: len(headers)]]
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


def _header_problems(table: schema.Table, file_name: str, headers: list[str]) -> list[Problem]:
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


def _create_raw(
    con: duckdb.DuckDBPyConnection, table: schema.Table, headers: list[str] | None
) -> None:
    """`_raw_<table>`: a view with canonical columns as text; a missing column is all NULL."""
    found = schema.match_headers(table, headers) if headers is not None else {}
    parts = ["_baris"] if headers is not None else ["cast(null as bigint) as _baris"]
    for column in table.columns:
        if column.name in found:
            parts.append(f"column{found[column.name]} as {column.name}")
        else:
            parts.append(f"cast(null as varchar) as {column.name}")
    source = f"_src_{table.name}" if headers is not None else "(select 1) as nothing"
    where = "" if headers is not None else " where false"
    con.execute(
        f"create or replace view _raw_{table.name} as "
        f"select {', '.join(parts)} from {source}{where}"
    )


def _drop_sources(con: duckdb.DuckDBPyConnection) -> None:
    """The text copies are needed only for the checks; the typed tables stay."""
    for name in schema.TABLE_NAMES:
        con.execute(f"drop view if exists _raw_{name}")
        for suffix in ("", "_lines"):
            kind = con.execute(
                "select table_type from information_schema.tables where table_name = $n",
                {"n": f"_src_{name}{suffix}"},
            ).fetchall()
            if kind:
                what = "view" if kind[0][0] == "VIEW" else "table"
                con.execute(f"drop {what} _src_{name}{suffix}")


def _create_typed(con: duckdb.DuckDBPyConnection, table: schema.Table) -> None:
    con.execute(f"create or replace table {table.name} as {typed_select(table)}")


def typed_select(table: schema.Table, raw: str | None = None) -> str:
    """The select that types `_raw_<table>` (or `raw`), row number first."""
    parts = ["_baris"]
    for column in table.columns:
        expression = typed_expression(column, column.name)
        if table.name == "tps" and column.name == "kebutuhan_kpps":
            # Contract: a blank seat count means the usual 7 (1 ketua + 6 anggota).
            expression = f"coalesce({expression}, {DEFAULT_SEATS})"
        parts.append(f"{expression} as {column.name}")
    return f"select {', '.join(parts)} from {raw or '_raw_' + table.name}"
