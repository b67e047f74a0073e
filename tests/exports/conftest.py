"""Export tests: open every written file (openpyxl, csv, zipfile, pypdfium2) and read it back."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from kesiapan.outputs import exports, report
from kesiapan.store.dataset import Dataset
from tests.conftest import SAMPLE

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
D = date(2024, 1, 28)  # the briefing the issue asks for: Kabupaten Sampang, 28 January 2024
TORJUN = "35.27.02"


@dataclass
class Sheet:
    """A sheet as written by exports.add_table_sheet: title, the lines under it, the header row
    (the first row after the empty one) and the data rows under it."""

    title: str
    lines: list[str]
    header: list[str]
    rows: list[tuple[Any, ...]]
    header_row: int
    worksheet: Any

    def column(self, name: str) -> list[Any]:
        index = self.header.index(name)
        return [row[index] for row in self.rows]


def read_sheet(worksheet: Any) -> Sheet:
    values = list(worksheet.iter_rows(values_only=True))
    blank = next(i for i, row in enumerate(values) if all(v is None for v in row))
    header = [v for v in values[blank + 1] if v is not None]
    rows = [tuple(row[: len(header)]) for row in values[blank + 2 :]]
    rows = [row for row in rows if any(v is not None for v in row)]
    return Sheet(
        title=values[0][0],
        lines=[row[0] for row in values[1:blank]],
        header=header,
        rows=rows,
        header_row=blank + 2,
        worksheet=worksheet,
    )


def read_workbook(data: bytes) -> dict[str, Sheet]:
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return {ws.title: read_sheet(ws) for ws in workbook.worksheets}


def read_csv(data: bytes) -> pd.DataFrame:
    assert data.startswith("\ufeff".encode()), "CSV without BOM opens garbled in Excel"
    return pd.read_csv(io.BytesIO(data), sep=";", encoding="utf-8-sig", dtype=str)


@pytest.fixture(scope="session")
def sample() -> Dataset:
    return Dataset.open(SAMPLE)


@pytest.fixture(scope="session")
def mini() -> Dataset:
    return Dataset.open(FIXTURES / "mini")


@pytest.fixture(scope="session")
def figures(sample: Dataset) -> Callable[..., pd.DataFrame]:
    """The report command's table for the same filters: the numbers a file must carry."""

    def table(level: str, as_of: date = D, areas: list[str] | None = None) -> pd.DataFrame:
        return report.report_table(sample, level, as_of, areas)

    return table


@pytest.fixture
def scope_of() -> Callable[..., exports.Scope]:
    def make(dataset: Dataset, as_of: date = D, **filters: list[str]) -> exports.Scope:
        return exports.Scope.of(dataset, as_of, **filters)

    return make
