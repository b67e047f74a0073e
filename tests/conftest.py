"""Shared test helpers: write small datasets to a temporary folder."""

from __future__ import annotations

import contextlib
import fcntl
import io
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Frame, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from kesiapan import paths
from kesiapan.devtools import sample
from kesiapan.devtools.loadtest import CHROMIUM, CHROMIUM_ARGS, DESKTOP
from kesiapan.store import dataset as store
from kesiapan.store.dataset import Dataset
from kesiapan.ui import serve

# Inherited by every server and command the tests start. Two pytest workers share two cores:
# one DuckDB thread each (±15 % less CPU on the query-heavy tests, measured). The warm-up at a
# server's start (±10 s of CPU on the sample) is off except for the browser tests' shared
# server (tests/browser/conftest.py) and the warm-up's own tests, which call it directly.
os.environ.setdefault(store.THREADS_ENV, "1")
os.environ.setdefault(serve.WARM_ENV, "0")

ROOT = paths.ROOT
SAMPLE = paths.SAMPLE
RESULTS = ROOT / "test-results"  # server logs, screenshots for review, failure pictures
BROWSER_DESKTOP = DESKTOP  # a new tab's size unless the test says (1400×900)
BROWSER_WAIT_MS = 30_000  # every single wait in the browser, unless a test sets its own
# Between two asks of /_stcore/health while a server starts: a start takes ±1 s, and a refused
# connection costs nothing, so a 0,25 s pause left up to a quarter of a second idle per start.
HEALTH_POLL_S = 0.05

WILAYAH = """kode_provinsi,provinsi,kode_kabupaten,kabupaten,kode_kecamatan,kecamatan,kode_desa,desa,jenis,lat,lon
35,Jawa Timur,35.27,Sampang,35.27.02,Torjun,35.27.02.2001,Bringin Nonggal,desa,-7.14,113.20
35,Jawa Timur,35.27,Sampang,35.27.02,Torjun,35.27.02.2002,Kodak,desa,-7.15,113.21
"""
TPS = """kode_tps,kode_desa,nomor_tps,jumlah_dpt,kebutuhan_kpps
3527022001001,35.27.02.2001,1,250,
3527022002001,35.27.02.2002,1,240,2
"""
KPPS = """nik,nama,jenis_kelamin,tanggal_lahir,no_hp,kode_tps,jabatan,tanggal_sk,tanggal_berhenti,alasan_berhenti
3527020101900001,Moh. Hasan,L,1990-01-01,081234567890,3527022001001,ketua,2024-01-24,,
3527024202950001,Siti Aminah,P,1995-02-02,,3527022002001,KPPS 1,2024-01-24,,
3527020303880001,Abd. Rahman,L,1988-03-03,,3527022002001,KPPS 2,2024-01-24,,
"""
SESI = """kode_sesi,kode_kecamatan,tanggal,tempat,kapasitas
BT-352702-01,35.27.02,2024-01-26,Aula Kantor Kecamatan Torjun,100
"""
HADIR = """kode_sesi,nik,hadir,nilai_pre,nilai_post
BT-352702-01,3527020101900001,ya,60,85
BT-352702-01,3527024202950001,tidak,,
"""
SUPERVISI = """tanggal,pengawas,lembaga,kode_kecamatan,kode_desa,kode_sesi,temuan,tindak_lanjut
2024-01-26,Budi Santoso,KPU Kabupaten Sampang,35.27.02,,BT-352702-01,,
"""
TABLES = {
    "wilayah": WILAYAH,
    "tps": TPS,
    "kpps": KPPS,
    "bimtek_sesi": SESI,
    "bimtek_hadir": HADIR,
    "supervisi": SUPERVISI,
}


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """A valid three-member dataset in Torjun, as CSV files that tests may edit."""
    folder = tmp_path / "small"
    folder.mkdir()
    for name, text in TABLES.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    """A copy of the sample that tests may change, with the sample's store beside it."""
    folder = tmp_path / "sample"
    copy_sample(folder)
    return folder


def copy_sample(folder: Path) -> Path:
    """Copy the sample's files to `folder`, and the sample's built store with them when
    `folder` is named like the sample (see `copy_dataset`)."""
    return copy_dataset(SAMPLE, folder)


def copy_dataset(source: Path, folder: Path) -> Path:
    """Copy a dataset folder's files to `folder`, and its built store with them when `folder`
    is named like `source`: a store's name is the fingerprint of the files' names, sizes and
    times and of the folder's name (kesiapan.store.dataset._fingerprint), which the copy
    keeps, so the copy opens it as if it had built it itself (±4 s of CPU a copy of the
    sample, ±1 s of a small fixture). Under another name the copy builds its own at its first
    open, as before."""
    shutil.copytree(source, folder, ignore=shutil.ignore_patterns(".kesiapan-*"))
    if folder.name == source.name:
        built = store.built_store(source)
        if built is None:
            Dataset.open(source)  # builds it (safe against another worker doing the same)
            built = store.built_store(source)
        if built is not None:
            shutil.copy2(built, folder / built.name)
    return folder


def run_cli(*args: str, umask: int | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m kesiapan …` inside this process: the same `main` the module runs, its exit
    code (argparse's too) and what it wrote to stdout and stderr, as `subprocess.run` returns
    them, without a Python start and its imports (±1–4 s of CPU a command). An exception that
    would end the command with a traceback fails the test here. `umask` is set for the
    command's duration, as `preexec_fn=lambda: os.umask(...)` sets it for a child."""
    from kesiapan.cli import main as cli

    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="")
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="")
    old = os.umask(umask) if umask is not None else None
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli.main(list(args))
            except SystemExit as exc:  # argparse's refusals
                code = exc.code if isinstance(exc.code, int) else 1
    finally:
        if old is not None:
            os.umask(old)
    texts = []
    for stream in (out, err):
        stream.flush()
        texts.append(stream.buffer.getvalue().decode("utf-8"))  # type: ignore[attr-defined]
    return subprocess.CompletedProcess(["kesiapan", *args], code, texts[0], texts[1])


_LANGSUNG_MACRO = re.compile(r"create or replace macro ([a-z_]+)\((as_of)?\) as table")


def materialize_reference(data: Dataset, dates: Iterable[date]) -> list[date]:
    """Test-only speed-up of a reference dataset (`Dataset.open(..., precomputed=False)`)
    that answers many queries at few as-of dates. Its building blocks, the macros of
    queries/macros/langsung/ (active members, trained NIKs, TPS and desa status, ...: straight
    from the typed tables), are computed by those same macros once per date, into tables of
    the reference's own in-memory database; each macro then reads its table instead of
    computing it again inside every query (every query calls them with its own `$as_of`).
    The answers are the same; what runs per query is the query file itself. Returns the dates
    prepared (the default as-of date among them): a query at another date would find nothing,
    so callers assert that they ask only these."""
    assert not data.precomputed, "only the reference is prepared; the store stays as built"
    prepared = sorted({*dates, data.default_as_of})
    data.journal_stamp(force=True)  # the journal's marks as they are now, in every table
    con = data._con
    macros = []
    for path in sorted((store.MACROS_DIR / "langsung").glob("*.sql")):
        found = _LANGSUNG_MACRO.search(path.read_text(encoding="utf-8"))
        assert found, path
        macros.append((found.group(1), found.group(2) is not None))
    for name, dated in macros:  # every table from the macros as written ...
        if not dated:
            con.execute(f"create table _ref_{name} as select * from {name}()")
            continue
        for number, day in enumerate(prepared):
            into = f"create table _ref_{name} as" if number == 0 else f"insert into _ref_{name}"
            con.execute(f"{into} select $d as _as_of, * from {name}($d)", {"d": day})
    for name, dated in macros:  # ... then every macro reads its table
        con.execute(
            f"create or replace macro {name}(as_of) as table select * exclude (_as_of) "
            f"from _ref_{name} where _as_of = as_of"
            if dated
            else f"create or replace macro {name}() as table select * from _ref_{name}"
        )
    return prepared


def _shared_folder(tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    """A folder every xdist worker of this run sees (the run's base temp), else the session's."""
    base = tmp_path_factory.getbasetemp()
    return (base.parent if base.name.startswith("popen-gw") else base) / name


@pytest.fixture(scope="session")
def jatim_900(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The synthetic Jawa Timur-shaped dataset shrunk to 900 TPS (seed 7: several kabupaten),
    generated and its store built once per run: both xdist workers share it behind a file lock
    (generating is quick; building its store is not). Read-only for the tests: a test that
    writes copies it (Dataset.open keeps the store in the folder, opened read-only)."""
    folder = _shared_folder(tmp_path_factory, "jatim-900")
    done = folder.with_name("jatim-900.siap")  # beside the folder: the loader reads all inside
    with folder.with_name("jatim-900.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the other worker waits here until it is built
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # a half-made one from a killed worker
            sample.generate(folder, scale="jatim", seed=7, _n_tps=900)
            Dataset.open(folder)
            done.touch()
    return folder


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """Debian's Chromium through Playwright, one for the whole run: Playwright's sync API
    cannot be started twice in one process, and the browser, export and import tests all
    need it. Missing Chromium fails (never skips): CI installs it."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}. The browser tests need Debian's Chromium: "
            "`apt-get install chromium` (see .ci/run). Playwright's own browser download "
            "is not used.",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


class Tabs:
    """The worker's one browser context and the tab its tests take turns in.

    A page load in a new tab costs Chromium ±4,4 s of CPU on the sample's Ringkasan; in a tab
    that has loaded the app before, ±2,0 s (measured: a new tab is a new renderer process,
    which parses and compiles Streamlit's ±130 JavaScript modules again; the cache of the
    context spares only their transfer). So every test's first `open_page` gets the same tab,
    and `forget_visitors` leaves it as a new visitor's: at about:blank (the test's Streamlit
    session ends there), its storage and the context's cookies and permissions cleared, the
    test's listeners (`listen`) removed, the desktop size and default timeout back."""

    def __init__(self, context: BrowserContext) -> None:
        self.context = context
        self.tab: Page | None = None
        self.origins: set[str] = set()  # every origin the tab has been on (storage to clear)

    def open(self, width: int, height: int) -> Page:
        """The shared tab when no test holds it, else a new tab (a second session)."""
        if self.tab is None or self.tab.is_closed():
            self.tab = self.context.new_page()
            self.tab.on("framenavigated", self._remember_origin)
            page = self.tab
        elif not self._held:
            page = self.tab
        else:
            page = self.context.new_page()
        self._held = True
        page.set_viewport_size({"width": width, "height": height})
        return page

    _held = False

    def _remember_origin(self, frame: Frame) -> None:
        origin = re.match(r"https?://[^/]+", frame.url)
        if origin:
            self.origins.add(origin.group(0))

    def forget_visitors(self) -> None:
        """Leave the context as a new visitor finds a browser (see the class)."""
        for page, event, handler in _LISTENERS:
            if not page.is_closed():
                page.remove_listener(event, handler)
        _LISTENERS.clear()
        for page in self.context.pages:
            if page.url.startswith("http"):
                try:
                    page.evaluate(CLEAR_STORAGE_JS)
                except PlaywrightError as error:  # a crashed or navigating tab
                    print(f"storage of {page.url} not cleared: {error}")
            if page is not self.tab:
                page.close()
        if self.tab is not None and not self.tab.is_closed():
            tab = self.tab
            try:
                tab.goto("about:blank")
                tab.mouse.move(0, 0)  # no hover left over a chart of the next page
                tab.set_viewport_size(BROWSER_DESKTOP)
                tab.set_default_timeout(BROWSER_WAIT_MS)
                if self.origins:  # localStorage of origins the tab left during the test
                    cdp = self.context.new_cdp_session(tab)
                    for origin in sorted(self.origins):
                        cdp.send(
                            "Storage.clearDataForOrigin",
                            {"origin": origin, "storageTypes": "local_storage"},
                        )
                    cdp.detach()
            except PlaywrightError as error:  # a crashed tab: the next test gets a new one
                print(f"the shared tab is replaced: {error}")
                tab.close()
        self.origins.clear()
        self._held = False
        self.context.clear_cookies()
        self.context.clear_permissions()


_LISTENERS: list[tuple[Page, str, Callable[..., object]]] = []

# Pictures for a person to look at (test-results/<name>.png) cost Chromium ±1 s of CPU each: the
# page grown to its full height, drawn again and encoded (the schedule tests alone take 22).
# They are taken when KESIAPAN_UJI_GAMBAR=1 (`make test GAMBAR=1`); a failing test's tabs are
# saved whatever the setting (`open_page`, `Check`). What the tests assert is the same either way.
REVIEW_PICTURES_ENV = "KESIAPAN_UJI_GAMBAR"


def review_picture(
    page: Page,
    name: str,
    *,
    whole: bool = True,
    idle: Callable[[Page], None] | None = None,
) -> None:
    """test-results/<name>.png when pictures are asked for (REVIEW_PICTURES_ENV); a picture of an
    earlier run is removed either way. `whole`: the whole page (Streamlit scrolls inside stMain,
    so the viewport grows to its height, at most 12 000 px, for the picture), else the viewport.
    `idle` is waited for in both cases (the test's next step may count on it), after the growth
    when there is a picture."""
    path = RESULTS / f"{name}.png"
    path.unlink(missing_ok=True)
    if os.environ.get(REVIEW_PICTURES_ENV) != "1":
        if idle is not None:
            idle(page)
        return
    RESULTS.mkdir(exist_ok=True)
    size = page.viewport_size
    assert size is not None
    if whole:
        height = page.evaluate(
            "() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight"
        )
        page.set_viewport_size(
            {"width": size["width"], "height": min(max(height, size["height"]), 12000)}
        )
    try:
        if idle is not None:
            idle(page)
        page.screenshot(path=path, full_page=whole)
    finally:
        page.set_viewport_size(size)


CLEAR_STORAGE_JS = "() => { localStorage.clear(); sessionStorage.clear(); }"


def sign_in_form(page: Page, user: str, password: str) -> None:
    """Fill the built-in sign-in form (kesiapan.ui.signin) and press Masuk."""
    page.get_by_label("Nama pengguna").fill(user)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()


def listen(page: Page, event: str, handler: Callable[..., object]) -> None:
    """`page.on(event, handler)` for this test only: the handler is removed when the test
    ends, so that it does not follow the shared tab into the next test."""
    page.on(event, handler)
    _LISTENERS.append((page, event, handler))


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    """Base URL of the dashboard server on the bundled sample that every browser test without
    data or accounts of its own shares, one per worker (log: test-results/server-gwN.log;
    tests/browser and the download tests of tests/exports). The one test server that warms up
    at start as a deployed one does (turned off above for the others: ±10 s of CPU each)."""
    from tests.browser.conftest import _log_name, running_server

    with running_server(_log_name("server"), {serve.WARM_ENV: "1"}) as url:
        yield url


@pytest.fixture(scope="session")
def browser_tabs(chromium: Browser) -> Iterator[Tabs]:
    """The one browser context of a worker's browser tests (locale id-ID, Asia/Jakarta, every
    download accepted) and its shared tab (`Tabs`)."""
    context = chromium.new_context(
        viewport=BROWSER_DESKTOP,
        locale="id-ID",
        timezone_id="Asia/Jakarta",
        accept_downloads=True,
    )
    context.set_default_timeout(BROWSER_WAIT_MS)
    try:
        yield Tabs(context)
    finally:
        context.close()


_REPORT = pytest.StashKey[pytest.TestReport]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> pytest.TestReport:
    report = yield
    if report.when == "call":
        item.stash[_REPORT] = report
    return report


@pytest.fixture
def open_page(browser_tabs: Tabs, request: pytest.FixtureRequest) -> Iterator[Callable[..., Page]]:
    """`open_page(width, height)`: a tab of the shared context at that size, loading nothing
    yet; whatever it loads is a new Streamlit session, signed out. The first call gives the
    worker's shared tab, further calls new tabs (sessions side by side). When the test
    fails, every tab is saved to test-results/failure-*.png; then the test's traces are
    cleared (`Tabs.forget_visitors`)."""
    name = re.sub(r"[^\w.-]+", "_", request.node.name)
    for stale in RESULTS.glob(f"failure-{name}-*.png"):
        stale.unlink(missing_ok=True)
    browser_tabs.forget_visitors()  # whatever a test before left without this fixture

    def _open(
        width: int = BROWSER_DESKTOP["width"], height: int = BROWSER_DESKTOP["height"]
    ) -> Page:
        return browser_tabs.open(width, height)

    yield _open
    report = request.node.stash.get(_REPORT, None)
    if report is not None and report.failed:
        RESULTS.mkdir(exist_ok=True)
        for index, page in enumerate(browser_tabs.context.pages):
            try:
                page.screenshot(path=RESULTS / f"failure-{name}-{index}.png")
            except PlaywrightError as error:  # a crashed page must not hide the real failure
                print(f"no failure screenshot of {page.url}: {error}")
    browser_tabs.forget_visitors()


def signed_in(state: object, username: str, akses_folder: Path | None = None) -> None:
    """What the sign-in form leaves in an AppTest's session for `username` (issue 12: the
    account's stamp too; a bare user name in the session no longer signs anybody in). The
    accounts folder defaults to the app's own ($KESIAPAN_AKSES, else <$KESIAPAN_DATA>/akses)."""
    import os

    from kesiapan.access import accounts as access
    from kesiapan.ui import signin

    if akses_folder is None:
        akses_folder = access.akses_folder(Path(os.environ.get("KESIAPAN_DATA", SAMPLE)))
    signin.remember(state, access.load(akses_folder)[username])  # type: ignore[arg-type]


# Every new AppTest scans all installed distributions for Streamlit v2 components
# (streamlit/testing/v1/app_test.py `_run` → BidiComponentManager.discover_and_register_components
# → manifest_scanner.scan_component_manifests): ±80 ms of CPU each, ±25 s over the suite. The
# installed packages do not change during a run, so a worker scans once. `raising=True`: a
# Streamlit that moves the scanner fails here loudly (and tests/test_component_scan.py says so).
COMPONENT_SCANS = {"scans": 0, "calls": 0}  # the real scanner's runs, the patched one's calls


@pytest.fixture(scope="session", autouse=True)
def _scan_components_once() -> Iterator[None]:
    from streamlit.components.v2 import manifest_scanner

    real = manifest_scanner.scan_component_manifests
    found: list[list[tuple[object, Path]]] = []

    def scan_once(max_workers: int | None = None) -> list[tuple[object, Path]]:
        COMPONENT_SCANS["calls"] += 1
        if not found:
            COMPONENT_SCANS["scans"] += 1
            found.append(real(max_workers))
        return list(found[0])  # a new list each time, as the real one returns

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(manifest_scanner, "scan_component_manifests", scan_once, raising=True)
        yield


@pytest.fixture(autouse=True)
def _fresh_sign_in_throttle() -> Iterator[None]:
    """Sign-in attempts are counted per process (kesiapan.ui.signin): each test starts afresh."""
    yield
    from kesiapan.access import accounts as access
    from kesiapan.ui import signin

    signin._PER_SESSION.clear()
    signin._PER_ADDRESS.clear()
    access._UNKNOWN.clear()


# The longest tests go first: pytest-xdist's worksteal hands the first half of the collection
# to one worker and the second to the other, and an idle worker steals from the END of the
# other's queue; so the long ones, at the front, are never the last to run while the other
# worker idles, and the short ones left at the end fill in. Then the browser tests that share a
# worker's one `server` (tests/browser, the download tests), side by side so that they mostly
# run on one worker: a second worker that runs one of them starts and warms up a second
# server (±10 s of CPU). Longest first within each group (the run of 7 December 2026, wall s in
# brackets). Order only; what each test asserts is untouched.
_LONG_FIRST = (
    "tests/test_precompute.py::test_every_query_agrees_with_the_reference",  # [52–91] ×2
    "tests/attendance/test_load.py::",  # [7–15] ×4
    "tests/importer/test_partitions.py::",  # [16–27] ×4
    "tests/test_loadtest.py::",  # [34, 9]
    "tests/importer/test_upload_browser.py::",  # [28]
    "tests/importer/test_hostile_uploads.py::test_a_million_formatted_empty_rows",  # [23]
    "tests/test_scale_pages.py::",  # [22]
    "tests/attendance/test_browser.py::",  # [20] ×2
    "tests/importer/test_workbook_browser.py::",  # [18, 11]
    "tests/importer/test_session_browser.py::",  # [8–12] ×3
    "tests/test_bench.py::",  # [14]
    "tests/browser/test_jadwal.py::test_ringkasan_and_bimtek_judge",  # [25–36] ×2; `server`
    "tests/browser/test_navigation.py::",  # [24, 18]
    "tests/browser/test_hostile.py::",  # [21, 12]
    "tests/exports/test_browser_downloads.py::",  # [20]; `server`
    "tests/browser/",  # `server` (test_browser, test_jadwal), test_oidc [13], test_masuk [8]
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        return next(
            (i for i, prefix in enumerate(_LONG_FIRST) if item.nodeid.startswith(prefix)),
            len(_LONG_FIRST),
        )

    items.sort(key=rank)  # stable: everything else keeps its order
