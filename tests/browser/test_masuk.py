"""Sign-in in a real browser: a built-in account of Kabupaten Sampang on the `mini` dataset
(35.27 Sampang with TPS A–F, 35.26 Bangkalan with TPS G) sees only Sampang, and is refused on
a link to Bangkalan and on the import page."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from kesiapan import akses, audit
from tests.browser.conftest import ROOT, dashboard_server
from tests.exports.conftest import read_workbook

PASSWORD = "sandi-rahasia-2024"


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    root = tmp_path_factory.mktemp("masuk")
    data, folder = root / "data", root / "akses"
    shutil.copytree(ROOT / "tests" / "fixtures" / "mini", data)
    akses.add(folder, "rina", peran="analis", wilayah=["35.27"], nama="Rina", password=PASSWORD)
    with dashboard_server(data, "server-masuk.log", env={akses.AKSES_ENV: str(folder)}) as url:
        yield url, folder


def _sign_in(page: Page, url: str, password: str = PASSWORD) -> None:
    page.get_by_label("Nama pengguna").fill("rina")
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()


def test_signs_in_and_sees_only_its_kabupaten(
    deployment: tuple[str, Path], open_page: Callable[..., Page]
) -> None:
    url, folder = deployment
    page = open_page()
    page.goto(url)
    expect(page.get_by_label("Kata sandi")).to_be_visible()
    expect(page.get_by_test_id("stMetric")).to_have_count(0)
    _sign_in(page, url, "bukan-sandinya-1")
    expect(page.get_by_text("Nama pengguna atau kata sandi salah.")).to_be_visible()
    _sign_in(page, url)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("Masuk sebagai Rina (Analis) · Kab. Sampang")).to_be_visible()
    expect(page.get_by_test_id("stMetric").first).to_be_visible()
    expect(page.get_by_text("dari 6 TPS").first).to_be_visible()  # A–F, not Bangkalan's G
    expect(page.get_by_text("Bangkalan")).to_have_count(0)
    expect(page.get_by_text("Kamal")).to_have_count(0)
    assert [e["peristiwa"] for e in audit.read(folder)][-2:] == ["gagal_masuk", "masuk"]
    # A table's own toolbar offers no CSV download (client.disableDataExport): files come
    # only from the app's buttons, which check the role and write the audit log.
    table = page.get_by_test_id("stDataFrame").first
    table.hover()
    expect(page.get_by_test_id("stElementToolbar").first).to_be_visible()
    expect(page.get_by_role("button", name="Download as CSV")).to_have_count(0)


def test_refused_on_a_forbidden_url(
    deployment: tuple[str, Path], open_page: Callable[..., Page]
) -> None:
    url, _ = deployment
    page = open_page()
    page.goto(f"{url}/?kab=35.26")
    _sign_in(page, url)
    expect(page.get_by_text("di luar cakupan akun Anda")).to_be_visible()
    expect(page.get_by_text("dari 6 TPS").first).to_be_visible()
    expect(page.get_by_text("Kamal")).to_have_count(0)
    page.goto(f"{url}/impor-data")
    _sign_in(page, url)  # a new page load is a new session
    expect(page.get_by_text("Akses ditolak: halaman Impor Data")).to_be_visible()
    expect(page.get_by_test_id("stFileUploader")).to_have_count(0)


def test_download_of_names_is_written_into_the_audit_log(
    deployment: tuple[str, Path], browser: Browser
) -> None:
    url, folder = deployment
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 900})
    context.set_default_timeout(30_000)
    try:
        page = context.new_page()
        page.goto(f"{url}/cakupan-bimtek?kec=35.27.02")
        _sign_in(page, url)
        expect(page.get_by_role("heading", name="Cakupan Bimtek")).to_be_visible()
        button = page.get_by_role("button", name="Unduh Excel").last
        with page.expect_download() as info:
            button.click()
        sheet = next(iter(read_workbook(Path(info.value.path()).read_bytes()).values()))
        # Torjun at 2024-01-27: Zainal Arifin (A9) and Yuliana (B6) untrained; NIK masked.
        assert sheet.column("Nama") == ["Zainal Arifin", "Yuliana"]
        assert sheet.column("NIK") == ["3527••••••••0009", "3527••••••••0015"]
        entry = audit.read(folder)[-1]
        assert (entry["peristiwa"], entry["pengguna"], entry["baris"]) == ("unduh", "rina", 2)
        assert entry["filter"] == "Kecamatan Torjun"
        assert entry["berkas"].endswith(".xlsx")
        # The action pack: Torjun's two untrained members plus one PAW awaiting Bimtek
        # (Fatimah, A6, replaced by Zainal Arifin, A9): 3 rows naming people.
        page.get_by_test_id("stSidebarNav").get_by_role("link", name="Ringkasan").click()
        with page.expect_download() as info:
            page.get_by_role("button", name="Unduh paket aksi PPK (ZIP)").click()
        assert info.value.suggested_filename.endswith(".zip")
        entry = audit.read(folder)[-1]
        assert (entry["peristiwa"], entry["baris"], entry["filter"]) == (
            "unduh",
            3,
            "Kecamatan Torjun",
        )
        assert entry["berkas"] == info.value.suggested_filename
    finally:
        context.close()
