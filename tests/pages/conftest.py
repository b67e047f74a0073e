"""AppTest helpers: run one page (or the whole app) on the bundled sample with given filters."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from kesiapan.outputs import report
from kesiapan.store.dataset import Dataset
from tests.conftest import ROOT, SAMPLE

PAGES = ("overview", "bimtek", "petugas", "supervisi", "data")


@pytest.fixture(scope="session")
def sample() -> Dataset:
    return Dataset.open(SAMPLE)


@pytest.fixture
def run_page(monkeypatch: pytest.MonkeyPatch) -> Callable[..., AppTest]:
    """Run pages/<name>.py on its own (as AppTest.switch_page does in Streamlit 1.67), with
    the filters given as URL parameters, the way a copied link would carry them."""
    monkeypatch.setenv("KESIAPAN_DATA", str(SAMPLE))

    def run(name: str, **params: str) -> AppTest:
        at = AppTest.from_file(str(ROOT / "pages" / f"{name}.py"), default_timeout=60)
        for key, value in params.items():
            at.query_params[key] = value
        return at.run()

    return run


@pytest.fixture
def figures(sample: Dataset) -> Callable[..., pd.DataFrame]:
    """The report command's table for the same filters (the numbers a page must show)."""

    def table(
        level: str, as_of: date | None = None, areas: list[str] | None = None
    ) -> pd.DataFrame:
        return report.report_table(sample, level, as_of, areas)

    return table


def metrics(at: AppTest) -> dict[str, str]:
    """Headline figures as read on screen: '1.787 dari 2.726 TPS (65,6%)'."""
    return {m.label: f"{m.value} {m.delta}" if m.delta else m.value for m in at.metric}


TREND = re.compile(r"([+-][0-9.]+|tetap) sejak [0-9]{1,2} [A-Z][a-z]{2}")


def trends(at: AppTest) -> list[str]:
    """The change under each headline figure, in page order: '+4.101 sejak 27 Jan' (none on
    the first day of data)."""
    return [c.value for c in at.caption if TREND.fullmatch(c.value)]


def infos(at: AppTest) -> list[str]:
    return [i.value for i in at.info]
