"""Issue 14 in Chromium: the schedule judgment on the sample at 24, 25, 27 and 28 January and the
default date, at 1440 and 390 px (one tab per width). Pictures for review (KESIAPAN_UJI_GAMBAR=1)
land in test-results/jadwal-<page>-<date>-<width>.png; the assertions read what a
commissioner reads (legends, the plan sentence)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_browser import (
    Check,
    assert_charts_drawn,
    assert_indonesian,
    assert_no_error,
    each_combination,
    forget_screenshot,
    open_app,
    screenshot_full,
)

BANYUATES = "35.27.09"
DATES = ["2024-01-24", "2024-01-25", "2024-01-27", "2024-01-28", None]  # None: the default D
WIDTHS = {1440: 900, 390: 844}


def _legend(page: Page) -> list[str]:
    """Every legend entry of every chart on the page."""
    return page.evaluate(
        "() => [...document.querySelectorAll('.js-plotly-plot .legendtext')]"
        ".map((t) => t.textContent.trim())"
    )


def _close_sidebar(page: Page) -> None:
    collapse = page.get_by_test_id("stSidebarCollapseButton").get_by_role("button")
    if collapse.is_visible():
        collapse.click()
        expect(page.get_by_test_id("stSidebar")).not_to_be_in_viewport()


def _judge(check: Check, page: Page, server: str, day: str | None, width: int) -> None:
    """Ringkasan and Cakupan Bimtek at `day` (None: the default D), each loaded afresh by its
    URL in this tab: a new Streamlit session, as a shared link opens it."""
    query = f"?tanggal={day}" if day else ""
    for name, path, heading in (
        ("ringkasan", "/", "Ringkasan kesiapan KPPS"),
        ("bimtek", "/cakupan-bimtek", "Cakupan Bimtek"),
    ):
        shot = f"jadwal-{name}-{day or 'default'}-{width}"
        forget_screenshot(shot)
        with check(page, f"{name}, {day or 'default'}, {width} px"):
            open_app(page, server, path + query, heading)
            assert_no_error(page)
            assert_charts_drawn(page)
            assert_indonesian(page)
            legend = _legend(page)
            if day == "2024-01-24":
                # Nothing due anywhere yet: no area reads late or failed.
                assert "Belum dijadwalkan" in legend
                assert "Tertinggal dari jadwal" not in legend
                assert "Jadwal tidak cukup" not in legend
            if day == "2024-01-25":
                # Kecamatan whose sessions started differ from those not yet due.
                assert {"Belum dijadwalkan", "Sesuai jadwal", "Tertinggal dari jadwal"} <= set(
                    legend
                )
            if width == 390:
                _close_sidebar(page)
            screenshot_full(page, shot)


@pytest.mark.parametrize("width", list(WIDTHS))
def test_ringkasan_and_bimtek_judge_against_the_schedule(
    open_page: Callable[..., Page], server: str, width: int, request: pytest.FixtureRequest
) -> None:
    """Every date × page at one width in one tab (each page a fresh load of its URL, the
    app's code from the browser's cache): a failing combination is named with its page, date
    and width, pictured in test-results/failure-*.png, and the others are still checked."""
    page = open_page(width, WIDTHS[width])
    with each_combination(request) as check:
        for day in DATES:
            _judge(check, page, server, day, width)


def test_banyuates_not_failed_on_27_and_short_of_seats_on_28_january(
    page: Page, server: str
) -> None:
    open_app(page, server, f"/cakupan-bimtek?kec={BANYUATES}&tanggal=2024-01-27", "Cakupan Bimtek")
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text(
        "Belum dijadwalkan: 1.687 KPPS belum Bimtek; 10 sesi sesudah 27 Januari 2024 (mulai 28 "
        "Januari 2024) menampung 1.850, semua mendapat kursi (sisa 163)."
    )
    assert "Jadwal tidak cukup" not in _legend(page)
    forget_screenshot("jadwal-banyuates-2024-01-27")
    screenshot_full(page, "jadwal-banyuates-2024-01-27")

    open_app(page, server, f"/cakupan-bimtek?kec={BANYUATES}&tanggal=2024-01-28", "Cakupan Bimtek")
    expect(main).to_contain_text(
        "Jadwal tidak cukup: 1.110 KPPS belum Bimtek; 5 sesi sesudah 28 Januari 2024 (mulai 29 "
        "Januari 2024) menampung 900, 210 tidak mendapat kursi: perlu 2 sesi tambahan."
    )
    assert_no_error(page)
    forget_screenshot("jadwal-banyuates-2024-01-28")
    screenshot_full(page, "jadwal-banyuates-2024-01-28")


def test_supervisi_under_a_desa_filter_reads_consistently(page: Page, server: str) -> None:
    # Dulang (Torjun): no visit names it; Torjun had 3 visits and 3 of 6 sessions supervised.
    open_app(page, server, "/supervisi-bimtek?desa=35.27.02.2007", "Supervisi Bimtek")
    main = page.get_by_test_id("stMain")
    metrics = main.get_by_test_id("stMetric")
    expect(metrics.filter(has_text="Kunjungan yang menyebut desa")).to_contain_text("0")
    expect(metrics.filter(has_text="Sesi Kec. Torjun disupervisi")).to_contain_text(
        "dari 6 sesi (50,0%)"
    )
    expect(metrics.filter(has_text="Kunjungan di Kec. Torjun")).to_contain_text("3")
    expect(main).not_to_contain_text("Kecamatan dikunjungi")
    # The map tints Torjun as visited, as the card says.
    assert "Sudah dikunjungi" in _legend(page)
    assert "Belum dikunjungi" not in _legend(page)
    assert_no_error(page)
    forget_screenshot("jadwal-supervisi-desa")
    screenshot_full(page, "jadwal-supervisi-desa")
