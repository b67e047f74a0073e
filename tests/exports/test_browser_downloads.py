"""The download buttons in a real browser: a Streamlit server on the sample, Debian's Chromium
through Playwright, and the files it saves opened like the others. The buttons write their files
only when pressed (deferred downloads), outside the page's script run: only a real server runs
that path."""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from playwright.sync_api import Page, sync_playwright

from tests.conftest import ROOT, SAMPLE
from tests.exports.conftest import read_workbook

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
PORTS = range(8700, 8800)
START_TIMEOUT_S = 60
WAIT_MS = 60_000


def _free_port() -> int:
    for port in PORTS:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            if sock.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port in 8700–8799")


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.read().strip() == b"ok"
    except OSError:
        return False


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path_factory.mktemp("server") / "server.log"
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
        "--server.address", "127.0.0.1", "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, "KESIAPAN_DATA": str(SAMPLE)},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _healthy(url):
            assert process.poll() is None, log.read_text(errors="replace")
            assert time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.3)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def page(server: str) -> Iterator[Page]:
    assert CHROMIUM.exists(), "Debian's chromium is needed (apt-get install chromium)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(
            accept_downloads=True, viewport={"width": 1400, "height": 900}
        )
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        page.goto(f"{server}/?tanggal=2024-01-28")
        yield page
        browser.close()


def _download(page: Page, label: str, index: int = 0) -> tuple[str, bytes]:
    button = page.get_by_role("button", name=label).nth(index)
    button.wait_for()
    with page.expect_download(timeout=WAIT_MS) as info:
        button.click()
    download = info.value
    return download.suggested_filename, Path(download.path()).read_bytes()


def test_ringkasan_buttons_save_the_briefing_the_pack_and_the_table(page: Page) -> None:
    name, data = _download(page, "Unduh briefing (PDF)")
    assert name == "briefing_kesiapan_kpps_kabupaten-sampang_2024-01-28.pdf"
    document = pdfium.PdfDocument(data)
    assert len(document) == 3
    first = document[0].get_textpage().get_text_range()
    assert "Kabupaten Sampang" in first and "28 Januari 2024" in first

    name, data = _download(page, "Unduh paket aksi PPK (ZIP)")
    assert name == "paket_aksi_ppk_kabupaten-sampang_2024-01-28.zip"
    assert len(zipfile.ZipFile(io.BytesIO(data)).namelist()) == 14

    name, data = _download(page, "Unduh Excel")
    assert name == "peringkat_kecamatan_kabupaten-sampang_2024-01-28.xlsx"
    (sheet,) = read_workbook(data).values()
    assert sheet.title == "Peringkat kecamatan — Kabupaten Sampang"
    assert "Posisi per tanggal: 28 Januari 2024" in sheet.lines[3]
    assert len(sheet.rows) == 14

    name, data = _download(page, "Unduh CSV")
    assert name == "peringkat_kecamatan_kabupaten-sampang_2024-01-28.csv"
    assert data.decode("utf-8-sig").count("\r\n") == 15  # header and 14 kecamatan
