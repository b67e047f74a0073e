"""Issue 12 item 8: a refused selection (an area outside the scope, as only a forged message
can send it) is cleared instead of rerunning the page without end; runs per session are
bounded."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kesiapan.access import accounts as access
from kesiapan.access import audit
from kesiapan.ui import shared as ui
from tests.conftest import ROOT, signed_in

PASSWORD = "sandi-rahasia-2024"


def _forged_chart(code: str) -> None:  # runs inside AppTest: a chart that reports a click
    from types import SimpleNamespace

    import plotly.graph_objects as go
    import streamlit as st

    from kesiapan.ui import shared as ui

    runs = st.session_state.setdefault("runs", 0)
    st.session_state["runs"] = runs + 1
    event = SimpleNamespace(selection=SimpleNamespace(points=[{"customdata": [code]}]))
    real = st.plotly_chart
    st.plotly_chart = lambda *args, **kwargs: event  # the forged selection, on every run
    try:
        ui.drill_from_chart(go.Figure(), "cakupan", "kecamatan")
    finally:
        st.plotly_chart = real
    st.write(f"selesai, kunci {ui.view_key('scope')}")


@pytest.fixture
def torjun(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "tests" / "fixtures" / "mini", data)
    folder = tmp_path / "akses"
    access.add(folder, "analis", peran="analis", wilayah=["35.27.02"], password=PASSWORD)
    monkeypatch.setenv("KESIAPAN_DATA", str(data))
    monkeypatch.setenv(access.AKSES_ENV, str(folder))
    return folder


def test_a_refused_selection_is_cleared_and_does_not_loop(torjun: Path) -> None:
    at = AppTest.from_function(_forged_chart, args=("35.27.01",), default_timeout=30)
    signed_in(at.session_state, "analis")
    at.run()  # the old code reran the page for as long as the selection stayed: a timeout
    assert not at.exception
    assert at.session_state["runs"] == 1
    assert at.error[0].value.startswith("Pilihan (35.27.01) tidak ada atau di luar cakupan")
    first = at.markdown[0].value
    at.run()
    assert at.session_state["runs"] == 2
    assert at.markdown[0].value != first  # a new widget key: the selection is gone
    refused = [e for e in audit.read(torjun) if e["peristiwa"] == audit.DITOLAK]
    assert [e["pilihan"] for e in refused] == ["35.27.01", "35.27.01"]


def _many_runs() -> None:
    import streamlit as st

    from kesiapan.ui import shared as ui

    ui.limit_runs()
    st.write("jalan")


def test_runs_per_session_are_bounded() -> None:
    at = AppTest.from_function(_many_runs, default_timeout=30)
    for _ in range(ui.MAX_RUNS):
        at.run()
        assert not at.error
    at.run()
    assert at.error[0].value.startswith("Terlalu banyak permintaan dari tab ini")
    assert not at.markdown
