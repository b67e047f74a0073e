"""Markup in the data, in a real browser: the `mini` dataset with script tags, image tags with
onerror, javascript: links and Markdown in desa names, member names, places, findings, the
dataset's and the account's names (tests/test_hostile.py builds it). On every page no dialog
ever opens, no element from the data becomes a script, an image or a link, and the text shows
as it was typed where it is shown as text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Page, expect

from kesiapan.access import accounts as access
from tests.browser.conftest import dashboard_server
from tests.browser.test_browser import assert_no_error, caption, title, wait_idle
from tests.conftest import listen, sign_in_form
from tests.test_hostile import (
    ADMIN_NAME,
    BOLD,
    DATASET_NAME,
    IMG,
    LINK,
    PASSWORD,
    SCRIPT,
    add_accounts,
    hostile_dataset,
)

PAGES = [
    ("Ringkasan", "Ringkasan kesiapan KPPS"),
    ("Cakupan Bimtek", "Cakupan Bimtek"),
    ("Kekurangan Petugas", "Kekurangan Petugas TPS"),
    ("Supervisi", "Supervisi Bimtek"),
    ("Data", "Data"),
]
THREE_DESA = "35.27.02.2002,35.27.01.2001,35.27.01.2002"  # <script>, [klik](…), **tebal**
NOREH = "35.27.01.2001"  # [klik](javascript:alert(1)): no PAW, no visit, everyone trained

# Anything the data could have turned into something that runs or loads.
INJECTED_JS = """
() => ({
  scripts: [...document.querySelectorAll('script')]
    .filter((s) => s.textContent.includes('alert(1)')).length,
  onerror: document.querySelectorAll('[onerror]').length,
  images: [...document.querySelectorAll('img')].filter((i) => i.getAttribute('src') === 'x').length,
  links: [...document.querySelectorAll('a[href], [href]')]
    .filter((a) => /^\\s*javascript:/i.test(a.getAttribute('href') || '')).length,
  bold: [...document.querySelectorAll('strong, b')]
    .filter((b) => ['tebal', 'Data', 'Admin'].includes(b.textContent.trim())).length,
})
"""
NOTHING = {"scripts": 0, "onerror": 0, "images": 0, "links": 0, "bold": 0}


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("hostile-browser")
    data = hostile_dataset(root / "data")
    add_accounts(root / "akses")
    env = {access.AKSES_ENV: str(root / "akses")}
    with dashboard_server(data, "server-hostile.log", env=env) as url:
        yield url


def _open(open_page: Callable[..., Page], url: str) -> tuple[Page, list[str]]:
    """A page signed in as the admin on `url`, recording every JavaScript dialog."""
    page = open_page()
    dialogs: list[str] = []

    def record(dialog: object) -> None:
        dialogs.append(dialog.message)  # type: ignore[attr-defined]
        dialog.dismiss()  # type: ignore[attr-defined]

    listen(page, "dialog", record)  # for this test only: the tab is shared
    _sign_in(page, url)
    return page, dialogs


def _sign_in(page: Page, url: str) -> None:
    """Load `url` (a new session) and sign in as the admin."""
    page.goto(url)
    sign_in_form(page, "admin", PASSWORD)
    expect(title(page)).to_have_text(PAGES[0][1])
    wait_idle(page)


def _visit(page: Page, link: str, heading: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=link, exact=True).click()
    expect(title(page)).to_have_text(heading)
    wait_idle(page)
    assert_no_error(page)


def test_no_markup_from_the_data_runs_on_any_page(
    deployment: str, open_page: Callable[..., Page]
) -> None:
    page, dialogs = _open(open_page, f"{deployment}/?desa={THREE_DESA}")
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar).to_contain_text(f"Masuk sebagai {ADMIN_NAME} (Admin)")
    for link, heading in PAGES:
        _visit(page, link, heading)
        if heading == "Data":
            expect(caption(page)).to_contain_text(f"{DATASET_NAME} · folder ")
        else:
            expect(caption(page)).to_contain_text(f"Desa/Kel. {SCRIPT}, {LINK}, {BOLD} · posisi")
        # Chosen desa in the sidebar filter, as their names.
        expect(sidebar.get_by_test_id("stMultiSelect").last).to_contain_text(SCRIPT)
        assert page.evaluate(INJECTED_JS) == NOTHING, page.url
        page.mouse.move(400, 400)  # hover over whatever chart is there
        page.wait_for_timeout(300)
        assert dialogs == [], f"{page.url}: {dialogs}"


def test_empty_states_and_charts_show_names_as_text(
    deployment: str, open_page: Callable[..., Page]
) -> None:
    page, dialogs = _open(open_page, f"{deployment}/?desa={NOREH}")
    main = page.get_by_test_id("stMain")
    _visit(page, "Supervisi", "Supervisi Bimtek")
    expect(main).to_contain_text(f"Belum ada kunjungan supervisi di Desa/Kel. {LINK} sampai")
    _visit(page, "Kekurangan Petugas", "Kekurangan Petugas TPS")
    expect(main).to_contain_text(f"Belum ada KPPS yang berhenti di Desa/Kel. {LINK} sampai")
    _visit(page, "Cakupan Bimtek", "Cakupan Bimtek")
    expect(main).to_contain_text(f"Semua KPPS aktif di Desa/Kel. {LINK} sudah mengikuti Bimtek.")
    # Inside kecamatan Torjun the charts name its desa (<script>…, <img …>): Plotly writes
    # them as text.
    _sign_in(page, f"{deployment}/?kec=35.27.02")
    # Plotly draws after the script run is over: on a busy machine, later than wait_idle.
    for name in (SCRIPT, IMG):
        expect(page.locator(".js-plotly-plot .main-svg text", has_text=name).first).to_be_attached()
    chart_text = page.evaluate(
        "() => [...document.querySelectorAll('.js-plotly-plot .main-svg text')]"
        ".map((t) => t.textContent.trim())"
    )
    for name in (SCRIPT, IMG):
        assert name in chart_text, chart_text
    assert page.evaluate(INJECTED_JS) == NOTHING
    assert dialogs == []
