"""Load check: N people use the dashboard at the same moment, each in their own browser session.

`run()` starts `streamlit run app.py` on a free port of 127.0.0.1 (or uses a running server),
opens one headless Chromium (Debian's, not Playwright's download) and first times a single
visitor from server start to the first drawn Ringkasan. Then N browser contexts, that is N
Streamlit sessions, go at once through three steps:

- `buka`: open Ringkasan (`/`) until it is idle with its charts drawn;
- `filter`: pick a kecamatan in the sidebar "Kecamatan" multiselect (a different one per
  session, round the list) until idle again with `kec=` in the URL and the kecamatan named in
  the caption;
- `halaman`: click "Cakupan Bimtek" in the sidebar navigation until that page is idle.

Every figure is the time from the user's action until the page *became* idle; the quiet
window that proves idleness is measured in the page and taken off. Nothing here asserts on
time: the machine is shared and the figures are for people to read.

The first visitor's clock (issue 17) starts when the server process is launched, the way
`make run` launches it (`kesiapan.ui.serve`); the figures printed are from launch and from
the moment the server accepts connections (/_stcore/health answers), and the part of the
latter spent before the sign-in form was drawn (the app's static files, its JavaScript and
the form's run). The N sessions start once the server has settled (its start-up warm-up
done, as for an office whose server was started before work): they measure clicks on a
running server, not the warm-up's CPU.

The whole run stops by itself: one deadline (`timeout_s` from the call) bounds Chromium's
start, the server's start, the first visitor and the sessions; sessions still running then
are cancelled and counted as errors. Clean-up after the deadline is bounded too, and the
server's process group is always terminated.

The server helpers and the idle check are shared with the browser tests (tests/browser).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import importlib.util
import json
import math
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from kesiapan import paths
from kesiapan.access import accounts as access

if TYPE_CHECKING:
    from playwright.async_api import Browser, Page

ROOT = paths.ROOT
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1400, "height": 900}  # wide enough that the sidebar starts expanded

STEPS = ("buka", "filter", "halaman")
RINGKASAN = "Ringkasan kesiapan KPPS"
LOAD_USER = "uji-beban"
RINGKASAN_READY = {"heading": RINGKASAN, "needCharts": True}
BIMTEK_LINK, BIMTEK_HEADING, BIMTEK_PATH = "Cakupan Bimtek", "Cakupan Bimtek", "/cakupan-bimtek"

QUIET_MS = 800  # idle = nothing busy for this long (the browser tests use the same window)
CANCEL_GRACE_S = 5.0  # cancelled sessions get this long to unwind after the deadline
CLOSE_TIMEOUT_S = 10.0  # closing Chromium after the run
MAX_MESSAGE = 300  # characters of an error message kept in the result

# Exception boxes and st.error anywhere (main area or sidebar), as the browser tests check.
ERROR_SELECTOR = (
    '[data-testid="stException"], '
    '[data-testid="stAlertContentError"]:not([data-testid="stException"] *)'
)

# Busy while: no title yet (or not the one expected), the URL or the caption does not show the
# expected state yet, the status widget shows (running / connecting), elements are stale from
# the previous run, lazy elements are skeletons, a spinner turns, or a Plotly chart has not
# drawn its SVG yet. `heading`, `urlPattern`, `captionText` and `needCharts` are optional:
# without them it is the plain "Streamlit has finished and everything is drawn" check.
_BUSY_JS = """
({heading, urlPattern, captionText, needCharts}) => {
  const main = document.querySelector('[data-testid="stMain"]');
  const h1 = main && main.querySelector('h1');
  const caption = main && main.querySelector('[data-testid="stCaptionContainer"]');
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  const ready =
    !!h1 &&
    (!heading || h1.textContent.replace(/\\s+/g, ' ').trim() === heading) &&
    (!urlPattern || new RegExp(urlPattern, 'i').test(location.href)) &&
    (!captionText || (!!caption && caption.textContent.includes(captionText))) &&
    (!needCharts || charts.length > 0);
  return (
    !ready ||
    document.querySelector(
      '[data-testid="stStatusWidget"], [data-stale="true"], ' +
      '[data-testid="stSkeleton"], [data-testid="stSpinner"]'
    ) !== null ||
    charts.some((chart) => !chart.querySelector('.main-svg'))
  );
}
"""
# Idle = not busy for `quietMs` in a row (polled by wait_for_function); returns how long the
# page has been quiet, so that a caller can tell when idleness began, else false. The browser
# tests (tests/browser) wait with this too, passing `quietMs` alone.
IDLE_JS = """
(args) => {
  const now = performance.now();
  const busy = (__BUSY__)(args);
  if (busy || window.__kesiapanBusyAt === undefined) window.__kesiapanBusyAt = now;
  const quiet = now - window.__kesiapanBusyAt;
  return !busy && quiet >= args.quietMs ? quiet : false;
}
""".replace("__BUSY__", _BUSY_JS)
# Polls every 100 ms see nothing of what happens between them, nor between the user's action
# and the first poll: under load a whole rerun can fit there, and the step would then look
# instant. So every document also checks on each DOM change (a MutationObserver, installed
# before the page's own scripts) and moves the "last busy" mark itself. It starts with the
# Ringkasan conditions; each step sets its own with _ARM_JS.
_WATCH_JS = """
(() => {
  const isBusy = __BUSY__;
  window.__kesiapanArgs = __FIRST__;
  window.__kesiapanBusyAt = performance.now();
  new MutationObserver(() => {
    if (isBusy(window.__kesiapanArgs)) window.__kesiapanBusyAt = performance.now();
  }).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
})();
"""
_ARM_JS = "(args) => { window.__kesiapanArgs = args; window.__kesiapanBusyAt = performance.now(); }"
# Once idle, the error boxes come back in the same answer: no extra round trip, which costs
# seconds when twenty pages share two cores.
_SETTLED_JS = """
(args) => {
  const quiet = (__IDLE__)(args);
  if (quiet === false) return false;
  const errors = [...document.querySelectorAll(__ERRORS__)].map((e) => e.innerText.trim());
  return {quiet, errors};
}
""".replace("__IDLE__", IDLE_JS).replace("__ERRORS__", json.dumps(ERROR_SELECTOR))


class LoadTestError(Exception):
    """The load check could not run at all (no Chromium, no data, the server did not start)."""


# -- the server (shared with tests/browser/conftest.py) ---------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:  # noqa: S310 (our own http://127.0.0.1 URL)
            return response.status == 200 and response.read().strip() == b"ok"
    except OSError:
        return False


def streamlit_command(port: int) -> list[str]:
    """The dashboard as `make run` starts it (kesiapan.ui.serve), on 127.0.0.1:PORT: headless, no
    file watcher, no usage stats."""
    return [
        sys.executable,
        "-m",
        "kesiapan.ui.serve",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
    ]


def start_server(
    data_dir: Path | str, port: int, log: IO[bytes], env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """The dashboard on `data_dir`, output to `log`, in its own process group so that
    `stop_server` reaches it and every child it starts; `env` is added to the environment
    (KESIAPAN_AKSES, STREAMLIT_SECRETS_FILES, …)."""
    env = {
        **os.environ,
        "KESIAPAN_DATA": str(data_dir),
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    return subprocess.Popen(
        streamlit_command(port),
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop_server(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server's process group (it and its children), SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    for sig, grace in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


def tail(path: Path, lines: int = 30) -> str:
    text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
    return "\n".join(text.splitlines()[-lines:])


# -- the run -------------------------------------------------------------------------------------


@dataclass
class _Session:
    number: int  # 1…N; 0 is the single first visitor
    kode: str  # the kecamatan this session picks
    nama: str
    durations: dict[str, float] = field(default_factory=dict)
    step: str = "mulai"  # the step under way, so HTTP errors are filed under it


@dataclass
class _Run:
    """Everything measured so far; filled in place so a cut-short run still reports."""

    sessions: int
    timeout_s: float
    started: float = field(default_factory=time.monotonic)
    base_url: str | None = None
    port: int | None = None
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None
    server_ready_s: float | None = None
    first_render_s: float | None = None
    sign_in_form_s: float | None = None  # from ready to the first visitor's sign-in form
    settle_s: float | None = None  # from the first Ringkasan until the server had settled
    sessions_wall_s: float | None = None
    deadline_hit: bool = False
    records: list[_Session] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    external: set[str] = field(default_factory=set)  # URLs requested outside the server
    cpu_s: dict[str, float | None] = field(default_factory=dict)
    # Issue 5: a server this run starts gets one account of its own; every session signs in
    # with it as part of `buka` (user name, password).
    account: tuple[str, str] | None = None
    accounts_dir: Path | None = None

    @property
    def deadline(self) -> float:
        return self.started + self.timeout_s

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def error(self, session: int, step: str, message: str) -> None:
        text = " ".join(str(message).split())
        if len(text) > MAX_MESSAGE:
            text = text[: MAX_MESSAGE - 1] + "…"
        self.errors.append({"session": session, "step": step, "message": text})


def kecamatan_choices(data_dir: Path) -> list[tuple[str, str]]:
    """(kode, nama) of every kecamatan in the dataset's wilayah table, by code.

    Read with pandas, not through the dataset's DuckDB store: the server holds that file."""
    import pandas as pd

    from kesiapan.store.dataset import find_table_file, resolve_folder

    path, _ = find_table_file(resolve_folder(data_dir), "wilayah")
    if path is None:
        raise LoadTestError(f"tabel wilayah tidak ditemukan di {data_dir}")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        frame = pd.read_csv(path, sep=None, engine="python", dtype=str, encoding="utf-8-sig")
    elif suffix == ".xlsx":
        frame = pd.read_excel(path, dtype=str)
    else:
        frame = pd.read_parquet(path)
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    if not {"kode_kecamatan", "kecamatan"} <= set(frame.columns):
        raise LoadTestError(f"{path} tidak memuat kolom kode_kecamatan dan kecamatan")
    pairs = frame[["kode_kecamatan", "kecamatan"]].dropna().astype(str)
    pairs = pairs.drop_duplicates("kode_kecamatan").sort_values("kode_kecamatan")
    choices = [(k.strip(), n.strip()) for k, n in pairs.itertuples(index=False)]
    if not choices:
        raise LoadTestError(f"{path} tidak memuat satu kecamatan pun")
    return choices


def run(
    data_dir: Path,
    sessions: int = 20,
    timeout_s: float = 120,
    base_url: str | None = None,
    log_path: Path | None = None,
) -> dict[str, Any]:
    """Drive `sessions` simultaneous browser sessions through buka → filter → halaman.

    With `base_url` the running server there is used (and left running); otherwise a server
    is started on `data_dir` and a free port, logging to `log_path` (a temporary file when
    not given), and always stopped. Returns the figures (see `_result`)."""
    if sessions < 1:
        raise ValueError("jumlah sesi harus paling sedikit 1")
    if not timeout_s > 0:
        raise ValueError("batas waktu harus lebih dari 0 detik")
    if importlib.util.find_spec("playwright") is None:
        raise LoadTestError(
            "paket playwright belum terpasang (pip install -r requirements-dev.txt)"
        )
    if not CHROMIUM.exists():
        raise LoadTestError(
            f"Chromium tidak ditemukan di {CHROMIUM}; pasang paket Debian `chromium` "
            "(apt-get install chromium)"
        )
    data_dir = Path(data_dir)
    if base_url is None and not data_dir.is_dir():
        raise LoadTestError(f"folder dataset {data_dir} tidak ada")
    choices = kecamatan_choices(data_dir)

    state = _Run(sessions=sessions, timeout_s=timeout_s, base_url=base_url)
    temporary_log = base_url is None and log_path is None
    if base_url is None:
        state.log_path = log_path or Path(
            tempfile.mkstemp(prefix="kesiapan-loadtest-", suffix=".log")[1]
        )
    try:
        # The outer bound is a safety net only: every wait inside already ends by the deadline,
        # and clean-up after it is bounded by CANCEL_GRACE_S and CLOSE_TIMEOUT_S.
        limit = timeout_s + CANCEL_GRACE_S + CLOSE_TIMEOUT_S + 5
        # A thread of its own: the caller may already run an event loop (Playwright's sync
        # API does, in the test suite), and asyncio.run refuses to nest.
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as worker:
            worker.submit(
                asyncio.run, asyncio.wait_for(_drive(state, data_dir, choices), timeout=limit)
            ).result()
    except TimeoutError:
        state.deadline_hit = True
        state.error(0, "semua", f"uji beban tidak berhenti dalam {limit:.0f} dtk; dihentikan")
    finally:
        if state.process is not None:
            stop_server(state.process)
        if state.accounts_dir is not None:
            shutil.rmtree(state.accounts_dir, ignore_errors=True)
    if temporary_log and state.log_path is not None and not state.errors:
        # A temporary log is kept only when it may explain an error.
        state.log_path.unlink(missing_ok=True)
        state.log_path = None
    return _result(state)


async def _drive(state: _Run, data_dir: Path, choices: list[tuple[str, str]]) -> None:
    from playwright.async_api import async_playwright

    records = [_Session(i, *choices[(i - 1) % len(choices)]) for i in range(1, state.sessions + 1)]
    state.records = records
    async with async_playwright() as playwright:
        # Chromium first, so that its start-up does not share the two cores with the server's
        # and the first-render figure is the server's alone.
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            timeout=_ms(state.remaining()),
        )
        try:
            await _serve_and_load(state, data_dir, browser, records)
        finally:
            # The figures matter more than a clean exit: a Chromium that will not close is
            # left to Playwright's driver, which kills it when it stops.
            with contextlib.suppress(Exception):
                await asyncio.wait_for(browser.close(), CLOSE_TIMEOUT_S)


async def _serve_and_load(
    state: _Run, data_dir: Path, browser: Browser, records: list[_Session]
) -> None:
    started = time.monotonic()
    if state.base_url is None:
        assert state.log_path is not None
        state.port = free_port()
        state.base_url = f"http://127.0.0.1:{state.port}"
        state.accounts_dir = Path(tempfile.mkdtemp(prefix="kesiapan-loadtest-akses-"))
        state.account = (LOAD_USER, secrets.token_urlsafe(18))
        access.add(
            state.accounts_dir,
            LOAD_USER,
            peran="admin",  # the whole dataset, as the figures were measured before sign-in
            wilayah=[],
            nama="Uji beban",
            password=state.account[1],
        )
        with state.log_path.open("wb") as log:
            state.process = start_server(
                data_dir, state.port, log, {access.AKSES_ENV: str(state.accounts_dir)}
            )
        if not await _wait_healthy(state):
            _not_started(state, records, "server belum siap")
            return
        state.server_ready_s = time.monotonic() - started

    # One visitor alone first: from the server's start to the first Ringkasan it draws.
    first = _Session(0, records[0].kode, records[0].nama)
    context, page = await _open_context(browser, state, first)
    marks: dict[str, float] = {}
    try:
        idle_at = await _step(
            state, page, first, "buka", _open_ringkasan(state, page, marks), RINGKASAN_READY
        )
    finally:
        with contextlib.suppress(Exception):  # a page that will not close must not stop the run
            await asyncio.wait_for(context.close(), CLOSE_TIMEOUT_S)
    if idle_at is None:
        _not_started(state, records, "kunjungan pertama gagal")
        return
    state.first_render_s = idle_at - started
    if "form" in marks and state.server_ready_s is not None:
        state.sign_in_form_s = marks["form"] - started - state.server_ready_s
    if state.process is not None:
        # The sessions measure a running server: they begin once it has settled.
        settle_from = time.monotonic()
        await _settled(state.process.pid, state)
        state.settle_s = time.monotonic() - settle_from

    pages = [await _open_context(browser, state, record) for record in records]
    cpu_before = _cpu_split(state)
    begin = time.monotonic()
    tasks = [
        asyncio.create_task(_session(state, page, record))
        for (_, page), record in zip(pages, records, strict=True)
    ]
    _, pending = await asyncio.wait(tasks, timeout=max(0.0, state.remaining()))
    if pending:
        state.deadline_hit = True
        for task in pending:
            task.cancel()
        await asyncio.wait(pending, timeout=CANCEL_GRACE_S)
    state.sessions_wall_s = time.monotonic() - begin
    cpu_after = _cpu_split(state)
    state.cpu_s = {
        side: None if cpu_before[side] is None or after is None else after - cpu_before[side]
        for side, after in cpu_after.items()
    }


async def _wait_healthy(state: _Run) -> bool:
    """True once /_stcore/health answers; False at the deadline. Raises if the server died."""
    assert state.process is not None and state.base_url is not None
    while state.remaining() > 0:
        if state.process.poll() is not None:
            log = state.log_path or Path()
            raise LoadTestError(
                f"Streamlit berhenti dengan kode {state.process.returncode} sebelum siap; "
                f"{log}:\n{tail(log)}"
            )
        if await asyncio.to_thread(healthy, state.base_url):
            return True
        await asyncio.sleep(0.1)
    state.deadline_hit = True
    return False


def _cpu_table() -> dict[int, tuple[int, float]]:
    """pid → (parent pid, CPU seconds including its reaped children), from Linux /proc;
    empty where there is no /proc."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    table = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            # The command name in parentheses may hold spaces: split after its closing one.
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        table[int(entry.name)] = (int(fields[1]), sum(int(f) for f in fields[11:15]) / tick)
    return table


def _tree_cpu(table: dict[int, tuple[int, float]], root: int) -> float | None:
    if root not in table:
        return None
    children: dict[int, list[int]] = {}
    for pid, (parent, _) in table.items():
        children.setdefault(parent, []).append(pid)
    total, stack = 0.0, [root]
    while stack:
        pid = stack.pop()
        total += table[pid][1]
        stack += children.get(pid, [])
    return total


def _cpu_split(state: _Run) -> dict[str, float | None]:
    """CPU seconds used so far by the server and by the browser side (Chromium, Playwright's
    driver and this process): on two shared cores the browsers compete with the server, and
    the figures mean little without knowing who used the time."""
    table = _cpu_table()
    server = _tree_cpu(table, state.process.pid) if state.process is not None else None
    ours = _tree_cpu(table, os.getpid())
    browser = None if ours is None else ours - (server or 0.0)
    return {"server": server, "browser": browser}


def _not_started(state: _Run, records: list[_Session], why: str) -> None:
    for record in records:
        state.error(record.number, "buka", f"sesi tidak dimulai: {why}")


async def _open_context(browser: Browser, state: _Run, record: _Session) -> tuple[Any, Page]:
    """A fresh context (so a fresh Streamlit session) whose HTTP failures become errors."""
    context = await browser.new_context(
        viewport=DESKTOP, locale="id-ID", timezone_id="Asia/Jakarta"
    )
    await context.add_init_script(
        _WATCH_JS.replace("__BUSY__", _BUSY_JS).replace("__FIRST__", json.dumps(RINGKASAN_READY))
    )
    page = await context.new_page()

    def ours(url: str) -> bool:
        return url == state.base_url or url.startswith(f"{state.base_url}/")

    def on_response(response: Any) -> None:
        if response.status >= 400 and ours(response.url):
            state.error(record.number, record.step, f"HTTP {response.status} {response.url}")

    def on_failed(request: Any) -> None:
        failure = request.failure or ""
        if not ours(request.url):
            # Not the dashboard's server: listed apart, as a dependency on the outside world
            # (no network here, so these always fail) rather than as the server's error.
            state.external.add(request.url)
        elif "ERR_ABORTED" not in failure:  # aborted = the browser no longer needed it
            state.error(record.number, record.step, f"permintaan gagal {request.url}: {failure}")

    def on_page_error(error: Any) -> None:
        state.error(record.number, record.step, f"galat JavaScript: {error}")

    page.on("response", on_response)
    page.on("requestfailed", on_failed)
    page.on("pageerror", on_page_error)
    return context, page


async def _session(state: _Run, page: Page, record: _Session) -> None:
    """One person's visit; stops at the first step that fails (the next ones would not mean
    anything), and files the step it was in when cancelled at the deadline."""
    try:
        steps: list[tuple[str, Callable[[], Awaitable[None]], dict[str, Any], Any]] = [
            ("buka", _open_ringkasan(state, page), RINGKASAN_READY, None),
            (
                "filter",
                _pick_kecamatan(state, page, record.nama),
                {
                    "heading": RINGKASAN,
                    "urlPattern": r"[?&]kec=[^&#]+",
                    "captionText": f"Kecamatan {record.nama}",
                    "needCharts": True,
                },
                _type_kecamatan(state, page, record.nama),
            ),
            (
                "halaman",
                _click_bimtek(state, page),
                {"heading": BIMTEK_HEADING, "urlPattern": re.escape(BIMTEK_PATH)},
                None,
            ),
        ]
        for name, action, ready, prepare in steps:
            if await _step(state, page, record, name, action, ready, prepare) is None:
                return
    except asyncio.CancelledError:
        state.error(
            record.number,
            record.step,
            f"dibatalkan: batas waktu {state.timeout_s:.0f} dtk habis sebelum sesi selesai",
        )
        raise


async def _step(
    state: _Run,
    page: Page,
    record: _Session,
    name: str,
    action: Callable[[], Awaitable[None]],
    ready: dict[str, Any],
    prepare: Callable[[], Awaitable[None]] | None = None,
) -> float | None:
    """Run one step; record its duration and return the monotonic time the page became idle,
    or None (and an error) when it failed."""
    from playwright.async_api import Error as PlaywrightError
    from playwright.async_api import TimeoutError as PlaywrightTimeoutError

    record.step = name
    # No timeout per step, only the run's deadline: on a busy machine a slow step is a figure
    # to report, not a failure, and a stuck one is cancelled at the deadline all the same.
    try:
        if prepare is not None:  # typing into a box is the user's time, not the server's
            await prepare()
        conditions = {"needCharts": True, **ready}
        await page.evaluate(_ARM_JS, conditions)
        start = time.monotonic()
        await action()
        handle = await page.wait_for_function(
            _SETTLED_JS,
            arg={"quietMs": QUIET_MS, **conditions},
            polling=100,
            timeout=_ms(state.remaining()),
        )
        settled = await handle.json_value()
        now = time.monotonic()
    except PlaywrightTimeoutError:
        state.deadline_hit = True
        state.error(
            record.number,
            name,
            f"batas waktu {state.timeout_s:.0f} dtk habis sebelum langkah selesai (URL {page.url})",
        )
        return None
    except PlaywrightError as exc:
        state.error(record.number, name, f"galat browser: {exc.message}")
        return None
    # The page proved idleness by staying quiet for a while: it became idle that long ago.
    idle_at = now - float(settled["quiet"]) / 1000
    record.durations[name] = max(0.0, idle_at - start)
    for text in settled["errors"]:
        state.error(record.number, name, f"galat di halaman: {text}")
    return idle_at


def _open_ringkasan(
    state: _Run, page: Page, marks: dict[str, float] | None = None
) -> Callable[[], Awaitable[None]]:
    """Open `/` and sign in; `marks["form"]` gets the monotonic time the form was seen."""

    async def action() -> None:
        await page.goto(f"{state.base_url}/", timeout=_ms(state.remaining()))
        if state.account is not None:
            name, password = state.account
            box = page.get_by_label("Nama pengguna")
            await box.wait_for(state="visible", timeout=_ms(state.remaining()))
            if marks is not None:
                marks["form"] = time.monotonic()
            await box.fill(name, timeout=_ms(state.remaining()))
            await page.get_by_label("Kata sandi").fill(password, timeout=_ms(state.remaining()))
            await page.get_by_role("button", name="Masuk").click(timeout=_ms(state.remaining()))

    return action


def _kecamatan_box(page: Page) -> Any:
    label = page.get_by_test_id("stWidgetLabel").get_by_text("Kecamatan", exact=True)
    multiselect = page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect")
    return multiselect.filter(has=label).get_by_role("combobox")


def _type_kecamatan(state: _Run, page: Page, name: str) -> Callable[[], Awaitable[None]]:
    async def prepare() -> None:
        box = _kecamatan_box(page)
        await box.click(timeout=_ms(state.remaining()))
        await box.press_sequentially(name, timeout=_ms(state.remaining()))
        option = page.get_by_role("option", name=name, exact=True).first
        await option.wait_for(state="visible", timeout=_ms(state.remaining()))

    return prepare


def _pick_kecamatan(state: _Run, page: Page, name: str) -> Callable[[], Awaitable[None]]:
    async def action() -> None:
        option = page.get_by_role("option", name=name, exact=True).first
        await option.click(timeout=_ms(state.remaining()))
        # The list stays open after a pick; close it so it cannot cover the next click.
        await _kecamatan_box(page).press("Escape", timeout=_ms(state.remaining()))

    return action


def _click_bimtek(state: _Run, page: Page) -> Callable[[], Awaitable[None]]:
    async def action() -> None:
        link = page.get_by_test_id("stSidebarNav").get_by_role("link", name=BIMTEK_LINK)
        await link.click(timeout=_ms(state.remaining()))

    return action


def _ms(seconds: float) -> float:
    """Playwright timeouts are milliseconds, and 0 would mean "no timeout": never pass that."""
    return max(1.0, seconds * 1000)


# -- figures ------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default), q in 0…100."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _result(state: _Run) -> dict[str, Any]:
    steps = {}
    for name in STEPS:
        values = [r.durations[name] for r in state.records if name in r.durations]
        steps[name] = {
            "measured": len(values),
            "p50_s": _round(percentile(values, 50)),
            "p95_s": _round(percentile(values, 95)),
            "max_s": _round(max(values) if values else None),
        }
    return {
        "base_url": state.base_url,
        "port": state.port,
        "server_started": state.process is not None,
        "server_pid": state.process.pid if state.process is not None else None,
        "server_log": str(state.log_path) if state.log_path else None,
        "sessions": state.sessions,
        "timeout_s": state.timeout_s,
        "deadline_hit": state.deadline_hit,
        "server_ready_s": _round(state.server_ready_s),
        "first_render_s": _round(state.first_render_s),
        "first_render_from_ready_s": _round(
            None
            if state.first_render_s is None or state.server_ready_s is None
            else state.first_render_s - state.server_ready_s
        ),
        "sign_in_form_s": _round(state.sign_in_form_s),
        "settle_s": _round(state.settle_s),
        "sessions_wall_s": _round(state.sessions_wall_s),
        "wall_s": _round(time.monotonic() - state.started),
        "steps": steps,
        "error_count": len(state.errors),
        "errors": state.errors,
        "external_requests": sorted(state.external),
        # CPU seconds during the simultaneous sessions; the machine had `cpu_count` cores.
        "cpu_s": {k: _round(v) for k, v in state.cpu_s.items()},
        "cpu_count": os.cpu_count(),
        "session_results": [
            {
                "session": r.number,
                "kode_kecamatan": r.kode,
                "kecamatan": r.nama,
                "durations_s": {k: _round(v) for k, v in r.durations.items()},
            }
            for r in state.records
        ],
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _detik(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}".replace(".", ",") + " dtk"


def format_table(result: dict[str, Any], max_errors: int = 10) -> str:
    """The figures as a small table in Indonesian, for the terminal."""
    lines = [
        f"Uji beban: {result['sessions']} sesi serentak di {result['base_url']}",
    ]
    if result["server_started"]:
        lines.append(
            f"Server siap {_detik(result['server_ready_s'])} setelah dinyalakan; Ringkasan "
            f"pertama tampil {_detik(result['first_render_s'])} setelah dinyalakan, "
            f"{_detik(result['first_render_from_ready_s'])} setelah server siap (formulir "
            f"masuk tampil {_detik(result['sign_in_form_s'])} setelah server siap); sesi "
            f"dimulai setelah server tenang ({_detik(result['settle_s'])} kemudian)"
        )
    else:
        lines.append(f"Ringkasan pertama tampil dalam {_detik(result['first_render_s'])}")
    header = f"{'Langkah':<10}{'Terukur':>9}{'p50':>12}{'p95':>12}{'maks':>12}"
    lines += ["", header, "-" * len(header)]
    for name, figures in result["steps"].items():
        lines.append(
            f"{name:<10}{figures['measured']:>5}/{result['sessions']:<3}"
            f"{_detik(figures['p50_s']):>12}{_detik(figures['p95_s']):>12}"
            f"{_detik(figures['max_s']):>12}"
        )
    lines += _error_lines(result, max_errors)
    cpu = result["cpu_s"]
    if cpu.get("server") is not None or cpu.get("browser") is not None:
        lines.append(
            f"CPU selama sesi serentak: server {_detik(cpu.get('server'))}, browser "
            f"{_detik(cpu.get('browser'))} (tersedia {result['cpu_count']} inti × "
            f"{_detik(result['sessions_wall_s'])})"
        )
    for url in result["external_requests"]:
        lines.append(f"Permintaan ke luar server (bukan galat): {url}")
    lines.append(
        f"Waktu total: {_detik(result['wall_s'])} "
        f"(sesi serentak: {_detik(result['sessions_wall_s'])})"
    )
    return "\n".join(lines)


def write_json(result: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(result, indent=2, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")


# -- protocol level: the server alone (kesiapan.devtools.protocol) ---------------------------------

PROTOCOL_STEPS = ("masuk", "halaman", "filter")
# The pages a session goes round, from Ringkasan; each round switches page, then filters.
ROUND_PAGES = ("Cakupan Bimtek", "Kekurangan Petugas", "Supervisi", "Ringkasan")
KECAMATAN_LABEL = "Kecamatan"


@dataclass
class _ProtocolRun:
    sessions: int
    rounds: int
    timeout_s: float
    workers: int
    started: float = field(default_factory=time.monotonic)
    base_url: str | None = None
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None
    account: tuple[str, str] | None = None
    accounts_dir: Path | None = None
    server_ready_s: float | None = None
    first_render_s: float | None = None
    sessions_wall_s: float | None = None
    deadline_hit: bool = False
    durations: dict[str, list[float]] = field(default_factory=dict)
    sizes: dict[str, list[int]] = field(default_factory=dict)
    script_runs: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    server_cpu_s: float | None = None
    machine_busy_s: float | None = None
    machine_total_s: float | None = None
    # Every session signs in first; the rounds start together once all have (a barrier), so
    # the CPU of signing in (argon2id, two runs each) is counted apart from the rounds'.
    pgid: int | None = None
    waiting_sign_ins: int = 0
    all_signed_in: asyncio.Event | None = None
    sign_in_cpu_s: float | None = None
    sign_in_runs: int = 0
    cpu_at_signed: float | None = None

    @property
    def deadline(self) -> float:
        return self.started + self.timeout_s

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def error(self, session: int, step: str, message: str) -> None:
        text = " ".join(str(message).split())
        if len(text) > MAX_MESSAGE:
            text = text[: MAX_MESSAGE - 1] + "…"
        self.errors.append({"session": session, "step": step, "message": text})

    def signed_in(self) -> None:
        """One more session is past signing in (or failed at it)."""
        from kesiapan.devtools import protocol

        self.waiting_sign_ins -= 1
        if self.waiting_sign_ins == 0 and self.all_signed_in is not None:
            if self.pgid:
                self.cpu_at_signed = protocol.group_cpu_s(self.pgid)
            self.sign_in_runs = self.script_runs
            self.all_signed_in.set()

    def record(self, session: int, step: str, run: Any) -> None:
        self.durations.setdefault(step, []).append(run.seconds)
        self.sizes.setdefault(step, []).append(run.bytes)
        self.script_runs += run.script_runs
        for text in run.exceptions:
            self.error(session, step, f"exception di halaman: {text}")
        for text in run.errors:
            self.error(session, step, f"galat di halaman: {text}")


def run_protocol(
    data_dir: Path,
    sessions: int = 20,
    rounds: int = 3,
    timeout_s: float = 300,
    base_url: str | None = None,
    workers: int = 1,
    log_path: Path | None = None,
    account: tuple[str, str] | None = None,
) -> dict[str, Any]:
    """`sessions` simultaneous sessions, each signing in, then `rounds` times switching page
    and changing the kecamatan filter, over Streamlit's websocket protocol (no browser).

    Without `base_url` a server is started on `data_dir` (`workers` app processes; more than
    one are put behind the reverse proxy, kesiapan.ui.serve) with an account of its own, and
    stopped at the end. With `base_url` (127.0.0.1 only) that server is used, signing in with
    `account` (user name, password). Every wait ends by one deadline, `timeout_s` from the
    call. Returns the figures (see `format_protocol_table`)."""
    from kesiapan.devtools import protocol

    if sessions < 1 or rounds < 1:
        raise ValueError("jumlah sesi dan putaran harus paling sedikit 1")
    if not timeout_s > 0:
        raise ValueError("batas waktu harus lebih dari 0 detik")
    if base_url is not None:
        protocol.check_loopback(base_url)
    data_dir = Path(data_dir)
    if base_url is None and not data_dir.is_dir():
        raise LoadTestError(f"folder dataset {data_dir} tidak ada")
    choices = kecamatan_choices(data_dir)
    state = _ProtocolRun(sessions, rounds, timeout_s, workers, base_url=base_url)
    state.account = account
    temporary_log = base_url is None and log_path is None
    if base_url is None:
        state.log_path = log_path or Path(
            tempfile.mkstemp(prefix="kesiapan-loadtest-", suffix=".log")[1]
        )
    try:
        limit = timeout_s + CANCEL_GRACE_S + 5
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as worker:
            worker.submit(
                asyncio.run,
                asyncio.wait_for(_protocol_drive(state, data_dir, choices), timeout=limit),
            ).result()
    except TimeoutError:
        state.deadline_hit = True
        state.error(0, "semua", f"uji beban tidak berhenti dalam {limit:.0f} dtk; dihentikan")
    finally:
        if state.process is not None:
            stop_server(state.process)
        if state.accounts_dir is not None:
            shutil.rmtree(state.accounts_dir, ignore_errors=True)
    if temporary_log and state.log_path is not None and not state.errors:
        state.log_path.unlink(missing_ok=True)
        state.log_path = None
    return _protocol_result(state)


def start_app(
    data_dir: Path | str,
    port: int,
    log: IO[bytes],
    env: dict[str, str] | None = None,
    workers: int = 1,
) -> subprocess.Popen[bytes]:
    """One app process (`start_server`), or `workers` of them behind the reverse proxy
    (`python -m kesiapan serve --workers N`), listening on 127.0.0.1:`port`, in a process
    group of its own."""
    if workers <= 1:
        return start_server(data_dir, port, log, env)
    environment = {
        **os.environ,
        "KESIAPAN_DATA": str(data_dir),
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    command = [
        sys.executable,
        "-m",
        "kesiapan",
        "serve",
        "--workers",
        str(workers),
        "--port",
        str(port),
        "--address",
        "127.0.0.1",
    ]
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


# kesiapan.ui.signin.ADDRESS_ATTEMPTS_ENV (not imported: no Streamlit in the load check)
SIGN_INS_PER_ADDRESS_ENV = "KESIAPAN_MASUK_PER_ALAMAT"
SETTLED_CORES = 0.1  # a server using less than this share of a core over SETTLE_WINDOW_S
SETTLE_WINDOW_S = 3.0  # longer than the warm-up gives way (kesiapan.ui.warmup.GIVE_WAY_S)
MAX_SETTLE_S = 180.0


async def _settled(pgid: int, state: _Run | _ProtocolRun) -> None:
    """Wait until the process group `pgid` uses less than SETTLED_CORES of a core over a
    SETTLE_WINDOW_S (at most MAX_SETTLE_S, within the run's deadline)."""
    from kesiapan.devtools import protocol

    limit = time.monotonic() + min(MAX_SETTLE_S, max(0.0, state.remaining() / 2))
    before = protocol.group_cpu_s(pgid)
    while time.monotonic() < limit:
        await asyncio.sleep(SETTLE_WINDOW_S)
        now = protocol.group_cpu_s(pgid)
        if now - before < SETTLED_CORES * SETTLE_WINDOW_S:
            return
        before = now


async def _protocol_drive(
    state: _ProtocolRun, data_dir: Path, choices: list[tuple[str, str]]
) -> None:
    from kesiapan.devtools import protocol

    started = time.monotonic()
    if state.base_url is None:
        assert state.log_path is not None
        port = free_port()
        state.base_url = f"http://127.0.0.1:{port}"
        state.accounts_dir = Path(tempfile.mkdtemp(prefix="kesiapan-loadtest-akses-"))
        state.account = (LOAD_USER, secrets.token_urlsafe(18))
        access.add(
            state.accounts_dir,
            LOAD_USER,
            peran="admin",
            wilayah=[],
            nama="Uji beban",
            password=state.account[1],
        )
        with state.log_path.open("wb") as log:
            state.process = start_app(
                data_dir,
                port,
                log,
                {
                    access.AKSES_ENV: str(state.accounts_dir),
                    # Every session signs in from 127.0.0.1 within the same minute: one
                    # office behind one address, which this setting is for.
                    SIGN_INS_PER_ADDRESS_ENV: str(state.sessions + 1),
                },
                workers=state.workers,
            )
        while not await asyncio.to_thread(healthy, state.base_url):
            if state.process.poll() is not None:
                raise LoadTestError(
                    f"server berhenti dengan kode {state.process.returncode} sebelum siap; "
                    f"{state.log_path}:\n{tail(state.log_path)}"
                )
            if state.remaining() <= 0:
                state.deadline_hit = True
                state.error(0, "mulai", "server belum siap sebelum batas waktu")
                return
            await asyncio.sleep(0.1)
        state.server_ready_s = time.monotonic() - started

    # One visitor alone first: from the server's start to the first Ringkasan drawn.
    try:
        async with protocol.Session(state.base_url, timeout_s=max(1.0, state.remaining())) as tab:
            await _signed_in(tab, state)
        state.first_render_s = time.monotonic() - started
    except (protocol.ProtocolError, TimeoutError, OSError) as exc:
        state.error(0, "masuk", f"kunjungan pertama gagal: {exc}")
        return

    pgid = state.process.pid if state.process is not None else None
    if pgid:
        # The sessions begin once the server has settled (its warm-up at start done,
        # kesiapan.ui.warmup): the rounds measure serving people, not the warm-up's CPU.
        settle_from = time.monotonic()
        await _settled(pgid, state)
        state.settle_s = time.monotonic() - settle_from
    state.pgid = pgid
    state.waiting_sign_ins = state.sessions
    state.all_signed_in = asyncio.Event()
    cpu_before = protocol.group_cpu_s(pgid) if pgid else None
    busy_before, total_before = protocol.machine_cpu_s()
    state.script_runs = 0
    begin = time.monotonic()
    tasks = [
        asyncio.create_task(_protocol_session(state, number, choices))
        for number in range(1, state.sessions + 1)
    ]
    _, pending = await asyncio.wait(tasks, timeout=max(0.0, state.remaining()))
    if pending:
        state.deadline_hit = True
        for task in pending:
            task.cancel()
        await asyncio.wait(pending, timeout=CANCEL_GRACE_S)
    state.sessions_wall_s = time.monotonic() - begin
    if pgid:
        state.server_cpu_s = protocol.group_cpu_s(pgid) - cpu_before  # type: ignore[operator]
        if state.cpu_at_signed is not None:
            state.sign_in_cpu_s = state.cpu_at_signed - cpu_before  # type: ignore[operator]
    busy_after, total_after = protocol.machine_cpu_s()
    state.machine_busy_s = busy_after - busy_before
    state.machine_total_s = total_after - total_before


async def _signed_in(tab: Any, state: _ProtocolRun) -> Any:
    """Open the app; sign in when it asks. Returns the run that drew the first page."""
    run = await tab.open()
    if "Nama pengguna" in tab.widgets and run.headings[:1] == ["Kesiapan KPPS"]:
        if state.account is None:
            raise LoadTestError("server ini meminta masuk: beri akun uji (--pengguna)")
        run = await tab.sign_in(*state.account)
    if RINGKASAN not in run.headings:
        raise LoadTestError(f"Ringkasan tidak tampil setelah masuk: {run.headings or run.errors}")
    return run


async def _protocol_session(
    state: _ProtocolRun, number: int, choices: list[tuple[str, str]]
) -> None:
    from kesiapan.devtools import protocol

    step = "masuk"
    waiting = True
    try:
        async with protocol.Session(state.base_url or "", timeout_s=state.remaining()) as tab:
            tab.timeout_s = max(1.0, state.remaining())
            opened = await tab.open()
            signed = await tab.sign_in(*state.account) if state.account else opened
            state.record(number, step, signed)
            waiting = False
            state.signed_in()
            assert state.all_signed_in is not None
            await state.all_signed_in.wait()
            for round_number in range(state.rounds):
                page = ROUND_PAGES[(number + round_number) % len(ROUND_PAGES)]
                step = "halaman"
                tab.timeout_s = max(1.0, state.remaining())
                state.record(number, step, await tab.switch_page(page))
                step = "filter"
                # Odd rounds choose a kecamatan (a different one per session), even ones
                # clear it again: both directions of the same widget.
                _, name = choices[(number * 7 + round_number) % len(choices)]
                picked = [name] if round_number % 2 == 0 else []
                tab.timeout_s = max(1.0, state.remaining())
                state.record(number, step, await tab.choose(KECAMATAN_LABEL, picked))
    except asyncio.CancelledError:
        state.error(number, step, f"dibatalkan: batas waktu {state.timeout_s:.0f} dtk habis")
        raise
    except (protocol.ProtocolError, TimeoutError, OSError, LoadTestError) as exc:
        state.error(number, step, str(exc) or type(exc).__name__)
    finally:
        if waiting:
            state.signed_in()


def _protocol_result(state: _ProtocolRun) -> dict[str, Any]:
    from kesiapan.devtools import protocol

    steps = {}
    for name in PROTOCOL_STEPS:
        values = state.durations.get(name, [])
        sizes = state.sizes.get(name, [])
        steps[name] = {
            "measured": len(values),
            "p50_s": _round(protocol.percentile(values, 50)),
            "p95_s": _round(protocol.percentile(values, 95)),
            "max_s": _round(max(values) if values else None),
            "bytes_p50": round(protocol.percentile(sizes, 50) or 0),
            "bytes_max": max(sizes) if sizes else 0,
        }
    wall = state.sessions_wall_s or 0
    cpu = state.server_cpu_s
    rounds_cpu = cpu - state.sign_in_cpu_s if cpu and state.sign_in_cpu_s is not None else None
    rounds_runs = state.script_runs - state.sign_in_runs
    return {
        "mode": "protokol",
        "base_url": state.base_url,
        "workers": state.workers,
        "server_started": state.process is not None,
        "server_pid": state.process.pid if state.process is not None else None,
        "server_log": str(state.log_path) if state.log_path else None,
        "sessions": state.sessions,
        "rounds": state.rounds,
        "timeout_s": state.timeout_s,
        "deadline_hit": state.deadline_hit,
        "server_ready_s": _round(state.server_ready_s),
        "first_render_s": _round(state.first_render_s),
        "settle_s": _round(state.settle_s),
        "sessions_wall_s": _round(state.sessions_wall_s),
        "wall_s": _round(time.monotonic() - state.started),
        "steps": steps,
        "script_runs": state.script_runs,
        "server_cpu_s": _round(cpu),
        # Page switches and filter changes only: the CPU after every session signed in,
        # over the script runs after that moment.
        "cpu_per_run_ms": (
            round(rounds_cpu / rounds_runs * 1000, 1) if rounds_cpu and rounds_runs else None
        ),
        "sign_in_cpu_s": _round(state.sign_in_cpu_s),
        "sign_in_runs": state.sign_in_runs,
        "cpu_per_run_with_sign_in_ms": (
            round(cpu / state.script_runs * 1000, 1) if cpu and state.script_runs else None
        ),
        "server_cores_busy": round(cpu / wall, 2) if cpu and wall else None,
        "machine_cores_busy": (
            round(state.machine_busy_s / wall, 2) if state.machine_busy_s and wall else None
        ),
        "cpu_count": os.cpu_count(),
        "load_average": _load_average(),
        "error_count": len(state.errors),
        "errors": state.errors,
    }


def _load_average() -> list[float] | None:
    try:
        return [round(v, 2) for v in os.getloadavg()]
    except OSError:
        return None


def _bytes(value: float) -> str:
    if value >= 1 << 20:
        return f"{value / (1 << 20):.1f} MB".replace(".", ",")
    return f"{value / 1024:.0f} kB"


def format_protocol_table(result: dict[str, Any], max_errors: int = 10) -> str:
    """The protocol-level figures as a small Indonesian table, for the terminal."""
    processes = "1 proses" if result["workers"] <= 1 else f"{result['workers']} proses + proksi"
    lines = [
        f"Uji beban (protokol): {result['sessions']} sesi serentak × {result['rounds']} "
        f"putaran di {result['base_url']} ({processes})",
    ]
    if result["server_started"]:
        lines.append(
            f"Server siap {_detik(result['server_ready_s'])} setelah dinyalakan; Ringkasan "
            f"pertama {_detik(result['first_render_s'])} setelah dinyalakan; server tenang "
            f"(pemanasan selesai) {_detik(result.get('settle_s'))} sesudahnya"
        )
    header = f"{'Langkah':<10}{'Terukur':>9}{'p50':>12}{'p95':>12}{'maks':>12}{'dikirim p50':>14}"
    lines += ["", header, "-" * len(header)]
    for name, figures in result["steps"].items():
        lines.append(
            f"{name:<10}{figures['measured']:>9}"
            f"{_detik(figures['p50_s']):>12}{_detik(figures['p95_s']):>12}"
            f"{_detik(figures['max_s']):>12}{_bytes(figures['bytes_p50']):>14}"
        )
    lines += _error_lines(result, max_errors)
    if result["cpu_per_run_ms"] is not None:
        per_session = (result["sign_in_cpu_s"] or 0) / max(1, result["sessions"]) * 1000
        lines.append(
            f"CPU server: {_detik(result['server_cpu_s'])} untuk {result['script_runs']} "
            f"putaran skrip; pindah halaman dan filter "
            f"{str(result['cpu_per_run_ms']).replace('.', ',')} ms per putaran; masuk "
            f"{per_session:.0f} ms per sesi (argon2id dan dua putaran); "
            f"inti sibuk: server {str(result['server_cores_busy']).replace('.', ',')}, "
            f"seluruh mesin {str(result['machine_cores_busy']).replace('.', ',')} "
            f"dari {result['cpu_count']}"
        )
    if result["load_average"]:
        lines.append("Beban mesin (1/5/15 menit): " + " / ".join(map(str, result["load_average"])))
    lines.append(
        f"Waktu total: {_detik(result['wall_s'])} "
        f"(sesi serentak: {_detik(result['sessions_wall_s'])})"
    )
    return "\n".join(lines)


def _error_lines(result: dict[str, Any], max_errors: int) -> list[str]:
    """The errors block both modes print: the count, then the first `max_errors` of them."""
    lines = [
        "",
        f"Galat: {result['error_count']}"
        + (" (batas waktu habis)" if result["deadline_hit"] else ""),
    ]
    for error in result["errors"][:max_errors]:
        lines.append(f"  - sesi {error['session']}, {error['step']}: {error['message']}")
    if result["error_count"] > max_errors:
        lines.append(f"  … dan {result['error_count'] - max_errors} lainnya")
    return lines
