"""Every page of the dashboard in Chromium: it draws, in Indonesian, without errors, and the
sidebar filters travel in the URL (pick, reload, change page, open a shared link).

Screenshots for review land in test-results/<page>.png and test-results/ringkasan-ponsel.png.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect

from kesiapan.devtools.loadtest import IDLE_JS  # the idle check, shared with the load check
from tests.browser.conftest import RESULTS, WAIT_MS

PAGES = [
    # (screenshot name, URL path, h1, draws Plotly charts)
    ("ringkasan", "/", "Ringkasan kesiapan KPPS", True),
    ("bimtek", "/cakupan-bimtek", "Cakupan Bimtek", True),
    ("petugas", "/kekurangan-petugas", "Kekurangan Petugas TPS", True),
    ("supervisi", "/supervisi-bimtek", "Supervisi Bimtek", True),
    ("data", "/tentang-data", "Data", False),
]
# The demo visitor of the bundled sample: Impor Data is only listed for roles that import.
NAVIGATION = [
    "Ringkasan",
    "Cakupan Bimtek",
    "Kekurangan Petugas",
    "Supervisi",
    "Data",
]
TORJUN, SAMPANG = "35.27.02", "35.27.03"

# Text of ours that slipped through in English or as a raw value (main area, case-sensitive).
ENGLISH_TEXT = re.compile(
    r"\b(None|NaN|nan|null|undefined|Loading|No data|Error|Warning|Select|Download|Untitled)\b"
)
# Plotly defaults and column names showing in a chart (axis titles, legends, labels).
RAW_CHART_TEXT = re.compile(
    r"(?i)\b(variable|value|count|index|sum of \w+|trace \d+|undefined|nan|none)\b"
    r"|\b[a-z]+(?:_[a-z0-9]+)+\b"
)


def wait_idle(page: Page, quiet_ms: int = 800) -> None:
    """Wait until the Streamlit script has finished and everything it sent is drawn."""
    page.evaluate("() => { window.__kesiapanBusyAt = performance.now(); }")
    page.wait_for_function(IDLE_JS, arg={"quietMs": quiet_ms}, polling=100, timeout=WAIT_MS)


def assert_no_error(page: Page) -> None:
    """No exception box and no st.error anywhere (main area or sidebar)."""
    errors = page.locator(
        '[data-testid="stException"], '
        '[data-testid="stAlertContentError"]:not([data-testid="stException"] *)'
    )
    texts = [text.strip()[:1500] for text in errors.all_inner_texts()]
    if texts:
        pytest.fail(
            f"{page.url} shows {len(texts)} error(s) (tracebacks in test-results/server.log):\n"
            + "\n---\n".join(texts)
        )


def title(page: Page) -> Locator:
    return page.get_by_test_id("stMain").locator("h1").first


def caption(page: Page) -> Locator:
    """The caption under the title: area in scope · posisi tanggal · countdown."""
    return page.get_by_test_id("stMain").get_by_test_id("stCaptionContainer").first


def kecamatan_filter(page: Page) -> Locator:
    label = page.get_by_test_id("stWidgetLabel").get_by_text("Kecamatan", exact=True)
    return page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").filter(has=label)


def chips(multiselect: Locator) -> Locator:
    return multiselect.locator("[data-tag]")


def kec_in_url(*codes: str) -> re.Pattern[str]:
    """`kec=` with these codes in the URL, dots and commas plain or percent-encoded."""
    parts = [re.escape(code).replace(r"\.", r"(?:\.|%2E)") for code in codes]
    return re.compile(r"[?&]kec=" + r"(?:,|%2C)".join(parts) + r"(?:&|#|$)", re.IGNORECASE)


def forget_screenshot(name: str) -> None:
    """No stale picture from an earlier run when this one fails before taking its own."""
    (RESULTS / f"{name}.png").unlink(missing_ok=True)


def open_app(page: Page, base: str, path: str, heading: str) -> None:
    page.goto(base + path)
    expect(title(page)).to_have_text(heading)
    wait_idle(page)


def screenshot_full(page: Page, name: str) -> None:
    """The whole page: Streamlit scrolls inside stMain, so grow the viewport to its height."""
    size = page.viewport_size
    assert size is not None
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size(
        {"width": size["width"], "height": min(max(height, size["height"]), 12000)}
    )
    try:
        wait_idle(page, quiet_ms=300)
        page.screenshot(path=RESULTS / f"{name}.png", full_page=True)
    finally:
        page.set_viewport_size(size)


def assert_charts_drawn(page: Page) -> None:
    """At least one Plotly chart; every chart drawn (SVG present) with at least one trace."""
    charts = page.locator(".js-plotly-plot")
    expect(charts.first.locator(".main-svg").first).to_be_attached()
    traces = page.evaluate(
        "() => [...document.querySelectorAll('.js-plotly-plot')].map("
        "(gd) => (gd.data || []).length)"
    )
    assert traces, f"{page.url}: no Plotly chart"
    assert all(traces), f"{page.url}: a Plotly chart without data (traces per chart: {traces})"
    drawn = page.locator('[data-testid="stPlotlyChart"]:not(:has(.main-svg))')
    assert drawn.count() == 0, f"{page.url}: a Plotly chart that did not draw"


def assert_indonesian(page: Page) -> None:
    links = page.get_by_test_id("stSidebarNav").get_by_test_id("stSidebarNavLink")
    expect(links.get_by_test_id("stMarkdownContainer")).to_have_text(NAVIGATION)
    main_text = page.get_by_test_id("stMain").inner_text()
    found = sorted(set(ENGLISH_TEXT.findall(main_text)))
    assert not found, f"{page.url}: English or raw words on the page: {found}"
    chart_text = page.evaluate(
        "() => [...document.querySelectorAll('.js-plotly-plot .main-svg text')]"
        ".map((t) => t.textContent.trim()).filter(Boolean)"
    )
    raw = sorted({t for t in chart_text if RAW_CHART_TEXT.search(t)})
    assert not raw, f"{page.url}: chart labels that are not words for people: {raw}"


def test_chromium_is_installed(chromium) -> None:
    # The shared fixture fails, never skips, when Debian's Chromium is missing.
    assert chromium.is_connected()
    assert chromium.version


@pytest.mark.parametrize(
    ("name", "path", "heading", "has_charts"), PAGES, ids=[p[0] for p in PAGES]
)
def test_page_draws(
    page: Page, server: str, name: str, path: str, heading: str, has_charts: bool
) -> None:
    forget_screenshot(name)
    open_app(page, server, path, heading)
    assert_no_error(page)
    if has_charts:
        assert_charts_drawn(page)
    else:
        expect(page.get_by_test_id("stDataFrame").first).to_be_visible()
    assert_indonesian(page)
    screenshot_full(page, name)
    assert_no_error(page)


def test_ringkasan_on_a_phone(open_page: Callable[..., Page], server: str) -> None:
    forget_screenshot("ringkasan-ponsel")
    page = open_page(390, 844)
    open_app(page, server, "/", "Ringkasan kesiapan KPPS")
    assert_no_error(page)
    assert_charts_drawn(page)
    # The sidebar opens expanded and covers most of a phone screen; the screenshot is
    # about the page under it, so close it first when it is open.
    collapse = page.get_by_test_id("stSidebarCollapseButton").get_by_role("button")
    if collapse.is_visible():
        collapse.click()
        expect(page.get_by_test_id("stSidebar")).not_to_be_in_viewport()
    screenshot_full(page, "ringkasan-ponsel")


def test_kecamatan_filter_lives_in_the_url(page: Page, server: str) -> None:
    open_app(page, server, "/", "Ringkasan kesiapan KPPS")
    kecamatan = kecamatan_filter(page)
    expect(kecamatan).to_have_count(1)
    expect(chips(kecamatan)).to_have_count(0)

    box = kecamatan.get_by_role("combobox")
    box.click()
    box.press_sequentially("Torjun")
    expect(page.get_by_role("option", name="Torjun", exact=True)).to_be_visible()
    box.press("Enter")
    box.press("Escape")
    expect(chips(kecamatan)).to_have_text(["Torjun"])
    expect(page).to_have_url(kec_in_url(TORJUN))
    expect(caption(page)).to_contain_text("Torjun")
    wait_idle(page)
    assert_no_error(page)

    page.reload()
    expect(title(page)).to_have_text("Ringkasan kesiapan KPPS")
    wait_idle(page)
    expect(chips(kecamatan_filter(page))).to_have_text(["Torjun"])
    expect(page).to_have_url(kec_in_url(TORJUN))
    expect(caption(page)).to_contain_text("Torjun")

    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Cakupan Bimtek").click()
    expect(title(page)).to_have_text("Cakupan Bimtek")
    expect(page).to_have_url(re.compile(r"/cakupan-bimtek\?"))
    expect(page).to_have_url(kec_in_url(TORJUN))
    wait_idle(page)
    expect(chips(kecamatan_filter(page))).to_have_text(["Torjun"])
    expect(caption(page)).to_contain_text("Torjun")
    assert_no_error(page)


def test_shared_link_with_two_kecamatan(page: Page, server: str) -> None:
    open_app(page, server, f"/?kec={TORJUN},{SAMPANG}", "Ringkasan kesiapan KPPS")
    expect(chips(kecamatan_filter(page))).to_have_text(["Torjun", "Sampang"])
    expect(caption(page)).to_contain_text("Torjun, Sampang")
    expect(page).to_have_url(kec_in_url(TORJUN, SAMPANG))
    assert_no_error(page)


def test_shared_link_to_a_page_on_a_fresh_server(page: Page, fresh_server: str) -> None:
    """The first visitor after a restart may come through a shared link to a page other than
    Ringkasan: it must get the whole app (wide frame, sidebar filters from the URL), not the
    page script alone."""
    open_app(page, fresh_server, f"/kekurangan-petugas?kec={TORJUN}", "Kekurangan Petugas TPS")
    links = page.get_by_test_id("stSidebarNav").get_by_test_id("stSidebarNavLink")
    expect(links.get_by_test_id("stMarkdownContainer")).to_have_text(NAVIGATION)
    expect(chips(kecamatan_filter(page))).to_have_text(["Torjun"])
    expect(caption(page)).to_contain_text("Torjun")
    assert_no_error(page)
