"""What the browser receives for a table: exact Indonesian strings, at a bounded cost.

The tables used to go through pandas' Styler (`shown.style.format(...)`), whose rendering
builds a dict per cell and refuses tables over 262.144 cells. `ui.table` now sends only the
cells whose text differs from their digits; these tests read what Streamlit would send
(`ArrowData.styler.display_values`, the cells' CSS) and compare it, string for string, with
what the old Styler produced. No test here depends on time.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from pandas.io.formats.style import Styler
from streamlit.elements.lib.pandas_styler_utils import marshall_styler
from streamlit.proto.ArrowData_pb2 import ArrowData
from streamlit.testing.v1 import AppTest

from kesiapan.contract import labels, theme
from kesiapan.ui import filters
from kesiapan.ui import shared as ui
from tests.conftest import ROOT, SAMPLE


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "kecamatan": ["Torjun", "Sreseh", None],
            "tps": pd.array([19082, 12, 5741127], dtype="int64"),
            "nomor_tps": pd.array([1001, 2, 3], dtype="int64"),
            "cakupan_bimtek": [0.875, 1.0, float("nan")],
            "keterisian": [0.98174, 0.5, 0.0],
            "kapasitas": [175.0, float("nan"), 1500.0],
            "tanggal": pd.to_datetime(["2024-01-28", "2024-02-14", None]),
            "ada_ketua": [True, False, True],
            "status": ["kurang_petugas", "siap", None],
            "jabatan": ["ketua", "anggota", None],
        }
    )


def _sent(data: object) -> tuple[pd.DataFrame | None, str]:
    """(display texts, CSS) as Streamlit marshals `data` for the browser."""
    proto = ArrowData()
    if isinstance(data, Styler):
        data.set_uuid("uuid")  # pandas draws one at random
        marshall_styler(proto, data, "uuid")
    if not proto.styler.display_values:
        return None, ""
    texts = pa.ipc.open_stream(proto.styler.display_values).read_all().to_pandas()
    return texts, proto.styler.styles


def _old_styled(shown: pd.DataFrame, raw: pd.DataFrame) -> Styler:
    """The formatting as it was before (kesiapan.ui.shared.styled, removed): the reference."""
    formats = {}
    for column in shown.columns:
        if column not in raw.columns or pd.api.types.is_bool_dtype(raw[column]):
            continue
        if not pd.api.types.is_numeric_dtype(shown[column]):
            continue
        if column.startswith("cakupan") or column == "keterisian":
            formats[column] = labels.persen
        elif pd.api.types.is_integer_dtype(raw[column]) and column != "nomor_tps":
            formats[column] = labels.angka
    return shown.style.format(na_rep="–").format(formats, na_rep="–")


def test_formats_are_the_exact_indonesian_strings() -> None:
    raw = _frame()
    shown = ui.for_display(raw)
    texts, _ = _sent(ui._carrier(shown, ui.display_values(shown, raw)))
    assert texts is not None
    assert texts["tps"].tolist() == ["19.082", "12", "5.741.127"]
    assert texts["nomor_tps"].tolist() == ["1001", "2", "3"]  # a TPS number is not a count
    assert texts["cakupan_bimtek"].tolist() == ["87,5%", "100,0%", "–"]
    assert texts["keterisian"].tolist() == ["98,2%", "50,0%", "0,0%"]
    assert texts["kapasitas"].tolist() == ["175", "–", "1.500"]
    assert texts["tanggal"].tolist() == ["28 Januari 2024", "14 Februari 2024", "–"]
    assert texts["ada_ketua"].tolist() == ["Ya", "Tidak", "Ya"]
    assert texts["status"].tolist() == ["Kurang petugas", "Siap", "–"]
    assert texts["jabatan"].tolist() == ["Ketua", "Anggota", "–"]
    assert texts["kecamatan"].tolist() == ["Torjun", "Sreseh", "–"]


def test_every_cell_reads_as_the_old_styler_made_it() -> None:
    raw = _frame()
    shown = ui.for_display(raw)
    new, _ = _sent(ui._carrier(shown, ui.display_values(shown, raw)))
    old, _ = _sent(_old_styled(shown, raw))
    pd.testing.assert_frame_equal(new, old)


def test_a_table_with_nothing_to_format_goes_as_plain_data() -> None:
    raw = pd.DataFrame({"desa": ["Noreh", "Labuhan"], "nomor_tps": [1, 2], "kali_absen": [0, 3]})
    shown = ui.for_display(raw)
    assert isinstance(ui._carrier(shown, ui.display_values(shown, raw)), pd.DataFrame)


def test_coverage_band_cells_keep_their_colours() -> None:
    raw = pd.DataFrame({"kecamatan": ["A", "B", "C"], "cakupan_bimtek": [0.5, 0.97, None]})
    shown = ui.for_display(raw)
    labels_ = raw["cakupan_bimtek"].map(theme.coverage_band).map(theme.COVERAGE_LABELS)
    shown.insert(0, "kesiapan", labels_.tolist())
    colors = dict(zip(theme.COVERAGE_LABELS.values(), theme.COVERAGE_COLORS.values(), strict=True))
    style = [
        [("background-color", colors[v]), ("color", "white"), ("font-weight", "600")]
        for v in shown["kesiapan"]
    ]
    _, css = _sent(ui._carrier(shown, ui.display_values(shown, raw), {"kesiapan": style}))
    old = _old_styled(shown, raw).map(
        lambda v: f"background-color: {colors.get(v, '')}; color: white; font-weight: 600",
        subset=["kesiapan"],
    )
    _, old_css = _sent(old)
    assert sorted(css.splitlines()) == sorted(old_css.splitlines())
    assert f"#T_uuid_row0_col0 {{ background-color: {theme.RED}; color: white" in css


def test_a_kept_table_sends_the_bytes_streamlit_would_make(monkeypatch) -> None:
    """Issue 17, round six: a table's carrier is kept per content (ui._sendable) and what
    Streamlit marshals of its Styler is kept on it; the browser gets the same bytes as from
    Streamlit's own marshalling of a fresh carrier, and a plain table goes as the Arrow
    table Streamlit would have made of it."""
    from streamlit import dataframe_util
    from streamlit.elements import arrow
    from streamlit.elements.lib import pandas_styler_utils

    raw = _frame()
    shown = ui.for_display(raw)
    texts = ui.display_values(shown, raw)
    style = [[("background-color", theme.RED), ("color", "white")]] * len(shown)
    kept = ui._sendable(shown, texts, {"kecamatan": style})
    kept.set_uuid("uuid")  # type: ignore[attr-defined]
    fresh = ui._carrier(shown, texts, {"kecamatan": style})
    fresh.set_uuid("uuid")  # type: ignore[attr-defined]
    reference = ArrowData()
    marshall_styler(reference, fresh, "uuid")  # Streamlit's own, as imported before ours
    copied: list[int] = []
    real = pandas_styler_utils._use_display_values

    def counted(*args: object) -> object:
        copied.append(1)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(pandas_styler_utils, "_use_display_values", counted)
    sent = []
    for _ in range(3):  # what st.dataframe calls, run after run
        proto = ArrowData()
        arrow.marshall_styler(proto, kept, "uuid")
        sent.append(proto.SerializeToString())
    assert copied == [1]  # marshalled once, then given again
    assert sent[0] == sent[1] == sent[2] == reference.SerializeToString()
    # Any other Styler is marshalled on every call, as Streamlit does.
    for _ in range(2):
        arrow.marshall_styler(ArrowData(), ui._carrier(shown, texts), "uuid")
    assert copied == [1, 1, 1]

    plain = ui.for_display(
        pd.DataFrame({"desa": ["Noreh", "Labuhan"], "nomor_tps": [1, 2], "kali_absen": [0, 3]})
    )
    table = ui._sendable(plain, {})
    assert isinstance(table, pa.Table)
    assert dataframe_util.convert_arrow_table_to_arrow_bytes(
        table
    ) == dataframe_util.convert_pandas_df_to_arrow_bytes(plain)


def test_a_kept_table_is_marshalled_once_when_sessions_draw_it_at_once(monkeypatch) -> None:
    """A kept carrier is shared by every session: two script threads drawing it for the first
    time at once marshal it once (the pandas Styler is not rendered from two threads at once)
    and both send Streamlit's bytes."""
    import threading

    from streamlit.elements import arrow
    from streamlit.elements.lib import pandas_styler_utils

    raw = _frame()
    shown = ui.for_display(raw)
    texts = ui.display_values(shown, raw)
    kept = ui._sendable(shown, texts)
    kept.set_uuid("uuid")  # type: ignore[attr-defined]
    fresh = ui._carrier(shown, texts)
    fresh.set_uuid("uuid")  # type: ignore[attr-defined]
    reference = ArrowData()
    marshall_styler(reference, fresh, "uuid")
    inside = threading.Event()
    copied: list[int] = []
    real = pandas_styler_utils._use_display_values

    def slow(*args: object) -> object:
        copied.append(1)
        inside.set()
        inside.wait()
        threading.Event().wait(0.2)  # the second thread arrives while the first renders
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(pandas_styler_utils, "_use_display_values", slow)
    sent: list[bytes] = []

    def draw() -> None:
        proto = ArrowData()
        arrow.marshall_styler(proto, kept, "uuid")
        sent.append(proto.SerializeToString())

    threads = [threading.Thread(target=draw) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert copied == [1]
    assert sent == [reference.SerializeToString()] * 2


def _long_table_script() -> None:
    import pandas as pd

    from kesiapan.ui import shared as ui

    rows = 300_001
    frame = pd.DataFrame(
        {
            "kecamatan": ["Torjun"] * rows,
            "kpps_aktif": range(rows),
            "cakupan_bimtek": [0.5] * rows,
        }
    )
    ui.table(frame, ["kecamatan", "kpps_aktif", "cakupan_bimtek"], key="panjang")


def test_a_long_table_is_cut_and_never_rendered_by_pandas_styler(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("pandas' Styler rendered a table")

    monkeypatch.setattr(Styler, "_translate", refuse)
    monkeypatch.setenv("KESIAPAN_DATA", str(SAMPLE))
    at = AppTest.from_function(_long_table_script, default_timeout=60).run()
    assert not at.exception, at.exception
    (table,) = at.dataframe
    assert len(table.value) == ui.MAX_ROWS_SHOWN
    assert any(
        f"1.000 baris pertama dari {labels.angka(300_001)} ditampilkan" in c.value
        for c in at.caption
    )


def test_option_lists_are_built_once_per_dataset_version(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    builds: list[int] = []
    original = filters.build_index

    def counting(areas: pd.DataFrame) -> filters.AreaIndex:
        builds.append(len(areas))
        return original(areas)

    monkeypatch.setattr(filters, "build_index", counting)
    monkeypatch.setenv("KESIAPAN_DATA", str(SAMPLE))
    ui._view.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    desa = at.multiselect(key=filters.DESA_KEY)
    assert "Desa Dulang (Torjun)" in desa.options
    # (AppTest drops the sidebar from its tree after a rerun of app.py: the later runs set
    # the filters through the session state, as the widgets would.)
    at.session_state[filters.KECAMATAN_KEY] = ["35.27.02"]
    at.session_state[filters.DATE_KEY] = date(2024, 1, 27)
    at.run()
    assert "Kecamatan Torjun" in at.caption[0].value
    assert "27 Januari 2024" in at.caption[0].value
    at.switch_page("pages/bimtek.py").run()
    assert not at.exception
    at.run()
    # Four runs of the app, one build: the sample's 186 desa, once.
    assert builds == [186]


def test_area_index_offers_what_the_filters_offered(tmp_path: Path) -> None:
    areas = pd.DataFrame(
        {
            "kode_provinsi": "35",
            "provinsi": "Jawa Timur",
            "kode_kabupaten": ["35.26", "35.26", "35.27", "35.27"],
            "kabupaten": ["Bangkalan", "Bangkalan", "Sampang", "Sampang"],
            "kode_kecamatan": ["35.26.01", "35.26.01", "35.27.01", "35.27.02"],
            "kecamatan": ["Kamal", "Kamal", "Sreseh", "Torjun"],
            "kode_desa": ["35.26.01.1001", "35.26.01.2001", "35.27.01.2001", "35.27.02.2001"],
            "desa": ["Kamal", "Banyu Ajuh", "Noreh", "Bringin"],
            "jenis": ["kelurahan", "desa", "desa", "desa"],
        }
    )
    index = filters.build_index(areas)
    assert index.kabupaten == ("35.26", "35.27")
    assert index.kecamatan_options([]) == ["35.26.01", "35.27.01", "35.27.02"]
    assert index.kecamatan_options(["35.27", "35.26"]) == ["35.26.01", "35.27.01", "35.27.02"]
    assert index.kecamatan_options(["35.27"]) == ["35.27.01", "35.27.02"]
    assert index.desa_options(["35.27"], ["35.27.02"]) == ["35.27.02.2001"]
    assert index.desa_options([], [], limit=3) is None  # too many to offer
    assert [index.label(c) for c in index.desa_options(["35.26"], [])] == [
        "Kel. Kamal (Kamal)",
        "Desa Banyu Ajuh (Kamal)",
    ]
    assert index.label("35.27") == "Sampang"
    assert index.label("35.27.02") == "Torjun"
    assert index.kecamatan_of_desa["35.27.01.2001"] == "35.27.01"


def test_a_view_over_many_kecamatan_ranks_kabupaten_and_drills_into_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`mini` has two kabupaten and three kecamatan; with room for two areas in a chart the
    whole dataset is summarised by kabupaten (as a province or the country is), and choosing
    one kabupaten goes back to its kecamatan."""
    import shutil

    from kesiapan.access import accounts as access
    from tests.conftest import signed_in

    data = tmp_path / "data"
    shutil.copytree(ROOT / "tests" / "fixtures" / "mini", data)
    monkeypatch.setenv("KESIAPAN_DATA", str(data))
    monkeypatch.setenv(access.AKSES_ENV, str(tmp_path / "akses"))
    access.add(
        tmp_path / "akses",
        "adm",
        peran="admin",
        wilayah=[],
        nama="A",
        password="sandi-rahasia-2024",
    )
    monkeypatch.setattr(ui, "MAX_CHART_AREAS", 2)

    def overview(**params: str) -> AppTest:
        at = AppTest.from_file(str(ROOT / "pages" / "overview.py"), default_timeout=60)
        for key, value in params.items():
            at.query_params[key] = value
        signed_in(at.session_state, "adm", tmp_path / "akses")
        return at.run()

    at = overview()
    assert not at.exception
    ranking = at.dataframe[0].value
    assert sorted(ranking["kabupaten"]) == ["Bangkalan", "Sampang"]
    assert any(s.value == "Peringkat kabupaten (perlu perhatian di atas)" for s in at.subheader)
    at = overview(kab="35.27")
    assert sorted(at.dataframe[0].value["kecamatan"]) == ["Sreseh", "Torjun"]


def test_a_figure_is_built_once_per_content_of_its_query() -> None:
    built: list[int] = []

    def builder(frame: pd.DataFrame, title: str, geo: dict | None = None) -> object:
        built.append(len(frame))
        return object()

    ui._FIGURES.clear()
    geo = {"type": "FeatureCollection", "features": []}
    first = ui.figure(builder, pd.DataFrame({"a": [1, 2]}), "x", geo=geo)
    assert ui.figure(builder, pd.DataFrame({"a": [1, 2]}), "x", geo=geo) is first
    assert ui.figure(builder, pd.DataFrame({"a": [1, 3]}), "x", geo=geo) is not first
    assert ui.figure(builder, pd.DataFrame({"a": [1, 2]}), "y", geo=geo) is not first
    assert ui.figure(builder, pd.DataFrame({"b": [1, 2]}), "x", geo=geo) is not first
    assert ui.figure(builder, pd.DataFrame({"a": [1, 2]}), "x", geo=dict(geo)) is not first
    assert built == [2, 2, 2, 2, 2]


def test_a_masked_and_an_unmasked_list_never_share_a_prepared_table() -> None:
    unmasked = pd.DataFrame({"nama": ["Ainul"], "nik": ["3527016307890001"]})
    masked = pd.DataFrame({"nama": ["Ainul"], "nik": ["3527••••••••0001"]})
    assert ui._content_key(unmasked) != ui._content_key(masked)
    ui._FIGURES.clear()
    first = ui.remembered(("table", ui._content_key(unmasked)), lambda: ui._prepare(unmasked))
    second = ui.remembered(("table", ui._content_key(masked)), lambda: ui._prepare(masked))
    assert first[0]["nik"].tolist() == ["3527016307890001"]
    assert second[0]["nik"].tolist() == ["3527••••••••0001"]
