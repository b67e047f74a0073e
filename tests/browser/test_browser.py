"""Every page of the dashboard in Chromium: it draws, in Indonesian, without errors, and the
sidebar filters travel in the URL (pick, reload, change page, open a shared link).

Pictures for review (KESIAPAN_UJI_GAMBAR=1, tests/conftest.py) land in test-results/<page>.png
and test-results/ringkasan-ponsel.png.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeAlias

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, expect

from kesiapan.devtools.loadtest import IDLE_JS  # the idle check, shared with the load check
from tests.browser.conftest import RESULTS, WAIT_MS, _log_name, running_server
from tests.conftest import Tabs, listen, review_picture

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
PHONE = {"width": 390, "height": 844}

# Words of Streamlit's, Plotly's and the browser grid's own English that must never show.
ENGLISH_UI = re.compile(
    r"\b(Stop|Running|Print|Record screen|Made with Streamlit|Settings|Rerun|Clear cache|"
    r"Deploy|Search|Fullscreen|Show/hide columns|Select all|Upload|Browse files|"
    r"Drag and drop|per file|Download as CSV|Zoom|Pan|Autoscale|Reset axes|"
    r"Download plot|No results|Loading|Close|Toggle)\b"
)
VISIBLE_TEXT_JS = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const text = node.textContent.trim();
    const el = node.parentElement;
    if (!text || !el || el.closest('script,style,noscript')) continue;
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (box.width === 0 || box.height === 0 || style.visibility === 'hidden'
        || style.display === 'none' || parseFloat(style.opacity) === 0) continue;
    out.push(text);
  }
  for (const el of document.querySelectorAll('[aria-label],[title],[placeholder]')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    for (const a of ['aria-label', 'title', 'placeholder']) {
      if (el.getAttribute(a)) out.push(el.getAttribute(a));
    }
  }
  for (const el of document.querySelectorAll('*')) {
    for (const pseudo of ['::before', '::after']) {
      const content = getComputedStyle(el, pseudo).content;
      if (content && content.startsWith('"')) out.push(content.slice(1, -1));
    }
  }
  return out;
}"""

# Text of ours that slipped through in English or as a raw value (main area, case-sensitive).
ENGLISH_TEXT = re.compile(
    r"\b(None|NaN|nan|null|undefined|Loading|No data|Error|Warning|Select|Download|Untitled)\b"
)
# Plotly defaults and column names showing in a chart (axis titles, legends, labels).
RAW_CHART_TEXT = re.compile(
    r"(?i)\b(variable|value|count|index|sum of \w+|trace \d+|undefined|nan|none)\b"
    r"|\b[a-z]+(?:_[a-z0-9]+)+\b"
)


# Streamlit's own record of the script run, on its app root (the attributes its own browser
# tests wait on): `data-test-script-state` is "running" or "rerunRequested" while a run is under
# way or asked for, "notRunning" once it is over, "initial" before the first; and
# `data-test-connection-state` "CONNECTED". Until the run is over and connected, the page is
# busy whatever it shows; then IDLE_JS (no spinner, skeleton, stale element or undrawn chart).
# So the quiet window only has to cover a run asked for right after another (a value a widget
# sends once drawn), no longer the whole way from an action to its run: 400 ms, not 800.
RUN_OVER_IDLE_JS = f"""(args) => {{
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.dataset.testScriptState !== 'notRunning'
      || app.dataset.testConnectionState !== 'CONNECTED') {{
    window.__kesiapanBusyAt = performance.now();
    return false;
  }}
  return ({IDLE_JS})(args);
}}"""
QUIET_MS = 400


def wait_idle(
    page: Page, quiet_ms: int = QUIET_MS, heading: str | None = None, timeout_ms: int = WAIT_MS
) -> None:
    """Wait until the Streamlit script has finished and everything it sent is drawn (and, with
    `heading`, the page's title reads it)."""
    page.evaluate("() => { window.__kesiapanBusyAt = performance.now(); }")
    args: dict[str, object] = {"quietMs": quiet_ms}
    if heading is not None:
        args["heading"] = heading
    page.wait_for_function(RUN_OVER_IDLE_JS, arg=args, polling=100, timeout=timeout_ms)


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


def _file_name(text: str) -> str:
    return re.sub(r"[^\w.-]+", "_", text)


Check: TypeAlias = Callable[[Page, str], contextlib.AbstractContextManager[None]]


@contextmanager
def each_combination(request: pytest.FixtureRequest) -> Iterator[Check]:
    """For a test that checks several combinations (dates, widths, pages) in one tab:
    `with check(page, "bimtek, 2024-01-25, 390 px"): ...` keeps a failure with the
    combination's name and a picture (test-results/failure-<test>-<combination>.png) and goes
    on with the next; the test fails at the end with every failed combination named."""
    failures: list[str] = []
    test = _file_name(request.node.name)
    for stale in RESULTS.glob(f"failure-{test}-*.png"):
        stale.unlink(missing_ok=True)

    @contextmanager
    def check(page: Page, name: str) -> Iterator[None]:
        try:
            yield
        except (AssertionError, PlaywrightError, pytest.fail.Exception) as error:
            failures.append(f"[{name}] {error}")
            RESULTS.mkdir(exist_ok=True)
            shot = RESULTS / f"failure-{test}-{_file_name(name)}.png"
            try:
                page.screenshot(path=shot, full_page=True)
            except PlaywrightError as shot_error:  # a crashed page must not hide the failure
                print(f"no failure screenshot of {name}: {shot_error}")

    yield check
    if failures:
        pytest.fail(
            f"{len(failures)} combination(s) failed:\n\n" + "\n\n".join(failures), pytrace=False
        )


def forget_screenshot(name: str) -> None:
    """No stale picture from an earlier run when this one fails before taking its own."""
    (RESULTS / f"{name}.png").unlink(missing_ok=True)


def open_app(page: Page, base: str, path: str, heading: str) -> None:
    page.goto(base + path)
    expect(title(page)).to_have_text(heading)
    wait_idle(page)


def screenshot_full(page: Page, name: str) -> None:
    """The whole page for review, when pictures are asked for (tests/conftest.py)."""
    review_picture(page, name, idle=lambda p: wait_idle(p, quiet_ms=300))


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


def test_a_test_leaves_no_trace_in_the_shared_browser(
    open_page: Callable[..., Page], browser_tabs: Tabs, server: str
) -> None:
    """The browser tests share one context and take turns in one tab (tests/conftest.py);
    what a test leaves there (other tabs, Streamlit's XSRF cookie and any other, storage, its
    listeners, the size, the page) is gone before the next one, a new visitor."""
    page = open_page(390, 844)
    second = open_page()
    assert second is not page  # a second session side by side
    page.goto(server + "/_stcore/health")  # its answer sets Streamlit's XSRF cookie
    page.evaluate("() => { localStorage.setItem('jejak', '1'); sessionStorage.setItem('j', '1'); }")
    browser_tabs.context.add_cookies([{"name": "jejak", "value": "1", "url": server}])
    assert {c["name"] for c in browser_tabs.context.cookies()} == {"_streamlit_xsrf", "jejak"}
    dialogs: list[str] = []
    listen(page, "dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.evaluate("() => alert('satu')")
    assert dialogs == ["satu"]

    browser_tabs.forget_visitors()
    assert browser_tabs.context.pages == [page]
    assert page.url == "about:blank"
    assert page.viewport_size == {"width": 1400, "height": 900}
    assert browser_tabs.context.cookies() == []
    page.evaluate("() => alert('dua')")  # dismissed by Playwright, unseen by the test's handler
    assert dialogs == ["satu"]
    assert open_page() is page
    page.goto(server + "/_stcore/health")
    assert page.evaluate("() => [localStorage.length, sessionStorage.length]") == [0, 0]


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


def english_words(page: Page) -> list[str]:
    """Streamlit's, Plotly's or the grid's own English in the text a user can see."""
    words = page.evaluate(VISIBLE_TEXT_JS)
    return sorted({m.group(0) for w in words for m in ENGLISH_UI.finditer(w)})


def test_shared_link_to_a_page_on_a_fresh_server(open_page: Callable[..., Page]) -> None:
    """The first visitor after a restart may come through a shared link to a page other than
    Ringkasan: it must get the whole app (wide frame, sidebar filters from the URL), not the
    page script alone. Then the server goes: the dialog Streamlit shows when its server is gone
    (its own "Connection error") reads Indonesian, within a phone's width, and offers nothing
    English (its close button is hidden: reloading is the way back). A server of its own,
    started for the test (no browser has visited it) and stopped by it."""
    page = open_page()
    with running_server(_log_name("server-baru")) as url:
        open_app(page, url, f"/kekurangan-petugas?kec={TORJUN}", "Kekurangan Petugas TPS")
        links = page.get_by_test_id("stSidebarNav").get_by_test_id("stSidebarNavLink")
        expect(links.get_by_test_id("stMarkdownContainer")).to_have_text(NAVIGATION)
        expect(chips(kecamatan_filter(page))).to_have_text(["Torjun"])
        expect(caption(page)).to_contain_text("Torjun")
        assert_no_error(page)
        page.set_viewport_size(PHONE)
        wait_idle(page)
    dialog = page.locator('section[role="dialog"]')
    expect(dialog).to_be_visible()
    expect(dialog.locator("h2")).to_be_hidden()
    words = page.evaluate(VISIBLE_TEXT_JS)
    assert "Sambungan ke server terputus" in words
    found = english_words(page)
    assert not found, f"the connection-lost dialog shows English: {found}"
    assert not [w for w in words if "Streamlit" in w or "Connection" in w]
    box = dialog.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    review_picture(page, "nav-putus-390", whole=False)
