"""kesiapan/contract/scope.py: the one area-scope rule, in Python and in both SQL forms."""

from __future__ import annotations

import duckdb
import pytest

from kesiapan.contract import scope
from kesiapan.importer import core as importer
from kesiapan.paths import QUERIES
from kesiapan.store import dataset as store

CODES = [
    "35",
    "35.27",
    "35.27.02",
    "35.27.02.2001",
    "35.271.01",  # not under 35.27 (no dot after the prefix)
    "35.26",
    "35.27.03",
    "36",
    None,
]


def test_containment_by_hand() -> None:
    scoped = ("35.27.02", "35.26")
    assert [scope.in_scope(c, scoped) for c in CODES] == [
        False,
        False,
        True,
        True,
        False,
        True,
        False,
        False,
        False,
    ]
    assert all(scope.in_scope(c, None) for c in CODES)
    assert not any(scope.in_scope(c, ()) for c in CODES)


def test_the_two_validators_differ_only_where_they_say() -> None:
    given = ["35.27.02", "35.27", "35.27.02"]
    assert scope.validate(given) == ("35.27",)  # reading: sorted, none inside another
    assert scope.validate_for_import(given) == ("35.27.02", "35.27")  # the account's order
    assert scope.validate([]) == ()
    with pytest.raises(ValueError, match="cakupan wilayah akun kosong"):
        scope.validate_for_import([])
    for bad in (["35.2"], ["35.27\n"], "35.27"):
        with pytest.raises(ValueError):
            scope.validate(bad)
        with pytest.raises(ValueError):
            scope.validate_for_import(bad)
    assert scope.intersect(("35.27",), ("35.27.02", "35.26")) == ("35.27.02",)
    assert scope.intersect(None, ("35.26",)) == ("35.26",)


def test_old_names_are_the_one_rule() -> None:
    assert store.in_scope is importer.in_scope is scope.in_scope
    assert store.validate_scope is scope.validate
    assert importer.validate_scope is scope.validate_for_import


def test_both_sql_forms_agree_with_python() -> None:
    scoped = ("35.27.02", "35.26")
    con = duckdb.connect()
    con.execute((QUERIES / "macros" / "dalam_cakupan.sql").read_text(encoding="utf-8"))
    scope.create_import_macro(con, scoped)
    con.execute("create table k (i integer, kode varchar)")
    con.executemany("insert into k values (?, ?)", list(enumerate(CODES)))
    rows = con.execute(
        "select dalam_cakupan(kode, $c), _dalam_cakupan(kode) from k order by i",
        {"c": list(scoped)},
    ).fetchall()
    expected = [scope.in_scope(c, scoped) for c in CODES]
    assert [bool(a) for a, _ in rows] == expected
    # The import's macro answers NULL for a NULL code (unknown), else the same.
    assert [b for _, b in rows] == [*expected[:-1], None]


def test_the_import_macro_is_the_one_macro_file() -> None:
    """`_dalam_cakupan` has no rule of its own: it asks `dalam_cakupan` (the macro file) with
    the account's codes, so a change to the file changes the import's answers too."""
    con = duckdb.connect()
    scope.create_import_macro(con, ("35.27.02",))
    con.execute("create table k (kode varchar)")
    con.executemany("insert into k values (?)", [["35.27.02.2001"], ["36"]])
    assert con.execute("select _dalam_cakupan(kode) from k order by kode").fetchall() == [
        (True,),
        (False,),
    ]
    # A planted rule that takes in everything of province 36 (and nothing else).
    con.execute("create or replace macro dalam_cakupan(kode, cakupan) as kode = '36'")
    assert con.execute("select _dalam_cakupan(kode) from k order by kode").fetchall() == [
        (False,),
        (True,),
    ]
    with pytest.raises(ValueError, match="kode cakupan wilayah tidak sah"):
        scope.create_import_macro(con, ("35.27'); drop table k; --",))
