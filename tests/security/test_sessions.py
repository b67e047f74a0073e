"""Issue 12 items 4, 10 and 13 (accounts): live sessions and download callbacks of an account
that was disabled or given a new password; sign-in that neither floods nor tells which names
exist; a users file that is damaged in the ways people damage it."""

from __future__ import annotations

import fcntl
import json
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kesiapan.access import accounts as access
from kesiapan.access import audit
from kesiapan.ui import shared as ui
from kesiapan.ui import signin
from tests.conftest import ROOT, copy_dataset, signed_in

MINI = ROOT / "tests" / "fixtures" / "mini"
PASSWORD = "sandi-rahasia-2024"


@pytest.fixture(scope="module")
def _made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The accounts folder with its two accounts, made once: two argon2 hashes cost ±1 s of
    CPU, and most tests change the folder, so each gets a copy (`deployment`)."""
    folder = tmp_path_factory.mktemp("sesi") / "akses"
    access.add(folder, "rina", peran="analis", wilayah=["35.27"], nama="Rina", password=PASSWORD)
    access.add(folder, "ops", peran="operator", wilayah=["35.27.02"], password=PASSWORD)
    return folder


@pytest.fixture
def deployment(_made: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A real dataset (the mini fixture, with its built store) with an accounts folder and two
    accounts, both this test's own copies."""
    data = copy_dataset(MINI, tmp_path / MINI.name)
    folder = tmp_path / "akses"
    shutil.copytree(_made, folder)
    monkeypatch.setenv("KESIAPAN_DATA", str(data))
    monkeypatch.setenv(access.AKSES_ENV, str(folder))
    return folder


def _page(name: str = "data", user: str | None = "rina") -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / f"{name}.py"), default_timeout=60)
    if user:
        signed_in(at.session_state, user)
    return at.run()


def _signed_in(at: AppTest) -> bool:
    return bool(at.metric) and not any(t.key == "masuk_nama" for t in at.text_input)


def _events(folder: Path) -> list[tuple[str, str | None, str | None]]:
    return [(e["peristiwa"], e.get("pengguna"), e.get("alasan")) for e in audit.read(folder)]


# -- item 4: live sessions and download callbacks ---------------------------------------------
def test_a_new_password_ends_every_live_session(deployment: Path) -> None:
    at = _page()
    assert _signed_in(at)
    access.set_password(deployment, "rina", "sandi-baru-yang-panjang")
    at.run()
    assert not _signed_in(at) and at.text_input(key="masuk_nama")
    assert "Sesi Anda berakhir" in at.warning[0].value
    assert _events(deployment)[-1] == (
        "sesi_berakhir",
        "rina",
        "akun diaktifkan ulang atau kata sandinya diganti",
    )


def test_disabled_and_enabled_again_still_ends_the_session(deployment: Path) -> None:
    at = _page()
    access.set_active(deployment, "rina", False)
    access.set_active(deployment, "rina", True)  # before the session sent anything
    at.run()
    assert not _signed_in(at)


def test_a_session_state_without_the_stamp_signs_nobody_in(deployment: Path) -> None:
    at = AppTest.from_file(str(ROOT / "pages" / "data.py"), default_timeout=60)
    at.session_state[signin.SESSION_KEY] = "rina"
    at.run()
    assert not _signed_in(at)


@pytest.fixture
def makers(monkeypatch: pytest.MonkeyPatch) -> list[Callable[[], bytes]]:
    """Every download callback a page offers (what Streamlit calls when the button is pressed,
    outside any page run)."""
    made: list[Callable[[], bytes]] = []
    real = ui._audited

    def spy(*args: object, **kwargs: object) -> Callable[[], bytes]:
        maker = real(*args, **kwargs)  # type: ignore[arg-type]
        made.append(maker)
        return maker

    monkeypatch.setattr(ui, "_audited", spy)
    return made


def test_a_disabled_account_cannot_use_the_buttons_on_its_screen(
    deployment: Path, makers: list[Callable[[], bytes]]
) -> None:
    at = _page("bimtek")
    assert _signed_in(at) and makers
    assert makers[0]()  # while active, the file is made
    access.set_active(deployment, "rina", False)
    for maker in makers:
        with pytest.raises(signin.DownloadRefused):
            maker()
    refused = [e for e in audit.read(deployment) if e["peristiwa"] == "akses_ditolak"]
    assert len(refused) == len(makers)
    assert refused[0]["pengguna"] == "rina" and refused[0]["alasan"] == "akun atau izinnya berubah"


def test_a_new_password_refuses_the_buttons_too(
    deployment: Path, makers: list[Callable[[], bytes]]
) -> None:
    _page("petugas")
    access.set_password(deployment, "rina", "sandi-baru-yang-panjang")
    with pytest.raises(signin.DownloadRefused):
        makers[0]()


def test_a_permission_taken_away_is_checked_when_the_file_is_made(
    deployment: Path, makers: list[Callable[[], bytes]]
) -> None:
    _page("bimtek")
    path = deployment / access.USERS_FILE
    raw = json.loads(path.read_text(encoding="utf-8"))
    raw["pengguna"]["rina"]["peran"] = "komisioner"  # no export, names masked
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(signin.DownloadRefused):
        makers[0]()


# -- item 10: sign-in that does not flood --------------------------------------------------------
def test_an_unknown_name_never_waits_for_the_users_file_lock(deployment: Path) -> None:
    results: list[access.Hasil] = []
    with open(deployment / access.LOCK_FILE, "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # somebody else holds it (an account being changed)
        worker = threading.Thread(
            target=lambda: results.append(access.sign_in(deployment, "siapa", PASSWORD)),
            daemon=True,
        )
        worker.start()
        worker.join(timeout=20)
        done = not worker.is_alive()
    assert done, "sign-in of an unknown name waited for the users file's lock"
    assert results[0].alasan == access.WRONG


def test_an_unknown_name_costs_one_password_check_like_a_known_one(
    deployment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checks: list[str] = []
    real = access._verify
    monkeypatch.setattr(access, "_verify", lambda h, p: checks.append(h) or real(h, p))
    access.sign_in(deployment, "siapa", PASSWORD)
    access.sign_in(deployment, "rina", "salah-sandi-123")
    assert len(checks) == 2


def test_the_users_file_is_rewritten_only_when_an_account_changes(deployment: Path) -> None:
    path = deployment / access.USERS_FILE

    def stamp() -> tuple[int, int]:
        info = path.stat()
        return info.st_ino, info.st_mtime_ns

    before = stamp()
    assert access.sign_in(deployment, "rina", PASSWORD).pengguna is not None
    assert access.sign_in(deployment, "siapa", PASSWORD).pengguna is None
    assert stamp() == before
    access.sign_in(deployment, "rina", "salah-sandi-123")  # a failure is a change: counted
    assert stamp() != before
    counted = stamp()
    assert access.sign_in(deployment, "rina", PASSWORD).pengguna is not None  # count cleared
    assert stamp() != counted and access.load(deployment)["rina"].gagal == 0


def _form_attempt(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="masuk_nama").input(name)
    at.text_input(key="masuk_sandi").input(password)
    return at.button[0].click().run()


def test_attempts_are_throttled_per_session(
    deployment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checks: list[str] = []
    real = access._verify
    monkeypatch.setattr(access, "_verify", lambda h, p: checks.append(h) or real(h, p))
    at = _page("overview", user=None)
    for number in range(signin.SESSION_ATTEMPTS):
        at = _form_attempt(at, f"tebakan{number}", "salah-sandi-123")
        assert at.error[0].value == "Nama pengguna atau kata sandi salah."
    lines = len(audit.read(deployment))
    for _ in range(3):
        at = _form_attempt(at, "rina", PASSWORD)  # even the right password waits
        assert at.error[0].value.startswith("Terlalu banyak percobaan masuk; coba lagi dalam ")
        assert not _signed_in(at)
    assert len(checks) == signin.SESSION_ATTEMPTS  # no argon2 for a refused attempt
    assert len(audit.read(deployment)) == lines + 1  # one line for the refusals, not three
    assert audit.read(deployment)[-1]["alasan"] == "dibatasi"


def test_attempts_are_throttled_per_client_address(deployment: Path) -> None:
    # AppTest sessions have no address: all of them count as one client, as tabs behind one
    # address do.
    tries = 0
    while tries < signin.ADDRESS_ATTEMPTS:
        at = _page("overview", user=None)
        for _ in range(min(signin.SESSION_ATTEMPTS, signin.ADDRESS_ATTEMPTS - tries)):
            at = _form_attempt(at, "siapa", "salah-sandi-123")
            tries += 1
    at = _form_attempt(_page("overview", user=None), "rina", PASSWORD)  # a fresh session
    assert at.error[0].value.startswith("Terlalu banyak percobaan masuk")


def test_the_throttle_lets_a_key_try_again_after_its_window() -> None:
    throttle = access.Throttle(2, 60.0)
    assert throttle.wait("a", 0.0) == 0 and throttle.wait("a", 1.0) == 0
    assert throttle.wait("a", 2.0) == pytest.approx(58.0)
    assert throttle.wait("b", 2.0) == 0  # another key is not held back
    assert throttle.wait("a", 60.5) == 0


# -- item 13: answers that tell which names exist; the users file -----------------------------
def test_an_unknown_name_locks_like_an_account(deployment: Path) -> None:
    now = datetime(2024, 1, 28, 9, 0)
    for name in ("rina", "siapa"):
        results = [access.sign_in(deployment, name, "salah-sandi-1", now) for _ in range(5)]
        assert [r.terkunci for r in results] == [False, False, False, False, True], name
        assert results[-1].alasan == "nama pengguna atau kata sandi salah; akun dikunci 15 menit"
        after = access.sign_in(deployment, name, PASSWORD, now + timedelta(minutes=1))
        assert after.alasan == (
            "akun terkunci karena salah kata sandi berulang; coba lagi pukul 09.15"
        ), name


@pytest.mark.parametrize(
    ("written", "active"),
    [("false", False), ("False", False), ("tidak", False), ("0", False), ("nanti", False),
     (0, False), (None, False), ("true", True), (True, True), (False, False)],
)  # fmt: skip
def test_aktif_as_people_write_it(deployment: Path, written: object, active: bool) -> None:
    path = deployment / access.USERS_FILE
    raw = json.loads(path.read_text(encoding="utf-8"))
    raw["pengguna"]["rina"]["aktif"] = written
    path.write_text(json.dumps(raw), encoding="utf-8")
    assert (access.active_user(deployment, "rina") is not None) is active


def test_a_folder_in_place_of_the_users_file(deployment: Path) -> None:
    path = deployment / access.USERS_FILE
    path.unlink()
    path.mkdir()
    at = _page("overview", user=None)
    assert not at.exception
    assert at.error[0].value.startswith("Dasbor tidak dapat dibuka: berkas akun")
    done = subprocess.run(
        [sys.executable, "-m", "kesiapan", "users", "list", "--akses", str(deployment)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "kesalahan: berkas akun" in done.stderr
