"""Sign-in through OpenID Connect (`st.login()`) in Chromium, with a real identity provider.

The module starts one provider (tests/oidc_idp.py, on 127.0.0.1) and one dashboard on a
copy of the `mini` fixture (two kabupaten: 35.26 Bangkalan with kecamatan Kamal, 35.27 Sampang
with Sreseh and Torjun), an accounts folder made with `python -m kesiapan users add`, and a
secrets.toml in the module's temporary folder whose `[auth]` section points at the provider. The
server finds that file through STREAMLIT_SECRETS_FILES (Streamlit's `secrets.files` option), so
the repository never holds a secrets.toml, and a developer's own `.streamlit/secrets.toml` is
not read.

The browser goes the whole way: "Masuk dengan SSO" → /auth/login → the provider's /authorize
(which approves at once) → /oauth2callback → the token exchange → back on the dashboard with
Streamlit's identity cookie set.

The test of the deployment's opt-out for unverified addresses has a provider and a dashboard of
its own. Server logs: test-results/server-sso(-tanpa-verifikasi)(-gwN).log.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from kesiapan.access import audit
from kesiapan.devtools.loadtest import ERROR_SELECTOR, IDLE_JS, free_port
from tests.browser.conftest import ROOT, WAIT_MS, _log_name, dashboard_server
from tests.conftest import review_picture
from tests.oidc_idp import Identity, OidcProvider

MINI = ROOT / "tests" / "fixtures" / "mini"
USERNAME = "rina"
EMAIL = "rina@kpu.example"
EMAIL_AS_SENT = "Rina@KPU.example"  # the provider's spelling: e-mails match case-insensitively
NAME = "Rina Wulandari"
PASSWORD = "sandi-rina-2024!"
# The account is for kabupaten Sampang only. In `mini` that is 2 kecamatan, 4 desa and 6 TPS;
# the whole dataset has 3 kecamatan, 5 desa/kelurahan and 7 TPS (TPS G is in Kamal, Bangkalan).
WILAYAH = "35.27"
SCOPED_COUNTS = "2 kecamatan · 4 desa/kelurahan · 6 TPS"
OUTSIDE = ("Bangkalan", "Kamal")
KECAMATAN_IN_SCOPE = ("Sreseh", "Torjun")
# Everything that would betray the dataset: its area names and some member names (mini's
# kpps.csv), for the visitor nobody registered.
DATA_WORDS = ("Sampang", "Sreseh", "Torjun", "Bangkalan", "Kamal", "Moh. Hasan", "Siti Aminah")
SSO_BUTTON = "Masuk dengan SSO"

# Busy while Streamlit runs the script, reconnects or shows stale elements: unlike IDLE_JS this
# needs no h1, so it also fits the screens that stop before a page is drawn.
_QUIET_JS = """
({quietMs}) => {
  const now = performance.now();
  const busy = document.querySelector(
    '[data-testid="stStatusWidget"], [data-stale="true"], ' +
    '[data-testid="stSkeleton"], [data-testid="stSpinner"]'
  ) !== null || !document.querySelector('[data-testid="stMain"]');
  if (busy || window.__kesiapanQuietFrom === undefined) window.__kesiapanQuietFrom = now;
  return !busy && now - window.__kesiapanQuietFrom >= quietMs;
}
"""


@dataclass
class Deployment:
    url: str
    idp: OidcProvider
    akses: Path
    audit_seen: int = 0  # audit entries written before the current test


def wait_quiet(page: Page, quiet_ms: int = 800) -> None:
    page.evaluate("() => { window.__kesiapanQuietFrom = performance.now(); }")
    page.wait_for_function(_QUIET_JS, arg={"quietMs": quiet_ms}, polling=100, timeout=WAIT_MS)


def wait_idle(page: Page, quiet_ms: int = 800) -> None:
    """A page of the dashboard has finished and drawn everything (its h1 and charts too)."""
    page.evaluate("() => { window.__kesiapanBusyAt = performance.now(); }")
    page.wait_for_function(IDLE_JS, arg={"quietMs": quiet_ms}, polling=100, timeout=WAIT_MS)


def add_user(akses: Path) -> None:
    """The account, made as an admin makes it: the command line, password on stdin."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "kesiapan",
            "users",
            "add",
            USERNAME,
            "--peran",
            "analis",
            "--wilayah",
            WILAYAH,
            "--email",
            EMAIL,
            "--nama",
            NAME,
            "--akses",
            str(akses),
            "--sandi-stdin",
        ],
        cwd=ROOT,
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, (
        f"`python -m kesiapan users add` failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    )
    assert (akses / "pengguna.json").exists(), f"no pengguna.json in {akses}"


@pytest.fixture(scope="module")
def module_idp() -> Iterator[OidcProvider]:
    """One provider for the tests that share `sso_deployment`; each sets its identity."""
    with OidcProvider() as provider:
        yield provider


@pytest.fixture(scope="module")
def sso_deployment(
    tmp_path_factory: pytest.TempPathFactory, module_idp: OidcProvider
) -> Iterator[Deployment]:
    """The dashboard on a copy of `mini`, one account (rina, analis, Sampang) and sign-in
    through `module_idp`; yields once the server is healthy. Shared by the module's tests:
    each signs in from a signed-out browser (open_page clears the identity cookie) and reads
    only the audit entries and provider requests of its own (`sso_server`)."""
    tmp_path = tmp_path_factory.mktemp("sso")
    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    akses = tmp_path / "akses"
    add_user(akses)

    port = free_port()
    secrets_file = tmp_path / "streamlit" / "secrets.toml"
    secrets_file.parent.mkdir()
    # The redirect URI must be the very host and port the browser uses (127.0.0.1, not
    # localhost): the OAuth state lives in a cookie of that host.
    secrets_file.write_text(
        module_idp.secrets_toml(redirect_uri=f"http://127.0.0.1:{port}/oauth2callback"),
        encoding="utf-8",
    )
    secrets_file.chmod(0o600)
    env = {"KESIAPAN_AKSES": str(akses), "STREAMLIT_SECRETS_FILES": str(secrets_file)}
    with dashboard_server(data, _log_name("server-sso"), port=port, env=env) as url:
        yield Deployment(url, module_idp, akses)


@pytest.fixture
def sso_server(sso_deployment: Deployment) -> Deployment:
    """The module's deployment as a test finds it: the provider's request log empty and the
    audit entries so far set aside (`audit_of_this_test`)."""
    sso_deployment.idp.forget_requests()
    sso_deployment.audit_seen = len(audit.read(sso_deployment.akses))
    return sso_deployment


def audit_of_this_test(deployment: Deployment) -> list[dict]:
    return audit.read(deployment.akses)[deployment.audit_seen :]


def sign_in_with_sso(page: Page, deployment: Deployment) -> None:
    """From the sign-in screen through the provider and back to the dashboard."""
    page.goto(deployment.url + "/")
    button = page.get_by_role("button", name=SSO_BUTTON)
    expect(button).to_be_visible()
    wait_quiet(page)
    with page.expect_response(re.compile(r"/oauth2callback\?")) as callback:
        button.click()
    assert callback.value.status in (302, 303, 307), (
        f"/oauth2callback answered {callback.value.status}; see the server log"
    )
    expect(page).to_have_url(re.compile(re.escape(deployment.url) + r"/?(\?.*)?$"))
    requested = deployment.idp.paths_requested()
    assert requested.count("/authorize") == 1, requested
    assert requested.count("/token") == 1, requested


def sidebar_text(page: Page) -> str:
    return page.get_by_test_id("stSidebar").inner_text()


def test_sso_user_sees_only_their_area(
    open_page: Callable[..., Page], sso_server: Deployment
) -> None:
    sso_server.idp.identity = Identity(EMAIL_AS_SENT, NAME)
    page = open_page()
    sign_in_with_sso(page, sso_server)

    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar).to_contain_text("Masuk sebagai")
    expect(sidebar).to_contain_text(NAME)
    expect(sidebar).to_contain_text(re.compile("analis", re.IGNORECASE))

    main = page.get_by_test_id("stMain")
    expect(main.locator("h1").first).to_have_text("Ringkasan kesiapan KPPS")
    wait_idle(page)
    expect(main.get_by_test_id("stMetric").first).to_be_visible()
    expect(main).to_contain_text(SCOPED_COUNTS)
    # Waited for: on a busy machine the charts may still be drawing after the metrics.
    expect(page.locator('[data-testid="stPlotlyChart"] .main-svg').first).to_be_attached()
    text = main.inner_text() + "\n" + sidebar_text(page)
    shown = [word for word in OUTSIDE if word in text]
    assert not shown, f"areas outside the account's scope on the page: {shown}"
    errors = page.locator(ERROR_SELECTOR).all_inner_texts()
    assert not errors, f"errors on the page: {errors}"
    review_picture(page, "sso-masuk", whole=False)

    # The area filter offers only what the account may see.
    label = page.get_by_test_id("stWidgetLabel").get_by_text("Kecamatan", exact=True)
    kecamatan = sidebar.get_by_test_id("stMultiSelect").filter(has=label)
    kecamatan.get_by_role("combobox").click()
    for name in KECAMATAN_IN_SCOPE:
        expect(page.get_by_role("option", name=name, exact=True)).to_be_visible()
    offered = page.get_by_role("option").all_inner_texts()
    assert not [name for name in offered if name in OUTSIDE], f"Kecamatan offers {offered}"
    kecamatan.get_by_role("combobox").press("Escape")

    # Streamlit's identity cookie keeps the session signed in over a reload, without a
    # second trip to the provider.
    page.reload()
    expect(page.get_by_test_id("stSidebar")).to_contain_text("Masuk sebagai")
    expect(main).to_contain_text(SCOPED_COUNTS)
    assert sso_server.idp.paths_requested().count("/authorize") == 1


def test_sso_unknown_email_sees_nothing(
    open_page: Callable[..., Page], sso_server: Deployment
) -> None:
    sso_server.idp.identity = Identity("orang.asing@contoh.example", "Orang Asing")
    page = open_page()
    sign_in_with_sso(page, sso_server)

    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("belum terdaftar")
    wait_quiet(page)
    review_picture(page, "sso-belum-terdaftar", whole=False)
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 0, "a chart is shown"
    assert page.get_by_test_id("stMetric").count() == 0, "headline figures are shown"
    assert page.get_by_test_id("stDataFrame").count() == 0, "a table is shown"
    assert page.get_by_test_id("stTable").count() == 0, "a table is shown"
    assert page.get_by_text("Masuk sebagai").count() == 0, "shown as signed in"
    text = page.locator("body").inner_text()
    leaked = [word for word in DATA_WORDS if word in text]
    assert not leaked, f"data of the dataset shown to an unregistered visitor: {leaked}"
    assert not re.search(r"\b\d+ TPS\b", text), "TPS counts shown to an unregistered visitor"


def test_sso_unverified_email_is_refused(
    open_page: Callable[..., Page], sso_server: Deployment
) -> None:
    # Issue 12: a provider that lets anybody type rina's address must not open rina's account.
    sso_server.idp.identity = Identity(EMAIL_AS_SENT, NAME, email_verified=False)
    page = open_page()
    sign_in_with_sso(page, sso_server)
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("belum memverifikasi surel")
    wait_quiet(page)
    assert page.get_by_test_id("stMetric").count() == 0, "headline figures are shown"
    assert page.get_by_text("Masuk sebagai").count() == 0, "shown as signed in"
    written = audit_of_this_test(sso_server)
    (entry,) = [e for e in written if e["peristiwa"] == "gagal_masuk"]
    assert entry["alasan"] == "surel belum terverifikasi"
    assert not [e for e in written if e["peristiwa"] == "masuk"]


@pytest.fixture
def sso_server_trusting_unverified(
    tmp_path: Path, idp: OidcProvider, request: pytest.FixtureRequest
) -> Iterator[Deployment]:
    """As `sso_server`, with the deployment's explicit opt-out in secrets.toml."""
    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    akses = tmp_path / "akses"
    add_user(akses)
    port = free_port()
    secrets_file = tmp_path / "streamlit" / "secrets.toml"
    secrets_file.parent.mkdir()
    secrets_file.write_text(
        idp.secrets_toml(redirect_uri=f"http://127.0.0.1:{port}/oauth2callback")
        + "\n[kesiapan]\nsso_surel_tanpa_verifikasi = true\n",
        encoding="utf-8",
    )
    secrets_file.chmod(0o600)
    env = {"KESIAPAN_AKSES": str(akses), "STREAMLIT_SECRETS_FILES": str(secrets_file)}
    log_name = _log_name("server-sso-tanpa-verifikasi")
    with dashboard_server(data, log_name, port=port, env=env) as url:
        yield Deployment(url, idp, akses)


def test_sso_unverified_email_with_the_deployments_opt_out(
    open_page: Callable[..., Page], sso_server_trusting_unverified: Deployment
) -> None:
    deployment = sso_server_trusting_unverified
    deployment.idp.identity = Identity(EMAIL_AS_SENT, NAME, email_verified=False)
    page = open_page()
    sign_in_with_sso(page, deployment)
    expect(page.get_by_test_id("stSidebar")).to_contain_text("Masuk sebagai")
