"""Issue 17, putaran keempat: figures and tables drawn from a query answer are cached by the
key the answer was fetched by (query, filters, scope, dataset version, journal stamp), not by
hashing the frame's values; and every chart gets plotly_white without Plotly re-validating it.
Nothing here is timed."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import plotly.io as pio
import pytest

from kesiapan.access import accounts as access
from kesiapan.outputs import charts
from kesiapan.store.dataset import resolve_folder
from kesiapan.ui import shared as ui
from kesiapan.ui import signin, warmup
from tests.charts.test_charts import RINGKASAN
from tests.conftest import SAMPLE


def _view(folder: str, **filters: object) -> ui.Page:
    viewer = signin.Viewer(warmup.WARM_VIEWER, "demo", Path(folder))
    view = ui.page_for(folder, viewer)
    if filters:
        view = ui.page_for(folder, viewer, ui.flt.Filters(**filters))
    return view


@pytest.fixture
def no_hashing(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the frames hashed for a cache key from here on."""
    hashed: list[int] = []
    real = pd.util.hash_pandas_object

    def counted(frame: pd.DataFrame, *args: object, **kwargs: object) -> pd.Series:
        hashed.append(len(frame))
        return real(frame, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pd.util, "hash_pandas_object", counted)
    return hashed


def test_an_answer_is_keyed_by_its_query_the_same_in_every_session(
    no_hashing: list[int],
) -> None:
    ui._ANSWERS.clear()
    folder = str(resolve_folder(SAMPLE))
    first = _view(folder).query("supervisi_kecamatan")
    second = _view(folder).query("supervisi_kecamatan")  # another session, the same view
    assert first is not second
    stamp = ui.dataset(folder).journal_stamp()
    expected = (
        "answer",
        (folder, None, "supervisi_kecamatan", date(2024, 2, 12), None, None, None, None, stamp),
    )
    assert ui._content_key(first) == expected
    assert ui._content_key(second) == expected
    # Another date is another key; the derived rows of a table too, by its columns and rows.
    other = _view(folder, as_of=date(2024, 2, 11)).query("supervisi_kecamatan")
    assert ui._content_key(other)[1][3] == date(2024, 2, 11)
    assert ui._rows_key(first, 5, ["kecamatan"]) == ("rows", expected[1], ("kecamatan",), 5)
    assert no_hashing == []


def test_another_version_of_the_data_is_another_key(tmp_path: Path) -> None:
    ui._ANSWERS.clear()
    folder = str(resolve_folder(SAMPLE))
    copy = tmp_path / "salinan"
    shutil.copytree(SAMPLE, copy)
    other = str(resolve_folder(copy))
    first = _view(folder).query("ringkasan_kecamatan")
    again = _view(other).query("ringkasan_kecamatan")
    assert first.equals(again)  # the same values...
    assert ui._content_key(first)[1][0] == folder
    assert ui._content_key(again)[1][0] == other  # ...under another version's key


def test_a_copy_changed_in_place_is_keyed_by_its_values_again(no_hashing: list[int]) -> None:
    ui._ANSWERS.clear()
    folder = str(resolve_folder(SAMPLE))
    view = _view(folder)
    kept = ui._content_key(view.query("supervisi_kecamatan"))
    for change in (
        lambda f: f.__setitem__("tambahan", 1),  # a column added
        lambda f: f.__setitem__("kecamatan", "DIUBAH"),  # a column replaced
        lambda f: f.loc.__setitem__((f.index[0], "kunjungan"), 99),  # one cell written
        lambda f: f.pop("kunjungan"),  # a column taken out
        lambda f: setattr(f, "index", f.index + 1),  # re-indexed
    ):
        frame = view.query("supervisi_kecamatan")
        change(frame)
        key = ui._content_key(frame)
        assert key[0] == "frame"
        assert key != kept
    assert no_hashing == [14, 14, 14, 14, 14]  # Sampang's 14 kecamatan, hashed each time
    # The shared answer itself was never written through.
    assert ui._content_key(view.query("supervisi_kecamatan")) == kept
    assert "DIUBAH" not in set(view.query("supervisi_kecamatan")["kecamatan"])


def test_figures_and_masked_lists_drawn_from_answers_are_built_once(no_hashing: list[int]) -> None:
    ui._ANSWERS.clear()
    ui._FIGURES.clear()
    folder = str(resolve_folder(SAMPLE))
    one, two = _view(folder), _view(folder)
    built = ui.figure(charts.visits_timeline, one.query("supervisi_kunjungan"))
    assert ui.figure(charts.visits_timeline, two.query("supervisi_kunjungan")) is built
    # Masking and map points are derived once per origin, and keep one.
    demo = access.tampil(access.DEMO)
    masked = ui.masked(one.query("paw"), demo)
    assert ui.origin(masked) == ui.origin(ui.masked(two.query("paw"), demo))
    assert ui.origin(masked)[:2] == ("derived", "masked")
    assert masked["nik_berhenti"].iloc[0] == "3527••••••••7770"
    # Another viewer's masking is another entry: this one sees NIK.
    shown = one.masked(one.query("paw"))
    assert shown["nik_berhenti"].iloc[0] == "3527025902837770"
    assert ui.origin(shown) != ui.origin(masked)
    torjun = {"kecamatan": ["35.27.02"], "desa": None}
    points = ui.desa_points(one.query("supervisi_desa", **torjun), one.judged("desa", **torjun))
    again = ui.desa_points(two.query("supervisi_desa", **torjun), two.judged("desa", **torjun))
    assert again is not points and again.equals(points)
    assert ui._content_key(again) == ui._content_key(points)
    assert no_hashing == []


def test_plotly_white_is_validated_once_and_figures_are_unchanged() -> None:
    charts._template.cache_clear()
    fig = charts.status_by_area(RINGKASAN)
    assert charts._template.cache_info().misses == 1
    charts._empty_figure("Belum ada data.")
    assert charts._template.cache_info().misses == 1
    # Each figure its own template, equal to the registered one and to what the validating
    # path stores, to the byte.
    assert fig.layout.template == pio.templates["plotly_white"]
    assert fig.layout.template is not charts._empty_figure("x").layout.template
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            charts, "_attach_template", lambda f: f.update_layout(template="plotly_white")
        )
        validated = charts.status_by_area(RINGKASAN)
    assert validated.to_json() == fig.to_json()
    assert json.loads(fig.to_json())["layout"]["template"] == charts._template()
    # Changing one figure's template changes neither another figure nor the kept one.
    fig.layout.template.layout.font.size = 30
    assert charts._empty_figure("x").layout.template.layout.font.size is None
    assert "size" not in charts._template()["layout"]["font"]
