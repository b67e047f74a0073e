"""The download buttons in a real browser: a Streamlit server on the sample, Debian's Chromium
through Playwright, and the files it saves opened like the others. The buttons write their files
only when pressed (deferred downloads), outside the page's script run: only a real server runs
that path. The server is the browser tests' shared one on the sample (`server`,
tests/conftest.py): a worker starts one, not two."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from playwright.sync_api import Page

from tests.exports.conftest import read_workbook

WAIT_MS = 60_000


@pytest.fixture
def page(server: str, open_page: Callable[..., Page]) -> Page:
    """A tab of the shared browser context (it accepts downloads) on Ringkasan at 28 January."""
    page = open_page(1400, 900)
    page.set_default_timeout(WAIT_MS)
    page.goto(f"{server}/?tanggal=2024-01-28")
    return page


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
