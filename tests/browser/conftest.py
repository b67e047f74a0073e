"""The real dashboard in a real browser: one Streamlit server per worker (`server`), shared by
the tests that need no data or accounts of their own; it, Chromium and its one browser context,
whose tabs the tests open (`open_page`), are tests/conftest.py's.

The server runs the bundled sample on a free port; its output goes to
`test-results/server.log` (`server-gw0.log`… under pytest-xdist). Chromium is Debian's
(`apt-get install chromium`, as `.ci/run` does): Playwright's own browser download is not
used. A missing Chromium fails the run.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from kesiapan import paths

# The server and Chromium helpers are shared with the load check (`python -m kesiapan loadtest`).
from kesiapan.devtools.loadtest import free_port, healthy, start_server, stop_server, tail
from tests.conftest import BROWSER_WAIT_MS, HEALTH_POLL_S
from tests.oidc_idp import OidcProvider

ROOT = paths.ROOT
RESULTS = ROOT / "test-results"
SERVER_START_TIMEOUT = 60.0  # seconds until /_stcore/health answers "ok"
WAIT_MS = BROWSER_WAIT_MS  # every single wait in the browser

expect.set_options(timeout=WAIT_MS)


def running_server(
    log_name: str, env: dict[str, str] | None = None
) -> contextlib.AbstractContextManager[str]:
    """`python -m kesiapan.ui.serve` on the bundled sample and a free port, until the block ends;
    yields its base URL (`http://127.0.0.1:PORT`) once /_stcore/health answers."""
    return dashboard_server(ROOT / "data" / "sample", log_name, env=env)


def _log_name(stem: str) -> str:
    worker = os.environ.get("PYTEST_XDIST_WORKER")  # one server per xdist worker
    return f"{stem}-{worker}.log" if worker else f"{stem}.log"


# `server`, the one every test shares, is tests/conftest.py's: the download tests of
# tests/exports use it too, so that a worker starts (and warms up) one such server, not two.


@pytest.fixture
def page(open_page: Callable[..., Page]) -> Page:
    """A desktop-sized tab (1400×900) of the shared context (tests/conftest.py)."""
    return open_page()


# -- a server on a dataset of the test's own, with extra environment (sign-in tests) --------


@contextmanager
def dashboard_server(
    data_dir: Path,
    log_name: str,
    *,
    port: int | None = None,
    env: dict[str, str] | None = None,
) -> Iterator[str]:
    """Like `running_server`, on `data_dir` and with `env` added to the server's environment
    (e.g. KESIAPAN_AKSES, STREAMLIT_SECRETS_FILES); `port` when the caller had to know it
    before the start (an OIDC redirect_uri names it). Yields the base URL once healthy."""
    RESULTS.mkdir(exist_ok=True)
    log_path = RESULTS / log_name
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        process = start_server(data_dir, port, log, env)
        try:
            deadline = time.monotonic() + SERVER_START_TIMEOUT
            while not healthy(url):
                if process.poll() is not None:
                    pytest.fail(
                        f"Streamlit exited with code {process.returncode} before it was "
                        f"healthy; {log_path}:\n{tail(log_path)}",
                        pytrace=False,
                    )
                if time.monotonic() > deadline:
                    pytest.fail(
                        f"Streamlit not healthy at {url} after {SERVER_START_TIMEOUT:.0f} s; "
                        f"{log_path}:\n{tail(log_path)}",
                        pytrace=False,
                    )
                time.sleep(HEALTH_POLL_S)
            yield url
        finally:
            stop_server(process)


@pytest.fixture
def idp() -> Iterator[OidcProvider]:
    """A local OpenID Connect provider (tests/oidc_idp.py) on 127.0.0.1 for one test; it
    signs in `idp.identity`, which the test may change before the browser goes there."""
    with OidcProvider() as provider:
        yield provider
