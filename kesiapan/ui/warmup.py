"""Issue 17: the first visitor after a server start, or after an import names a new version,
should not pay for what every visitor needs first.

A first open cost the heavy imports (pandas, Plotly, DuckDB's Python side), the store's open,
the area list and its option lists, the kecamatan boundaries and the first answer of every
query of the unfiltered views: a national Supervisi without filter took ±14 s, the first
Ringkasan after a start 11–20 s. `start()` does that work in a daemon thread, once per version
folder and process: the server starts listening at once, and a visitor who asks meanwhile waits
for the same cache entry (Streamlit computes one entry once) instead of computing it again.

What is warmed is the view of an account without area limits (an admin, and the bundled
sample's demo visitor): the unfiltered views of every dashboard page and, for a dataset of at
most MAX_KECAMATAN_WARMED kecamatan (a kabupaten's office), each kecamatan's views too, with
their charts. The unfiltered Ringkasan, the page everyone opens first after signing in, comes
before everything else (`warm_first_page`): the first visitor after a start waits for what the
warm-up is computing, and a warm-up that did every page's queries first made that visitor
wait behind all of them. The query answers stay in `ui.shared`'s query cache (its time to
live, then computed again on the next open); `warm()` walks the same `Page` methods and chart
builders the pages call, so the cache keys are the pages' own (tests/pages/test_warmup.py runs
the pages after a warm-up and finds every query answered and every chart built).
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from kesiapan.access import accounts as access
from kesiapan.outputs import charts
from kesiapan.store import versions
from kesiapan.ui import filters as flt
from kesiapan.ui import shared as ui
from kesiapan.ui import signin, tables

# A kabupaten has 10-30 kecamatan; a province or the country has thousands, of which only the
# unfiltered views are warmed (each view is ±25 query answers in a cache of 1.024).
MAX_KECAMATAN_WARMED = 30
NAMES_SHOWN = tables.MAX_NAMES_SHOWN  # the untrained list's cap
SESSIONS_CHARTED = 40  # pages/bimtek.py MAX_SESSIONS_CHARTED: one bar per session up to this
RUNTIME_WAIT_S = 120.0  # how long a warm-up started with the server waits for its runtime
# Queries every dashboard page asks for with the view's filters and nothing overridden, beyond
# what `Page.previous`, `Page.areas_summary` and `Page.judged` ask for.
PAGE_QUERIES = (
    "ringkasan_total",  # ui.start
    "jadwal_total",  # Cakupan Bimtek
    "bimtek_kumulatif",
    "jadwal_harian",
    "bimtek_sesi_kehadiran",
    "rencana_sesi",
    "bimtek_sesi_harian",
    "tps_kekurangan",  # Kekurangan Petugas
    "paw",
    "supervisi_kecamatan",  # Supervisi
    "supervisi_kunjungan",
    "supervisi_sesi",
    "supervisi_desa",
    "ringkasan_desa",
    "data_tabel",  # Data
    "bimtek_sesi_lain",
)
# The account a warm-up looks through: no area limits, like an admin; "demo" so that nothing
# it does is written into the audit log.
WARM_VIEWER = access.Pengguna("pemanasan", "Pemanasan", "admin")

_LOG = logging.getLogger(__name__)
_LOCK = threading.Lock()
_STARTED: dict[str, threading.Thread] = {}
_SERVING: list[bool] = []  # set by `with_server`: this process is the dashboard's server
# People first: between its steps the warm-up waits while a script runs (Streamlit's script
# threads) or a page run began within GIVE_WAY_S; the imports and the store's open come first.
GIVE_WAY_S = 1.5
SCRIPT_THREAD = "ScriptRunner.scriptThread"  # the name Streamlit gives a script run's thread
_LAST_RUN = [0.0]  # monotonic time of the last page run's start in this process


def ensure(folder: str) -> threading.Thread | None:
    """Warm `folder` (a version folder, `resolve_folder`'s answer) in the background unless
    this process has already started to; returns the thread it started. Cheap enough to call
    on every run: a new version is warmed when the first run after an import sees it."""
    with _LOCK:
        if folder in _STARTED:
            return None
        thread = threading.Thread(
            target=_warm_logged, args=(folder,), name=f"kesiapan-pemanasan-{len(_STARTED)}"
        )
        thread.daemon = True
        _STARTED[folder] = thread
    thread.start()
    return thread


def note_run() -> None:
    """From the top of every run of app.py: a person is using the server now."""
    _LAST_RUN[0] = time.monotonic()


def _give_way() -> None:
    while True:
        wait = _LAST_RUN[0] + GIVE_WAY_S - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        elif any(t.name == SCRIPT_THREAD and t.is_alive() for t in threading.enumerate()):
            time.sleep(0.1)
        else:
            return


def follow(folder: str) -> None:
    """From every run of app.py: in the dashboard's server (not in a test's AppTest), a
    version not seen before (an import just named it) is warmed in the background."""
    if _SERVING:
        ensure(folder)


def with_server(data_folder: Path) -> None:
    """In a thread `python -m kesiapan.ui.serve` starts before Streamlit's server: wait for
    Streamlit's runtime (its caches are the ones the sessions use), then warm the dataset's
    live version (`ensure`)."""
    from streamlit import runtime

    from kesiapan.store.dataset import resolve_folder

    _SERVING.append(True)
    deadline = time.monotonic() + RUNTIME_WAIT_S
    while not runtime.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    if not runtime.exists():
        return
    try:
        folder = str(resolve_folder(data_folder))
    except Exception:  # a dataset that does not open says so to its first visitor
        _LOG.warning("Pemanasan dilewati: folder data tidak terbaca", exc_info=True)
        return
    ensure(folder)


def _warm_logged(folder: str) -> None:
    started = time.monotonic()
    try:
        views = warm(folder)
    except Exception:  # a warm-up never takes the server down; the visitor sees the error
        _LOG.warning("Pemanasan %s gagal", Path(folder).name, exc_info=True)
        return
    _LOG.info("Pemanasan: %d tampilan dalam %.1f dtk", views, time.monotonic() - started)


def _whole(folder: str) -> ui.Page:
    """The unfiltered view of `folder`, as the warm-up's account sees it."""
    return ui.page_for(folder, signin.Viewer(WARM_VIEWER, "demo", Path(folder)), None)


def views(folder: str) -> list[ui.Page]:
    """The views warmed for `folder`: unfiltered, then each kecamatan's when there are at most
    MAX_KECAMATAN_WARMED of them."""
    viewer = signin.Viewer(WARM_VIEWER, "demo", Path(folder))
    whole = _whole(folder)
    found = [whole]
    kecamatan = whole.index.kecamatan_options([])
    if len(kecamatan) <= MAX_KECAMATAN_WARMED:
        as_of = whole.filters.as_of
        found += [
            ui.page_for(folder, viewer, flt.Filters(as_of=as_of, kecamatan=(code,)))
            for code in kecamatan
        ]
    return found


def warm(folder: str) -> int:
    """Answer every query the dashboard pages ask for in each view of `views(folder)`, the
    unfiltered one first, and within it the first page people open (Ringkasan) before the
    others; returns how many views were warmed."""
    started = time.monotonic()
    warm_first_page(_whole(folder))
    _LOG.info("Pemanasan: Ringkasan tanpa filter siap dalam %.1f dtk", time.monotonic() - started)
    found = views(folder)
    access.dummy_hash()  # a wrong user name's check, made before anyone signs in
    for view in found:
        warm_view(view)
    return len(found)


def warm_first_page(view: ui.Page) -> None:
    """What the first page after sign-in (Ringkasan) asks for in `view`: its totals, the
    area summary, the map's fill and boundaries and its two charts. Issue 17: in the order
    `warm_view` used, the first visitor after a start waited behind every other page's
    queries and charts (the warm-up computes an entry once; the visitor waits for it).
    It does not give way: what it computes is what the visitor signing in needs next, and
    while it gave way to the sign-in form's runs the visitor computed it all alone."""
    view.query("ringkasan_total")
    view.previous()
    summary, name_col, code_col, _ = view.areas_summary()
    _drawn(ui.figure(charts.status_by_area, summary, name_col, code_col))
    geojson = view.geojson()
    if geojson is not None and view.single_kecamatan is None:
        _drawn(ui.figure(charts.kecamatan_map, view.judged("kecamatan"), geojson, points=None))
    tables.warm_ranking(view)


def _drawn(figure: object) -> None:
    """The dict st.plotly_chart sends of a shared figure (`ui.SharedFigure`), made now: on a
    view's first run it was a tenth of the run."""
    if isinstance(figure, ui.SharedFigure):
        figure.to_dict()


def warm_view(view: ui.Page) -> None:
    """The queries, area summaries and boundaries one view of the dashboard pages needs, and
    its charts; giving way to people before each step."""
    _give_way()
    view.geojson()
    view.previous()
    _give_way()
    view.areas_summary()
    view.judged("kecamatan")  # the map's fill
    single = view.single_kecamatan
    if single is not None:  # the map's desa dots: every desa of the kecamatan
        whole = {"kecamatan": [single], "desa": None}
        view.judged("desa", **whole)
        view.query("supervisi_desa", **whole)
        view.query("tps_status")  # Cakupan Bimtek's TPS table
    for name in PAGE_QUERIES:
        _give_way()
        view.query(name)
    _give_way()
    view.query("rencana_bimtek", batas=NAMES_SHOWN)
    warm_figures(view)
    warm_tables(view)


def warm_tables(view: ui.Page) -> None:
    """Every table of the view's pages as the pages draw them (kesiapan.ui.tables): texts,
    widths, phone cards and file names; for the bundled sample also as its demo visitor sees
    them (names masked)."""
    _give_way()
    tables.warm(view)
    if versions.is_bundled_sample(Path(view.folder)):
        _give_way()
        demo = signin.Viewer(access.DEMO, "demo", view.viewer.akses_folder)
        tables.warm(ui.page_for(view.folder, demo, view.filters))


def _figure(builder: object, *args: object, **kwargs: object) -> None:
    _give_way()
    _drawn(ui.figure(builder, *args, **kwargs))  # type: ignore[arg-type]


def warm_figures(view: ui.Page) -> None:
    """The charts of the view's pages, built as the pages ask for them (`ui.figure`: one per
    content, for every session): a national map or visits map took seconds to build."""
    summary, name_col, code_col, _ = view.areas_summary()
    _figure(charts.status_by_area, summary, name_col, code_col)  # Ringkasan, Kekurangan
    _figure(charts.coverage_by_area, summary, name_col, code_col)  # Cakupan Bimtek
    geojson = view.geojson()
    single = view.single_kecamatan
    per_kecamatan = ui.least_visited(view)
    visits = view.query("supervisi_kunjungan")
    if geojson is not None:
        points = None
        if single is not None:
            whole = {"kecamatan": [single], "desa": None}
            desa = view.judged("desa", **whole)
            points = ui.desa_points(view.query("supervisi_desa", **whole), desa)
        _figure(charts.kecamatan_map, view.judged("kecamatan"), geojson, points=points)
        _figure(charts.visits_map, visits, geojson, per_kecamatan)
    _figure(charts.days_since_visit, ui.longest_waiting(per_kecamatan))
    if not visits.empty:
        _figure(charts.visits_timeline, visits)
    curve = view.query("bimtek_kumulatif")
    if not curve.empty:
        config = view.data.config
        _figure(
            charts.bimtek_curve,
            curve,
            config.bimtek_mulai,
            config.bimtek_selesai,
            view.filters.as_of,
            hari_pemungutan=config.hari_pemungutan,
            expected=view.query("jadwal_harian"),
        )
    sessions = ui.sessions_planned(view)
    if not sessions.empty:
        if len(sessions) <= SESSIONS_CHARTED:
            _figure(charts.sessions_capacity, sessions)
        else:
            _figure(charts.sessions_by_day, view.query("bimtek_sesi_harian"))
    paw = view.query("paw")
    if not paw.empty:
        # As an account that sees names and as the sample's demo visitor (names masked).
        for tampil in {access.tampil(WARM_VIEWER), access.tampil(access.DEMO)}:
            _figure(charts.paw_timeline, ui.masked(paw, tampil))
