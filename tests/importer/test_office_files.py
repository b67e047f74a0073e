"""The files offices really have (issue 11): dates, sexes and ticks as they are written."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from kesiapan.contract import schema
from kesiapan.store import dataset as store

DATES = [
    ("5/1/1994", date(1994, 1, 5)),
    ("24.01.2024", date(2024, 1, 24)),
    ("5 JANUARI 1994", date(1994, 1, 5)),
    ("Kamis, 25 Januari 2024", date(2024, 1, 25)),
    ("1 Peb 2024", date(2024, 2, 1)),
    ("3 Agust 2023", date(2023, 8, 3)),
    ("12 Okt 2023", date(2023, 10, 12)),
    ("7 Nop 2023", date(2023, 11, 7)),
    ("2 Des 2023", date(2023, 12, 2)),
    ("05/15/1991", None),
    ("31/02/1991", None),
]


@pytest.mark.parametrize(("text", "expected"), DATES)
def test_dates_as_offices_write_them_day_first(text: str, expected: date | None) -> None:
    sql = store.typed_expression(schema.Column("t", schema.DATE), "$v")
    assert duckdb.execute(f"select {sql}", {"v": text}).fetchall() == [(expected,)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("LK", "L"), ("PR", "P"), ("Laki-laki", "L"), ("Perempuan", "P"), ("l", "L")],
)
def test_sexes(text: str, expected: str) -> None:
    sql = store.typed_expression(schema.Column("t", schema.JENIS_KELAMIN), "$v")
    assert duckdb.execute(f"select {sql}", {"v": text}).fetchall() == [(expected,)]


@pytest.mark.parametrize("tick", ["✓", "✔", "√", "v", "V", "x", "X", "☑"])
def test_every_common_tick_means_present(tick: str) -> None:
    sql = store.typed_expression(schema.Column("t", schema.BOOL), "$v")
    assert duckdb.execute(f"select {sql}", {"v": tick}).fetchall() == [(True,)]
