"""Query tests: the hand-checked fixture datasets and helpers that turn results into plain rows.

Expected values in these tests are worked out by hand from tests/fixtures/mini (see its
README.md for the planted cases) and tests/fixtures/variants, never copied from a run.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
STATUS_COLUMNS = ("tps_siap", "tps_kurang_petugas", "tps_tanpa_ketua", "tps_belum_bimtek")


def plain(value: Any) -> Any:
    """One cell as plain Python: NULLs as None, dates as date, numbers as int or 6-place float."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date()
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else pd.Timestamp(value).date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, decimal.Decimal):
        return round(float(value), 6)
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) else round(float(value), 6)
    if isinstance(value, np.str_):
        return str(value)
    return value


def rows_of(df: pd.DataFrame) -> list[dict[str, Any]]:
    """The DataFrame as a list of {column: plain value}, in row order."""
    columns = list(df.columns)
    return [
        {column: plain(value) for column, value in zip(columns, record, strict=True)}
        for record in df.itertuples(index=False, name=None)
    ]


def table_of(columns: Sequence[str], values: Iterable[Sequence[Any]]) -> list[dict[str, Any]]:
    """Expected rows written as tuples in column order, as the dicts that rows_of returns."""
    return [dict(zip(columns, row, strict=True)) for row in values]


def check_status_sums(df: pd.DataFrame) -> None:
    """Every TPS has exactly one status, so the four status counts add up to `tps`."""
    for row in rows_of(df):
        assert sum(row[c] for c in STATUS_COLUMNS) == row["tps"], row


def _open(name: str) -> Any:
    from kesiapan.store.dataset import Dataset

    return Dataset.open(FIXTURES / name)


@pytest.fixture(scope="session")
def mini() -> Any:
    """The hand-checked dataset of tests/fixtures/mini (opened once: queries only read it)."""
    return _open("mini")


@pytest.fixture(scope="session")
def variants() -> Any:
    """The file-format variants of tests/fixtures/variants."""
    return _open("variants")


@pytest.fixture
def rows() -> Callable[[pd.DataFrame], list[dict[str, Any]]]:
    return rows_of


@pytest.fixture
def table() -> Callable[[Sequence[str], Iterable[Sequence[Any]]], list[dict[str, Any]]]:
    return table_of


@pytest.fixture
def status_sums() -> Callable[[pd.DataFrame], None]:
    return check_status_sums
