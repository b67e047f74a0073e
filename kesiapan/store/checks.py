"""The checks of contract §3 over a loaded dataset: errors block, warnings are shown and kept.

Each check is one SQL statement over `_raw_<table>` (the text as written) or the typed table,
returning the row number, the value and the count of all offending rows; only the first
`EXAMPLES_PER_CHECK` rows of each check become messages, then one line says how many more.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date

import duckdb

from kesiapan import paths
from kesiapan.contract import schema, sql
from kesiapan.contract.problems import ERROR, WARNING, Problem

EXAMPLES_PER_CHECK = 50
MIN_AGE = 17  # PKPU: KPPS members are at least 17 on voting day
PREFERRED_MAX_AGE = 55

_KIND_MESSAGES = {
    schema.DATE: "tanggal tidak dapat dibaca; tulis sebagai YYYY-MM-DD atau DD/MM/YYYY",
    schema.INT: "bukan bilangan bulat",
    schema.DECIMAL: "bukan angka",
    schema.BOOL: "nilai kehadiran tidak dikenal; pakai ya/tidak, hadir/tidak hadir, y/t, 1/0 "
    "atau true/false",
    schema.JABATAN: "jabatan tidak dikenal; pakai ketua/anggota atau KPPS 1 (ketua) sampai KPPS 7",
    schema.JENIS_KELAMIN: "jenis kelamin tidak dikenal; pakai L atau P",
    schema.JENIS_WILAYAH: "jenis wilayah tidak dikenal; pakai desa atau kelurahan",
}


# A contract table named in a check's SQL, as its typed table or its text (`_raw_<table>`).
_TABLE_WORD = re.compile(
    r'(?<![\w.$])"?(?:_raw_)?(' + "|".join(schema.TABLE_NAMES) + r')"?(?![\w])'
)
_CALL = re.compile(r'(?<![\w.$])"?([a-z_][a-z0-9_]*)"?\s*\(', re.IGNORECASE)
_MACRO_NAME = re.compile(r"create\s+(?:or\s+replace\s+)?macro\s+([a-z_][a-z0-9_]*)", re.I)
_COMMENT = re.compile(r"--[^\n]*")


@functools.cache
def _macro_texts() -> dict[str, str]:
    """The SQL of each macro the checks may call (queries/macros and its `langsung/`, the
    macros over the typed tables), by name; a file's whole text for each macro it defines."""
    folder = paths.QUERIES / "macros"
    found: dict[str, str] = {}
    for path in sorted([*folder.glob("*.sql"), *(folder / "langsung").glob("*.sql")]):
        text = path.read_text(encoding="utf-8")
        for name in _MACRO_NAME.findall(text):
            found[name.lower()] = text
    return found


def tables_read(statement: str) -> frozenset[str]:
    """The contract tables a check's SQL reads: named in it (typed or `_raw_`), or in a macro
    it calls, and so on. A word that names a table in another role only adds a table, never
    hides one: an import may skip a check none of whose tables it changes (issue 18)."""
    macros = _macro_texts()
    tables: set[str] = set()
    seen: set[str] = set()
    pending = [statement]
    while pending:
        text = _COMMENT.sub("", pending.pop())
        tables.update(_TABLE_WORD.findall(text))
        for name in (n.lower() for n in _CALL.findall(text)):
            if name in macros and name not in seen:
                seen.add(name)
                pending.append(macros[name])
    return frozenset(tables)


class Checker:
    def __init__(self, con: duckdb.DuckDBPyConnection, file_names: dict[str, str]) -> None:
        self.con = con
        self.file_names = file_names
        self.problems: list[Problem] = []

    def add(
        self,
        level: str,
        table: str,
        column: str | None,
        message: str,
        statement: str,
        params: dict[str, object] | None = None,
    ) -> None:
        """`statement` (a constant written here, or composed by `sql.compose`) selects (baris,
        nilai) of offending rows, ordered; we keep the first few."""
        query = sql.compose(
            "select *, count(*) over () as _total from ({s}) limit {n}",
            s=sql.trusted(statement),
            n=EXAMPLES_PER_CHECK,
        )
        rows = self.con.execute(query, params or {}).fetchall()
        for baris, nilai, _total in rows:
            self.problems.append(
                Problem(
                    level,
                    self.file_names[table],
                    baris,
                    column,
                    None if nilai is None else str(nilai),
                    message,
                )
            )
        if rows and rows[0][2] > len(rows):
            more = rows[0][2] - len(rows)
            self.problems.append(
                Problem(
                    level,
                    self.file_names[table],
                    None,
                    column,
                    None,
                    f"{message} — dan {more:,} baris lain".replace(",", "."),
                )
            )


@dataclass(frozen=True)
class Check:
    """One check as `run_blocks` numbered it: what its problems say."""

    number: int
    tingkat: str
    tabel: str
    berkas: str
    kolom: str | None
    pesan: str


class _BlockChecker(Checker):
    """Keeps each check's first rows and its count per block of rows (`_baris // stride`: a
    kabupaten's partition of a table stored per kabupaten, issue 18) in the table
    `_cek_blok`, so that a store can check again only the kabupaten an import changed and
    merge: the first rows of a check are the first of its blocks' first rows, its count the
    sum of theirs. `only`: the tables whose checks run (the others are only numbered);
    `per_block`: the tables stored per kabupaten (any other is one block, 0)."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        file_names: dict[str, str],
        stride: int,
        only: set[str] | None,
        per_block: set[str],
    ) -> None:
        super().__init__(con, file_names)
        self.stride = stride
        self.per_block = per_block
        self.only = only
        self.checks: list[Check] = []
        self.rows: list[tuple] = []

    def add(
        self,
        level: str,
        table: str,
        column: str | None,
        message: str,
        statement: str,
        params: dict[str, object] | None = None,
    ) -> None:
        number = len(self.checks)
        self.checks.append(Check(number, level, table, self.file_names[table], column, message))
        if self.only is not None and table not in self.only:
            return
        # The block size is the code's constant, written into the statement: a statement with
        # parameters of its own runs about twice as slowly here (the sample: 1,5 s to 0,75 s).
        if table in self.per_block:
            query = sql.compose(
                "select f._b // {stride}, f._b, cast(f._n as varchar), count(*) over (partition "
                "by f._b // {stride}) from ({s}) as f(_b, _n) qualify row_number() over "
                "(partition by f._b // {stride} order by f._b) <= {n}",
                stride=int(self.stride),
                s=sql.trusted(statement),
                n=EXAMPLES_PER_CHECK,
            )
        else:
            # A table kept in one file is one block: the cheaper first rows and count.
            query = sql.compose(
                "select 0, f._b, cast(f._n as varchar), count(*) over () from ({s}) "
                "as f(_b, _n) order by f._b limit {n}",
                s=sql.trusted(statement),
                n=EXAMPLES_PER_CHECK,
            )
        found = self.con.execute(query, params or None).fetchall()
        self.rows += [(number, table, *row) for row in found]

    def save(self) -> None:
        """The rows found, into `_cek_blok` at once (a statement per check costs more)."""
        insert_rows(
            self.con,
            "_cek_blok",
            ["cek", "tabel", "blok", "baris", "nilai", "jumlah"],
            self.rows,
        )


def insert_rows(
    con: duckdb.DuckDBPyConnection, table: str, columns: list[str], rows: list[tuple]
) -> None:
    """A few thousand rows into a table of ours in one statement, each column a list
    parameter (DuckDB's executemany runs a statement per row; a pandas frame costs more)."""
    values = {f"k{i}": [row[i] for row in rows] for i in range(len(columns))}
    statement = sql.compose(
        "insert into {table} ({columns}) select {lists}",
        table=sql.ident(table),
        columns=sql.join(sql.ident(c) for c in columns),
        lists=sql.join(sql.compose("unnest($k{i})", i=i) for i in range(len(columns))),
    )
    con.execute(statement, values)


BLOCKS_TABLE = (
    "create or replace table _cek_blok (cek integer, tabel varchar, blok bigint, "
    "baris bigint, nilai varchar, jumlah bigint, kode_wilayah varchar)"
)


def run_blocks(
    con: duckdb.DuckDBPyConnection,
    file_names: dict[str, str],
    as_of: date,
    voting_day: date,
    stride: int,
    only: set[str] | None = None,
    per_block: set[str] | None = None,
) -> list[Check]:
    """Every check of contract §3, its rows per block in `_cek_blok` (made empty here);
    the checks in order, which `problems` turns into messages. `per_block`: the tables stored
    per kabupaten (the others are one block)."""
    con.execute(BLOCKS_TABLE)
    check = _BlockChecker(con, file_names, stride, only, per_block or set())
    value_checks(check)
    key_checks(check)
    reference_checks(check)
    warnings(check, as_of, voting_day)
    check.save()
    return check.checks


def problems(con: duckdb.DuckDBPyConnection, listed: list[Check]) -> list[Problem]:
    """The checks' messages from `_cek_blok`: each check's first rows over all its blocks,
    then one line counting the rest, in the order the checks ran."""
    rows: dict[int, list[tuple]] = {}
    for cek, baris, nilai, wilayah in con.execute(
        "select cek, baris, nilai, kode_wilayah from _cek_blok qualify row_number() over "
        "(partition by cek order by baris) <= $n order by cek, baris",
        {"n": EXAMPLES_PER_CHECK},
    ).fetchall():
        rows.setdefault(cek, []).append((baris, nilai, wilayah))
    totals = dict(
        con.execute(
            "select cek, sum(jumlah) from (select cek, blok, max(jumlah) as jumlah "
            "from _cek_blok group by cek, blok) group by cek"
        ).fetchall()
    )
    found: list[Problem] = []
    for check in listed:
        shown = rows.get(check.number, [])
        for baris, nilai, wilayah in shown:
            found.append(
                Problem(
                    check.tingkat, check.berkas, baris, check.kolom, nilai, check.pesan, wilayah
                )
            )
        more = int(totals.get(check.number, 0)) - len(shown)
        if shown and more > 0:
            found.append(
                Problem(
                    check.tingkat,
                    check.berkas,
                    None,
                    check.kolom,
                    None,
                    f"{check.pesan} — dan {more:,} baris lain".replace(",", "."),
                )
            )
    return found


def numeric_problems(
    file_names: dict[str, str], numeric_niks: dict[str, list[int]]
) -> list[Problem]:
    """A NIK an Excel sheet held as a number (the reader saw it; no SQL can)."""
    return [
        Problem(
            WARNING,
            file_names[table],
            number,
            "nik",
            None,
            "NIK tersimpan sebagai angka Excel: Excel hanya menyimpan 15 digit, "
            "digit ke-16 bisa hilang; simpan kolom NIK sebagai teks",
        )
        for table, rows in numeric_niks.items()
        for number in rows[:EXAMPLES_PER_CHECK]
    ]


def value_checks(check: Checker) -> None:
    from kesiapan.store.dataset import typed_expression

    for table in schema.TABLES.values():
        raw = sql.ident(f"_raw_{table.name}")
        for column in table.columns:
            c = column.name
            parts = {"c": sql.ident(c), "raw": raw}
            if column.value_required:
                check.add(
                    ERROR,
                    table.name,
                    c,
                    "wajib diisi",
                    sql.compose(
                        "select _baris, {c} from {raw} where nullif(trim({c}), '') is null "
                        "order by _baris",
                        **parts,
                    ),
                )
            # The typed expression is store's own, built from the contract's column.
            typed = sql.trusted(typed_expression(column, c))
            if column.kind in _KIND_MESSAGES:
                check.add(
                    ERROR,
                    table.name,
                    c,
                    _KIND_MESSAGES[column.kind],
                    sql.compose(
                        "select _baris, {c} from {raw} where nullif(trim({c}), '') is not null "
                        "and {typed} is null order by _baris",
                        typed=typed,
                        **parts,
                    ),
                )
            if column.kind == schema.NIK:
                check.add(
                    ERROR,
                    table.name,
                    c,
                    "NIK harus 16 digit angka",
                    sql.compose(
                        "select _baris, {c} from {raw} where {typed} is not null "
                        "and not regexp_full_match({typed}, '[0-9]{{16}}') order by _baris",
                        typed=typed,
                        **parts,
                    ),
                )
            bounds = []
            if column.minimum is not None:
                bounds.append(sql.compose("{t} < {v}", t=typed, v=sql.literal(column.minimum)))
            if column.maximum is not None:
                bounds.append(sql.compose("{t} > {v}", t=typed, v=sql.literal(column.maximum)))
            if bounds:
                limits = _limit_text(column)
                check.add(
                    ERROR,
                    table.name,
                    c,
                    f"di luar batas ({limits})",
                    sql.compose(
                        "select _baris, {c} from {raw} where {bounds} order by _baris",
                        bounds=sql.join(bounds, " or "),
                        **parts,
                    ),
                )


def _limit_text(column: schema.Column) -> str:
    def fmt(value: float) -> str:
        return str(int(value)) if float(value).is_integer() else str(value).replace(".", ",")

    if column.minimum is not None and column.maximum is not None:
        return f"{fmt(column.minimum)}–{fmt(column.maximum)}"
    if column.minimum is not None:
        return f"paling kecil {fmt(column.minimum)}"
    return f"paling besar {fmt(column.maximum)}"  # type: ignore[arg-type]


# Two rows serve at the same time when their periods [tanggal_sk, tanggal_berhenti) overlap
# (blank: from the start, still serving); `a` and `b` are kpps rows.
_OVERLAP = sql.trusted(
    "coalesce(a.tanggal_sk, date '0001-01-01') < coalesce(b.tanggal_berhenti, "
    "date '9999-12-31') and coalesce(b.tanggal_sk, date '0001-01-01') < "
    "coalesce(a.tanggal_berhenti, date '9999-12-31')"
)


def key_checks(check: Checker) -> None:
    # Contract §3: a row pasted twice would count one member twice in its TPS.
    check.add(
        ERROR,
        "kpps",
        "nik",
        "NIK yang sama tercatat dua kali sebagai KPPS aktif di TPS yang sama (baris ganda); "
        "hapus salah satunya",
        sql.compose(
            "select distinct b._baris, b.nik from kpps as a inner join kpps as b "
            "on a.nik = b.nik and a._baris < b._baris and a.kode_tps = b.kode_tps and {overlap} "
            "where regexp_full_match(b.nik, '[0-9]{{16}}') order by b._baris",
            overlap=_OVERLAP,
        ),
    )
    for table in schema.TABLES.values():
        if table.key is None:
            continue
        key = table.key
        check.add(
            ERROR,
            table.name,
            key,
            f"{key} ganda: sudah dipakai di baris sebelumnya",
            sql.compose(
                "select _baris, {key} from (select _baris, {key}, "
                "row_number() over (partition by {key} order by _baris) as n "
                "from {table} where {key} is not null) where n > 1 order by _baris",
                key=sql.ident(key),
                table=sql.ident(table.name),
            ),
        )
    check.add(
        ERROR,
        "tps",
        "kode_tps",
        "kode_tps harus 13 digit: kode_desa tanpa titik + nomor TPS 3 digit",
        "select _baris, kode_tps from tps where kode_tps is not null and kode_desa is not null "
        "and not (regexp_full_match(kode_tps, '[0-9]{13}') "
        "and left(kode_tps, 10) = replace(kode_desa, '.', '')) order by _baris",
    )
    check.add(
        ERROR,
        "tps",
        "nomor_tps",
        "nomor_tps tidak sama dengan 3 digit terakhir kode_tps",
        "select _baris, nomor_tps from tps where regexp_full_match(kode_tps, '[0-9]{13}') "
        "and nomor_tps is not null and nomor_tps <> cast(right(kode_tps, 3) as integer) "
        "order by _baris",
    )


_REFERENCES = (
    # table, column, referenced table, referenced column, what is referenced (for the message)
    ("tps", "kode_desa", "wilayah", "kode_desa", "desa/kelurahan di wilayah"),
    ("kpps", "kode_tps", "tps", "kode_tps", "TPS di tabel tps"),
    ("bimtek_sesi", "kode_kecamatan", "wilayah", "kode_kecamatan", "kecamatan di wilayah"),
    ("bimtek_hadir", "kode_sesi", "bimtek_sesi", "kode_sesi", "sesi di bimtek_sesi"),
    ("supervisi", "kode_kecamatan", "wilayah", "kode_kecamatan", "kecamatan di wilayah"),
    ("supervisi", "kode_desa", "wilayah", "kode_desa", "desa/kelurahan di wilayah"),
    ("supervisi", "kode_sesi", "bimtek_sesi", "kode_sesi", "sesi di bimtek_sesi"),
)


def reference_checks(check: Checker) -> None:
    for table, column, target, target_column, what in _REFERENCES:
        check.add(
            ERROR,
            table,
            column,
            f"kode tidak dikenal: tidak ada {what}",
            sql.compose(
                "select t._baris, t.{column} from {table} as t "
                "where t.{column} is not null and not exists (select 1 from {target} as r "
                "where r.{target_column} = t.{column}) order by t._baris",
                column=sql.ident(column),
                table=sql.ident(table),
                target=sql.ident(target),
                target_column=sql.ident(target_column),
            ),
        )
    check.add(
        ERROR,
        "supervisi",
        "kode_desa",
        "desa/kelurahan ini tidak terletak di kode_kecamatan yang sama baris",
        "select s._baris, s.kode_desa from supervisi as s inner join wilayah as w "
        "on w.kode_desa = s.kode_desa where w.kode_kecamatan <> s.kode_kecamatan "
        "order by s._baris",
    )


# A TPS-level warning points at the TPS's first member row; in an import, at the first uploaded
# one (the current data's rows are numbered below zero), so that the file's row is named.
def _first_row(alias: str = "") -> sql.Fragment:
    """The first uploaded `_baris` of a TPS group (of the rows aliased `alias`, if any)."""
    baris = sql.ident(alias, "_baris") if alias else sql.ident("_baris")
    return sql.compose(
        "coalesce(min({b}) filter (where {b} >= 0), min({b}))",
        b=baris,
    )


def warnings(check: Checker, as_of: date, voting_day: date) -> None:
    check.add(
        WARNING,
        "kpps",
        "nik",
        "NIK yang sama aktif di dua TPS pada waktu yang sama",
        sql.compose(
            "select b._baris, b.nik from kpps as a inner join kpps as b "
            "on a.nik = b.nik and a._baris < b._baris and a.kode_tps <> b.kode_tps and {overlap} "
            "order by b._baris",
            overlap=_OVERLAP,
        ),
    )
    check.add(
        WARNING,
        "kpps",
        "kode_tps",
        "TPS ini punya lebih banyak KPPS aktif daripada kebutuhan kursinya (per tanggal data)",
        sql.compose(
            "select {first}, k.kode_tps from kpps_aktif($as_of) as k "
            "inner join tps as t on t.kode_tps = k.kode_tps "
            "group by k.kode_tps, t.kebutuhan_kpps having count(*) > t.kebutuhan_kpps "
            "order by k.kode_tps",
            first=_first_row("k"),
        ),
        {"as_of": as_of},
    )
    check.add(
        WARNING,
        "kpps",
        "jabatan",
        "TPS ini punya dua ketua aktif (per tanggal data)",
        sql.compose(
            "select {first}, kode_tps from kpps_aktif($as_of) "
            "where jabatan = 'ketua' group by kode_tps having count(*) > 1 order by kode_tps",
            first=_first_row(),
        ),
        {"as_of": as_of},
    )
    check.add(
        WARNING,
        "kpps",
        "nik",
        "tanggal lahir atau jenis kelamin di NIK (digit 7–12, tanggal + 40 untuk perempuan) "
        "tidak cocok dengan tanggal_lahir/jenis_kelamin",
        "select _baris, nik from kpps where regexp_full_match(nik, '[0-9]{16}') "
        "and tanggal_lahir is not null and jenis_kelamin is not null and ("
        "cast(substr(nik, 7, 2) as integer) - case when jenis_kelamin = 'P' then 40 else 0 end "
        "<> day(tanggal_lahir) or cast(substr(nik, 9, 2) as integer) <> month(tanggal_lahir) "
        "or cast(substr(nik, 11, 2) as integer) <> year(tanggal_lahir) % 100) order by _baris",
    )
    check.add(
        WARNING,
        "kpps",
        "tanggal_lahir",
        f"umur pada hari pemungutan suara di bawah {MIN_AGE} tahun",
        "select _baris, tanggal_lahir from kpps where tanggal_lahir is not null "
        "and date_sub('year', tanggal_lahir, $hari) < $umur order by _baris",
        {"hari": voting_day, "umur": MIN_AGE},
    )
    check.add(
        WARNING,
        "kpps",
        "tanggal_lahir",
        f"umur pada hari pemungutan suara di atas {PREFERRED_MAX_AGE} tahun "
        "(batas yang disarankan)",
        "select _baris, tanggal_lahir from kpps where tanggal_lahir is not null "
        "and date_sub('year', tanggal_lahir, $hari) > $umur order by _baris",
        {"hari": voting_day, "umur": PREFERRED_MAX_AGE},
    )
    check.add(
        WARNING,
        "bimtek_hadir",
        "nik",
        "NIK tidak ada di daftar KPPS",
        "select h._baris, h.nik from bimtek_hadir as h where h.nik is not null "
        "and not exists (select 1 from kpps as k where k.nik = h.nik) order by h._baris",
    )
