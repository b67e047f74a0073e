"""Issue 17: the warm-up at server start answers what the pages ask for first, in the
background; query answers are shared by the sessions of a process without being shared for
writing. Nothing here is timed."""

from __future__ import annotations

import functools
import threading
from pathlib import Path

import plotly.graph_objects as go
import pytest
from streamlit.elements.lib import pandas_styler_utils

from kesiapan.devtools import loadtest
from kesiapan.outputs import charts, exports
from kesiapan.store.dataset import Dataset, resolve_folder
from kesiapan.ui import shared as ui
from kesiapan.ui import signin, warmup
from tests.conftest import SAMPLE

DASHBOARD = ("overview", "bimtek", "petugas", "supervisi", "data")
TORJUN = "35.27.02"
SAMPLE_KECAMATAN = 14  # the bundled sample: Kabupaten Sampang's 14 kecamatan


@pytest.fixture
def cold(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every query cache of this process emptied; returns the list of the queries that reach
    DuckDB from here on, by name."""
    ui._query.clear()
    ui._view.clear()
    ui._ANSWERS.clear()
    asked: list[str] = []
    real = Dataset.query

    def counted(self: Dataset, name: str, *args: object, **kwargs: object) -> object:
        asked.append(name)
        return real(self, name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Dataset, "query", counted)
    return asked


def test_warmed_pages_ask_duckdb_nothing_and_build_no_chart_or_table(
    run_page, cold: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ui._FIGURES.clear()
    ui._TABLE_PARTS.clear()
    ui._STEMS.clear()
    made = _count_table_work(monkeypatch)
    folder = str(resolve_folder(SAMPLE))
    # The unfiltered view, then every kecamatan's: a kabupaten's dataset is warmed whole.
    every = warmup.views(folder)
    assert len(every) == 1 + SAMPLE_KECAMATAN
    assert [v.filters.kecamatan for v in every[:2]] == [(), ("35.27.01",)]
    # Two of them warmed here (the unfiltered one and Torjun's), to keep the test short.
    real_views = warmup.views
    monkeypatch.setattr(
        warmup,
        "views",
        lambda f: [v for v in real_views(f) if v.filters.kecamatan in ((), (TORJUN,))],
    )
    assert warmup.warm(folder) == 2
    assert "ringkasan_total" in cold and "rencana_bimtek" in cold
    # Round six: the warm-up prepared the tables, their phone cards and file names, and
    # the dict st.plotly_chart sends of each chart.
    assert {"teks", "lebar", "kartu", "nama_berkas", "dict_grafik", "teks_sel"} <= set(made)
    assert made.count("teks") >= 20
    cold.clear()
    made.clear()
    built: list[str] = []
    for name in BUILDERS:
        real = getattr(charts, name)

        @functools.wraps(real)  # the same module and name: the same key in ui.figure
        def counted(*args: object, _real=real, _name=name, **kwargs: object) -> object:
            built.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(charts, name, counted)
    for name in DASHBOARD:
        for params in ({}, {"kec": TORJUN}):
            at = run_page(name, **params)
            assert not at.exception, (name, params, at.exception)
            # A page run after the warm-up finds every answer and chart it needs made.
            assert cold == [], (name, params)
            assert built == [], (name, params)
            # ... and every table too (the Data page's tables are not warmed: nobody opens
            # it per kecamatan, and the load check does not).
            if name != "data":
                assert made == [], (name, params)
            made.clear()


def _count_table_work(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What drawing a table or a chart for the first time costs, by kind, as it happens:
    the texts (`_prepare`), the widths, the phone cards, the file names of the downloads,
    the dict of a shared chart, and Streamlit's marshalling of a table's texts."""
    made: list[str] = []

    def counting(owner: object, name: str, kind: str) -> None:
        real = getattr(owner, name)

        def counted(*args: object, **kwargs: object) -> object:
            made.append(kind)
            return real(*args, **kwargs)

        monkeypatch.setattr(owner, name, counted)

    counting(ui, "_prepare", "teks")
    counting(ui, "column_config", "lebar")
    counting(ui, "_cards_html", "kartu")
    counting(exports.Scope, "file_stem", "nama_berkas")
    counting(go.Figure, "to_dict", "dict_grafik")
    # The display texts Streamlit places in a copy of a Styler table (marshall_styler).
    counting(pandas_styler_utils, "_use_display_values", "teks_sel")
    return made


BUILDERS = (
    "status_by_area",
    "coverage_by_area",
    "kecamatan_map",
    "visits_map",
    "days_since_visit",
    "visits_timeline",
    "bimtek_curve",
    "sessions_capacity",
    "sessions_by_day",
    "paw_timeline",
)


def test_a_country_warms_its_unfiltered_view_only(cold: list[str], monkeypatch) -> None:
    monkeypatch.setattr(warmup, "MAX_KECAMATAN_WARMED", SAMPLE_KECAMATAN - 1)
    found = warmup.views(str(resolve_folder(SAMPLE)))
    assert [view.filters.is_filtered for view in found] == [False]


def test_warm_up_runs_in_the_background_once_per_version(monkeypatch) -> None:
    monkeypatch.setattr(warmup, "_STARTED", {})
    release, warmed = threading.Event(), []

    def slow_warm(folder: str) -> int:
        release.wait(30)
        warmed.append(folder)
        return 1

    monkeypatch.setattr(warmup, "warm", slow_warm)
    thread = warmup.ensure("versi-a")
    # ensure() came back while the warm-up still waits: no request waits for it.
    assert thread is not None and thread.daemon and thread.is_alive()
    assert warmup.ensure("versi-a") is None  # one warm-up per version and process
    release.set()
    thread.join(30)
    assert warmed == ["versi-a"]
    other = warmup.ensure("versi-b")  # a version an import names next is warmed too
    assert other is not None
    other.join(30)
    assert warmed == ["versi-a", "versi-b"]


def test_follow_warms_only_in_the_server(monkeypatch) -> None:
    started: list[str] = []
    monkeypatch.setattr(warmup, "ensure", started.append)
    monkeypatch.setattr(warmup, "_SERVING", [])
    warmup.follow("versi-a")  # an AppTest run, a test: nothing starts
    assert started == []
    monkeypatch.setattr(warmup, "_SERVING", [True])
    warmup.follow("versi-a")
    assert started == ["versi-a"]


def test_shared_answers_are_asked_once_and_never_written_through(cold: list[str]) -> None:
    folder = str(resolve_folder(SAMPLE))
    viewer = signin.Viewer(warmup.WARM_VIEWER, "demo", Path(folder))
    view = ui.page_for(folder, viewer)
    first = view.query("supervisi_kecamatan")
    expected = first.copy()
    # What pages do to their copy: a column added, a value replaced, a note in attrs.
    first["tambahan"] = 1
    first.loc[first.index[0], "kecamatan"] = "DIUBAH"
    first.attrs["catatan"] = "x"
    second = view.query("supervisi_kecamatan")
    assert cold.count("supervisi_kecamatan") == 1
    assert second is not first
    assert list(second.columns) == list(expected.columns)
    assert second.equals(expected)
    assert second.attrs == {}
    # The merged summary (Page.judged) is shared the same way.
    judged = view.judged("kecamatan")
    judged["kecamatan"] = "DIUBAH"
    again = view.judged("kecamatan")
    assert "DIUBAH" not in set(again["kecamatan"])
    assert cold.count("ringkasan_kecamatan") == 1
    assert len(again) == SAMPLE_KECAMATAN


def test_the_load_check_names_the_sign_in_setting_the_app_reads() -> None:
    # Its sessions all sign in from 127.0.0.1 in the same minute, like an office behind one
    # address; the setting must be the one kesiapan.ui.signin reads.
    assert loadtest.SIGN_INS_PER_ADDRESS_ENV == signin.ADDRESS_ATTEMPTS_ENV


def test_the_first_page_is_warmed_before_the_others(
    run_page, cold: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 17: the first visitor after a start opens Ringkasan and waits for whatever the
    warm-up is computing; so Ringkasan's queries and charts come first, before any other
    page's. What Ringkasan asks for is found by running it cold."""
    asked = cold  # query names, and "grafik:<builder>" for each chart built, in order
    for name in BUILDERS:
        real = getattr(charts, name)

        @functools.wraps(real)
        def counted(*args: object, _real=real, _name=name, **kwargs: object) -> object:
            asked.append(f"grafik:{_name}")
            return _real(*args, **kwargs)

        monkeypatch.setattr(charts, name, counted)

    def emptied() -> None:
        for cache in (ui._query, ui._view):
            cache.clear()
        ui._ANSWERS.clear()
        ui._FIGURES.clear()
        asked.clear()

    emptied()
    at = run_page("overview")
    assert not at.exception
    first_page = set(asked)
    assert {"ringkasan_total", "grafik:status_by_area", "grafik:kecamatan_map"} <= first_page

    emptied()
    folder = str(resolve_folder(SAMPLE))
    whole = warmup.views(folder)[0]
    monkeypatch.setattr(warmup, "views", lambda f: [whole])
    assert warmup.warm(folder) == 1
    # Everything Ringkasan asks for, before anything another page asks for.
    others = [i for i, name in enumerate(asked) if name not in first_page]
    assert others  # the other pages' queries and charts, after them
    assert set(asked[: others[0]]) == first_page

    # warm_first_page alone is enough for Ringkasan: a run after it computes nothing.
    emptied()
    warmup.warm_first_page(whole)
    assert set(asked) == first_page
    asked.clear()
    at = run_page("overview")
    assert not at.exception
    assert asked == []
