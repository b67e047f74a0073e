"""Issue 15 in Chromium: drilling kabupaten → kecamatan → desa → TPS by clicks (map, bar,
row), the breadcrumb back up, browser Back restoring the views with their URLs, a kecamatan
account landing on its desa, every page on a phone without sideways scrolling and with its
status column, and no English word anywhere a user can see (the connection-lost dialog:
tests/browser/test_browser.py::test_shared_link_to_a_page_on_a_fresh_server).

One server (a copy of the sample with two accounts) and one browser for the module.
Pictures for review (KESIAPAN_UJI_GAMBAR=1) land in test-results/nav-*.png.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Locator, Page, expect

from kesiapan.access import accounts as access
from tests.browser.conftest import dashboard_server
from tests.browser.test_browser import (
    VISIBLE_TEXT_JS,
    assert_no_error,
    each_combination,
    english_words,
    title,
    wait_idle,
)
from tests.conftest import copy_sample, review_picture, sign_in_form

PASSWORD = "sandi-rahasia-2024"
TORJUN = "35.27.02"
PHONE = (390, 844)
PAGES = [
    ("/", "Ringkasan kesiapan KPPS"),
    ("/cakupan-bimtek", "Cakupan Bimtek"),
    ("/kekurangan-petugas", "Kekurangan Petugas TPS"),
    ("/supervisi-bimtek", "Supervisi Bimtek"),
    ("/tentang-data", "Data"),
    ("/impor-data", "Impor Data"),
]
# The ranked table of a page (widget key) that a phone sees as a list of cards instead; the
# Cakupan Bimtek and Kekurangan Petugas pages open at Torjun, where their TPS lists are.
PHONE_LISTS = {
    "/": "peringkat",
    "/cakupan-bimtek": "tabel_tps",
    "/kekurangan-petugas": "kekurangan",
    "/supervisi-bimtek": "tabel_kecamatan",
    "/tentang-data": "masalah",
}
AT_TORJUN = ("/cakupan-bimtek", "/kekurangan-petugas")
WIDE_ELEMENTS_JS = """() => {
  const limit = document.documentElement.clientWidth + 1;
  const main = document.querySelector('[data-testid="stMain"]');
  return [...main.querySelectorAll('*')].filter((el) => {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (box.width === 0 || style.visibility === 'hidden') return false;
    // Inside a scroller that is itself within the screen, content may be wider.
    for (let p = el.parentElement; p && p !== main; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      const scrolls = o === 'auto' || o === 'scroll' || o === 'hidden';
      if (scrolls && p.getBoundingClientRect().right <= limit) return false;
    }
    return box.right > limit || box.left < -1;
  }).slice(0, 5).map((el) => {
    const right = Math.round(el.getBoundingClientRect().right);
    return `${el.tagName}.${el.className} ${right}`;
  });
}"""
POINT_JS = """(chart, code) => {
  const gd = chart.querySelector('.js-plotly-plot');
  const layout = gd._fullLayout;
  for (const trace of gd._fullData) {
    const data = trace.customdata || [];
    for (let i = 0; i < data.length; i++) {
      const custom = Array.isArray(data[i]) ? data[i][0] : data[i];
      if (custom !== code || trace.visible === false) continue;
      const xa = layout[trace.xaxis.replace('x', 'xaxis')];
      const ya = layout[trace.yaxis.replace('y', 'yaxis')];
      let x = trace.x[i], y = trace.y[i];
      if (trace.type === 'bar') x = x / 2;
      const box = gd.getBoundingClientRect();
      return [box.left + layout._size.l + xa.d2p(x), box.top + layout._size.t + ya.d2p(y)];
    }
  }
  return null;
}"""


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("navigasi")
    data, folder = copy_sample(root / "sample"), root / "akses"  # the copy opens the built store
    access.add(folder, "admin", peran="admin", wilayah=["35.27"], nama="Admin", password=PASSWORD)
    access.add(folder, "tono", peran="analis", wilayah=[TORJUN], nama="Tono", password=PASSWORD)
    with dashboard_server(data, "server-navigasi.log", env={access.AKSES_ENV: str(folder)}) as url:
        yield url


def signed_in(
    open_page: Callable[..., Page],
    url: str,
    user: str,
    size: tuple[int, int] = (1440, 900),
    path: str = "/",
    heading: str = "Ringkasan kesiapan KPPS",
) -> Page:
    page = open_page(*size)
    sign_in(page, url, user, path, heading)
    return page


def sign_in(page: Page, url: str, user: str, path: str, heading: str) -> None:
    """Load `path` (a new session) and sign in as `user`, until the page is idle."""
    page.goto(url + path)
    sign_in_form(page, user, PASSWORD)
    expect(title(page)).to_have_text(heading)
    wait_idle(page)


def click_point(page: Page, chart: Locator, code: str) -> None:
    """Click the point (bar, map name, desa dot) whose customdata[0] is `code`."""
    chart.scroll_into_view_if_needed()
    where = chart.evaluate(POINT_JS, code)
    assert where is not None, f"no point of {code} on the chart"
    page.mouse.click(*where)


def click_first_row(page: Page, table: Locator) -> None:
    """Select the first row of a selectable st.dataframe (its row marker, left)."""
    table.scroll_into_view_if_needed()
    box = table.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)


def crumbs(page: Page) -> Locator:
    return page.locator(".st-key-remah")


def chart(page: Page, key: str) -> Locator:
    return page.locator(f'[class*="st-key-{key}"]').get_by_test_id("stPlotlyChart")


def test_drill_down_by_clicks_up_by_breadcrumb_and_back(
    deployment: str, open_page: Callable[..., Page]
) -> None:
    page = signed_in(open_page, deployment, "admin")
    # Kabupaten: a click on the map's name of Torjun.
    click_point(page, page.get_by_test_id("stPlotlyChart").first, TORJUN)
    expect(page).to_have_url(re.compile(r"[?&]kec=35\.27\.02(&|$)"))
    expect(crumbs(page)).to_contain_text("Kec. Torjun")
    wait_idle(page)
    expect(page.get_by_role("heading", name="Status TPS per desa")).to_be_visible()
    # Kecamatan: a click on a desa's bar.
    click_point(page, chart(page, "status"), "35.27.02.2007")
    expect(page).to_have_url(re.compile(r"[?&]desa=35\.27\.02\.2007(&|$)"))
    wait_idle(page)
    expect(page.get_by_role("heading", name="Status per TPS")).to_be_visible()
    desa_url = page.url
    # Desa: a click on the first TPS row of the ranking.
    click_first_row(page, page.locator('[class*="st-key-peringkat"]').get_by_test_id("stDataFrame"))
    expect(page).to_have_url(re.compile(r"[?&]tps=35270220070\d\d(&|$)"))
    wait_idle(page)
    expect(page.get_by_role("heading", name="Anggota aktif")).to_be_visible()
    expect(crumbs(page)).to_contain_text(re.compile(r"Kec\. Torjun.*›.*TPS 0\d\d"))
    tps_url = page.url
    assert_no_error(page)
    review_picture(page, "nav-tps")
    # Up to the kabupaten in one click.
    crumbs(page).get_by_role("button", name="Kab. Sampang").click()
    expect(page).not_to_have_url(re.compile(r"[?&](kec|desa|tps)="))
    wait_idle(page)
    expect(page.get_by_role("heading", name="Status TPS per kecamatan")).to_be_visible()
    # Browser Back twice: the TPS view, then the desa view, each with its URL.
    page.go_back()
    expect(page).to_have_url(tps_url)
    expect(page.get_by_role("heading", name="Anggota aktif")).to_be_visible()
    wait_idle(page)
    page.go_back()
    expect(page).to_have_url(desa_url)
    expect(page.get_by_role("heading", name="Status per TPS")).to_be_visible()
    expect(page.get_by_role("heading", name="Anggota aktif")).to_have_count(0)
    wait_idle(page)
    assert_no_error(page)


def test_a_kecamatan_account_lands_on_its_desa(
    deployment: str, open_page: Callable[..., Page]
) -> None:
    page = signed_in(open_page, deployment, "tono")
    expect(page.get_by_role("heading", name="Status TPS per desa")).to_be_visible()
    expect(page.get_by_role("heading", name="Peta status jadwal Bimtek per desa")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Peringkat desa (perlu perhatian di atas)")
    ).to_be_visible()
    assert_no_error(page)


def test_phone_and_words(
    deployment: str, open_page: Callable[..., Page], request: pytest.FixtureRequest
) -> None:
    """Every page, each loaded afresh in one tab and signed in: at 390 px nothing is wider than
    the screen, a page's ranked table is a list of cards whose status chips lie within the
    screen (the table itself hidden), and no visible text is Streamlit's or Plotly's English
    (the menu, the uploader and a file dragged over it included); at 1440 px the table is
    back, the cards are gone, and no English either. A failure names its page."""
    page = open_page(*PHONE)
    with each_combination(request) as check:
        for path, heading in PAGES:
            with check(page, path):
                page.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
                _phone_and_words(page, deployment, path, heading)


def _phone_and_words(page: Page, deployment: str, path: str, heading: str) -> None:
    link = path + (f"?kec={TORJUN}" if path in AT_TORJUN else "")
    sign_in(page, deployment, "admin", link, heading)
    collapse = page.get_by_test_id("stSidebarCollapseButton").get_by_role("button")
    if collapse.is_visible():
        collapse.click()
    wait_idle(page, quiet_ms=300)
    assert_no_error(page)
    wide = page.evaluate(WIDE_ELEMENTS_JS)
    assert not wide, f"{path}: wider than a 390 px screen: {wide}"
    key = PHONE_LISTS.get(path)
    if key:
        cards = page.locator(f".st-key-sempit_{key} .kk")
        expect(cards.first).to_be_visible()
        assert 1 <= cards.count() <= 8
        chip = cards.first.locator(".kk-status")
        box = chip.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE[0]
        assert chip.inner_text().strip()
        expect(page.locator(f'[class*="st-key-lebar_{key}"]')).to_be_hidden()
    words = english_words(page)
    assert not words, f"{path} at 390 px shows English: {words}"
    if path == "/impor-data":
        drag_a_file_over_the_uploader(page)
    name = path.strip("/") or "ringkasan"
    review_picture(page, f"nav-{name}-390")
    page.set_viewport_size({"width": 1440, "height": 900})
    wait_idle(page, quiet_ms=300)
    if key:
        expect(page.locator(f".st-key-sempit_{key}")).to_be_hidden()
        table = page.locator(f'[class*="st-key-lebar_{key}"]').get_by_test_id("stDataFrame")
        expect(table).to_be_visible()
    words = english_words(page)
    assert not words, f"{path} at 1440 px shows English: {words}"
    review_picture(page, f"nav-{name}-1440")


DRAG_JS = """(zone, type) => {
  const data = new DataTransfer();
  data.items.add(new File(['kode_sesi'], 'hadir.csv', {type: 'text/csv'}));
  zone.dispatchEvent(new DragEvent(type, {bubbles: true, cancelable: true, dataTransfer: data}));
}"""


def drag_a_file_over_the_uploader(page: Page) -> None:
    """While a file is dragged over it, the uploader says so in Indonesian."""
    zone = page.get_by_test_id("stFileUploaderDropzone").first
    zone.evaluate(DRAG_JS, "dragenter")
    hint = zone.locator(":scope > div:not([data-testid])")
    expect(hint).to_be_visible()
    assert "Lepaskan berkas di sini" in page.evaluate(VISIBLE_TEXT_JS)
    words = english_words(page)
    assert not words, f"the uploader, a file dragged over it, shows English: {words}"
    zone.evaluate(DRAG_JS, "dragleave")
    expect(hint).to_have_count(0)
