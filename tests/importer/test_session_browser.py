"""A kecamatan operator imports one session's daftar hadir through the Impor Data page in
Chromium and the Ringkasan shows the new figure; replacing the session shows the row to be
removed in a warning and keeps the save button disabled until the removal is confirmed.
Pictures (KESIAPAN_UJI_GAMBAR=1) in test-results/: impor-sesi-pratinjau,
impor-sesi-hapus(-ponsel)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from kesiapan.contract import labels
from kesiapan.devtools.loadtest import DESKTOP
from kesiapan.outputs.report import report_table
from kesiapan.store import versions
from kesiapan.store.dataset import Dataset
from tests.browser.test_browser import wait_idle
from tests.conftest import review_picture, sign_in_form
from tests.importer.conftest import PASSWORD
from tests.importer.test_partial_files import (
    SESSION,
    TORJUN,
    _attendance,
    _daftar_hadir,
    _two_absent_untrained,
)

WAIT_MS = 60_000
PHONE = {"width": 390, "height": 844}


def _idle(page: Page) -> None:
    """The script over (Streamlit's own run state), its heading shown, 400 ms without change."""
    wait_idle(page, heading="Impor Data", timeout_ms=WAIT_MS)


def _signed_in(open_page: Callable[..., Page], url: str, viewport: dict) -> Page:
    """A new tab (a new session) of the shared browser context, signed in as the operator."""
    page = open_page(viewport["width"], viewport["height"])
    page.set_default_timeout(WAIT_MS)
    page.goto(url)
    sign_in_form(page, "budi", PASSWORD)
    expect(page.get_by_test_id("stMain").locator("h1").first).to_have_text(
        "Ringkasan kesiapan KPPS", timeout=WAIT_MS
    )
    return page


def _to_import(page: Page, url: str) -> None:
    # Through the sidebar: a built-in sign-in lasts for the tab's session, not a reload.
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Impor Data").click()
    expect(page).to_have_url(re.compile(r"/impor-data"))
    expect(page.get_by_test_id("stMain").locator("h1").first).to_have_text("Impor Data")
    _idle(page)


def _trained_in_torjun(folder: Path) -> int:
    frame = report_table(Dataset.open(folder), "kecamatan", areas=[TORJUN])
    return int(frame["kpps_terlatih"].iloc[0])


def test_an_operator_imports_a_session_and_the_dashboard_shows_it(
    operator_server, open_page: Callable[..., Page], tmp_path: Path
) -> None:
    url, folder = operator_server
    rows = _attendance()
    own = [r for r in rows if r["kode_sesi"] == SESSION]
    path = _daftar_hadir(tmp_path / "hadir BT-352702-03.csv", own, set(_two_absent_untrained(rows)))
    before = _trained_in_torjun(folder)
    page = _signed_in(open_page, url, DESKTOP)
    _to_import(page, url)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(path)
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text(
        f"Tentang: sesi {SESSION} (Torjun, 26 Januari 2024)", timeout=WAIT_MS
    )
    _idle(page)
    expect(main).to_contain_text(
        f"Jika disimpan: 0 baris baru · 2 diperbarui · {labels.angka(len(own) - 2)} tetap sama"
    )
    expect(main).not_to_contain_text("MENGHAPUS")
    review_picture(page, "impor-sesi-pratinjau", idle=_idle)
    page.get_by_role("button", name="Simpan sebagai versi baru").click()
    expect(page.get_by_text(re.compile("Tersimpan sebagai versi 0002"))).to_be_visible(
        timeout=WAIT_MS
    )
    assert versions.current(folder) == "0002"
    assert _trained_in_torjun(folder) == before + 2
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Ringkasan").click()
    card = page.get_by_test_id("stMetric").filter(has_text="KPPS terlatih")
    expect(card).to_contain_text(labels.angka(before + 2), timeout=WAIT_MS)


@pytest.mark.parametrize(("viewport", "shot"), [(DESKTOP, ""), (PHONE, "-ponsel")])
def test_replacing_a_session_warns_and_waits_for_the_confirmation(
    operator_server, open_page: Callable[..., Page], tmp_path: Path, viewport: dict, shot: str
) -> None:
    url, folder = operator_server
    own = [r for r in _attendance() if r["kode_sesi"] == SESSION]
    path = _daftar_hadir(tmp_path / "hadir koreksi.csv", own[1:], set())
    live = versions.current(folder)
    page = _signed_in(open_page, url, DESKTOP)
    _to_import(page, url)
    page.set_viewport_size(viewport)
    page.get_by_text("Ganti isi sesi/TPS yang ada di berkas").click()
    _idle(page)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(path)
    warning = page.get_by_test_id("stAlertContentError")
    expect(warning).to_contain_text(
        "Impor ini akan MENGHAPUS 1 baris kehadiran Bimtek", timeout=WAIT_MS
    )
    _idle(page)
    save = page.get_by_role("button", name="Simpan sebagai versi baru")
    expect(save).to_be_disabled(timeout=WAIT_MS)
    expect(page.get_by_role("button", name=re.compile("Unduh daftar lengkap"))).to_be_visible(
        timeout=WAIT_MS
    )
    review_picture(page, f"impor-sesi-hapus{shot}", idle=_idle)
    page.get_by_text(re.compile("Saya sudah memeriksa daftar ini")).click()
    _idle(page)
    expect(save).to_be_enabled(timeout=WAIT_MS)
    assert versions.current(folder) == live  # nothing written before the save
