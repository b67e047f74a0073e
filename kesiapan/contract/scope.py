"""The area-scope rule, in one place: which area codes an account (or a filtered view) covers.

This is the security boundary between offices, so every scope decision in Python imports it:
the store (`Dataset.scoped`), accounts (`akses`), the importer (what an operator may change),
check-in at the venue and the command line. A scope is a tuple of area codes (`35`, `35.27`,
`35.27.02`, `35.27.02.2001`); None means no restriction, an empty tuple nothing at all. A code
lies in a scope when it equals one of the scope's codes or sits under one (code + ".", so 35.2
never takes in 35.27).

The same rule in SQL is written once, in `queries/macros/dalam_cakupan.sql`
(`dalam_cakupan(kode, cakupan)`, the scope as a list). The store's queries call it with the
`$cakupan` parameter; the importer's per-row checks call `_dalam_cakupan(kode)`, which
`create_import_macro` below defines through it with the account's codes as a constant list
(NULL for a NULL code: unknown, not outside). tests/test_scope.py holds both to this module's
answers.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from kesiapan.contract import sql
from kesiapan.paths import QUERIES

if TYPE_CHECKING:
    import duckdb

# provinsi 35, kabupaten/kota 35.27, kecamatan 35.27.02, desa/kelurahan 35.27.02.2001
CODE = re.compile(r"^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?$")
LENGTHS = (2, 5, 8, 13)  # the lengths CODE allows
MACRO = QUERIES / "macros" / "dalam_cakupan.sql"  # the rule in SQL

Scope = tuple[str, ...] | None

_HOW = (
    "tulis seperti 35 (provinsi), 35.27 (kabupaten/kota), 35.27.02 (kecamatan) atau "
    "35.27.02.2001 (desa/kelurahan)"
)


def in_scope(kode: str | None, scope: Scope) -> bool:
    """Whether an area code lies in the scope: equal to one of its codes or under one."""
    if scope is None:
        return True
    return kode is not None and any(kode == c or kode.startswith(c + ".") for c in scope)


def tidy(codes: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Distinct codes, sorted, without those inside another (35.27 is part of 35)."""
    unique = set(codes)
    return tuple(sorted(c for c in unique if not any(c != o and in_scope(c, (o,)) for o in unique)))


def intersect(current: Scope, new: Scope) -> Scope:
    """The area both scopes cover: each code of one that lies inside the other (codes nest,
    so of two overlapping codes one is inside the other). None is no restriction."""
    if current is None:
        return new
    if new is None:
        return current
    return tidy([c for c in new if in_scope(c, current)] + [c for c in current if in_scope(c, new)])


def _checked(scope: tuple[str, ...] | list[str], quote: bool) -> list[str]:
    if quote and isinstance(scope, str):  # the importer's wording (it takes any iterable)
        raise ValueError(f"cakupan wilayah harus berupa daftar kode, bukan satu teks: '{scope}'")
    if not quote and (isinstance(scope, str | bytes) or not isinstance(scope, tuple | list)):
        raise ValueError(f"cakupan wilayah harus berupa daftar kode, bukan {scope!r}")
    scope = list(scope)
    for code in scope:
        if not isinstance(code, str) or not CODE.fullmatch(code):
            shown = f"'{code}'" if quote else repr(code)
            raise ValueError(f"kode cakupan wilayah tidak sah: {shown}; {_HOW}")
    return scope


def validate(scope: tuple[str, ...] | list[str] | None) -> Scope:
    """A scope for reading (the store, accounts): a sorted tuple of distinct codes, none inside
    another (None: unrestricted; empty: nothing). ValueError for anything but a list of codes:
    a scope code never reaches SQL unchecked (and only ever as a parameter)."""
    if scope is None:
        return None
    return tidy(_checked(scope, quote=False))


def validate_for_import(scope: tuple[str, ...] | list[str] | None) -> Scope:
    """A scope for changing data (the importer): the codes as the account lists them, distinct,
    in their order (messages name them so); ValueError for a bad code and, unlike `validate`,
    for an empty scope: an operator account that may change nothing is a mistake, not a rule."""
    if scope is None:
        return None
    codes = list(dict.fromkeys(_checked(scope, quote=True)))
    if not codes:
        raise ValueError(
            "cakupan wilayah akun kosong: akun operator perlu paling sedikit satu kode wilayah"
        )
    return tuple(codes)


def text(scope: tuple[str, ...]) -> str:
    """The scope as a person reads it in a message: `35.27.02, 35.27.03`."""
    return ", ".join(scope)


def create_import_macro(con: duckdb.DuckDBPyConnection, scope: tuple[str, ...]) -> None:
    """`_akun_cakupan` (the codes, filled as parameters; its presence tells the importer's
    checks that the import is scoped) and `_dalam_cakupan(kode)`: `dalam_cakupan` of the one
    macro file with the account's codes, true inside, false outside, NULL for a NULL code."""
    con.execute("create or replace temp table _akun_cakupan (kode varchar primary key)")
    con.executemany("insert into _akun_cakupan values (?)", [[c] for c in scope])
    con.execute(MACRO.read_text(encoding="utf-8"))
    # A macro keeps no parameters: the codes go in as literals, each checked against CODE
    # first (a scope reaches here through `validate_for_import`; checked again because this is
    # the boundary). For the few codes of an account, a constant list is evaluated per row
    # faster than the prefix look-ups into `_akun_cakupan` this macro made before.
    codes = sql.join(sql.literal(c) for c in _checked(list(scope), quote=True))
    con.execute(
        sql.compose(
            "create or replace temp macro _dalam_cakupan(k) as "
            "case when k is null then null else dalam_cakupan(k, [{codes}]::varchar[]) end",
            codes=codes,
        )
    )
