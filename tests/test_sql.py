"""kesiapan/contract/sql.py: the one place SQL text is composed. Each case is the exact text
expected, and each refusal a value that would otherwise have reached DuckDB as SQL."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from kesiapan.contract import sql

ROOT = Path(__file__).resolve().parent.parent
# The modules whose SQL goes through kesiapan.contract.sql, and the line-level S608 exceptions each
# still has (with its reason on the line).
COMPOSED = {
    "kesiapan/importer/core.py": 0,
    "kesiapan/importer/uploads.py": 0,
    "kesiapan/importer/reading.py": 0,
    "kesiapan/importer/scope_rules.py": 0,
    "kesiapan/importer/writing.py": 0,
    "kesiapan/importer/columns.py": 0,
    "kesiapan/importer/upload_reader.py": 0,
    "kesiapan/contract/scope.py": 0,
    "kesiapan/store/checks.py": 0,
    "kesiapan/store/dataset.py": 0,
    "kesiapan/store/partitions.py": 0,
    "kesiapan/devtools/bench_update.py": 0,
    "kesiapan/contract/sql.py": 0,
}


def test_names_are_quoted_and_only_plain_names_pass() -> None:
    assert sql.ident("_up_3") == '"_up_3"'
    assert sql.ident("u", "c12") == '"u"."c12"'
    for bad in ("a b", 'x"; drop table kpps; --', "", "1abc", "nik-2"):
        with pytest.raises(ValueError, match="nama SQL"):
            sql.ident(bad)


def test_a_file_header_is_quoted_as_a_name() -> None:
    assert sql.quoted_name("NO. HP") == '"NO. HP"'
    assert sql.quoted_name('nik"; drop table kpps; --') == '"nik""; drop table kpps; --"'
    with pytest.raises(ValueError, match="nama kolom SQL"):
        sql.quoted_name("a\x00b")
    con = duckdb.connect()
    header = 'NIK "KTP"'
    con.execute(sql.compose("create table t ({h} varchar)", h=sql.quoted_name(header)))
    assert [d[0] for d in con.execute("select * from t").description] == [header]


def test_literals_have_one_escaper() -> None:
    assert sql.literal("O'Brien") == "'O''Brien'"
    assert sql.literal(Path("/tmp/a'b/x.csv")) == "'/tmp/a''b/x.csv'"
    assert sql.literal(None) == "null"
    assert sql.literal(True) == "true"
    assert sql.literal(42) == "42"
    assert sql.literal(0.85) == "0.85"
    assert sql.literal(date(2024, 1, 28)) == "date '2024-01-28'"
    with pytest.raises(ValueError):
        sql.literal(float("nan"))
    with pytest.raises(ValueError):
        sql.literal("a\x00b")
    with pytest.raises(TypeError):
        sql.literal(object())


def test_compose_fills_named_parts_and_refuses_plain_text() -> None:
    statement = sql.compose(
        "select {c} from {t} where regexp_full_match(x, '[0-9]{{13}}') and y = {v} limit {n}",
        c=sql.ident("u", "c3"),
        t=sql.ident("_up_1"),
        v=sql.literal("it's"),
        n=5,
    )
    assert statement == (
        'select "u"."c3" from "_up_1" where regexp_full_match(x, \'[0-9]{13}\') '
        "and y = 'it''s' limit 5"
    )
    assert isinstance(statement, sql.Fragment)
    with pytest.raises(TypeError, match="'t'"):
        sql.compose("select * from {t}", t="kpps; drop table kpps")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        sql.compose("select {b}", b=True)  # type: ignore[arg-type]
    with pytest.raises(KeyError, match="'t'"):
        sql.compose("select * from {t}")
    with pytest.raises(KeyError, match="extra"):
        sql.compose("select 1", extra=1)
    with pytest.raises(KeyError):
        sql.compose("select {x!r}", x=1)
    assert sql.join([sql.ident("a"), sql.ident("b"), 3]) == '"a", "b", 3'
    with pytest.raises(TypeError):
        sql.join([sql.ident("a"), "b"])  # type: ignore[list-item]


def test_a_hostile_value_stays_a_value_in_duckdb(tmp_path: Path) -> None:
    """A path and a value with quotes, composed into a view (which keeps no parameters), read
    back as themselves."""
    folder = tmp_path / "it's; drop"
    folder.mkdir()
    path = folder / "a.csv"
    path.write_text("nama\nO'Brien\n", encoding="utf-8")
    con = duckdb.connect()
    con.execute(
        sql.compose(
            "create view {v} as select nama, {tag} as tag from read_csv({path}, all_varchar=true)",
            v=sql.ident("_v"),
            tag=sql.literal("x'); drop view _v; --"),
            path=sql.literal(path),
        )
    )
    assert con.execute("select nama, tag from _v").fetchall() == [
        ("O'Brien", "x'); drop view _v; --")
    ]


def test_the_composed_modules_need_no_s608_exception() -> None:
    """ruff with S608 on for these files; the count of line-level exceptions is as recorded."""
    for path, allowed in COMPOSED.items():
        text = (ROOT / path).read_text(encoding="utf-8")
        assert text.count("noqa: S608") == allowed, path
    run = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--select", "S608", *COMPOSED],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout
