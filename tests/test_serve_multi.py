"""Two app processes behind nginx (`python -m kesiapan serve --workers 2`) on loopback.

Each check talks to the app processes directly (their loopback ports) over Streamlit's own
protocol, as two browsers landing on different processes would: what one process writes,
the other must see. Then the same through nginx: the websocket upgrade, sign-in, and a
browser's requests all reaching one process (sticky by cookie). Nothing is timed.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from kesiapan.access import accounts as access
from kesiapan.access import audit
from kesiapan.devtools import loadtest, protocol
from kesiapan.store import versions
from kesiapan.ui.serve import find_nginx
from tests.conftest import ROOT

MINI = ROOT / "tests" / "fixtures" / "mini"
PASSWORD = "sandi-rahasia-2024"
START_S = 120


def _name(folder: Path, name: str) -> None:
    (folder / "dataset.toml").write_text(f'nama = "{name}"\n', encoding="utf-8")


@contextlib.contextmanager
def _serving(
    data: Path, workers: int, port: int, log_path: Path, env: dict[str, str]
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """`python -m kesiapan serve` on `data` (127.0.0.1:`port`, `env` added) until the block
    ends; yields the process and its log once it has named the nginx address."""
    command = [sys.executable, "-m", "kesiapan", "serve", "--workers", str(workers)]
    command += ["--port", str(port), "--address", "127.0.0.1"]
    full_env = {**os.environ, "KESIAPAN_DATA": str(data), "PYTHONUNBUFFERED": "1", **env}
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=full_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + START_S
        text = ""
        while "di belakang nginx" not in text:
            assert process.poll() is None, text
            assert time.monotonic() < deadline, text
            time.sleep(0.05)  # a start takes seconds; reading the log costs nothing
            text = log_path.read_text(errors="replace")
        yield process, text
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@pytest.fixture
def service(tmp_path: Path) -> Iterator[dict[str, object]]:
    try:
        find_nginx()
    except Exception as exc:
        pytest.fail(f"nginx is needed (make serve-multi installs it): {exc}")
    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    _name(data, "Versi satu")
    with versions.lock(data):
        assert versions.adopt_plain(data, "uji") == "0001"
    second = data / "versions" / "0002"
    shutil.copytree(data / "versions" / "0001", second)
    _name(second, "Versi dua")
    accounts = tmp_path / "akses"
    access.add(accounts, "adm", peran="admin", wilayah=[], nama="Adm", password=PASSWORD)
    access.add(accounts, "rina", peran="analis", wilayah=["35.27"], nama="Rina", password=PASSWORD)

    port = loadtest.free_port()
    env = {access.AKSES_ENV: str(accounts)}
    with _serving(data, 2, port, tmp_path / "serve.log", env) as (process, text):
        workers = [int(p) for p in re.findall(r"Proses dasbor siap di 127\.0\.0\.1:(\d+)", text)]
        assert len(workers) == 2
        yield {
            "proxy": f"http://127.0.0.1:{port}",
            "workers": [f"http://127.0.0.1:{p}" for p in workers],
            "data": data,
            "accounts": accounts,
            "process": process,
        }


async def _sign_in(url: str, user: str, password: str = PASSWORD) -> protocol.Run:
    async with protocol.Session(url, timeout_s=60) as tab:
        await tab.open()
        return await tab.sign_in(user, password)


async def _check_two_processes(service: dict[str, object]) -> None:
    one, two = service["workers"]  # type: ignore[misc]
    data, accounts = service["data"], service["accounts"]
    assert isinstance(data, Path) and isinstance(accounts, Path)

    # Sign-in on either process, each showing the live version.
    async with protocol.Session(one, timeout_s=60) as first, protocol.Session(two) as second:
        for tab in (first, second):
            await tab.open()
            run = await tab.sign_in("adm", PASSWORD)
            assert "Ringkasan kesiapan KPPS" in run.headings, run
            assert "Versi satu" in run.texts, run.texts
        # An import elsewhere switches the live version: both processes follow on their
        # next run, without a restart.
        with versions.lock(data):
            versions.switch(data, "0002")
        for tab in (first, second):
            run = await tab.switch_page("Cakupan Bimtek")
            assert run.exceptions == []
            assert "Versi dua" in run.texts, run.texts

    # Lockout counts the wrong passwords sent to both processes together: 3 + 2 = 5.
    for url in (one, one, one, two, two):
        run = await _sign_in(url, "rina", "salah-sekali-123")
        assert any("salah" in e for e in run.errors), run.errors
    for url in (one, two):
        run = await _sign_in(url, "rina")  # the right password, too late
        assert any("terkunci" in e for e in run.errors), run.errors
        assert "Ringkasan kesiapan KPPS" not in run.headings

    # One audit chain written by both processes, unbroken.
    events = [r["peristiwa"] for r in audit.read(accounts)]
    assert events.count(audit.MASUK) == 2
    assert events.count(audit.GAGAL_MASUK) == 7  # 5 wrong, then 2 refused while locked
    assert events.count(audit.TERKUNCI) == 1
    assert audit.verify(accounts) == []


def test_two_app_processes_agree_on_accounts_lockout_audit_and_version(
    service: dict[str, object],
) -> None:
    protocol.run_sync(_check_two_processes(service))


def _process_of(url: str, route: str) -> str:
    request = urllib.request.Request(f"{url}/_stcore/health")
    request.add_header("Cookie", f"kesiapan_rute={route}")
    with urllib.request.urlopen(request, timeout=10) as response:
        return str(response.headers["X-Kesiapan-Proses"])


async def _through_proxy(url: str) -> tuple[protocol.Run, protocol.Run, str | None]:
    async with protocol.Session(url, timeout_s=60) as tab:
        await tab.open()
        signed = await tab.sign_in("adm", PASSWORD)
        moved = await tab.switch_page("Kekurangan Petugas")
        return signed, moved, tab.process


def test_the_proxy_upgrades_the_websocket_and_keeps_a_browser_on_one_process(
    service: dict[str, object],
) -> None:
    proxy = str(service["proxy"])
    workers = {w.removeprefix("http://") for w in service["workers"]}  # type: ignore[attr-defined]
    # The same cookie always reaches the same process; different browsers spread over both.
    for route in ("a1", "b2", "c3"):
        assert len({_process_of(proxy, route) for _ in range(5)}) == 1
    assert {_process_of(proxy, f"peramban-{i}") for i in range(24)} == workers

    signed, moved, process = protocol.run_sync(_through_proxy(proxy))
    assert "Ringkasan kesiapan KPPS" in signed.headings
    assert moved.exceptions == [] and "Kekurangan Petugas TPS" in moved.headings
    assert process in workers

    # Stopping the service stops nginx and both app processes.
    server = service["process"]
    assert isinstance(server, subprocess.Popen)
    os.killpg(server.pid, signal.SIGTERM)
    assert server.wait(timeout=30) == 0
    with pytest.raises(OSError):
        urllib.request.urlopen(f"{proxy}/_stcore/health", timeout=3)


def test_the_address_is_given_once_nginx_answers_there(tmp_path: Path) -> None:
    """On a busy machine nginx binds its port a moment after it starts: `serve` names the
    address only once the proxy answers, so whoever opens it then is never refused. Here the
    real nginx starts 2 s late (a wrapper first on PATH, as a loaded machine would delay it)."""
    nginx = find_nginx()
    slow = tmp_path / "bin"
    slow.mkdir()
    (slow / "nginx").write_text(f'#!/bin/sh\nsleep 2\nexec {nginx} "$@"\n', encoding="utf-8")
    (slow / "nginx").chmod(0o700)
    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    port = loadtest.free_port()
    path = f"{slow}{os.pathsep}{os.environ['PATH']}"
    health = f"http://127.0.0.1:{port}/_stcore/health"
    with (
        _serving(data, 1, port, tmp_path / "serve.log", {"PATH": path}),
        # At once, as a person would click the address just printed.
        urllib.request.urlopen(health, timeout=10) as answer,
    ):
        assert answer.status == 200
