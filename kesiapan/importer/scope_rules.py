"""An import by an account with an area scope: which uploaded rows lie outside it.

The rule is kesiapan.contract.scope's (`_dalam_cakupan`, defined on the import's
connection by `create_scope`); here are the ways a row of each table can leave the
scope (SCOPE_RULES), the SQL that finds them, the errors they become, and the names of
larger areas a desa inside the scope may not change.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from kesiapan.contract import schema, sql
from kesiapan.contract import scope as area_scope
from kesiapan.contract.problems import ERROR
from kesiapan.importer import uploads as import_uploads
from kesiapan.store import dataset as store

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


scope_text = area_scope.text


create_scope = area_scope.create_import_macro


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


def scope_sql(
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


def base_scope_sql(table: str, basis: str | None = None) -> sql.Fragment:
    """`scope_sql` of the current rows (`basis`: those of another table than `_basis_<table>`),
    their areas looked up in the current data."""
    return scope_sql(
        table,
        import_uploads.typed_rows(table, sql.ident(basis or f"_basis_{table}")),
        import_uploads.typed_rows("tps", sql.ident("_basis_tps")),
        import_uploads.typed_rows("bimtek_sesi", sql.ident("_basis_bimtek_sesi")),
    )


def scope_checks(
    con: duckdb.DuckDBPyConnection,
    by_table: dict[str, list[int]],
    round_: int,
    scope: tuple[str, ...],
) -> None:
    """Errors on the uploaded rows outside the scope, and on those whose area cannot be told
    (unless they have another error already: that one says what to fix)."""
    text = scope_text(scope)
    for name in by_table:
        rules = SCOPE_RULES[name]
        uploaded = sql.compose("(select * from {t} where _baris >= 0)", t=sql.ident(name))
        scope_rows = scope_sql(name, uploaded, sql.ident("tps"), sql.ident("bimtek_sesi"))
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
                "reader": import_uploads.READER_ROUND,
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
