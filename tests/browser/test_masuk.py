"""Sign-in in a real browser: a built-in account of Kabupaten Sampang on the `mini` dataset
(35.27 Sampang with TPS A–F, 35.26 Bangkalan with TPS G) sees only Sampang, and is refused on
a link to Bangkalan and on the import page."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from kesiapan.access import accounts as access
from kesiapan.access import audit
from kesiapan.devtools.loadtest import IDLE_JS
from tests.browser.conftest import ROOT, dashboard_server
from tests.browser.test_browser import wait_idle
from tests.conftest import listen, sign_in_form
from tests.exports.conftest import read_workbook

PASSWORD = "sandi-rahasia-2024"


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    root = tmp_path_factory.mktemp("masuk")
    data, folder = root / "data", root / "akses"
    shutil.copytree(ROOT / "tests" / "fixtures" / "mini", data)
    access.add(folder, "rina", peran="analis", wilayah=["35.27"], nama="Rina", password=PASSWORD)
    with dashboard_server(data, "server-masuk.log", env={access.AKSES_ENV: str(folder)}) as url:
        yield url, folder


def _sign_in(page: Page, url: str, password: str = PASSWORD) -> None:
    sign_in_form(page, "rina", password)


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
    # only from the app's buttons, which check the role and write the audit log. Issue 15:
    # the toolbar (English "Search", "Fullscreen") is not shown at all.
    table = page.get_by_test_id("stDataFrame").first
    table.hover()
    expect(page.get_by_test_id("stElementToolbar").first).to_be_hidden()
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
    deployment: tuple[str, Path], open_page: Callable[..., Page]
) -> None:
    url, folder = deployment
    page = open_page()  # the shared context accepts downloads
    page.goto(f"{url}/cakupan-bimtek?kec=35.27.02")
    _sign_in(page, url)
    expect(page.get_by_role("heading", name="Cakupan Bimtek")).to_be_visible()
    # The page has finished its run (the heading comes first, the tables after it), and the
    # button is the untrained list's own (its key, `belum_bimtek`), not whichever table's
    # "Unduh Excel" happened to be drawn last so far.
    wait_idle(page)
    button = page.locator(".st-key-belum_bimtek_xlsx").get_by_role("button", name="Unduh Excel")
    expect(button).to_have_count(1)
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


# -- issue 12 item 11: a session taken up by another client with its id alone -------------------
def _session_id(page: Page) -> Callable[[], str | None]:
    """The id the server gives this tab's session (in its first message), as a log line or a
    network trace would show it to somebody else."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    found: list[str] = []

    def frame(payload: bytes | str) -> None:
        if isinstance(payload, bytes) and not found:
            message = ForwardMsg.FromString(payload)
            if message.WhichOneof("type") == "new_session":
                found.append(message.new_session.initialize.session_id)

    listen(page, "websocket", lambda ws: ws.on("framereceived", frame))  # this test only
    return lambda: found[0] if found else None


def _take_over(url: str, session_id: str) -> str:
    """Connect as another client (its own XSRF cookie, as any browser gets one), asking to
    resume `session_id`, run the page once; return every text the server sent."""
    import urllib.request

    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.sync.client import connect

    # The frontend asks the health endpoint first; its answer sets the client's XSRF cookie.
    with urllib.request.urlopen(url + "/_stcore/health", timeout=30) as response:
        cookie = response.headers["Set-Cookie"].split(";", 1)[0]
    token = cookie.split("=", 1)[1]
    ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
    texts: list[str] = []
    with connect(
        ws_url,
        subprotocols=["streamlit", token, session_id],  # type: ignore[list-item]
        additional_headers={"Cookie": cookie, "Origin": url},
        open_timeout=30,
    ) as ws:
        rerun = BackMsg()
        rerun.rerun_script.query_string = ""
        ws.send(rerun.SerializeToString())
        while True:
            message = ForwardMsg.FromString(ws.recv(timeout=60))  # type: ignore[arg-type]
            texts.append(str(message))
            finished = message.WhichOneof("type") == "script_finished"
            if finished and message.script_finished != message.FINISHED_EARLY_FOR_RERUN:
                break
    return "\n".join(texts)


@pytest.mark.parametrize("tab", ["terbuka", "ditutup"])
def test_a_session_id_alone_does_not_sign_another_client_in(
    deployment: tuple[str, Path], open_page: Callable[..., Page], tab: str
) -> None:
    url, folder = deployment
    page = open_page()
    session_id = _session_id(page)
    page.goto(url)
    _sign_in(page, url)
    expect(page.get_by_test_id("stSidebar").get_by_text("Masuk sebagai Rina")).to_be_visible()
    # The run the sign-in started has finished: a run still under way when another client
    # takes the session up would send it the rest of its page (Streamlit's, not ours).
    page.evaluate("() => { window.__kesiapanBusyAt = performance.now(); }")
    page.wait_for_function(IDLE_JS, arg={"quietMs": 800}, polling=100)
    stolen = session_id()
    assert stolen
    if tab == "ditutup":  # the session waits on the server for its tab to come back
        page.close()  # the tab, and with it its connection
    # Another client with the id alone: the session is signed out, not resumed signed in.
    text = _take_over(url, stolen)
    assert "Masuk sebagai" not in text
    assert "Sesi Anda berakhir" in text and "Kata sandi" in text
    ended = [e for e in audit.read(folder) if e["peristiwa"] == "sesi_berakhir"]
    assert (ended[-1]["pengguna"], ended[-1]["alasan"]) == (
        "rina",
        "sesi dilanjutkan oleh peramban lain",
    )
    # The server's log never names a session (Streamlit logs the id on such a reconnect).
    log = (ROOT / "test-results" / "server-masuk.log").read_text(encoding="utf-8")
    assert stolen not in log
