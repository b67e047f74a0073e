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

Row numbers in every message are those of the uploaded file. Internally an uploaded row of file
i is `_baris = i * STRIDE + row` and a row of the current dataset `row - BASE_OFFSET`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import os
import re
import shutil
import tempfile
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from kesiapan.access import privacy, private
from kesiapan.contract import schema, sql
from kesiapan.contract import scope as area_scope
from kesiapan.contract.problems import ERROR, WARNING, Problem
from kesiapan.importer import columns as import_columns
from kesiapan.importer import cross_area, upload_reader
from kesiapan.importer import sessions as import_sessions
from kesiapan.store import checks, partitions, versions
from kesiapan.store import dataset as store

STRIDE = 10**9
# Rows of the k-th sheet of a workbook read sheet by sheet are numbered k * SHEET_STRIDE + row
# within their file (a sheet has at most 1 048 576 rows), so that every message can name the
# sheet and the row a spreadsheet shows.
SHEET_STRIDE = 1 << 21
MAX_SHEETS = STRIDE // SHEET_STRIDE - 1
# Tables that rows of other tables point to: dropping one of their rows can leave others
# pointing nowhere, so the checks run again (kpps, bimtek_hadir, supervisi rows cannot).
REFERENCED = {"wilayah", "tps", "bimtek_sesi"}
BASE_OFFSET = 10**12
EXAMPLES = 100  # messages shown per kind of problem; the rest are counted
FIRST_ROWS = 5  # rows named beside each kind of problem in the preview's summary
MAX_ROUNDS = 6
# `_temuan.putaran`: what the reader and the place names found (0), the checks' rounds (1…),
# the current data checked alone (-2) and the import's new errors on current rows (-1).
READER_ROUND, BASELINE_ROUND, NEW_ON_CURRENT = 0, -2, -1
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
REJECTS_STEM_MAX = 60  # characters of the uploaded name kept in a rejects file's name
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
Progress = Callable[[float, str], None]

# An account's area scope: province `35`, kabupaten `35.27`, kecamatan `35.27.02` or desa
# `35.27.02.2001`. A code is inside when it equals one of them or starts with it and a dot.
SCOPE_PATTERN = area_scope.CODE  # one rule for area codes (kesiapan/contract/scope.py)
SCOPE_LENGTHS = area_scope.LENGTHS  # the lengths SCOPE_PATTERN allows
OUTSIDE = "di luar cakupan akun Anda ({cakupan})"
UNKNOWN_AREA = (
    "wilayah baris ini tidak dapat ditentukan, jadi tidak dapat dipastikan berada dalam "
    "cakupan akun Anda ({cakupan})"
)
# "nama ini berbeda dengan yang tercatat untuk 35.27 (Sampang); nama wilayah di luar …"
ABOVE_SCOPE_NAME = (
    "nama ini berbeda dengan yang tercatat untuk ",
    "nama wilayah di luar cakupan akun Anda ({cakupan}) tidak dapat diubah",
)


def _angka(value: int) -> str:
    return f"{value:,}".replace(",", ".")


class ImportRefused(Exception):
    """A commit that may not happen; the message is for people (Indonesian)."""


class StalePreview(ImportRefused):
    """The kabupaten (or the tables) this preview read changed since: prepare it again."""


@dataclass(frozen=True)
class Upload:
    """A file given to the import: where its bytes are, and the name it was uploaded with."""

    path: Path
    name: str


@dataclass
class FileReport:
    """What the preview says about one uploaded file."""

    index: int
    name: str
    sha256: str
    size: int
    kind: str | None = None
    description: str = ""
    table: str | None = None
    sheet: str | None = None
    sheets: tuple[str, ...] = ()
    # A workbook with one sheet per desa (or session): every sheet with the same header is read
    # as one table; `sheets_used` names them (row numbers are then per sheet, see SHEET_STRIDE),
    # `sheets_skipped` says why each other sheet was left out.
    sheets_used: tuple[str, ...] = ()
    sheets_skipped: list[tuple[str, str]] = field(default_factory=list)
    # Per sheet read: (row, text) of its name and the title rows above its header, where a
    # daftar hadir may name its session (kesiapan.importer.sessions).
    titles: list[tuple[int | None, str]] = field(default_factory=list)
    needs_sheet: bool = False
    header_row: int | None = None
    headers: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # header as written → column
    unused: list[str] = field(default_factory=list)
    derived: dict[str, str] = field(default_factory=dict)  # code column → place column
    rows_read: int = 0
    rows_rejected: int = 0
    about: str = ""  # what the file is about (contract §5), in words
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0  # the table's rows to be removed, counted on its first file
    kept_columns: list[str] = field(default_factory=list)  # optional columns the file lacks
    readings: list[str] = field(default_factory=list)  # how odd things were read, in words
    changed_columns: dict[str, int] = field(default_factory=dict)
    fatal: list[Problem] = field(default_factory=list)
    # Found once the rows are read (most of an attendance file's NIKs match nobody): the file
    # is shown, and nothing is saved until it is fixed; dropping rows cannot cure it.
    refused: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    suffix: str = ""

    @property
    def rows_accepted(self) -> int:
        return self.rows_read - self.rows_rejected

    @property
    def ok(self) -> bool:
        return not self.fatal


@dataclass
class Preview:
    """Everything the person sees before deciding; holds the candidate for `commit`."""

    folder: Path
    base_version: str | None
    base_folder: Path | None
    mode: str
    uploads: list[Upload]
    files: list[FileReport]
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
            rows=_typed_rows(table, sql.ident(f"_basis_{table}")),
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
                stride=STRIDE,
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
        where = [located(self.files[i], int(b)) for i, b in pairs]
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
        rows = self.con.execute(statement, {"offset": index * STRIDE, "galat": ERROR}).fetchall()
        headers = ["baris"] + [h.strip() or f"kolom {i + 1}" for i, h in enumerate(report.headers)]
        if len(report.sheets_used) > 1:
            headers.insert(0, "lembar")
            rows = [
                (report.sheets_used[r[0] // SHEET_STRIDE], r[0] % SHEET_STRIDE, *r[1:])
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
            stride=STRIDE,
            values=sql.join(values),
            rows=sql.ident(f"_unggah_{report.table}"),
        )
        cursor = self.con.execute(statement, {"i": index, "n": limit})
        names = [d[0] for d in cursor.description]
        found = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        if len(report.sheets_used) > 1:
            found = [
                {
                    "lembar": report.sheets_used[int(row["baris"]) // SHEET_STRIDE],  # type: ignore[call-overload]
                    **row,
                    "baris": int(row["baris"]) % SHEET_STRIDE,  # type: ignore[call-overload]
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


# -- reading each file -------------------------------------------------------------------------
def _read_file(
    con: duckdb.DuckDBPyConnection,
    report: FileReport,
    upload: Upload,
    forced_table: str | None,
    sheet: str | None,
    work: Path,
    progress: Progress,
) -> None:
    name = upload.name
    try:
        source = upload_reader.open_source(upload.path, name)
    except upload_reader.ReadError as exc:
        report.fatal.append(Problem(ERROR, name, None, None, None, str(exc)))
        return
    report.kind, report.sheets = source.kind, source.sheets
    # The stored original's suffix: the kind read from the content, never the uploaded name's
    # (which may be 300 characters long or hold a NUL or a newline).
    report.suffix = f".{source.kind}"
    report.notes += [Problem(WARNING, name, None, None, None, note) for note in source.notes]
    by_name = import_columns.tables_by_name(name)
    candidates = [forced_table] if forced_table else (by_name or list(schema.TABLE_NAMES))
    try:
        chosen, rows, more = _choose_sheet(source, sheet, candidates, report)
    except upload_reader.ReadError as exc:
        report.fatal.append(Problem(ERROR, name, None, None, None, str(exc)))
        return
    if report.fatal:
        return
    report.sheet = chosen
    if not rows:
        where = f"lembar '{chosen}'" if chosen else "berkas ini"
        report.fatal.append(Problem(ERROR, name, None, None, None, f"{where} tidak berisi data"))
        return
    foreign = import_columns.foreign_form(rows)
    if foreign is not None and not forced_table:
        report.fatal.append(Problem(ERROR, name, foreign[0], None, None, foreign[1]))
        return
    table, header_row, headers, problem = import_columns.find_header(rows, candidates)
    if table is None:
        report.fatal.append(Problem(ERROR, name, None, None, None, str(problem)))
        return
    report.table, report.header_row = table, header_row
    _two_row_reading(report, rows, header_row, headers)
    while headers and not headers[-1].strip():
        headers = headers[:-1]
    report.headers = headers
    matching = import_columns.matching_table(table)
    found = schema.match_headers(matching, headers)
    report.derived = import_columns.derivable(table, found)
    report.titles = [_title(chosen, rows, header_row, headers)] + [
        _title(n, more_rows, r, h) for n, r, h, more_rows in more
    ]
    named = "kode_sesi" in found or "kode_sesi" in report.derived
    if table == "bimtek_hadir" and not named and any(text for _, text in report.titles):
        report.derived["kode_sesi"] = "judul"  # a session named in the sheet's title
    report.columns = {headers[p]: c for c, p in sorted(found.items(), key=lambda i: i[1])}
    report.unused = [h for i, h in enumerate(headers) if h.strip() and i not in found.values()]
    _header_notes(report, matching, found)
    if report.fatal:
        return
    numeric = {found["nik"]} if "nik" in found else set()
    # Each sheet read on its own (its header row, its layout rows), then one table.
    sheets = [(chosen, header_row)] + [(n, r) for n, r, _, _ in more]
    if more:
        report.sheets_used = tuple(n for n, _ in sheets if n is not None)
    targets = []
    for k, (sheet_name, sheet_header) in enumerate(sheets):
        target = f"_up_{report.index}" if not more else f"_up_{report.index}_lembar{k}"
        try:
            read = upload_reader.load(
                con,
                target,
                source,
                sheet_name,
                sheet_header,
                len(headers),
                numeric,
                work,
                lambda f, text: progress(f, f"{text} {name}"),
            )
        except upload_reader.ReadError as exc:  # damaged, or a record too long, below the top
            report.fatal.append(Problem(ERROR, name, None, None, None, str(exc)))
            return
        where = f"lembar {sheet_name}: " if more else ""
        report.rows_read += read - _skip_layout_rows(con, report, found, target, where)
        targets.append(target)
    if more:
        columns = sql.join(
            sql.ident(c) for c in [*(f"c{i}" for i in range(len(headers))), "_lebih", "_angka"]
        )
        sheets_sql = sql.join(
            (
                sql.compose(
                    "select _baris + {shift} as _baris, {columns} from {t}",
                    shift=k * SHEET_STRIDE,
                    columns=columns,
                    t=sql.ident(t),
                )
                for k, t in enumerate(targets)
            ),
            " union all ",
        )
        con.execute(
            sql.compose(
                "create or replace table {up} as {sheets}",
                up=sql.ident(f"_up_{report.index}"),
                sheets=sheets_sql,
            )
        )
    report.description = source.describe()
    if report.rows_read == 0:
        report.fatal.append(
            Problem(
                ERROR,
                name,
                header_row,
                None,
                None,
                "tidak ada baris data di bawah baris judul",
            )
        )


def _title(
    sheet: str | None, rows: list[tuple[int, list[str]]], header_row: int, headers: list[str]
) -> tuple[int | None, str]:
    """(row, text) of a sheet's name and the rows above its header (above both rows of a
    two-row header); the row is the first title row that holds a date, else the first."""
    top = header_row - 1 if dict(rows).get(header_row) != headers else header_row
    lines = [(n, " ".join(c.strip() for c in cells if c.strip())) for n, cells in rows if n < top]
    lines = [(n, text) for n, text in lines if text]
    dated = [n for n, text in lines if import_sessions.title_dates(text)]
    row = dated[0] if dated else (lines[0][0] if lines else None)
    text = " | ".join(([sheet] if sheet else []) + [t for _, t in lines])
    return row, text


def located(report: FileReport, number: int) -> tuple[str, int]:
    """(where, row) of a row number of `report`'s file: the file's name, with its sheet when
    the file was read sheet by sheet, and the row a spreadsheet shows."""
    if len(report.sheets_used) > 1:
        k, row = divmod(number, SHEET_STRIDE)
        return f"{report.name} (lembar {report.sheets_used[k]})", row
    return report.name, number


def _two_row_reading(
    report: FileReport, rows: list[tuple[int, list[str]]], header_row: int, headers: list[str]
) -> None:
    """Say so when the header was read from two rows (import_columns.two_row_headers)."""
    by_number = dict(rows)
    if by_number.get(header_row) == headers:
        return
    top = by_number.get(header_row - 1, [])
    bottom = by_number.get(header_row, [])
    groups = []
    for i, over in enumerate(top):
        if not over.strip() or i >= len(bottom) or not bottom[i].strip():
            continue
        under = [bottom[i]]
        for j in range(i + 1, len(bottom)):
            if (j < len(top) and top[j].strip()) or not bottom[j].strip():
                break
            under.append(bottom[j])
        groups.append(f"'{over.strip()}' di atas " + ", ".join(f"'{u.strip()}'" for u in under))
    text = (
        f"judul kolom tersusun dua baris (baris {header_row - 1}–{header_row}) dan dibaca bersama"
    )
    report.readings.append(text + (f": {'; '.join(groups)}" if groups else ""))


# Rows of a workbook's layout, not of the table: the column-number row under the header
# ("(1) (2) (3) …"), totals, and the signature block at the foot ("Mengetahui", "Ketua PPK",
# "Sampang, 25 Januari 2024", "( nama )", "NIP. …"). They are skipped when the row's key column
# (the NIK, a code, the visitor) holds no value; a row with one is always data.
_COLUMN_NUMBER = r"^\(?[0-9]{1,2}\)?$"
_FOOTER = (
    r"^(jumlah|total|sub ?total|grand total|mengetahui|menyetujui|ttd\.?|\(ttd\)|tanda tangan"
    r"|dibuat oleh|diperiksa oleh|nip\.?( .*)?|ketua( .*)?|sekretaris( .*)?|\(.*\)"
    r"|[a-z .'-]+, *[0-9]{1,2}[ ./-]+[a-z0-9]+[ ./-]+[0-9]{4})$"
)
_KEY_COLUMNS = {
    "kpps": ("nik",),
    "bimtek_hadir": ("nik",),
    "tps": ("kode_tps", "nomor_tps"),
    "bimtek_sesi": ("kode_sesi",),
    "supervisi": ("pengawas",),
    "wilayah": ("kode_desa", "desa"),
}
LAYOUT_SHOWN = 6  # row numbers named in the preview's sentence about skipped rows


def _row_numbers(rows: list[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:LAYOUT_SHOWN])
    return shown + (f" dan {len(rows) - LAYOUT_SHOWN} lain" if len(rows) > LAYOUT_SHOWN else "")


def _skip_layout_rows(
    con: duckdb.DuckDBPyConnection,
    report: FileReport,
    found: dict[str, int],
    target: str,
    where: str = "",
) -> int:
    """Take the layout rows out of `target` (one sheet's rows) and say so in
    `report.readings`, each sentence after `where`; how many."""
    assert report.table is not None
    keys = [k for k in _KEY_COLUMNS[report.table] if k in found]
    if not keys:
        return 0
    cells = [sql.ident(f"c{i}") for i in range(len(report.headers))]

    def no_value(key: str) -> sql.Fragment:
        cell = sql.ident(f"c{found[key]}")
        if key == "nik":  # a signature block may run into the NIK column: no NIK has words
            return sql.compose(
                "not regexp_full_match(regexp_replace(coalesce({cell}, ''), '[\\s''\"]', '', "
                "'g'), '[0-9]{{12,}}')",
                cell=cell,
            )
        return sql.compose(
            "(nullif(trim({cell}), '') is null or regexp_full_match(lower(trim({cell})), $footer))",
            cell=cell,
        )

    def each(template: str, separator: str) -> sql.Fragment:
        return sql.join((sql.compose(template, c=c) for c in cells), separator)

    skipped, table = sql.ident(f"_lewat_{target}"), sql.ident(target)
    found_rows = con.execute(
        sql.compose(
            "select _baris, case when ({numbers}) and {filled} >= 3 "
            "and _baris <= {first} + 1 then 'nomor' else 'kaki' end from {t} "
            "where ({blank_key}) and ((({numbers}) and {filled} >= 3 and _baris <= {first} + 1) "
            "or {footer} or _baris > (select min(t._baris) from {t} as t "
            "where {footer})) order by _baris",
            numbers=each(
                "(nullif(trim({c}), '') is null or regexp_full_match(trim({c}), $number))", " and "
            ),
            filled=each("(nullif(trim({c}), '') is not null)::int", " + "),
            first=sql.compose("(select min(_baris) from {t})", t=table),
            t=table,
            blank_key=sql.join((no_value(k) for k in keys), " and "),
            footer=each("regexp_full_match(lower(trim({c})), $footer)", " or "),
        ),
        {"number": _COLUMN_NUMBER, "footer": _FOOTER},
    ).fetchall()
    if not found_rows:
        return 0
    con.execute(
        sql.compose(
            "create or replace temp table {skipped} as select unnest($rows) as baris",
            skipped=skipped,
        ),
        {"rows": [int(r) for r, _ in found_rows]},
    )
    kind = {k for _, k in found_rows}
    kept = sql.ident(f"{target}_isi")
    con.execute(
        sql.compose(
            "create or replace table {kept} as select * from {t} "
            "where _baris not in (select baris from {skipped})",
            kept=kept,
            t=table,
            skipped=skipped,
        )
    )
    (kind_of,) = con.execute(
        "select table_type from information_schema.tables where table_name = $n", {"n": target}
    ).fetchall()[0]
    drop = "drop view {t}" if kind_of == "VIEW" else "drop table {t}"
    con.execute(sql.compose(drop, t=table))
    con.execute(sql.compose("alter table {kept} rename to {t}", kept=kept, t=table))
    numbered = [r for r, k in found_rows if k == "nomor"]
    foot = [r for r, k in found_rows if k == "kaki"]
    if "nomor" in kind:
        report.readings.append(
            f"{where}baris {_row_numbers(numbered)} berisi nomor kolom (1), (2), … dan dilewati"
        )
    if foot:
        report.readings.append(
            f"{where}baris {_row_numbers(foot)} dibaca sebagai kaki tabel (jumlah, tanggal, "
            "tanda tangan) dan dilewati"
        )
    return len(found_rows)


# A sheet that sums up the others ("REKAP", "Rekapitulasi Kecamatan"): read, it would count
# every member twice.
SUMMARY_SHEET = re.compile(
    r"^\W*(rekap|rekapitulasi|ringkasan|resume|jumlah|total|summary)\b", re.IGNORECASE
)


def _choose_sheet(
    source: upload_reader.Source, sheet: str | None, candidates: list[str], report: FileReport
) -> tuple[str | None, list[tuple[int, list[str]]], list[tuple[str, int, list[str], list]]]:
    """The sheet to read (asked for, the only one, or the only one holding a table) and its
    first rows; with one sheet per desa or session, the other sheets of the same header too,
    as (name, header row, headers, first rows). Says in `report.sheets_skipped` why a sheet is
    left out."""
    if source.kind != "xlsx":
        return None, upload_reader.peek(source), []
    if sheet is not None or len(source.sheets) == 1:
        chosen = sheet if sheet is not None else source.sheets[0]
        return chosen, upload_reader.peek(source, chosen), []
    fitting, first_filled = [], None
    for name in source.sheets:
        rows = upload_reader.peek(source, name)
        if rows and first_filled is None:
            first_filled = (name, rows)
        headers = rows + import_columns.two_row_headers(rows)
        if not any(import_columns.score(t, cells)[0] for t in candidates for _, cells in headers):
            report.sheets_skipped.append(
                (name, "kosong" if not rows else "tidak berisi tabel yang dikenali")
            )
            continue
        table, header_row, headers, _ = import_columns.find_header(rows, candidates)
        key = (table, tuple(schema.header_key(h) for h in headers))
        while key[1] and not key[1][-1]:
            key = (table, key[1][:-1])
        fitting.append((name, rows, key, header_row, headers))
    summaries = [f for f in fitting if SUMMARY_SHEET.match(f[0])]
    if len(summaries) < len(fitting):
        report.sheets_skipped += [(f[0], "lembar rekap, bukan daftar") for f in summaries]
        fitting = [f for f in fitting if f not in summaries]
    groups: dict[object, list] = {}
    for item in fitting:
        groups.setdefault(item[2], []).append(item)
    sizes = sorted((len(g) for g in groups.values()), reverse=True)
    if len(groups) == 1 or (len(groups) > 1 and sizes[0] > sizes[1] and sizes[0] > 1):
        group = max(groups.values(), key=len)
        for item in fitting:
            if item not in group:
                report.sheets_skipped.append((item[0], "judul kolomnya berbeda dari lembar lain"))
        order = {name: i for i, name in enumerate(source.sheets)}
        report.sheets_skipped.sort(key=lambda skipped: order[skipped[0]])
        if len(group) > MAX_SHEETS:
            raise upload_reader.ReadError(
                f"berkas ini punya {len(group)} lembar dengan judul kolom yang sama; paling banyak "
                f"{MAX_SHEETS} lembar dibaca sekaligus: pecah berkasnya"
            )
        first, *more = group
        return first[0], first[1], [(n, r, h, rows) for n, rows, _, r, h in more]
    if len(groups) > 1:
        report.needs_sheet = True
        names = ", ".join(f[0] for f in fitting)
        report.fatal.append(
            Problem(
                ERROR,
                report.name,
                None,
                None,
                None,
                f"berkas ini punya beberapa lembar berisi tabel yang berbeda ({names}); pilih "
                "satu lembar",
            )
        )
        return None, [], []
    report.sheets_skipped = []
    if first_filled:
        return first_filled[0], first_filled[1], []
    return source.sheets[0], [], []


def _header_notes(report: FileReport, matching: schema.Table, found: dict[str, int]) -> None:
    """Missing required columns (fatal) and columns named twice (a warning)."""
    made = {**report.derived, **import_columns.combined(matching.name, found)}
    for problem in store.header_problems(matching, report.name, report.headers):
        if problem.kolom in made:
            continue
        message = problem.pesan
        if problem.kolom == "kode_tps" and ("desa" in found or "kode_desa" in found):
            message += (
                "; untuk menyusunnya dari nama wilayah perlu juga kolom nomor TPS (No TPS atau TPS)"
            )
        elif problem.kolom == "kode_tps" and "nomor_tps" in found:
            message += (
                "; untuk menyusunnya dari nomor TPS perlu juga kolom desa/kelurahan "
                "(atau kode_desa)"
            )
        report.fatal.append(dataclasses.replace(problem, baris=report.header_row, pesan=message))
    keys = {}
    for column in matching.columns:
        for alias in (column.name, *column.aliases):
            keys.setdefault(schema.header_key(alias), column.name)
    for position, header in enumerate(report.headers):
        column = keys.get(schema.header_key(header))
        if column is not None and found.get(column) != position:
            first = report.headers[found[column]]
            report.notes.append(
                Problem(
                    WARNING,
                    report.name,
                    report.header_row,
                    column,
                    header,
                    f"kolom ini diabaikan: {column} sudah dibaca dari kolom '{first}'",
                )
            )


# -- from text to the contract's columns ----------------------------------------------------------
def _uploaded_rows(con: duckdb.DuckDBPyConnection, reports: list[FileReport], table: str) -> None:
    """`_unggah_<table>`: the rows of every file for `table` in the contract's columns."""
    parts = []
    for report in reports:
        found = schema.match_headers(import_columns.matching_table(table), report.headers)
        places = {c: p for c, p in report.derived.items() if c != "kode_sesi"}
        uses_places = bool(places)
        if uses_places:
            import_columns.resolve_places(
                con,
                report.index,
                table,
                report.headers,
                places,
                report.index * STRIDE,
                READER_ROUND,
            )
        columns = [
            sql.compose(
                "{value} as {c}",
                value=import_columns.column_expression(table, report.derived, c, found),
                c=sql.ident(c.name),
            )
            for c in schema.TABLES[table].columns
        ]
        shown = {"nomor_tps": "nomor", "desa": "desa", "kecamatan": "kec"}
        origin = [
            sql.compose(
                "{place} as {origin}",
                place=sql.ident("p", shown[place]),
                origin=sql.ident(f"_asal_{code}"),
            )
            for code, place in places.items()
        ]
        origin += [
            sql.compose("cast(null as varchar) as {origin}", origin=sql.ident(f"_asal_{code}"))
            for code in import_columns.DERIVED_FROM
            if code not in report.derived
        ]
        joins = []
        if uses_places:
            joins.append(
                sql.compose(
                    " left join {places} as p on p._baris = u._baris",
                    places=sql.ident(f"_tempat_{report.index}"),
                )
            )
        if "kode_sesi" in report.derived:
            joins.append(
                sql.compose(
                    " left join {sessions} as ss on ss._baris = u._baris",
                    sessions=sql.ident(f"_sesi_{report.index}"),
                )
            )
        parts.append(
            sql.compose(
                "select u._baris + {shift} as _baris, {columns}, "
                "u._lebih, u._angka, {origin} from {up} as u{joins}",
                shift=report.index * STRIDE,
                columns=sql.join(columns),
                origin=sql.join(origin),
                up=sql.ident(f"_up_{report.index}"),
                joins=sql.join(joins, ""),
            )
        )
    con.execute(
        sql.compose(
            "create or replace view {view} as {parts}",
            view=sql.ident(f"_unggah_{table}"),
            parts=sql.join(parts, " union all "),
        )
    )


# -- area scope ----------------------------------------------------------------------------------
# The area-scope rule (kesiapan/contract/scope.py). An import's scope keeps the account's order and
# refuses an empty list (`scope.validate_for_import`); the store's reading scope does neither.
validate_scope = area_scope.validate_for_import
in_scope = area_scope.in_scope  # the same rule as the import's SQL and the store's
_scope_text = area_scope.text
_create_scope = area_scope.create_import_macro


@dataclass(frozen=True)
class _ScopeRule:
    """One way a row can leave the scope: `inside` is SQL over the row `r` (typed columns) and
    its lookups `t` (TPS) and `s` (session), true inside, false outside, NULL when unknown."""

    column: str
    inside: sql.Fragment
    message: str


def _above(level: str, what: str) -> _ScopeRule:
    # A larger area than the scope (Sampang for an operator of Torjun) is fine as long as it is
    # the desa's own: else the row would put the desa in somebody else's figures.
    return _ScopeRule(
        f"kode_{level}",
        sql.compose(
            "_dalam_cakupan({code}) or coalesce(starts_with(r.kode_desa, {code} || '.'), false)",
            code=sql.ident("r", f"kode_{level}"),
        ),
        f"{what} ini {OUTSIDE} dan kode_desa baris ini tidak terletak di dalamnya",
    )


SESSION_OUTSIDE = f"sesi ini untuk kecamatan {OUTSIDE}"
SCOPE_RULES: dict[str, tuple[_ScopeRule, ...]] = {
    "wilayah": (
        _ScopeRule(
            "kode_desa", sql.compose("_dalam_cakupan(r.kode_desa)"), f"desa/kelurahan ini {OUTSIDE}"
        ),
        _above("kecamatan", "kecamatan"),
        _above("kabupaten", "kabupaten/kota"),
        _above("provinsi", "provinsi"),
    ),
    "tps": (
        _ScopeRule(
            "kode_desa",
            sql.compose("_dalam_cakupan(r.kode_desa)"),
            f"desa/kelurahan TPS ini {OUTSIDE}",
        ),
    ),
    "kpps": (_ScopeRule("kode_tps", sql.compose("t.dalam"), f"TPS ini {OUTSIDE}"),),
    # A session serves a whole kecamatan: an operator of one desa only is not in charge of it.
    "bimtek_sesi": (
        _ScopeRule(
            "kode_kecamatan",
            sql.compose("_dalam_cakupan(r.kode_kecamatan)"),
            f"kecamatan sesi ini {OUTSIDE}",
        ),
    ),
    "bimtek_hadir": (_ScopeRule("kode_sesi", sql.compose("s.dalam"), SESSION_OUTSIDE),),
    # A visit belongs to its desa when it names one (then its kecamatan must be the desa's or
    # inside), else to its kecamatan; the session it observed counts for that session's
    # kecamatan (`sesi_disupervisi`), so it must be inside too.
    "supervisi": (
        _ScopeRule(
            "kode_desa",
            sql.compose(
                "case when r.kode_desa is null then true else _dalam_cakupan(r.kode_desa) end"
            ),
            f"desa/kelurahan ini {OUTSIDE}",
        ),
        _ScopeRule(
            "kode_kecamatan",
            sql.compose(
                "_dalam_cakupan(r.kode_kecamatan) or "
                "coalesce(starts_with(r.kode_desa, r.kode_kecamatan || '.'), false)"
            ),
            f"kecamatan ini {OUTSIDE}",
        ),
        _ScopeRule(
            "kode_sesi",
            sql.compose("case when r.kode_sesi is null then true else s.dalam end"),
            SESSION_OUTSIDE,
        ),
    ),
}


def _typed_rows(table: str, source: sql.Fragment) -> sql.Fragment:
    """`source` (text columns of `table`, `_baris`) with its columns typed, as a subquery."""
    columns = sql.join(
        sql.compose(
            "{typed} as {c}",
            typed=sql.trusted(store.typed_expression(c, f"r.{c.name}")),
            c=sql.ident(c.name),
        )
        for c in schema.TABLES[table].columns
    )
    return sql.compose(
        "(select r._baris, {columns} from {source} as r)", columns=columns, source=source
    )


def _scope_sql(
    table: str, rows: sql.Fragment, tps: sql.Fragment, sessions: sql.Fragment
) -> sql.Fragment:
    """Per row of `rows` (typed columns of `table`): `luar`, the first rule it breaks (1-based),
    `tak_tentu`, the first rule it cannot be judged by, and `nilai`, each rule's column value.
    `tps` and `sessions` are typed `tps` and `bimtek_sesi` rows to look areas up in."""
    rules = SCOPE_RULES[table]
    # A code written twice with different areas is inside only when all of them are.
    joins = sql.compose("")
    if table == "kpps":
        joins = sql.compose(
            " left join (select kode_tps, case when count(*) > count(kode_desa) then null else "
            "bool_and(_dalam_cakupan(kode_desa)) end as dalam from {tps} "
            "where kode_tps is not null group by kode_tps) as t on t.kode_tps = r.kode_tps",
            tps=tps,
        )
    if table in ("bimtek_hadir", "supervisi"):
        joins = sql.compose(
            " left join (select kode_sesi, case when count(*) > count(kode_kecamatan) then null "
            "else bool_and(_dalam_cakupan(kode_kecamatan)) end as dalam from {sessions} "
            "where kode_sesi is not null group by kode_sesi) as s on s.kode_sesi = r.kode_sesi",
            sessions=sessions,
        )
    outside = sql.join(
        (
            sql.compose("when not ({inside}) then {i}", inside=rule.inside, i=i)
            for i, rule in enumerate(rules, 1)
        ),
        " ",
    )
    unknown = sql.join(
        (
            sql.compose("when ({inside}) is null then {i}", inside=rule.inside, i=i)
            for i, rule in enumerate(rules, 1)
        ),
        " ",
    )
    values = sql.join(
        sql.compose("cast({c} as varchar)", c=sql.ident("r", rule.column)) for rule in rules
    )
    return sql.compose(
        "select r._baris, case {outside} end as luar, case {unknown} end as tak_tentu, "
        "[{values}] as nilai from {rows} as r{joins}",
        outside=outside,
        unknown=unknown,
        values=values,
        rows=rows,
        joins=joins,
    )


def _base_scope_sql(table: str, basis: str | None = None) -> sql.Fragment:
    """`_scope_sql` of the current rows (`basis`: those of another table than `_basis_<table>`),
    their areas looked up in the current data."""
    return _scope_sql(
        table,
        _typed_rows(table, sql.ident(basis or f"_basis_{table}")),
        _typed_rows("tps", sql.ident("_basis_tps")),
        _typed_rows("bimtek_sesi", sql.ident("_basis_bimtek_sesi")),
    )


def _scope_checks(
    con: duckdb.DuckDBPyConnection,
    by_table: dict[str, list[int]],
    round_: int,
    scope: tuple[str, ...],
) -> None:
    """Errors on the uploaded rows outside the scope, and on those whose area cannot be told
    (unless they have another error already: that one says what to fix)."""
    text = _scope_text(scope)
    for name in by_table:
        rules = SCOPE_RULES[name]
        uploaded = sql.compose("(select * from {t} where _baris >= 0)", t=sql.ident(name))
        scope_rows = _scope_sql(name, uploaded, sql.ident("tps"), sql.ident("bimtek_sesi"))
        con.execute(
            sql.compose("create or replace temp table _cakupan_baris as {rows}", rows=scope_rows)
        )
        params: dict[str, object] = {
            "r": round_,
            "galat": ERROR,
            "tabel": name,
            "kolom": [rule.column for rule in rules],
            "pesan": [rule.message.format(cakupan=text) for rule in rules],
        }
        con.execute(
            "insert into _temuan select $r, $galat, $tabel, ($kolom)[luar], ($pesan)[luar], "
            "_baris, nilai[luar], nextval('_urut') from _cakupan_baris where luar is not null "
            "order by _baris",
            params,
        )
        con.execute(
            "insert into _temuan select $r, $galat, $tabel, ($kolom)[tak_tentu], $tak, "
            "c._baris, nilai[tak_tentu], nextval('_urut') from _cakupan_baris as c "
            "where c.luar is null and c.tak_tentu is not null and not exists (select 1 "
            "from _temuan as f where f.tabel = $tabel and f.baris = c._baris "
            "and f.tingkat = $galat and f.putaran in ($reader, $r)) order by c._baris",
            {
                **{k: v for k, v in params.items() if k != "pesan"},
                "tak": UNKNOWN_AREA.format(cakupan=text),
                "reader": READER_ROUND,
            },
        )
        if name == "wilayah":
            _scope_names(con, round_, text)


def _scope_names(con: duckdb.DuckDBPyConnection, round_: int, text: str) -> None:
    """A desa inside the scope may not rename the larger areas around it (its province, its
    kabupaten for an operator of a kecamatan): their names are everybody's."""
    start, end = ABOVE_SCOPE_NAME
    for level in ("provinsi", "kabupaten", "kecamatan"):
        code = store.typed_expression(
            schema.TABLES["wilayah"].column(f"kode_{level}"), f"b.kode_{level}"
        )
        statement = sql.compose(
            "insert into _temuan select $r, $galat, 'wilayah', $kolom, $awal || {r_code} "
            "|| ' (' || n.nama || '); ' || $akhir, r._baris, {r_name}, nextval('_urut') "
            "from wilayah as r inner join (select {code} as kode, min(trim({b_name})) as nama, "
            "list(distinct trim({b_name})) as semua from _basis_wilayah as b group by 1) as n "
            "on n.kode = {r_code} where r._baris >= 0 "
            "and not coalesce(_dalam_cakupan({r_code}), false) "
            "and not list_contains(n.semua, trim({r_name})) "
            "and r._baris in (select _baris from _cakupan_baris where luar is null) "
            "order by r._baris",
            r_code=sql.ident("r", f"kode_{level}"),
            r_name=sql.ident("r", level),
            b_name=sql.ident("b", level),
            code=sql.trusted(code),
        )
        con.execute(
            statement,
            {
                "r": round_,
                "galat": ERROR,
                "kolom": level,
                "awal": start,
                "akhir": end.format(cakupan=text),
            },
        )


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


def present_columns(report: FileReport) -> set[str]:
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
    reports: list[FileReport],
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
            stride=STRIDE,
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
                scope=_base_scope_sql(table),
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
        stride=STRIDE,
        uploaded=_typed_rows(table, uploaded),
        pairs=sql.ident(f"_pasangan_{table}"),
        basis=_typed_rows(table, sql.ident(f"_basis_{table}")),
    )


def _changes(con: duckdb.DuckDBPyConnection, table: str, reports: list[FileReport]) -> None:
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


def _kept_columns(report: FileReport) -> None:
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


def _blank_marks(con: duckdb.DuckDBPyConnection, report: FileReport) -> None:
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
    offset = report.index * STRIDE
    hadir = schema.TABLES["bimtek_hadir"].column("hadir")
    statement = sql.compose(
        "insert into _temuan select {round_}, $peringatan, 'bimtek_hadir', 'hadir', "
        "$pesan, u._baris + {offset}, null, nextval('_urut') from {up} as u "
        "inner join _pasangan_bimtek_hadir as p on p.u = u._baris + {offset} "
        "inner join _basis_bimtek_hadir as b on b._baris = p.b "
        "where nullif(trim({mark}), '') is null and nullif(trim({nik}), '') is not null "
        "and {present} order by u._baris",
        round_=READER_ROUND,
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


def _unmatched_attendance(con: duckdb.DuckDBPyConnection, report: FileReport) -> None:
    total, unmatched = con.execute(
        "select count(distinct h.nik), count(distinct h.nik) filter (where not exists "
        "(select 1 from _kpps_terlihat as k where k.nik = h.nik)) from bimtek_hadir as h "
        "where h._baris // $stride = $i and h._baris >= 0 and h.nik is not null",
        {"stride": STRIDE, "i": report.index},
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


def _about(con: duckdb.DuckDBPyConnection, table: str, report: FileReport) -> str:
    """What one file is about (contract §5), in words: its sessions with their kecamatan and
    date, its TPS and desa, its visits' dates; from its accepted rows."""
    from kesiapan.contract import labels

    rows = sql.compose(
        "(select * from {typed} where _baris // {stride} = {i} and _baris >= 0)",
        typed=_typed_rows(table, sql.ident(f"_calon_{table}")),
        stride=STRIDE,
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
    progress: Progress,
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
    con.execute(sql.compose("attach {path} as _praolah (read_only)", path=sql.literal(path)))
    try:
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
    finally:
        con.execute("detach _praolah")


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
    con: duckdb.DuckDBPyConnection, base: Path, name: str, parts: list[str], context: bool
) -> None:
    """`_basis_<name>` of a table stored per kabupaten: every row of the kabupaten `parts`, and
    with `context` the rows of other kabupaten whose NIK the upload names (a member active in
    two TPS, attendance of a member of another kabupaten), which the checks see but the commit
    never writes (they lie outside the kabupaten it writes)."""
    table = schema.TABLES[name]
    folder = base / name
    _store_load_text(con, folder, table, parts)
    con.execute(_basis_from_raw(name))
    others = [c for c in store.partition_files(folder) if c not in parts]
    if context and others:
        # First only the NIK column of the other kabupaten (a national roster's names and
        # dates are most of its bytes), to learn which of them hold a NIK of the upload.
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


def _partition_dates(con: duckdb.DuckDBPyConnection, base: Path) -> None:
    """`_tanggal_lain`: the roster's dates in every kabupaten, so that the checks' as-of date
    is the whole dataset's even when only some kabupaten are loaded."""
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
    uploads: list[Upload],
    mode: str = UPDATE,
    table: str | None = None,
    sheets: dict[str, str] | None = None,
    progress: Progress | None = None,
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
        _create_scope(con, scope)
    base = _base_folder(folder)
    reports: list[FileReport] = []
    share = 0.3 / max(len(uploads), 1)
    for index, upload in enumerate(uploads):
        size = upload.path.stat().st_size
        # A file over the upload limit is not hashed (reading it all would cost what the limit
        # saves): `_read_file` refuses it, and a refused file is never stored.
        digest = sha256_of(upload.path) if _within_upload_limit(size) else ""
        report = FileReport(index, upload.name, digest, size)
        wanted_sheet = (sheets or {}).get(upload.name)
        _read_file(
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
    built = store.built_store(base) if per_kabupaten and scope is None else None
    unchanged = tuple(n for n in schema.TABLE_NAMES if n not in store.PARTITIONED)
    if built is not None and CHECK_ONLY_CHANGED:
        skip += unchanged
    _load_base(con, base, lambda f, t: report_progress(0.3 + 0.2 * f, t), skip)
    if built is not None and CHECK_ONLY_CHANGED:
        _typed_from_store(con, built, unchanged)
    report_progress(0.5, "Mencocokkan wilayah dan menyusun tabel")
    touched: dict[str, list[str]] | None = None
    for name in schema.TABLE_NAMES:
        if name in skip:
            continue
        if name == "bimtek_hadir" and name in by_table:
            _find_sessions(con, reports, by_table, scope)
        if name in by_table:
            files = [reports[i] for i in by_table[name]]
            _uploaded_rows(con, files, name)
            _candidate(con, name, mode, files, scope)
        _use(con, name, "_calon" if name in by_table else "_basis")
    if per_kabupaten:
        assert base is not None
        for name in store.PARTITIONED:
            if name in by_table:
                if name == "bimtek_hadir":
                    _find_sessions(con, reports, by_table, scope)
                _uploaded_rows(con, [reports[i] for i in by_table[name]], name)
        touched = _touched(con, by_table)
        _partition_dates(con, base)
        for name in store.PARTITIONED:
            report_progress(
                0.5, f"Membaca data sekarang: {name} ({', '.join(touched.get(name, []))})"
            )
            _load_partitions(con, base, name, touched.get(name, []), context=name == "kpps")
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
                "select baris // {stride}, count(*) from _tolak group by all", stride=STRIDE
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


UNREADABLE_SESSION_DATE = (
    "tanggal sesi tidak dapat dibaca; tulis sebagai DD/MM/YYYY atau 25 Januari 2024"
)


def _find_sessions(
    con: duckdb.DuckDBPyConnection,
    reports: list[FileReport],
    by_table: dict[str, list[int]],
    scope: tuple[str, ...] | None,
) -> None:
    """`_sesi_<i>` (_baris, kode_sesi) for each daftar hadir without a session-code column:
    the session its rows' date and venue, or its sheet's title, name (import_sessions). A row
    that fits no session or several is an error of its date; a title that does is an error of
    the file, which is then not read further."""
    sessions = import_sessions.load(con)
    for i in list(by_table["bimtek_hadir"]):
        report = reports[i]
        source = report.derived.get("kode_sesi")
        if source is None:
            continue
        found = schema.match_headers(import_columns.matching_table("bimtek_hadir"), report.headers)
        null = sql.compose("null")
        cells = {
            c: sql.compose("nullif(trim({cell}), '')", cell=sql.ident(f"c{found[c]}"))
            for c in ("tanggal", "tempat", "kecamatan")
            if c in found
        }
        day = store.typed_expression(
            schema.Column("tanggal", schema.DATE),
            import_columns.serial_date(cells["tanggal"]) if "tanggal" in cells else null,
        )
        rows_of_file = sql.ident(f"_sesi_baris_{i}")
        con.execute(
            sql.compose(
                "create or replace temp table {rows} as select _baris, "
                "_baris // {stride} as k, {written} as tertulis, "
                "{day} as tgl, {venue} as tempat, {kec} as kec from {up}",
                rows=rows_of_file,
                stride=SHEET_STRIDE,
                written=cells.get("tanggal", null),
                day=sql.trusted(day),
                venue=cells.get("tempat", null),
                kec=cells.get("kecamatan", null),
                up=sql.ident(f"_up_{i}"),
            )
        )
        combos = con.execute(
            sql.compose(
                "select distinct k, tertulis, tgl, tempat, kec from {rows} order by all",
                rows=rows_of_file,
            )
        ).fetchall()
        results, refused = [], []
        for k, written, day_value, venue, kec in combos:
            row, title = report.titles[k] if k < len(report.titles) else (None, "")
            if source == "tanggal" and written is not None and day_value is None:
                results.append((k, written, venue, kec, None, UNREADABLE_SESSION_DATE))
                continue
            code, why = import_sessions.resolve(sessions, day_value, venue, kec, title, scope)
            if why is not None and source == "judul":
                where, _ = located(report, k * SHEET_STRIDE)
                refused.append(
                    Problem(ERROR, where, row or report.header_row, "kode_sesi", None, why)
                )
            results.append((k, written, venue, kec, code, why))
        if refused:
            report.fatal += refused
            by_table["bimtek_hadir"].remove(i)
            continue
        outcome, sessions_of_rows = sql.ident(f"_sesi_hasil_{i}"), sql.ident(f"_sesi_{i}")
        con.execute(
            sql.compose(
                "create or replace temp table {outcome} (k bigint, tertulis varchar, "
                "tempat varchar, kec varchar, kode_sesi varchar, pesan varchar)",
                outcome=outcome,
            )
        )
        if results:
            con.executemany(
                sql.compose("insert into {outcome} values (?, ?, ?, ?, ?, ?)", outcome=outcome),
                results,
            )
        con.execute(
            sql.compose(
                "create or replace temp table {sessions} as select b._baris, h.kode_sesi, "
                "h.pesan, b.tertulis from {rows} as b left join {outcome} as h on h.k = b.k "
                "and h.tertulis is not distinct from b.tertulis and h.tempat is not distinct "
                "from b.tempat and h.kec is not distinct from b.kec",
                sessions=sessions_of_rows,
                rows=rows_of_file,
                outcome=outcome,
            )
        )
        column = "tanggal" if source == "tanggal" else "kode_sesi"
        con.execute(
            sql.compose(
                "insert into _temuan select {round_}, $galat, 'bimtek_hadir', $kolom, pesan, "
                "_baris + {offset}, tertulis, nextval('_urut') from {sessions} "
                "where pesan is not null order by _baris",
                round_=READER_ROUND,
                offset=i * STRIDE,
                sessions=sessions_of_rows,
            ),
            {"galat": ERROR, "kolom": column},
        )
        matched = sorted({code for *_, code, _ in results if code})
        if matched:
            named = {s.code: s for s in sessions}
            where = (
                "judul"
                if source == "judul"
                else "tanggal" + (" dan tempat" if "tempat" in cells else "")
            )
            report.readings.append(
                f"kode sesi tidak ada di berkas; sesi dikenali dari {where}: "
                + "; ".join(named[c].words() for c in matched)
            )
    if not by_table["bimtek_hadir"]:
        del by_table["bimtek_hadir"]


def _within_upload_limit(size: int) -> bool:
    """Whether a file of `size` bytes is within upload_reader's limit (KESIAPAN_MAKS_UNGGAH_MB);
    False for an invalid setting too (`open_source` then says what is wrong with it)."""
    try:
        return size <= upload_reader.upload_limit_mb() * upload_reader.MB
    except upload_reader.ReadError:
        return False


def _reader_findings(con: duckdb.DuckDBPyConnection, by_table: dict[str, list[int]]) -> None:
    """What the reader saw: rows wider than the header (an unquoted separator in a value)
    and NIKs that were Excel numbers."""
    for name in by_table:
        uploaded = sql.ident(f"_unggah_{name}")
        con.execute(
            sql.compose(
                "insert into _temuan select {round_}, $galat, $tabel, null, $pesan, _baris, "
                "null, nextval('_urut') from {uploaded} where _lebih is not null order by _baris",
                round_=READER_ROUND,
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
                    round_=READER_ROUND,
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
            {"r": r, "reader": READER_ROUND},
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
                {"r": r, "tabel": name, "code": code, "reader": READER_ROUND},
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
    progress: Progress,
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
            _scope_checks(con, by_table, round_, scope)
        cross_area.neutral_warnings(con, round_, scope is not None)  # issue 12
        _settle_derived(con, by_table, round_)
        # A row wider than its header has its values shifted: only that is worth saying.
        con.execute(
            "delete from _temuan where putaran = $r and (tabel, baris) in (select (tabel, baris) "
            "from _temuan where putaran = $reader and pesan = $wide)",
            {"r": round_, "reader": READER_ROUND, "wide": TOO_WIDE},
        )
        new = con.execute(
            "insert into _tolak select distinct tabel, baris from _temuan where putaran in "
            "($reader, $r) and tingkat = $galat and baris >= 0 and (tabel, baris) not in "
            "(select (tabel, baris) from _tolak) returning tabel",
            {"r": round_, "reader": READER_ROUND, "galat": ERROR},
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
                con, BASELINE_ROUND, as_of, voting_day, warnings=False, changed=set(by_table)
            )
    con.execute(
        "update _temuan as t set putaran = $new where t.putaran = $r and t.tingkat = $galat "
        "and t.baris < 0 and not exists (select 1 from _temuan as o where o.putaran = $old "
        "and o.tabel = t.tabel and o.baris = t.baris and o.kolom is not distinct from t.kolom "
        "and o.pesan = t.pesan)",
        {"r": final, "galat": ERROR, "new": NEW_ON_CURRENT, "old": BASELINE_ROUND},
    )
    return int(
        con.execute(
            "select count(*) from _temuan where putaran = $new", {"new": NEW_ON_CURRENT}
        ).fetchall()[0][0]
    )


def _preview(
    con: duckdb.DuckDBPyConnection,
    folder: Path,
    base: Path | None,
    mode: str,
    uploads: list[Upload],
    reports: list[FileReport],
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
            reader=READER_ROUND,
            new=NEW_ON_CURRENT,
        ),
        "peringatan": sql.compose(
            "tingkat = 'peringatan' and baris >= 0 and putaran in ({reader}, {final}) "
            "and baris not in (select baris from _tolak)",
            reader=READER_ROUND,
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
            stride=STRIDE,
            base_offset=BASE_OFFSET,
            where=where,
            examples=EXAMPLES,
        )
        rows = con.execute(statement).fetchall()
        problems, summary = [], {}
        first_rows: dict[tuple[object, ...], list[str]] = {}
        for berkas_i, tabel, nomor, kolom, nilai, pesan, _n, jumlah, pertama in rows:
            berkas = CURRENT_BERKAS.format(table=tabel) if berkas_i < 0 else names[berkas_i]
            where, row = (berkas, nomor) if berkas_i < 0 else located(reports[berkas_i], nomor)
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


def commit(
    preview: Preview,
    drop_errors: bool,
    who: str,
    progress: Progress | None = None,
    *,
    confirm_removal: bool = False,
    waiting: Callable[[str], None] | None = None,
) -> CommitResult:
    """Write the candidate as the new live version (see the module docstring); refused when it
    would remove stored rows without `confirm_removal`. `waiting` is told when the commit
    waits for another import into the same kabupaten (issue 18)."""
    report_progress = progress or (lambda fraction, text: None)
    reason = preview.refusal(drop_errors, confirm_removal)
    if reason:
        raise ImportRefused(reason)
    who = who.strip()
    if not who:
        raise ImportRefused("isi nama petugas yang mengimpor")
    folder = preview.folder
    if preview.touched is not None:
        return _commit_per_kabupaten(preview, drop_errors, who, report_progress, waiting)
    with versions.lock(folder):
        if versions.current(folder) != preview.base_version:
            raise StalePreview(
                "dataset berubah sejak pratinjau dibuat (impor atau pemulihan lain); "
                "periksa ulang berkasnya"
            )
        base_version = versions.adopt_plain(folder, who)
        base = store.resolve_folder(folder) if base_version else None
        name = versions.next_name(folder)
        partial = folder / store.VERSIONS_DIR / f"{versions.TEMP_PREFIX}{name}"
        private.make_dir(partial)  # issue 12: owner-only, whatever the umask
        # Whatever fails from here to the rename (a refusal, a full disk, a bug) takes the half-
        # written version folder and this commit's rejects files with it: the live version stays
        # as it was. A base adopted just above (adopt_plain: the plain folder turned into version
        # 0001) stays: it holds the same data and the next import would adopt it anyway (that
        # import needs a new preview, as the live version is then 0001 instead of none).
        rejects: dict[int, str] = {}
        try:
            report_progress(0.05, "Menyimpan berkas asli")
            originals = _keep_originals(preview)
            versions.checkpoint("asli")
            written = _write_tables(preview, partial, report_progress)
            if preview.scope is not None:
                report_progress(0.9, "Memeriksa data di luar cakupan akun")
                _verify_outside_scope(preview, partial)
            if base is not None:
                for path in base.iterdir():
                    stem = path.stem.lower()
                    if (
                        path.is_file()
                        and not path.name.startswith(".")
                        and path.name != versions.RECORD_FILE
                        and stem not in written
                    ):
                        versions.link_or_copy(path, partial / path.name)
                    elif path.is_dir() and path.name in store.PARTITIONED and stem not in written:
                        versions.link_tree(path, partial / path.name)
            if drop_errors:
                _write_rejects(preview, folder, name, rejects)
            record = _record(preview, name, base_version, who, originals, rejects)
            private.write_text(
                partial / versions.RECORD_FILE, json.dumps(record, ensure_ascii=False, indent=1)
            )
            private.restrict_tree(partial)  # DuckDB writes the tables with the umask's mode
            versions.fsync_tree(partial)
            versions.checkpoint("versi_lengkap")
            os.rename(partial, folder / store.VERSIONS_DIR / name)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            for path in rejects.values():  # named after a version that never came
                (folder / path).unlink(missing_ok=True)
            raise
        versions.fsync_dir(folder / store.VERSIONS_DIR)
        versions.checkpoint("sebelum_current")
        versions.switch(folder, name)
        versions.checkpoint("setelah_current")
        versions.append_history(folder, record)
    report_progress(1.0, f"Versi {name} aktif")
    return CommitResult(name, base_version, [folder / p for p in rejects.values()], record)


def _commit_per_kabupaten(
    preview: Preview,
    drop_errors: bool,
    who: str,
    progress: Progress,
    waiting: Callable[[str], None] | None,
) -> CommitResult:
    """Issue 18: write only the kabupaten the upload's rows belong to, next to the live
    version's other files (hard links), as a new whole version. Imports into other kabupaten
    go on at the same time; one into the same kabupaten waits for this one, and then finds
    its preview stale (`StalePreview`: prepare again, on the data this import left)."""
    assert preview.touched is not None
    folder = preview.folder
    touched = {name: preview.touched[name] for name in preview.tables}
    codes = sorted({code for parts in touched.values() for code in parts})
    with (
        partitions.kabupaten_locks(folder, codes, waiting),
        versions.lock(folder, shared=True),
    ):
        _check_fresh(preview, touched)
        # A version folder half written by an import into the same first kabupaten that died:
        # its lock is ours now, so nobody is writing it any more.
        for dead in (folder / store.VERSIONS_DIR).glob(f"{versions.TEMP_PREFIX}*-{codes[0]}"):
            shutil.rmtree(dead, ignore_errors=True)
        staging = folder / store.VERSIONS_DIR / f"{versions.TEMP_PREFIX}{os.getpid()}-{codes[0]}"
        private.make_dir(staging)
        rejects: dict[int, str] = {}
        try:
            progress(0.05, "Menyimpan berkas asli")
            originals = _keep_originals(preview)
            versions.checkpoint("asli")
            for step, (name, parts) in enumerate(touched.items()):
                progress(
                    0.1 + 0.7 * step / len(touched), f"Menulis tabel {name} ({', '.join(parts)})"
                )
                _write_partitions(preview, name, staging / name, parts)
                versions.checkpoint("versi_sebagian")
            if preview.scope is not None:
                progress(0.85, "Memeriksa data di luar cakupan akun")
                _verify_outside_scope(preview, staging, touched)
            with versions.switch_lock(folder):
                live = store.resolve_folder(folder)
                _check_fresh(preview, touched)
                name = versions.next_name(folder)
                if drop_errors:
                    _write_rejects(preview, folder, name, rejects)
                written: dict[str, set[Path]] = {}
                for table, parts in touched.items():
                    written[table] = {
                        partitions.partition_path(Path(), code).relative_to(Path())
                        for code in parts
                    }
                for path in live.iterdir():
                    if path.is_dir() and path.name in store.PARTITIONED:
                        versions.link_tree(path, staging / path.name, written.get(path.name))
                    elif (
                        path.is_file()
                        and not path.name.startswith(".")
                        and path.name != versions.RECORD_FILE
                    ):
                        versions.link_or_copy(path, staging / path.name)
                record = _record(preview, name, live.name, who, originals, rejects)
                record["partisi"] = touched
                private.write_text(
                    staging / versions.RECORD_FILE,
                    json.dumps(record, ensure_ascii=False, indent=1),
                )
                private.restrict_tree(staging)
                versions.fsync_tree(staging)
                versions.checkpoint("versi_lengkap")
                os.rename(staging, folder / store.VERSIONS_DIR / name)
                versions.fsync_dir(folder / store.VERSIONS_DIR)
                versions.checkpoint("sebelum_current")
                versions.switch(folder, name)
                versions.checkpoint("setelah_current")
                versions.append_history(folder, record)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            for path in rejects.values():
                (folder / path).unlink(missing_ok=True)
            raise
    progress(1.0, f"Versi {name} aktif")
    return CommitResult(name, live.name, [folder / p for p in rejects.values()], record)


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    return info.st_dev, info.st_ino


def _check_fresh(preview: Preview, touched: dict[str, list[str]]) -> None:
    """StalePreview unless the live version still holds exactly what the preview read: the
    same files (versions share unchanged files, so the same inodes) for the whole tables, the
    settings and the kabupaten it writes."""
    base = preview.base_folder
    assert base is not None
    live = store.resolve_folder(preview.folder)
    if live == base:
        return
    read = [p.name for p in base.iterdir() if p.is_file() and p.name != versions.RECORD_FILE]
    read += [p.name for p in live.iterdir() if p.is_file() and p.name != versions.RECORD_FILE]
    changed = sorted({n for n in read if _identity(base / n) != _identity(live / n)})
    for table, parts in touched.items():
        for code in parts:
            spot = partitions.partition_path(Path(table), code)
            if _identity(base / spot) != _identity(live / spot):
                changed.append(f"{table} kabupaten {code}")
    if changed:
        raise StalePreview(
            "data yang dibaca pratinjau ini sudah diubah impor lain sejak pratinjau dibuat "
            f"({', '.join(changed)}); periksa ulang berkasnya"
        )


def _keep_originals(preview: Preview) -> dict[int, str]:
    """Each uploaded file byte for byte, named by its sha256 (the same file is kept once)."""
    target = preview.folder / versions.ORIGINALS_DIR
    private.make_dir(target)
    kept = {}
    for report, upload in zip(preview.files, preview.uploads, strict=True):
        name = f"{report.sha256}{report.suffix}"
        path = target / name
        if not path.exists():
            partial = target / f".{name}.{os.getpid()}.tmp"
            private.copy_file(upload.path, partial)
            versions.fsync_file(partial)
            os.replace(partial, path)
        kept[report.index] = f"{versions.ORIGINALS_DIR}/{name}"
    versions.fsync_dir(target)
    return kept


def _write_tables(preview: Preview, partial: Path, progress: Progress) -> set[str]:
    """The candidate's tables into the new version: one Parquet file each, or for the big
    tables of a dataset worth splitting, one per kabupaten (issue 18; `partitions.wanted`)."""
    split = _split_wanted(preview)
    for step, name in enumerate(preview.tables):
        progress(0.1 + 0.8 * step / len(preview.tables), f"Menulis tabel {name}")
        if split and name in store.PARTITIONED:
            _write_partitions(preview, name, partial / name, None)
        else:
            # The candidate as it stands: current rows kept, new rows less the rejected ones.
            # (COPY takes no parameter for its file: the path goes in as a literal.)
            statement = sql.compose(
                "copy (select {columns} from {candidate} order by _letak) to {path} "
                "(format parquet)",
                columns=sql.join(sql.ident(c.name) for c in schema.TABLES[name].columns),
                candidate=sql.ident(f"_calon_{name}"),
                path=sql.literal(partial / f"{name}.parquet"),
            )
            preview.con.execute(statement)
        versions.checkpoint("versi_sebagian")
    written = set(preview.tables)
    if split and preview.base_folder is not None:
        # The first version written per kabupaten: the big tables the import did not change
        # are split too, from the rows `prepare` read.
        for name in store.PARTITIONED:
            if name not in written and not (preview.base_folder / name).is_dir():
                _write_partitions(preview, name, partial / name, None, source=f"_basis_{name}")
                written.add(name)
    return written


def _split_wanted(preview: Preview) -> bool:
    """Whether the version written keeps the big tables per kabupaten."""
    con = preview.con
    (rows,) = con.execute("select count(*) from kpps").fetchone()
    (kabupaten,) = con.execute(
        "select count(distinct left(kode_kecamatan, 5)) from wilayah"
    ).fetchone()
    # The live version's settings: a plain folder's files have just moved into version 0001.
    live = store.resolve_folder(preview.folder)
    return partitions.wanted(live, int(rows), int(kabupaten))


def _write_partitions(
    preview: Preview,
    name: str,
    target: Path,
    parts: list[str] | None,
    source: str | None = None,
) -> None:
    """`target/kab=<code>/data_0.parquet` for every kabupaten of the candidate (only `parts`
    when given), rows in the candidate's order, as text like every stored table."""
    table = schema.TABLES[name]
    source = source or f"_calon_{name}"
    keep = sql.compose("" if parts is None else " where _kab in (select unnest($parts))")
    private.make_dir(target)
    statement = sql.compose(
        "copy (select {columns}, _kab from ({kab_of}){keep} order by {order}) to {path} "
        "(format parquet, partition_by (_kab), overwrite_or_ignore)",
        keep=keep,
        columns=sql.join(sql.ident(c.name) for c in table.columns),
        kab_of=partitions.row_kabupaten(name, source),
        order=sql.ident("_letak" if source.startswith("_calon") else "_baris"),
        path=sql.literal(target),
    )
    preview.con.execute(statement, {"parts": parts} if parts is not None else None)
    # DuckDB names the folders after the column (`_kab=35.27`); the layout says `kab=35.27`.
    for folder in sorted(target.glob("_kab=*")):
        folder.rename(target / f"{store.PARTITION_KEY}={folder.name.split('=', 1)[1]}")


def _verify_outside_scope(
    preview: Preview, partial: Path, touched: dict[str, list[str]] | None = None
) -> None:
    """Defence in depth: each table written must hold every row of the base version outside the
    scope (or of unknown area) unchanged, and no other such row; ImportRefused otherwise. The
    base is the snapshot `prepare` read (`commit` has checked that the version is still live);
    the candidate is read back from the files just written, areas looked up in each side's own
    TPS and sessions."""
    assert preview.scope is not None
    con = preview.con
    for name in preview.tables:
        path = partial / f"{name}.parquet"
        if (partial / name).is_dir():  # stored per kabupaten (issue 18)
            path = partial / name / "*" / store.PARTITION_FILE
        con.execute(
            sql.compose(
                "create or replace table {control} as select row_number() over () "
                "as _baris, * from read_parquet({path}, hive_partitioning = false)",
                control=sql.ident(f"_kontrol_{name}"),
                path=sql.literal(path),
            )
        )

    def written(table: str) -> sql.Fragment:
        return sql.ident(f"_kontrol_{table}" if table in preview.tables else f"_basis_{table}")

    differing = []
    for name in preview.tables:
        cols = sql.join(sql.ident(c.name) for c in schema.TABLES[name].columns)
        candidate = _scope_sql(
            name,
            _typed_rows(name, sql.ident(f"_kontrol_{name}")),
            _typed_rows("tps", written("tps")),
            _typed_rows("bimtek_sesi", written("bimtek_sesi")),
        )
        basis = f"_basis_{name}"
        if touched is not None:
            # Only the kabupaten written: the other rows `prepare` read are not rewritten.
            blocks = [store.part_number(c) for c in touched[name]]
            con.execute(
                sql.compose(
                    "create or replace table {written_basis} as select * from {basis} "
                    "where (_baris + {offset}) // {stride} in ({blocks})",
                    written_basis=sql.ident(f"_basis_tulis_{name}"),
                    basis=sql.ident(basis),
                    offset=BASE_OFFSET,
                    stride=store.PART_STRIDE,
                    blocks=sql.join(blocks) if blocks else sql.literal(None),
                )
            )
            basis = f"_basis_tulis_{name}"
        sides = {
            "b": (sql.ident(basis), _base_scope_sql(name, basis)),
            "c": (sql.ident(f"_kontrol_{name}"), candidate),
        }
        outside = {
            key: sql.compose(
                "select {cols} from {source} where _baris not in (select _baris from "
                "({scope}) where luar is null and tak_tentu is null)",
                cols=cols,
                source=source,
                scope=scope,
            )
            for key, (source, scope) in sides.items()
        }
        differ = sql.compose(
            "select count(*) from (({b} except all {c}) union all ({c} except all {b}))",
            b=outside["b"],
            c=outside["c"],
        )
        (count,) = con.execute(differ).fetchall()[0]
        if count:
            differing.append(f"{name} ({count:,} baris)".replace(",", "."))
    if differing:
        raise ImportRefused(
            "impor dibatalkan dan dataset tidak diubah: data di luar cakupan akun Anda "
            f"({_scope_text(preview.scope)}) akan berubah di tabel {', '.join(differing)}; "
            "laporkan kejadian ini kepada admin"
        )


def _write_rejects(preview: Preview, folder: Path, version: str, written: dict[int, str]) -> None:
    """Each file's rejected rows as rejects/<version>-<stem>-ditolak.xlsx, entered in `written`
    (file index → path in the dataset folder) as soon as it is there, so that a failing commit
    can take them away again."""
    target = folder / versions.REJECTS_DIR
    for report in preview.files:
        if not report.rows_rejected:
            continue
        private.make_dir(target)
        # The uploaded name is only a hint here: ASCII letters, digits, '.', '-' and '_', cut
        # short (a 300-character name is no file name); a second file of the same stem is
        # numbered rather than overwriting the first.
        stem = re.sub(r"[^\w.-]+", "_", Path(report.name).stem, flags=re.ASCII)
        stem = stem[:REJECTS_STEM_MAX] or "berkas"
        name = f"{version}-{stem}-ditolak.xlsx"
        if f"{versions.REJECTS_DIR}/{name}" in written.values():
            name = f"{version}-{stem}-{report.index + 1}-ditolak.xlsx"
        partial = target / f".{name}.tmp"
        try:
            private.write_bytes(partial, preview.rejects_xlsx(report.index))
            versions.fsync_file(partial)
            os.replace(partial, target / name)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        written[report.index] = f"{versions.REJECTS_DIR}/{name}"
    if written:
        versions.fsync_dir(target)


def _record(
    preview: Preview,
    name: str,
    base_version: str | None,
    who: str,
    originals: dict[int, str],
    rejects: dict[int, str],
) -> dict[str, object]:
    files = []
    for report in preview.files:
        files.append(
            {
                "nama": report.name,
                "sha256": report.sha256,
                "ukuran": report.size,
                "asli": originals[report.index],
                "tabel": report.table,
                "lembar": report.sheet,
                **({"lembar_dibaca": list(report.sheets_used)} if report.sheets_used else {}),
                "baris_judul": report.header_row,
                "baris_dibaca": report.rows_read,
                "baris_diterima": report.rows_accepted,
                "baris_ditolak": report.rows_rejected,
                "tentang": report.about,
                "ditambah": report.added,
                "diubah": report.changed,
                "tetap": report.unchanged,
                "dihapus": report.removed,
                "tolakan": rejects.get(report.index),
            }
        )
    record: dict[str, object] = {
        "versi": name,
        "aksi": "impor",
        "waktu": versions.now(),
        "oleh": who,
        "dasar": base_version,
        "cara": preview.mode,
    }
    if preview.scope is not None:
        # Only with a scope: an unrestricted import's record stays as it always was.
        record["cakupan"] = list(preview.scope)
    record["berkas"] = files
    return record
