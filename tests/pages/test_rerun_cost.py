"""Issue 17, putaran kelima: what a warm rerun of a page through the server no longer pays.
A rerun of a view already drawn hashes no frame for a cache key (the pages derive their
frames once per answer, ui.derived), and st.plotly_chart gets the dict of a shared figure
made once (ui.SharedFigure), the same JSON as before. Nothing here is timed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from kesiapan.access import accounts as access
from kesiapan.outputs import charts
from kesiapan.ui import shared as ui
from tests.charts.test_charts import RINGKASAN
from tests.conftest import ROOT, signed_in
from tests.pages.test_masuk import MINI
from tests.pages.test_warmup import TORJUN


@pytest.mark.parametrize("name", ["bimtek", "supervisi"])
def test_a_warm_rerun_hashes_no_frame(run_page, name: str, monkeypatch) -> None:
    for params in ({}, {"kec": TORJUN}):
        first = run_page(name, **params)
        assert not first.exception, (name, params, first.exception)
        hashed: list[int] = []
        real = pd.util.hash_pandas_object

        def counted(frame: pd.DataFrame, *args: object, _real=real, **kwargs: object) -> object:
            hashed.append(len(frame))
            return _real(frame, *args, **kwargs)

        monkeypatch.setattr(pd.util, "hash_pandas_object", counted)
        again = run_page(name, **params)  # another session, the same view
        monkeypatch.setattr(pd.util, "hash_pandas_object", real)
        assert not again.exception, (name, params, again.exception)
        assert hashed == [], (name, params)
        # The same page as before: the tables and charts are all there.
        assert len(again.dataframe) == len(first.dataframe) >= 2
        assert len(again.get("plotly_chart")) == len(first.get("plotly_chart")) >= 2


def test_a_shared_figure_makes_its_dict_once_and_its_json_is_unchanged(monkeypatch) -> None:
    plain = charts.status_by_area(RINGKASAN)
    shared = ui.figure(charts.status_by_area, RINGKASAN)
    assert isinstance(shared, ui.SharedFigure) and isinstance(shared, go.Figure)
    made: list[int] = []
    real = go.Figure.to_dict

    def counted(self: go.Figure) -> dict[str, object]:
        made.append(1)
        return real(self)

    monkeypatch.setattr(go.Figure, "to_dict", counted)
    first, second = shared.to_dict(), shared.to_dict()
    assert first is second and made == [1]
    # What st.plotly_chart sends: byte for byte the JSON of the figure as built.
    assert shared.to_json() == plain.to_json()
    assert (
        json.loads(shared.to_json())["data"][0]["x"] == json.loads(plain.to_json())["data"][0]["x"]
    )


def test_who_is_looking_is_read_once_per_run_and_again_on_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Round six: the frame, the page and its tables each asked who is looking, and each
    read the accounts file again; now once per run, and still on every run, so a disabled
    account ends at the next run (tests/pages/test_masuk.py checks that through the app)."""
    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    monkeypatch.setenv("KESIAPAN_DATA", str(data))
    monkeypatch.setenv(access.AKSES_ENV, str(tmp_path / "akses"))
    access.add(
        tmp_path / "akses", "rina", peran="analis", wilayah=["35.27"], password="sandi-rahasia-2024"
    )
    reads: list[str] = []
    real = access.load

    def counted(folder: Path) -> dict[str, access.Pengguna]:
        reads.append(folder.name)
        return real(folder)

    monkeypatch.setattr(access, "load", counted)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    signed_in(at.session_state, "rina")
    reads.clear()
    at.run()
    assert not at.exception and at.metric
    # One look per run: whether any account exists, and the signed-in one.
    assert reads == ["akses", "akses"]
    reads.clear()
    at.switch_page("pages/bimtek.py").run()
    assert not at.exception and at.metric
    assert reads == ["akses", "akses"]
    access.set_active(tmp_path / "akses", "rina", False)
    at.switch_page("pages/overview.py").run()
    assert not at.metric and at.text_input(key="masuk_nama")


def test_the_tab_icon_is_the_icon_file_as_a_data_url() -> None:
    """Round six: st.set_page_config got the icon's path and read, hashed and registered the
    file on every run; it gets the same image as a data URL made once, still nothing from
    outside (a Material icon would be fetched from Google by the browser)."""
    import base64

    head, _, body = ui.FAVICON.partition(",")
    assert head == "data:image/png;base64"
    assert base64.b64decode(body) == (ROOT / "kesiapan" / "ikon.png").read_bytes()
    assert "page_icon=ui.FAVICON" in (ROOT / "app.py").read_text(encoding="utf-8")
