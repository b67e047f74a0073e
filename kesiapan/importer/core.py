"""Import: the files people receive, checked against the contract, then a new dataset version.

One implementation for the Impor Data page and `python -m kesiapan import`:

1. `prepare(folder, uploads, …)` reads each file as text (`upload_reader`), finds its table (by
   file name, else by its columns) and its header row, maps headers with the contract's aliases
   plus the ones exports really use, and turns place names (kecamatan, desa, TPS number) into
   codes against `wilayah`. The current dataset and the uploaded rows meet in one DuckDB: the
   store types them (`store._create_typed`, one SQL expression per kind) and the contract's
   checks run on the candidate (`checks`), every offending row kept, not only the first ones.
   Rows with an error are set aside and the checks run again until nothing new appears (a
   dropped TPS leaves its members pointing nowhere). Nothing is written to the dataset.
2. `commit(preview, …)` writes a new version (the changed tables as Parquet, the rest shared
   with the live version), keeps the originals and the rejected rows, records who did what and
   switches (`versions`).

With an area scope (`scope`, an operator's account), uploaded rows whose area lies outside
it are errors, both modes replace only the current rows inside it, and `commit` checks again,
on the tables it wrote, that every row outside the scope is exactly as it was.

The steps live in modules of their own: `uploads` (an uploaded file, its report and row
numbers), `reading` (a file into rows), `scope_rules` (rows outside an account's scope),
this module (the preview: tables recognised, checks, candidate tables) and `writing`
(`commit`).

Row numbers in every message are those of the uploaded file. Internally an uploaded row of file
i is `_baris = i * STRIDE + row` and a row of the current dataset `row - BASE_OFFSET`.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import shutil
import tempfile
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from kesiapan.access import privacy
from kesiapan.contract import schema, sql
from kesiapan.contract import scope as area_scope
from kesiapan.contract.problems import ERROR, WARNING, Problem
from kesiapan.importer import columns as import_columns
from kesiapan.importer import cross_area
from kesiapan.importer import reading as import_reading
from kesiapan.importer import scope_rules as import_scope_rules
from kesiapan.importer import uploads as import_uploads
from kesiapan.store import checks, partitions, versions
from kesiapan.store import dataset as store

# Tables that rows of other tables point to: dropping one of their rows can leave others
# pointing nowhere, so the checks run again (kpps, bimtek_hadir, supervisi rows cannot).
REFERENCED = {"wilayah", "tps", "bimtek_sesi"}
BASE_OFFSET = 10**12
EXAMPLES = 100  # messages shown per kind of problem; the rest are counted
FIRST_ROWS = 5  # rows named beside each kind of problem in the preview's summary
MAX_ROUNDS = 6
# Contract §5: by default a file adds and updates rows by their identity and removes nothing;
# removing rows is an explicit choice (the rows the file's sessions/TPS no longer list, or the
# whole table), confirmed after the rows to go are shown.
UPDATE, REPLACE_PART, REPLACE_TABLE = "perbarui", "ganti-bagian", "ganti"
MODES = {
    UPDATE: "tambah dan perbarui (tidak ada yang dihapus)",
    REPLACE_PART: "ganti isi sesi/TPS yang ada di berkas",
    REPLACE_TABLE: "ganti seluruh tabel (khusus admin)",
}
EXCEL_MAX_ROWS = 1_048_575  # a sheet's rows below the header
CURRENT_BERKAS = "{table} (data sekarang)"
TOO_WIDE = (
    "baris ini berisi lebih banyak kolom daripada baris judul; mungkin ada pemisah (koma atau "
    "titik koma) di dalam nilai tanpa tanda kutip"
)
# Same words as checks.numeric_problems uses for a NIK the reader saw as an Excel number.
NUMERIC_NIK = (
    "NIK tersimpan sebagai angka Excel: Excel hanya menyimpan 15 digit, "
    "digit ke-16 bisa hilang; simpan kolom NIK sebagai teks"
)

# Contract §5: what identifies a row of each table, and what a file of it is about. Replacing
# what a file is about (REPLACE_PART) removes the current rows of the sessions or TPS it names
# that it no longer lists; where a file can only be about its own rows (None), nothing goes.
IDENTITY: dict[str, tuple[str, ...]] = {
    "wilayah": ("kode_desa",),
    "tps": ("kode_tps",),
    "kpps": ("nik", "kode_tps", "tanggal_sk"),
    "bimtek_sesi": ("kode_sesi",),
    "bimtek_hadir": ("kode_sesi", "nik"),
    "supervisi": ("tanggal", "pengawas", "kode_kecamatan", "kode_desa", "kode_sesi"),
}
SUBJECT: dict[str, str | None] = {
    "wilayah": None,
    "tps": None,
    "kpps": "kode_tps",
    "bimtek_sesi": None,
    "bimtek_hadir": "kode_sesi",
    "supervisi": None,
}
# "ganti isi …" in the words of each table, for the page and the command line.
PART_WORDS = {
    "bimtek_hadir": "seluruh kehadiran sesi yang disebut berkas",
    "kpps": "seluruh KPPS di TPS yang disebut berkas",
}


def _angka(value: int) -> str:
    return f"{value:,}".replace(",", ".")


class ImportRefused(Exception):
    """A commit that may not happen; the message is for people (Indonesian)."""


class StalePreview(ImportRefused):
    """The kabupaten (or the tables) this preview read changed since: prepare it again."""


@dataclass
class Preview:
    """Everything the person sees before deciding; holds the candidate for `commit`."""

    folder: Path
    base_version: str | None
    base_folder: Path | None
    mode: str
    uploads: list[import_uploads.Upload]
    files: list[import_uploads.FileReport]
    errors: list[Problem]
    warnings: list[Problem]
    blocking: list[Problem]  # errors that dropping rows cannot cure
    error_count: int
    warning_count: int
    kinds: list[dict[str, object]]
    con: duckdb.DuckDBPyConnection
    work: Path
    tables: dict[str, list[int]]  # table → indexes of the files that fill it
    scope: tuple[str, ...] | None = None  # the account's area scope; None: unrestricted
    # Issue 18: the kabupaten each table's rows belong to, when only those were read (the
    # live version is stored per kabupaten); None when the whole dataset was read.
    touched: dict[str, list[str]] | None = None

    @property
    def rejected_rows(self) -> int:
        return sum(f.rows_rejected for f in self.files)

    @property
    def rows_read(self) -> int:
        return sum(f.rows_read for f in self.files)

    @property
    def rows_accepted(self) -> int:
        return sum(f.rows_accepted for f in self.files if f.ok)

    @property
    def rows_removed(self) -> int:
        """Current rows the import would remove (only in a replacing mode, contract §5)."""
        return sum(f.removed for f in self.files if f.ok)

    def removed_by_table(self) -> dict[str, int]:
        return {
            self.files[i[0]].table or "": self.files[i[0]].removed
            for i in self.tables.values()
            if self.files[i[0]].removed
        }

    def refusal(self, drop_errors: bool, confirm_removal: bool = False) -> str | None:
        """Why `commit` would refuse (None: it may go ahead). Removing stored rows needs
        `confirm_removal`: the person has seen which rows go and said so."""
        if versions.is_bundled_sample(self.folder):
            return (
                "data/sample adalah dataset contoh bawaan dan tidak diubah oleh impor; salin dulu "
                "ke folder lain (mis. cp -r data/sample data/kerja) lalu impor ke sana"
            )
        if not self.files or not any(f.ok for f in self.files):
            return "tidak ada berkas yang dapat dimuat"
        if self.blocking:
            return (
                f"{len(self.blocking)} galat tidak dapat diatasi dengan membuang baris: "
                "perbaiki berkasnya lalu unggah lagi"
            )
        if self.rejected_rows and not drop_errors:
            return (
                f"{self.rejected_rows} baris bergalat: perbaiki berkasnya, atau buang baris-baris "
                "itu (disimpan di berkas tolakan)"
            )
        empty = [f.name for f in self.files if f.ok and f.rows_accepted == 0]
        if empty:
            return f"tidak ada baris yang dapat diterima dari {', '.join(empty)}"
        if self.rows_removed and not confirm_removal:
            tables = ", ".join(
                f"{_angka(n)} baris {schema.TABLES[t].label}"
                for t, n in self.removed_by_table().items()
            )
            return (
                f"impor ini akan menghapus {tables} dari data sekarang; periksa daftarnya, lalu "
                "konfirmasi penghapusannya"
            )
        return None

    def removal_frame(self, table: str) -> pd.DataFrame:
        """The stored rows the import would remove, typed, in stored order."""
        statement = sql.compose(
            "select b.* exclude (_baris) from {rows} as b "
            "where b._baris in (select _baris from {removed}) order by b._baris",
            rows=import_uploads.typed_rows(table, sql.ident(f"_basis_{table}")),
            removed=sql.ident(f"_weg_{table}"),
        )
        return self.con.execute(statement).df()

    def changes_frame(self, table: str) -> pd.DataFrame:
        """One row per changed value of a stored row: its identity, the column, the value
        stored and the value from the file (typed), with the file and row it came from."""
        columns = [c.name for c in schema.TABLES[table].columns]
        key = [k for k in IDENTITY[table] if k in columns]
        parts = []
        for column in columns:
            keys = sql.join(
                (sql.compose("{c} as {k}, ", c=sql.ident("c", k), k=sql.ident(k)) for k in key), ""
            )
            statement = sql.compose(
                "select i, c._baris % {stride} as baris, {keys}"
                "{old} as sebelum, {new} as sesudah from ({compared}) "
                "where paired and {new} is distinct from {old} order by c._baris",
                stride=import_uploads.STRIDE,
                keys=keys,
                old=sql.ident("o", column),
                new=sql.ident("c", column),
                compared=_compared(table),
            )
            frame = self.con.execute(statement).df()
            if frame.empty:
                continue
            frame.insert(len(key) + 2, "kolom", column)
            frame["sebelum"] = frame["sebelum"].astype(object)
            frame["sesudah"] = frame["sesudah"].astype(object)
            parts.append(frame)
        if not parts:
            return pd.DataFrame(columns=["berkas", "baris", *key, "kolom", "sebelum", "sesudah"])
        out = pd.concat(parts, ignore_index=True).sort_values(["i", "baris"], kind="stable")
        pairs = zip(out["i"], out["baris"], strict=True)
        where = [import_reading.located(self.files[i], int(b)) for i, b in pairs]
        out["baris"] = [row for _, row in where]
        out.pop("i")
        out.insert(0, "berkas", [name for name, _ in where])
        return out.reset_index(drop=True)

    def rejects_table(self, index: int) -> tuple[list[str], list[tuple[object, ...]]]:
        """The rejected rows of one file as written, with their row number and reason."""
        report = self.files[index]
        width = len(report.headers)
        cells = sql.join(sql.ident("u", f"c{i}") for i in range(width))
        statement = sql.compose(
            "select u._baris, {cells}, string_agg(coalesce('kolom ' || t.kolom || ': ', '') "
            "|| t.pesan || coalesce(' (tertulis \"' || t.nilai || '\")', ''), '; ' "
            "order by t.urut) from {up} as u "
            "inner join _tolak as r on r.baris = u._baris + $offset "
            "inner join _temuan as t on t.baris = r.baris and t.tingkat = $galat "
            "group by u._baris, {cells} order by u._baris",
            cells=cells,
            up=sql.ident(f"_up_{index}"),
        )
        rows = self.con.execute(
            statement, {"offset": index * import_uploads.STRIDE, "galat": ERROR}
        ).fetchall()
        headers = ["baris"] + [h.strip() or f"kolom {i + 1}" for i, h in enumerate(report.headers)]
        if len(report.sheets_used) > 1:
            headers.insert(0, "lembar")
            rows = [
                (
                    report.sheets_used[r[0] // import_uploads.SHEET_STRIDE],
                    r[0] % import_uploads.SHEET_STRIDE,
                    *r[1:],
                )
                for r in rows
            ]
        return [*headers, "alasan"], rows

    def rejects_xlsx(self, index: int, tampil: privacy.Tampil | None = None) -> bytes:
        """The rejected rows of one file as an Excel workbook (column `alasan` says why);
        with `tampil`, masked for that viewer (issue 12: the download on the page)."""
        headers, rows = self.rejects_table(index)
        if tampil is not None:
            report = self.files[index]
            kinds = [None, *(report.columns.get(h) for h in report.headers), "alasan"]
            rows = privacy.masked_rows(kinds, rows, tampil)
        return _workbook(headers, rows[:EXCEL_MAX_ROWS])

    def sample_rows(
        self, index: int, limit: int = 10, read: bool = False
    ) -> list[dict[str, object]]:
        """The first rows of one file as they will be stored (contract columns, text); `read`:
        each value as it was read (✓ → True, KPPS 1 → ketua, 5 JANUARI 1994 → a date), the
        text where it cannot be read."""
        report = self.files[index]
        if not report.ok or report.table is None:
            return []
        plain = (schema.TEXT, schema.CODE, schema.NIK)
        values = [
            sql.ident(c.name)
            if not read or c.kind in plain
            else sql.compose(
                "coalesce(cast({typed} as varchar), {c}) as {c}",
                typed=sql.trusted(store.typed_expression(c, c.name)),
                c=sql.ident(c.name),
            )
            for c in schema.TABLES[report.table].columns
        ]
        statement = sql.compose(
            "select _baris % {stride} as baris, {values} "
            "from {rows} where _baris // {stride} = $i order by _baris limit $n",
            stride=import_uploads.STRIDE,
            values=sql.join(values),
            rows=sql.ident(f"_unggah_{report.table}"),
        )
        cursor = self.con.execute(statement, {"i": index, "n": limit})
        names = [d[0] for d in cursor.description]
        found = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        if len(report.sheets_used) > 1:
            found = [
                {
                    "lembar": report.sheets_used[int(row["baris"]) // import_uploads.SHEET_STRIDE],  # type: ignore[call-overload]
                    **row,
                    "baris": int(row["baris"]) % import_uploads.SHEET_STRIDE,  # type: ignore[call-overload]
                }
                for row in found
            ]
        return found

    def close(self) -> None:
        _discard(self.con, self.work)


@dataclass(frozen=True)
class CommitResult:
    version: str
    previous: str | None
    rejects: list[Path]
    record: dict[str, object]


def _discard(con: duckdb.DuckDBPyConnection, work: Path) -> None:
    con.close()
    shutil.rmtree(work, ignore_errors=True)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


# -- the store's and the checks' own machinery, used as they are ----------------------------------
# Everything this module needs from kesiapan.store.dataset and kesiapan.store.checks beyond their
# public API.
def _store_load_text(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    table: schema.Table,
    parts: list[str] | None = None,
) -> None:
    """The store's reader: `_raw_<table>` (canonical columns as text, `_baris`) from a file
    (from a table stored per kabupaten, only the kabupaten `parts`)."""
    headers, _ = store.load_source(con, path, table, parts)
    store.create_raw(con, table, headers)


def _store_type(con: duckdb.DuckDBPyConnection, table: schema.Table) -> None:
    """The typed table `<table>` from `_raw_<table>`, by the store's one expression per kind."""
    store.create_typed(con, table)


def _store_macros(con: duckdb.DuckDBPyConnection) -> None:
    """The shared definitions the checks use (active members at a date, …)."""
    store.create_macros(con, precomputed=False)


def _store_drop_text(con: duckdb.DuckDBPyConnection) -> None:
    store.drop_sources(con)


# Issue 18: a check that reads only tables the upload leaves as they are finds only the rows it
# found before the import, all current rows (numbered below zero): the preview shows those only
# when they are new (`_new_errors_on_current_rows`), which they cannot be. Such checks are
# skipped (tests/importer/test_partitions.py compares with every check run).
CHECK_ONLY_CHANGED = True


class _Capture(checks.Checker):
    """The contract's checks keeping every offending row in `_temuan`, not the first few;
    with `changed`, only the checks that read one of those tables (see CHECK_ONLY_CHANGED)."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, round_: int, changed: set[str] | None = None
    ) -> None:
        super().__init__(con, {name: name for name in schema.TABLE_NAMES})
        self.round = round_
        self.changed = changed if CHECK_ONLY_CHANGED else None

    def add(
        self,
        level: str,
        table: str,
        column: str | None,
        message: str,
        query: str,
        params: dict[str, object] | None = None,
    ) -> None:
        if self.changed is not None:
            read = checks.tables_read(str(query))
            if read and not read & self.changed:
                return
        # The check's own words, inlined: a statement with parameters costs ten times more
        # to run here, and these are the checks' constants, not anybody's input.
        values = sql.join(sql.literal(v) for v in (self.round, level, table, column, message))
        statement = sql.compose(
            "insert into _temuan select {values}, cast(f._b as bigint), "
            "cast(f._n as varchar), nextval('_urut') from ({query}) as f(_b, _n)",
            values=values,
            query=sql.trusted(query),  # a check of kesiapan.store.checks, its values as $params
        )
        self.con.execute(statement, params or None)


CHECK_STEPS = ("nilai", "kode ganda", "rujukan kode", "peringatan")


def _run_checks(
    con: duckdb.DuckDBPyConnection,
    round_: int,
    as_of: date,
    voting_day: date,
    warnings: bool,
    progress: Callable[[int, str], None] = lambda step, text: None,
    changed: set[str] | None = None,
) -> None:
    capture = _Capture(con, round_, changed)
    groups = [checks.value_checks, checks.key_checks, checks.reference_checks]
    for step, (run, name) in enumerate(zip(groups, CHECK_STEPS, strict=False)):
        progress(step, name)
        run(capture)
    if warnings:
        progress(3, CHECK_STEPS[3])
        checks.warnings(capture, as_of, voting_day)


# -- area scope ----------------------------------------------------------------------------------
# The area-scope rule (kesiapan/contract/scope.py). An import's scope keeps the account's order and
# refuses an empty list (`scope.validate_for_import`); the store's reading scope does neither.
validate_scope = area_scope.validate_for_import
in_scope = area_scope.in_scope  # the same rule as the import's SQL and the store's


def _use(con: duckdb.DuckDBPyConnection, table: str, source: str) -> None:
    """Make `_raw_<table>` the candidate's rows (`_calon`) or the current ones (`_basis`), as a
    table (every check reads it), and type it."""
    kind = con.execute(
        "select table_type from information_schema.tables where table_name = $n",
        {"n": f"_raw_{table}"},
    ).fetchall()
    raw = sql.ident(f"_raw_{table}")
    if kind:
        drop = "drop view {raw}" if kind[0][0] == "VIEW" else "drop table {raw}"
        con.execute(sql.compose(drop, raw=raw))
    if source == "_basis":
        make = "create view {raw} as select * from {source}"
    else:
        make = "create table {raw} as select * from {source}"
    con.execute(sql.compose(make, raw=raw, source=sql.ident(f"{source}_{table}")))
    _store_type(con, schema.TABLES[table])


def present_columns(report: import_uploads.FileReport) -> set[str]:
    """The contract columns a file gives a value for: its own headers, the codes made from place
    names, and every column that must have a value (an accepted row has it, whatever gave it).
    A column a file does not have keeps its stored value in the rows the file updates."""
    assert report.table is not None
    table = schema.TABLES[report.table]
    names = {c.name for c in table.columns}
    given = (set(report.columns.values()) | set(report.derived)) & names
    return given | {c.name for c in table.columns if c.value_required}


def _key_columns(table: str, present: list[set[str]]) -> list[str]:
    """The identity columns rows are matched on: an optional one (`tanggal_sk`, a visit's desa
    or session) only when every file of the table has it, else stored rows match whatever they
    hold there (a roster without SK dates still updates the members it lists)."""
    return [k for k in IDENTITY[table] if all(k in p for p in present)]


def _keyed(table: str, source: str, key: list[str]) -> sql.Fragment:
    """(_baris, k_<key>…, n) of `source`: typed identity values, `n` numbering the rows of one
    identity so that the n-th stored row pairs with the n-th uploaded one."""
    columns = {c.name: c for c in schema.TABLES[table].columns}
    typed = sql.join(
        sql.compose(
            "{typed} as {k}",
            typed=sql.trusted(store.typed_expression(columns[k], f"r.{k}")),
            k=sql.ident(f"k_{k}"),
        )
        for k in key
    )
    part = sql.join(sql.ident(f"k_{k}") for k in key)
    return sql.compose(
        "select _baris, {part}, row_number() over (partition by {part} "
        "order by _baris) as n from (select r._baris, {typed} from {source} as r)",
        part=part,
        typed=typed,
        source=sql.ident(source),
    )


def _candidate(
    con: duckdb.DuckDBPyConnection,
    table: str,
    mode: str,
    reports: list[import_uploads.FileReport],
    scope: tuple[str, ...] | None,
) -> None:
    """`_calon_<table>` (a view, so that every round of checks sees the rows rejected so far):
    the current rows, each replaced by the uploaded row of the same identity (contract §5;
    columns the file lacks keep their stored value), the uploaded rows of a new identity, and
    without the rows to be removed (`_weg_<table>`): none in mode perbarui; in mode
    ganti-bagian the current rows of the sessions/TPS the accepted rows name that no uploaded
    row matches; in mode ganti every current row no uploaded row matches. An uploaded row that
    is rejected keeps its stored row as it is; with a scope only rows inside it can go."""
    cols = [c.name for c in schema.TABLES[table].columns]
    present = [present_columns(r) for r in reports]
    required = {c.name for c in schema.TABLES[table].columns if c.value_required}
    key = _key_columns(table, present)
    on = sql.join(
        (
            sql.compose(
                "{u} = {b}" if k in required else "{u} is not distinct from {b}",
                u=sql.ident("u", f"k_{k}"),
                b=sql.ident("b", f"k_{k}"),
            )
            for k in key
        ),
        " and ",
    )
    pairs, basis = sql.ident(f"_pasangan_{table}"), sql.ident(f"_basis_{table}")
    uploaded, removed = sql.ident(f"_unggah_{table}"), sql.ident(f"_weg_{table}")
    con.execute(
        sql.compose(
            "create or replace table {pairs} as select u._baris as u, b._baris as b "
            "from ({uploaded}) as u inner join ({basis}) as b on {on} and u.n = b.n",
            pairs=pairs,
            uploaded=_keyed(table, f"_unggah_{table}", key),
            basis=_keyed(table, f"_basis_{table}", key),
            on=on,
        )
    )
    accepted = sql.compose("u._baris not in (select baris from _tolak)")

    def merged(column: str) -> sql.Fragment:
        have = [r.index for r, p in zip(reports, present, strict=True) if column in p]
        if len(have) == len(reports):
            return sql.ident("u", column)
        if not have:
            return sql.ident("b", column)
        return sql.compose(
            "case when u._baris // {stride} in ({files}) then {u} else {b} end",
            stride=import_uploads.STRIDE,
            files=sql.join(have),
            u=sql.ident("u", column),
            b=sql.ident("b", column),
        )

    inside = sql.compose("")
    if scope is not None:
        # The current rows the account may remove, judged by the current data's own areas.
        inside_basis = sql.ident(f"_dalam_basis_{table}")
        con.execute(
            sql.compose(
                "create or replace table {t} as select _baris from "
                "({scope}) where luar is null and tak_tentu is null",
                t=inside_basis,
                scope=import_scope_rules.base_scope_sql(table),
            )
        )
        inside = sql.compose(" and b._baris in (select _baris from {t})", t=inside_basis)
    subject = SUBJECT[table]
    if mode == UPDATE or (mode == REPLACE_PART and subject is None):
        removal = sql.compose(" and false")
    elif mode == REPLACE_PART:
        column = schema.TABLES[table].column(subject)  # type: ignore[arg-type]
        removal = sql.compose(
            " and {stored} in (select {named} from {uploaded} as u where {accepted})",
            stored=sql.trusted(store.typed_expression(column, f"b.{subject}")),
            named=sql.trusted(store.typed_expression(column, f"u.{subject}")),
            uploaded=uploaded,
            accepted=accepted,
        )
    else:
        removal = sql.compose("")
    con.execute(
        sql.compose(
            "create or replace view {removed} as select b._baris from {basis} as b "
            "where not exists (select 1 from {pairs} as p where p.b = b._baris){inside}{removal}",
            removed=removed,
            basis=basis,
            pairs=pairs,
            inside=inside,
            removal=removal,
        )
    )
    kept = sql.join(sql.ident("b", c) for c in cols)
    new = sql.join(sql.compose("{v} as {c}", v=merged(c), c=sql.ident(c)) for c in cols)
    con.execute(
        sql.compose(
            "create or replace view {candidate} as select b._baris, {kept}, "
            "b._baris as _letak from {basis} as b where not exists (select 1 from "
            "{pairs} as p where p.b = b._baris and p.u not in (select baris from _tolak)) "
            "and b._baris not in (select _baris from {removed}) "
            "union all select u._baris, {new}, coalesce(b._baris, u._baris) as _letak "
            "from {uploaded} as u left join {pairs} as p on p.u = u._baris "
            "left join {basis} as b on b._baris = p.b where {accepted}",
            candidate=sql.ident(f"_calon_{table}"),
            kept=kept,
            basis=basis,
            pairs=pairs,
            removed=removed,
            new=new,
            uploaded=uploaded,
            accepted=accepted,
        )
    )


def _compared(table: str) -> sql.Fragment:
    """The accepted uploaded rows as they would be stored (`c`, typed) beside the stored row
    they replace (`o`, typed; NULLs for a new row), `i` the file, `paired` whether one was."""
    uploaded = sql.compose("(select * from {t} where _baris >= 0)", t=sql.ident(f"_calon_{table}"))
    return sql.compose(
        "select c._baris // {stride} as i, p.b is not null as paired, c, o "
        "from {uploaded} as c left join {pairs} as p on p.u = c._baris "
        "left join {basis} as o on o._baris = p.b",
        stride=import_uploads.STRIDE,
        uploaded=import_uploads.typed_rows(table, uploaded),
        pairs=sql.ident(f"_pasangan_{table}"),
        basis=import_uploads.typed_rows(table, sql.ident(f"_basis_{table}")),
    )


def _changes(
    con: duckdb.DuckDBPyConnection, table: str, reports: list[import_uploads.FileReport]
) -> None:
    """Per file: rows added (a new identity), changed and unchanged (values compared once typed:
    24/01/2024 = 2024-01-24, KPPS 1 = ketua), and changed rows per column; the rows to be
    removed are the table's, counted on its first file."""
    columns = [c.name for c in schema.TABLES[table].columns]
    differs = [
        sql.compose("{c} is distinct from {o}", c=sql.ident("c", c), o=sql.ident("o", c))
        for c in columns
    ]
    per_column = sql.join(
        sql.compose("count(*) filter (where paired and ({d}))", d=d) for d in differs
    )
    statement = sql.compose(
        "select i, count(*) filter (where not paired), "
        "count(*) filter (where paired and ({any_differs})), "
        "count(*) filter (where paired and not ({any_differs})), {per_column} "
        "from ({compared}) group by i",
        any_differs=sql.join(differs, " or "),
        per_column=per_column,
        compared=_compared(table),
    )
    rows = con.execute(statement).fetchall()
    by_file = {int(i): rest for i, *rest in rows}
    for report in reports:
        added, changed, unchanged, *counts = by_file.get(report.index, [0] * (3 + len(columns)))
        report.added, report.changed, report.unchanged = int(added), int(changed), int(unchanged)
        report.changed_columns = {c: int(n) for c, n in zip(columns, counts, strict=True) if n}
    count = sql.compose("select count(*) from {t}", t=sql.ident(f"_weg_{table}"))
    (removed,) = con.execute(count).fetchall()[0]
    reports[0].removed = int(removed)


def _kept_columns(report: import_uploads.FileReport) -> None:
    """The optional columns a file does not have: the rows it updates keep their values."""
    assert report.table is not None
    given = present_columns(report)
    report.kept_columns = [
        c.name for c in schema.TABLES[report.table].columns if c.name not in given
    ]


BLANK_OVER_PRESENT = (
    "tanda kehadiran kosong dibaca tidak hadir, padahal tersimpan hadir di sesi ini; bila "
    "daftarnya belum selesai diisi, lengkapi dulu"
)


def _blank_marks(con: duckdb.DuckDBPyConnection, report: import_uploads.FileReport) -> None:
    """Say how many empty marks beside a listed NIK were read as absent (contract §3)."""
    found = schema.match_headers(import_columns.matching_table("bimtek_hadir"), report.headers)
    if "hadir" not in found or "nik" not in found:
        return
    mark, nik = f"c{found['hadir']}", f"c{found['nik']}"
    up = sql.ident(f"_up_{report.index}")
    count = sql.compose(
        "select count(*) from {up} where nullif(trim({mark}), '') is null "
        "and nullif(trim({nik}), '') is not null",
        up=up,
        mark=sql.ident(mark),
        nik=sql.ident(nik),
    )
    (blank,) = con.execute(count).fetchall()[0]
    if blank:
        report.readings.append(
            "tanda kehadiran yang kosong di samping nama dibaca tidak hadir "
            f"({_angka(blank)} baris)"
        )
    # An empty box where the stored roll call says present (a blank form sent before the
    # session, a column left unfilled) would untrain somebody: said on each such row.
    offset = report.index * import_uploads.STRIDE
    hadir = schema.TABLES["bimtek_hadir"].column("hadir")
    statement = sql.compose(
        "insert into _temuan select {round_}, $peringatan, 'bimtek_hadir', 'hadir', "
        "$pesan, u._baris + {offset}, null, nextval('_urut') from {up} as u "
        "inner join _pasangan_bimtek_hadir as p on p.u = u._baris + {offset} "
        "inner join _basis_bimtek_hadir as b on b._baris = p.b "
        "where nullif(trim({mark}), '') is null and nullif(trim({nik}), '') is not null "
        "and {present} order by u._baris",
        round_=import_uploads.READER_ROUND,
        offset=offset,
        up=up,
        mark=sql.ident("u", mark),
        nik=sql.ident("u", nik),
        present=sql.trusted(store.typed_expression(hadir, "b.hadir")),
    )
    con.execute(statement, {"peringatan": WARNING, "pesan": BLANK_OVER_PRESENT})


# Contract §3: an attendance file most of whose NIKs match nobody would record nobody (the
# Excel-number loss of the 16th digit, or the wrong file): refused as a whole. A few unknown
# NIKs are only warned about, row by row.
UNMATCHED_MIN = 3


def _unmatched_attendance(
    con: duckdb.DuckDBPyConnection, report: import_uploads.FileReport
) -> None:
    total, unmatched = con.execute(
        "select count(distinct h.nik), count(distinct h.nik) filter (where not exists "
        "(select 1 from _kpps_terlihat as k where k.nik = h.nik)) from bimtek_hadir as h "
        "where h._baris // $stride = $i and h._baris >= 0 and h.nik is not null",
        {"stride": import_uploads.STRIDE, "i": report.index},
    ).fetchall()[0]
    if unmatched >= UNMATCHED_MIN and unmatched * 2 > total:
        report.refused.append(
            Problem(
                ERROR,
                report.name,
                report.header_row,
                "nik",
                None,
                f"{_angka(unmatched)} dari {_angka(total)} NIK di berkas ini tidak ada di "
                f"{cross_area.roster_words(con)}: hampir pasti NIK-nya rusak (disimpan "
                "sebagai angka Excel, digit ke-16 hilang) atau berkasnya salah; tidak ada "
                "yang disimpan dari berkas ini. Simpan kolom NIK sebagai teks lalu unggah lagi",
            )
        )


ABOUT_SHOWN = 4  # sessions or places named in a file's "about" line; the rest are counted


def _listed(items: list[str], noun: str) -> str:
    """'sesi A, B dan C' / '7 sesi: A, B, C, D dan 3 lain'."""
    if not items:
        return ""
    shown = items[:ABOUT_SHOWN]
    rest = len(items) - len(shown)
    if rest:
        return f"{len(items)} {noun}: {', '.join(shown)} dan {rest} lain"
    if len(shown) == 1:
        return f"{noun} {shown[0]}"
    return f"{noun} {', '.join(shown[:-1])} dan {shown[-1]}"


def _about(con: duckdb.DuckDBPyConnection, table: str, report: import_uploads.FileReport) -> str:
    """What one file is about (contract §5), in words: its sessions with their kecamatan and
    date, its TPS and desa, its visits' dates; from its accepted rows."""
    from kesiapan.contract import labels

    rows = sql.compose(
        "(select * from {typed} where _baris // {stride} = {i} and _baris >= 0)",
        typed=import_uploads.typed_rows(table, sql.ident(f"_calon_{table}")),
        stride=import_uploads.STRIDE,
        i=report.index,
    )
    kec = sql.compose("(select kode_kecamatan, min(kecamatan) as nama from wilayah group by 1)")
    desa = sql.compose(
        "(select kode_desa, min(desa) as nama, min(kecamatan) as kec from wilayah group by 1)"
    )
    if table == "bimtek_hadir":
        statement = sql.compose(
            "select r.kode_sesi, min(s.tanggal), min(k.nama) from {rows} as r "
            "left join bimtek_sesi as s on s.kode_sesi = r.kode_sesi "
            "left join {kec} as k on k.kode_kecamatan = s.kode_kecamatan "
            "where r.kode_sesi is not null group by 1 order by 2, 1",
            rows=rows,
            kec=kec,
        )
        found = con.execute(statement).fetchall()
        items = [
            f"{code} ({', '.join(x for x in (name, labels.tanggal(day) if day else None) if x)})"
            for code, day, name in found
        ]
        return _listed(items, "sesi")
    if table in ("kpps", "tps"):
        statement = sql.compose(
            "select d.nama, d.kec, count(distinct r.kode_tps) from {rows} as r "
            "left join tps as t on t.kode_tps = r.kode_tps "
            "left join {desa} as d on d.kode_desa = {desa_code} "
            "where r.kode_tps is not null group by 1, 2 order by 2, 1",
            rows=rows,
            desa=desa,
            desa_code=sql.ident("r" if table == "tps" else "t", "kode_desa"),
        )
        found = con.execute(statement).fetchall()
        total = sum(int(n) for *_, n in found)
        where = _listed([str(name) for name, _, _ in found if name], "desa/kelurahan")
        kecamatan = _listed(sorted({str(k) for _, k, _ in found if k}), "kecamatan")
        places = ", ".join(x for x in (where, kecamatan) if x)
        return f"{labels.angka(total)} TPS" + (f" di {places}" if places else "")
    if table == "bimtek_sesi":
        statement = sql.compose(
            "select k.nama, count(*) from {rows} as r left join {kec} as k "
            "on k.kode_kecamatan = r.kode_kecamatan group by 1 order by 1",
            rows=rows,
            kec=kec,
        )
        found = con.execute(statement).fetchall()
        total = sum(int(n) for _, n in found)
        where = _listed([str(n) for n, _ in found if n], "kecamatan")
        return f"{labels.angka(total)} sesi" + (f" di {where}" if where else "")
    if table == "supervisi":
        span_sql = sql.compose("select min(tanggal), max(tanggal), count(*) from {rows}", rows=rows)
        first, last, total = con.execute(span_sql).fetchall()[0]
        span = f", {labels.rentang(first, last)}" if first else ""
        return f"{labels.angka(total)} kunjungan{span}"
    by_kecamatan = sql.compose(
        "select kecamatan, count(*) from {rows} group by 1 order by 1", rows=rows
    )
    found = con.execute(by_kecamatan).fetchall()
    total = sum(int(n) for _, n in found)
    where = _listed([str(n) for n, _ in found if n], "kecamatan")
    return f"{labels.angka(total)} desa/kelurahan" + (f" di {where}" if where else "")


# -- preparing ------------------------------------------------------------------------------------
def _base_folder(folder: Path) -> Path | None:
    if not folder.is_dir():
        return None
    live = store.resolve_folder(folder)
    return live if versions.table_files(live) else None


def _load_base(
    con: duckdb.DuckDBPyConnection,
    base: Path | None,
    progress: import_uploads.Progress,
    skip: tuple[str, ...] = (),
) -> None:
    """`_basis_<table>`: the live version's rows as text, numbered below zero (the tables in
    `skip` are loaded later, per kabupaten: `_load_partitions`)."""
    for step, name in enumerate(schema.TABLE_NAMES):
        if name in skip:
            continue
        table = schema.TABLES[name]
        progress(step / len(schema.TABLE_NAMES), f"Membaca data sekarang: {name}")
        path = store.find_table_file(base, name)[0] if base else None
        basis = sql.ident(f"_basis_{name}")
        if path is None:
            nulls = sql.join(
                sql.compose("cast(null as varchar) as {c}", c=sql.ident(c.name))
                for c in table.columns
            )
            con.execute(
                sql.compose(
                    "create or replace table {basis} as "
                    "select cast(null as bigint) as _baris, {nulls} where false",
                    basis=basis,
                    nulls=nulls,
                )
            )
            continue
        _store_load_text(con, path, table)
        con.execute(_basis_from_raw(name))
    _store_drop_text(con)


def _typed_from_store(con: duckdb.DuckDBPyConnection, path: Path, names: tuple[str, ...]) -> None:
    """The typed tables `names` of the live version from its store (`store.built_store`: built
    from the same files by the same typing), numbered below zero like `_basis_<table>`."""
    with _attached(con, path):
        for name in names:
            con.execute(
                sql.compose(
                    "create or replace table {table} as select _baris - {offset} as _baris, "
                    "{cols} from {stored} order by _baris",
                    table=sql.ident(name),
                    offset=BASE_OFFSET,
                    cols=sql.join(sql.ident(c.name) for c in schema.TABLES[name].columns),
                    stored=sql.ident("_praolah", name),
                )
            )


def _basis_from_raw(name: str) -> sql.Fragment:
    """`_basis_<name>` made from `_raw_<name>`: its rows numbered below zero."""
    return sql.compose(
        "create or replace table {basis} as select _baris - {offset} as _baris, {cols} from {raw}",
        basis=sql.ident(f"_basis_{name}"),
        offset=BASE_OFFSET,
        cols=sql.join(sql.ident(c.name) for c in schema.TABLES[name].columns),
        raw=sql.ident(f"_raw_{name}"),
    )


def _touched(
    con: duckdb.DuckDBPyConnection, by_table: dict[str, list[int]]
) -> dict[str, list[str]]:
    """The kabupaten each uploaded table's rows belong to (issue 18), and `_nik_unggah`: every
    NIK the upload names, typed."""
    found: dict[str, list[str]] = {}
    niks = []
    for name in by_table:
        nik = store.typed_expression(schema.TABLES[name].column("nik"), "u.nik")
        rows_kabupaten = partitions.row_kabupaten(name, f"_unggah_{name}")
        kabupaten = sql.compose("select distinct _kab from ({rows})", rows=rows_kabupaten)
        found[name] = sorted(code for (code,) in con.execute(kabupaten).fetchall())
        niks.append(
            sql.compose(
                "select {nik} as nik from {uploaded} as u",
                nik=sql.trusted(nik),
                uploaded=sql.ident(f"_unggah_{name}"),
            )
        )
    con.execute(
        sql.compose(
            "create or replace table _nik_unggah as select distinct nik from ({niks}) "
            "where nik is not null",
            niks=sql.join(niks, " union all "),
        )
    )
    return found


def _load_partitions(
    con: duckdb.DuckDBPyConnection,
    base: Path,
    name: str,
    parts: list[str],
    context: bool,
    stored: Path | None = None,
) -> None:
    """`_basis_<name>` of a table stored per kabupaten: every row of the kabupaten `parts`, and
    with `context` the rows of other kabupaten whose NIK the upload names (a member active in
    two TPS, attendance of a member of another kabupaten), which the checks see but the commit
    never writes (they lie outside the kabupaten it writes). `stored`: the live version's
    store, which tells those kabupaten without reading their files."""
    table = schema.TABLES[name]
    folder = base / name
    _store_load_text(con, folder, table, parts)
    con.execute(_basis_from_raw(name))
    others = [c for c in store.partition_files(folder) if c not in parts]
    if context and others:
        # First only the NIK column of the other kabupaten (a national roster's names and
        # dates are most of its bytes), to learn which of them hold a NIK of the upload.
        if stored is not None:
            others = _stored_partitions_naming(con, stored, name, others)
        else:
            others = _partitions_naming(con, folder, table, others)
    if context and others:
        _store_load_text(con, folder, table, others)
        nik = store.typed_expression(table.column("nik"), "r.nik")
        con.execute(
            sql.compose(
                "insert into {basis} select r._baris - {offset}, {cols} from {raw} as r "
                "semi join _nik_unggah as n on n.nik = {nik}",
                basis=sql.ident(f"_basis_{name}"),
                offset=BASE_OFFSET,
                cols=sql.join(sql.ident("r", c.name) for c in table.columns),
                raw=sql.ident(f"_raw_{name}"),
                nik=sql.trusted(nik),
            )
        )
    # Only this table's text views: the others are the typed candidate's already.
    con.execute(sql.compose("drop view if exists {v}", v=sql.ident(f"_raw_{name}")))
    con.execute(sql.compose("drop view if exists {v}", v=sql.ident(f"_src_{name}")))


def _partitions_naming(
    con: duckdb.DuckDBPyConnection, folder: Path, table: schema.Table, codes: list[str]
) -> list[str]:
    """The kabupaten among `codes` whose file of this table names a NIK of `_nik_unggah`."""
    files = store.partition_files(folder)
    headers = store.partition_headers(con, folder)
    position = schema.match_headers(table, headers).get("nik")
    if position is None:
        return codes
    column = sql.compose("cast(t.{h} as varchar)", h=sql.quoted_name(headers[position]))
    # A NIK written as 16 digits is its own typed value: the typing's regexp_replace runs only
    # on the others (a quarter of the CPU over a national roster).
    nik = sql.compose(
        "case when regexp_full_match({c}, '[0-9]{{16}}') then {c} else {typed} end",
        c=column,
        typed=sql.trusted(store.typed_expression(table.column("nik"), column)),
    )
    found = con.execute(
        sql.compose(
            "select distinct t.filename from read_parquet($files, filename = true, "
            "hive_partitioning = false) as t where {nik} in (select nik from _nik_unggah)",
            nik=nik,
        ),
        {"files": [str(files[c]) for c in codes]},
    ).fetchall()
    named = {f for (f,) in found}
    return [c for c in codes if str(files[c]) in named]


@contextlib.contextmanager
def _attached(con: duckdb.DuckDBPyConnection, path: Path) -> Iterator[None]:
    """The store `path` attached read-only as `_praolah` for the block."""
    con.execute(sql.compose("attach {path} as _praolah (read_only)", path=sql.literal(path)))
    try:
        yield
    finally:
        con.execute("detach _praolah")


def _stored_partitions_naming(
    con: duckdb.DuckDBPyConnection, stored: Path, name: str, codes: list[str]
) -> list[str]:
    """`_partitions_naming` from the live version's store (issue 18): its typed table holds
    every kabupaten's rows, typed as the files' would be, numbered by kabupaten (`_baris` //
    PART_STRIDE), so one scan of a NIK column replaces reading a thousand files' NIK text."""
    with _attached(con, stored):
        found = con.execute(
            sql.compose(
                "select distinct _baris // {stride} from {stored} "
                "where nik in (select nik from _nik_unggah)",
                stride=store.PART_STRIDE,
                stored=sql.ident("_praolah", name),
            )
        ).fetchall()
    named = {block for (block,) in found}
    return [c for c in codes if store.part_number(c) in named]


def _partition_dates(con: duckdb.DuckDBPyConnection, base: Path, stored: Path | None) -> None:
    """`_tanggal_lain`: the roster's dates in every kabupaten, so that the checks' as-of date
    is the whole dataset's even when only some kabupaten are loaded (only its latest counts:
    from the live version's store, when built, the two latest dates of its typed roster)."""
    if stored is not None:
        with _attached(con, stored):
            con.execute(
                "create or replace table _tanggal_lain as "
                "select max(tanggal_sk) as tanggal from _praolah.kpps "
                "union all select max(tanggal_berhenti) from _praolah.kpps"
            )
        return
    table = schema.TABLES["kpps"]
    files = [str(f) for f in store.partition_files(base / "kpps").values()]
    parts = []
    for column in ("tanggal_sk", "tanggal_berhenti"):
        typed = store.typed_expression(table.column(column), "v")
        parts.append(
            sql.compose(
                "select {typed} as tanggal from (select distinct cast({column} as varchar) as v "
                "from read_parquet($files))",
                typed=sql.trusted(typed),
                column=sql.ident(column),
            )
        )
    con.execute(
        sql.compose(
            "create or replace table _tanggal_lain as {parts}",
            parts=sql.join(parts, " union all "),
        ),
        {"files": files},
    )


def _dates(con: duckdb.DuckDBPyConnection, base: Path | None) -> tuple[date, date]:
    _, last = con.execute(store.query_text("tanggal_data")).fetchall()[0]
    if con.execute(
        "select count(*) from duckdb_tables() where table_name = '_tanggal_lain'"
    ).fetchone()[0]:
        (other,) = con.execute("select max(tanggal) from _tanggal_lain").fetchone()
        last = max((d for d in (last, other) if d is not None), default=None)
    as_of = last or date.today()
    config = store.read_config(base, []) if base else store.DatasetConfig()
    return as_of, config.hari_pemungutan or as_of


def prepare(
    folder: Path,
    uploads: list[import_uploads.Upload],
    mode: str = UPDATE,
    table: str | None = None,
    sheets: dict[str, str] | None = None,
    progress: import_uploads.Progress | None = None,
    *,
    scope: tuple[str, ...] | None = None,
) -> Preview:
    """Read and check `uploads` against the live dataset of `folder`; write nothing there.

    `scope`: the area codes the account may change (see `validate_scope`); None for all."""
    report_progress = progress or (lambda fraction, text: None)
    if mode not in MODES:
        raise ValueError(f"cara memuat tidak dikenal: {mode}")
    scope = validate_scope(scope)
    work = Path(tempfile.mkdtemp(prefix="kesiapan-impor-"))
    # A database file in the work folder and the store's memory budget: a national roster and
    # the current dataset beside it spill to disk instead of filling the machine's memory.
    con = store.connect(str(work / "impor.duckdb"))
    con.execute("set enable_progress_bar = false")
    con.execute(
        sql.compose("set memory_limit = {limit}", limit=sql.literal(store.BUILD_MEMORY_LIMIT))
    )
    con.execute(sql.compose("set temp_directory = {path}", path=sql.literal(work / "duckdb")))
    con.execute(
        "create table _temuan (putaran integer, tingkat varchar, tabel varchar, kolom varchar, "
        "pesan varchar, baris bigint, nilai varchar, urut bigint)"
    )
    con.execute("create sequence _urut")
    con.execute("create table _tolak (tabel varchar, baris bigint)")
    if scope is not None:
        import_scope_rules.create_scope(con, scope)
    base = _base_folder(folder)
    reports: list[import_uploads.FileReport] = []
    share = 0.3 / max(len(uploads), 1)
    for index, upload in enumerate(uploads):
        size = upload.path.stat().st_size
        # A file over the upload limit is not hashed (reading it all would cost what the limit
        # saves): `read_file` refuses it, and a refused file is never stored.
        digest = sha256_of(upload.path) if import_reading.within_upload_limit(size) else ""
        report = import_uploads.FileReport(index, upload.name, digest, size)
        wanted_sheet = (sheets or {}).get(upload.name)
        import_reading.read_file(
            con,
            report,
            upload,
            table,
            wanted_sheet,
            work,
            lambda f, t, i=index: report_progress(i * share + f * share, t),
        )
        reports.append(report)
    by_table: dict[str, list[int]] = {}
    for report in reports:
        if report.ok and report.table:
            by_table.setdefault(report.table, []).append(report.index)
    # Issue 18: a roster or attendance file into a dataset stored per kabupaten reads only the
    # kabupaten its rows belong to (and the other rows of the NIKs it names).
    per_kabupaten = (
        mode != REPLACE_TABLE
        and partitions.is_partitioned(base)
        and bool(by_table)
        and set(by_table) <= set(store.PARTITIONED)
    )
    skip = store.PARTITIONED if per_kabupaten else ()
    # The other tables, unchanged, typed as the live version's store holds them (when built):
    # no text to read, type and check again (their checks are skipped: CHECK_ONLY_CHANGED).
    stored = store.built_store(base) if per_kabupaten and CHECK_ONLY_CHANGED else None
    built = stored if scope is None else None
    unchanged = tuple(n for n in schema.TABLE_NAMES if n not in store.PARTITIONED)
    if built is not None:
        skip += unchanged
    _load_base(con, base, lambda f, t: report_progress(0.3 + 0.2 * f, t), skip)
    if built is not None:
        _typed_from_store(con, built, unchanged)
    report_progress(0.5, "Mencocokkan wilayah dan menyusun tabel")
    touched: dict[str, list[str]] | None = None
    for name in schema.TABLE_NAMES:
        if name in skip:
            continue
        if name == "bimtek_hadir" and name in by_table:
            import_reading.find_sessions(con, reports, by_table, scope)
        if name in by_table:
            files = [reports[i] for i in by_table[name]]
            import_reading.uploaded_rows(con, files, name)
            _candidate(con, name, mode, files, scope)
        _use(con, name, "_calon" if name in by_table else "_basis")
    if per_kabupaten:
        assert base is not None
        for name in store.PARTITIONED:
            if name in by_table:
                if name == "bimtek_hadir":
                    import_reading.find_sessions(con, reports, by_table, scope)
                import_reading.uploaded_rows(con, [reports[i] for i in by_table[name]], name)
        touched = _touched(con, by_table)
        _partition_dates(con, base, stored)
        for name in store.PARTITIONED:
            report_progress(
                0.5, f"Membaca data sekarang: {name} ({', '.join(touched.get(name, []))})"
            )
            context = name == "kpps"
            _load_partitions(con, base, name, touched.get(name, []), context, stored)
            if name in by_table:
                files = [reports[i] for i in by_table[name]]
                _candidate(con, name, mode, files, scope)
            _use(con, name, "_calon" if name in by_table else "_basis")
    _store_macros(con)
    _reader_findings(con, by_table)
    final = _check_rounds(con, by_table, base, report_progress, scope)
    _new_errors_on_current_rows(con, by_table, base, final)
    for name, indexes in by_table.items():
        report_progress(0.9, f"Menghitung perubahan tabel {name}")
        files = [reports[i] for i in indexes]
        _changes(con, name, files)
        for report in files:
            report.about = _about(con, name, report)
            _kept_columns(report)
    for i in by_table.get("bimtek_hadir", []):
        _unmatched_attendance(con, reports[i])
        _blank_marks(con, reports[i])
    rejected = dict(
        con.execute(
            sql.compose(
                "select baris // {stride}, count(*) from _tolak group by all",
                stride=import_uploads.STRIDE,
            )
        ).fetchall()
    )
    for report in reports:
        report.rows_rejected = int(rejected.get(report.index, 0))
    report_progress(1.0, "Selesai")
    preview = _preview(con, folder, base, mode, uploads, reports, by_table, final, work)
    preview.scope = scope
    preview.touched = touched
    # A preview left behind (a browser tab closed mid-way) still frees its work folder.
    weakref.finalize(preview, _discard, con, work)
    return preview


def _reader_findings(con: duckdb.DuckDBPyConnection, by_table: dict[str, list[int]]) -> None:
    """What the reader saw: rows wider than the header (an unquoted separator in a value)
    and NIKs that were Excel numbers."""
    for name in by_table:
        uploaded = sql.ident(f"_unggah_{name}")
        con.execute(
            sql.compose(
                "insert into _temuan select {round_}, $galat, $tabel, null, $pesan, _baris, "
                "null, nextval('_urut') from {uploaded} where _lebih is not null order by _baris",
                round_=import_uploads.READER_ROUND,
                uploaded=uploaded,
            ),
            {
                "galat": ERROR,
                "tabel": name,
                "pesan": TOO_WIDE,
            },
        )
        if any(c.name == "nik" for c in schema.TABLES[name].columns):
            con.execute(
                sql.compose(
                    "insert into _temuan select {round_}, $peringatan, $tabel, 'nik', $pesan, "
                    "_baris, null, nextval('_urut') from {uploaded} where _angka order by _baris",
                    round_=import_uploads.READER_ROUND,
                    uploaded=uploaded,
                ),
                {"peringatan": WARNING, "tabel": name, "pesan": NUMERIC_NIK},
            )


def _settle_derived(con: duckdb.DuckDBPyConnection, by_table: dict[str, list[int]], r: int) -> None:
    """Findings on a code made from names: none where a name already failed (that error says
    it), else shown against the column the person wrote, with what it became."""
    if "bimtek_hadir" in by_table:  # a session the date (import_sessions) already failed
        con.execute(
            "delete from _temuan as t where t.putaran = $r and t.tabel = 'bimtek_hadir' "
            "and t.kolom = 'kode_sesi' and exists (select 1 from _temuan as f "
            "where f.tabel = 'bimtek_hadir' and f.baris = t.baris and f.putaran in ($r, $reader) "
            "and f.kolom = 'tanggal')",
            {"r": r, "reader": import_uploads.READER_ROUND},
        )
    for name in by_table:
        derived_columns = [
            c
            for c in import_columns.DERIVED_FROM
            if c in {c.name for c in schema.TABLES[name].columns}
        ]
        for code in derived_columns:
            place = import_columns.DERIVED_FROM[code]
            con.execute(
                "delete from _temuan as t where t.putaran = $r and t.tabel = $tabel "
                "and t.kolom = $code and exists (select 1 from _temuan as f "
                "where f.putaran = $reader and f.tabel = $tabel and f.baris = t.baris "
                "and f.kolom in ('kabupaten', 'kecamatan', 'desa', 'nomor_tps'))",
                {"r": r, "tabel": name, "code": code, "reader": import_uploads.READER_ROUND},
            )
            con.execute(
                sql.compose(
                    "update _temuan as t set kolom = $place, nilai = {origin} || ' → ' || "
                    "coalesce(t.nilai, '') from {uploaded} as u where t.putaran = $r "
                    "and t.tabel = $tabel and t.kolom = $code and u._baris = t.baris "
                    "and {origin} is not null",
                    origin=sql.ident("u", f"_asal_{code}"),
                    uploaded=sql.ident(f"_unggah_{name}"),
                ),
                {"r": r, "tabel": name, "code": code, "place": place},
            )


def _check_rounds(
    con: duckdb.DuckDBPyConnection,
    by_table: dict[str, list[int]],
    base: Path | None,
    progress: import_uploads.Progress,
    scope: tuple[str, ...] | None = None,
) -> int:
    """Check, set aside the rows with errors, check again until nothing new; the last round."""
    round_ = 1
    while True:
        # The first round is the long one; later ones only re-check what dropping changed.
        start, span = (0.55, 0.3) if round_ == 1 else (0.85, 0.04)

        def step(
            number: int, name: str, r: int = round_, a: float = start, b: float = span
        ) -> None:
            progress(a + b * number / 4, f"Memeriksa {name} (putaran {r})")

        as_of, voting_day = _dates(con, base)
        _run_checks(
            con, round_, as_of, voting_day, warnings=True, progress=step, changed=set(by_table)
        )
        if scope is not None:
            # Before _settle_derived: a TPS code made from names is shown as the names written.
            import_scope_rules.scope_checks(con, by_table, round_, scope)
        cross_area.neutral_warnings(con, round_, scope is not None)  # issue 12
        _settle_derived(con, by_table, round_)
        # A row wider than its header has its values shifted: only that is worth saying.
        con.execute(
            "delete from _temuan where putaran = $r and (tabel, baris) in (select (tabel, baris) "
            "from _temuan where putaran = $reader and pesan = $wide)",
            {"r": round_, "reader": import_uploads.READER_ROUND, "wide": TOO_WIDE},
        )
        new = con.execute(
            "insert into _tolak select distinct tabel, baris from _temuan where putaran in "
            "($reader, $r) and tingkat = $galat and baris >= 0 and (tabel, baris) not in "
            "(select (tabel, baris) from _tolak) returning tabel",
            {"r": round_, "reader": import_uploads.READER_ROUND, "galat": ERROR},
        ).fetchall()
        if not {t for (t,) in new} & REFERENCED or round_ >= MAX_ROUNDS:
            return round_
        round_ += 1
        for name in schema.TABLE_NAMES:
            if name in by_table:
                _use(con, name, "_calon")


def _new_errors_on_current_rows(
    con: duckdb.DuckDBPyConnection, by_table: dict[str, list[int]], base: Path | None, final: int
) -> int:
    """Errors the import causes on rows already loaded (a removed TPS still has members): they
    block, as no dropping of uploaded rows cures them. Errors the current data had already
    are left to the Data page. Marks them `putaran = -1`; returns how many."""
    current = con.execute(
        "select count(*) from _temuan where putaran = $r and tingkat = $galat and baris < 0",
        {"r": final, "galat": ERROR},
    ).fetchall()[0][0]
    if not current:
        return 0
    # The same checks on the current data alone, then compare; then back to the candidate.
    for source in ("_basis", "_calon"):
        for name in schema.TABLE_NAMES:
            if name in by_table:
                _use(con, name, source)
        if source == "_basis":
            as_of, voting_day = _dates(con, base)
            _run_checks(
                con,
                import_uploads.BASELINE_ROUND,
                as_of,
                voting_day,
                warnings=False,
                changed=set(by_table),
            )
    con.execute(
        "update _temuan as t set putaran = $new where t.putaran = $r and t.tingkat = $galat "
        "and t.baris < 0 and not exists (select 1 from _temuan as o where o.putaran = $old "
        "and o.tabel = t.tabel and o.baris = t.baris and o.kolom is not distinct from t.kolom "
        "and o.pesan = t.pesan)",
        {
            "r": final,
            "galat": ERROR,
            "new": import_uploads.NEW_ON_CURRENT,
            "old": import_uploads.BASELINE_ROUND,
        },
    )
    return int(
        con.execute(
            "select count(*) from _temuan where putaran = $new",
            {"new": import_uploads.NEW_ON_CURRENT},
        ).fetchall()[0][0]
    )


def _preview(
    con: duckdb.DuckDBPyConnection,
    folder: Path,
    base: Path | None,
    mode: str,
    uploads: list[import_uploads.Upload],
    reports: list[import_uploads.FileReport],
    by_table: dict[str, list[int]],
    final: int,
    work: Path,
) -> Preview:
    names = {r.index: r.name for r in reports}
    # Errors of uploaded rows from every round; new errors on current rows; the last round's
    # warnings on uploaded rows.
    selections = {
        "galat": sql.compose(
            "(tingkat = 'galat' and baris >= 0 and putaran >= {reader}) or putaran = {new}",
            reader=import_uploads.READER_ROUND,
            new=import_uploads.NEW_ON_CURRENT,
        ),
        "peringatan": sql.compose(
            "tingkat = 'peringatan' and baris >= 0 and putaran in ({reader}, {final}) "
            "and baris not in (select baris from _tolak)",
            reader=import_uploads.READER_ROUND,
            final=final,
        ),
    }
    lists: dict[str, list[Problem]] = {}
    counts: dict[str, int] = {}
    kinds: list[dict[str, object]] = []
    for level, where in selections.items():
        statement = sql.compose(
            """
            with t as (
                select tingkat, tabel, kolom, pesan, nilai, urut, putaran,
                    case when baris < 0 then -1 else baris // {stride} end as berkas_i,
                    case when baris < 0 then baris + {base_offset} else baris % {stride} end
                        as nomor
                from _temuan
                where {where}
            ),
            ranked as (
                select *,
                    row_number() over (partition by berkas_i, tabel, kolom, pesan
                        order by nomor, urut) as n,
                    count(*) over (partition by berkas_i, tabel, kolom, pesan) as jumlah,
                    min(urut) over (partition by berkas_i, tabel, kolom, pesan) as pertama
                from t
            )
            select berkas_i, tabel, nomor, kolom, nilai, pesan, n, jumlah, pertama
            from ranked where n <= {examples}
            order by berkas_i < 0, berkas_i, nomor, urut
            """,
            stride=import_uploads.STRIDE,
            base_offset=BASE_OFFSET,
            where=where,
            examples=EXAMPLES,
        )
        rows = con.execute(statement).fetchall()
        problems, summary = [], {}
        first_rows: dict[tuple[object, ...], list[str]] = {}
        for berkas_i, tabel, nomor, kolom, nilai, pesan, _n, jumlah, pertama in rows:
            berkas = CURRENT_BERKAS.format(table=tabel) if berkas_i < 0 else names[berkas_i]
            where, row = (
                (berkas, nomor)
                if berkas_i < 0
                else import_reading.located(reports[berkas_i], nomor)
            )
            problems.append(Problem(level, where, int(row), kolom, nilai, pesan))
            summary[(berkas_i, berkas, kolom, pesan)] = (int(jumlah), int(pertama))
            shown = first_rows.setdefault((berkas_i, berkas, kolom, pesan), [])
            if len(shown) < FIRST_ROWS:
                sheet = where[len(berkas) :].strip(" ()")
                shown.append(f"{sheet} baris {row}" if sheet else f"baris {row}")
        for (_, berkas, kolom, pesan), (jumlah, _) in summary.items():
            if jumlah > EXAMPLES:
                more = f"{jumlah - EXAMPLES:,}".replace(",", ".")
                problems.append(
                    Problem(level, berkas, None, kolom, None, f"{pesan} — dan {more} baris lain")
                )
        ordered = sorted(summary.items(), key=lambda item: (item[0][0], item[1][1]))
        kinds += [
            {
                "tingkat": level,
                "berkas": b,
                "kolom": k,
                "pesan": p,
                "jumlah": n,
                "baris": first_rows[(i, b, k, p)],
            }
            for (i, b, k, p), (n, _) in ordered
        ]
        lists[level] = problems
        counts[level] = sum(n for n, _ in summary.values())
    fatal = [p for r in reports for p in (*r.fatal, *r.refused)]
    notes = [p for r in reports for p in r.notes]
    blocking = fatal + [p for p in lists["galat"] if p.berkas.endswith("(data sekarang)")]
    return Preview(
        folder=folder,
        base_version=versions.current(folder) if folder.is_dir() else None,
        base_folder=base,
        mode=mode,
        uploads=uploads,
        files=reports,
        errors=fatal + lists["galat"],
        warnings=notes + lists["peringatan"],
        blocking=blocking,
        error_count=len(fatal) + counts["galat"],
        warning_count=len(notes) + counts["peringatan"],
        kinds=[
            {
                "tingkat": p.tingkat,
                "berkas": p.berkas,
                "kolom": p.kolom,
                "pesan": p.pesan,
                "jumlah": 1,
                "baris": [f"baris {p.baris}"] if p.baris is not None else [],
            }
            for p in fatal + notes
        ]
        + kinds,
        con=con,
        work=work,
        tables=by_table,
    )


# -- committing ------------------------------------------------------------------------------------
def _workbook(headers: list[str], rows: list[tuple[object, ...]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    from kesiapan.outputs.exports import FORMULA_START, keep_text, xlsx_value

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Ditolak")
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for text in headers:
        cell = WriteOnlyCell(sheet, value=xlsx_value(text))
        keep_text(cell)  # an uploaded header "=HYPERLINK(…)" stays text (issue 12)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        cells: list[object] = []
        for value in row:
            value = xlsx_value(value)  # control characters openpyxl refuses become U+FFFD
            if isinstance(value, str) and value.startswith(FORMULA_START):
                cell = WriteOnlyCell(sheet, value=value)
                keep_text(cell)  # an uploaded "=…" stays text, as in every export
                value = cell
            cells.append(value)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
