"""Sign-in, roles and area scope through the whole app (app.py) in AppTest, on `mini`.

`mini` holds two kabupaten: 35.27 Sampang (TPS A–F, 6 TPS, 36 members on the roster) and
35.26 Bangkalan (TPS G, 3 members). Every figure below is counted from its README.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kesiapan.access import accounts as access
from kesiapan.access import audit
from kesiapan.ui import signin
from tests.conftest import ROOT, SAMPLE, signed_in

MINI = ROOT / "tests" / "fixtures" / "mini"
PASSWORD = "sandi-rahasia-2024"
BANGKALAN_NAMES = {"Sugeng", "Wartini", "Hartono"}  # TPS G's members (kpps.csv)


@pytest.fixture
def deployment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    monkeypatch.setenv("KESIAPAN_DATA", str(data))
    monkeypatch.setenv(access.AKSES_ENV, str(tmp_path / "akses"))
    return tmp_path / "akses"


def _accounts(folder: Path) -> None:
    access.add(folder, "rina", peran="analis", wilayah=["35.27"], nama="Rina", password=PASSWORD)
    access.add(
        folder, "kom", peran="komisioner", wilayah=["35.27.02"], nama="Kom", password=PASSWORD
    )
    access.add(folder, "ops", peran="operator", wilayah=["35.26"], nama="Ops", password=PASSWORD)


def _app(user: str | None = None, **params: str) -> AppTest:
    """One run of the whole app (frame and page), signed in as `user` when given. AppTest
    keeps the frame's elements of the first run only (st.navigation has no page before it),
    so each check here starts a fresh one; typing into the sign-in form is tested on a page
    run alone (`_form`) and in Chromium (tests/browser/test_masuk.py)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    if user:
        signed_in(at.session_state, user)
    return at.run()


def _form() -> AppTest:
    return AppTest.from_file(str(ROOT / "pages" / "overview.py"), default_timeout=60).run()


def _sign_in(at: AppTest, name: str, password: str = PASSWORD) -> AppTest:
    at.text_input(key="masuk_nama").input(name)
    at.text_input(key="masuk_sandi").input(password)
    return at.button[0].click().run()


def _texts(at: AppTest) -> str:
    parts = [
        e.value for kind in ("markdown", "caption", "error", "info", "text") for e in at.get(kind)
    ]
    parts += [f"{m.label} {m.value} {m.delta}" for m in at.metric]
    for frame in at.dataframe:
        parts.append(frame.value.to_csv())
    return "\n".join(str(p) for p in parts)


def test_real_dataset_without_accounts_refuses(deployment: Path) -> None:
    at = _app()
    assert not at.exception
    assert "hanya dapat dibuka setelah masuk" in at.error[0].value
    assert not at.metric and not at.dataframe and not at.text_input


def test_bundled_sample_without_accounts_opens_as_demo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KESIAPAN_DATA", str(SAMPLE))
    monkeypatch.delenv(access.AKSES_ENV, raising=False)
    at = _app()
    assert not at.exception
    assert any("Mode demo" in i.value for i in at.info)
    assert at.metric


def test_sign_in_form(deployment: Path) -> None:
    _accounts(deployment)
    assert _app().text_input(key="masuk_nama") and not _app().metric
    at = _form()
    assert at.text_input(key="masuk_nama") and not at.metric
    at = _sign_in(at, "rina", "salah-sandi-123")
    assert at.error[0].value == "Nama pengguna atau kata sandi salah."
    assert not at.metric
    at = _sign_in(at, "rina")
    assert not at.exception
    assert at.session_state[signin.SESSION_KEY] == "rina"
    tps = next(m for m in at.metric if m.label == "TPS siap")
    assert tps.delta.startswith("dari 6 TPS")
    events = [(e["peristiwa"], e["pengguna"]) for e in audit.read(deployment)]
    assert events[-2:] == [("gagal_masuk", "rina"), ("masuk", "rina")]


def test_signed_in_sees_only_the_accounts_kabupaten(deployment: Path) -> None:
    _accounts(deployment)
    at = _app("rina")
    assert not at.exception
    assert any("Masuk sebagai Rina (Analis) · Kab. Sampang" in c.value for c in at.caption)
    assert at.multiselect(key="f_kabupaten").options == ["Sampang"]
    tps = next(m for m in at.metric if m.label == "TPS siap")
    assert tps.delta.startswith("dari 6 TPS")  # A–F; Bangkalan's G is out of scope
    assert not BANGKALAN_NAMES & set(re.findall(r"[A-Z][a-z]+", _texts(at)))


def test_link_to_another_kabupaten_is_refused(deployment: Path) -> None:
    _accounts(deployment)
    at = _app("rina", kab="35.26")
    assert any("di luar cakupan akun Anda" in e.value for e in at.error)
    tps = next(m for m in at.metric if m.label == "TPS siap")
    assert tps.delta.startswith("dari 6 TPS")


def test_komisioner_sees_names_masked_and_no_downloads(deployment: Path) -> None:
    _accounts(deployment)
    at = _app("kom")
    at.switch_page("pages/bimtek.py").run()
    assert not at.exception
    # Named by the account's own area, not by the kabupaten it lies in.
    assert at.caption[0].value.startswith("Kecamatan Torjun · posisi 27 Januari 2024")
    shown = list(at.dataframe[-1].value["nama"])
    # Torjun at D = 2024-01-27: A9 Zainal Arifin (absent at S5) and B6 Yuliana (only absent)
    # are the untrained ones (fixture README), both masked.
    assert shown == ["Z••••• A•••••", "Y••••••"]
    assert "Moh. Hasan" not in _texts(at)
    assert not at.get("download_button")


def test_import_page_refused_for_analis_open_for_operator(deployment: Path) -> None:
    _accounts(deployment)
    at = _app("rina")
    at.switch_page("pages/impor.py").run()
    assert any(e.value.startswith("Akses ditolak: halaman Impor Data") for e in at.error)
    assert not at.get("file_uploader")
    refused = audit.read(deployment)[-1]
    assert (refused["peristiwa"], refused["halaman"]) == ("akses_ditolak", "halaman Impor Data")


def test_disabled_account_is_signed_out_on_the_next_run(deployment: Path) -> None:
    _accounts(deployment)
    at = _app("rina")
    assert at.metric
    access.set_active(deployment, "rina", False)
    at.switch_page("pages/overview.py").run()
    assert not at.metric and at.text_input(key="masuk_nama")
