"""Sign-in (issue 5): who is looking at this session, and the screen that asks when nobody is.

`current()` runs at the top of every run, inside `ui.page()`, so a page run on its own is
guarded exactly like one run through `app.py`. In order:

1. No account and no identity provider configured: the bundled sample opens as a demo for
   anybody (`access.DEMO`); any other dataset refuses to open.
2. A built-in account signed in this session (`SESSION_KEY`, read again from the users file on
   every run, so disabling an account or narrowing its scope takes effect at once). The
   session also holds the account's stamp and the client's proof from when it signed in
   (issue 12): an account disabled, enabled again or given a new password since, or a session
   taken up by another browser (a different XSRF cookie) is signed out at its next message.
3. An identity provider configured in secrets.toml (`[auth]`): `st.login()` and the identity's
   e-mail mapped to an account.
4. Otherwise the sign-in form, and the script stops.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import re
import threading
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pandas as pd
import streamlit as st

from kesiapan.access import accounts as access
from kesiapan.access import audit
from kesiapan.contract import labels
from kesiapan.store import versions

SESSION_KEY = "akses_pengguna"  # user name of the built-in account signed in this session
STAMP_KEY = "_akses_cap"  # access.session_stamp of that account when the session signed in
PROOF_KEY = "_akses_bukti"  # a hash of the browser's XSRF token when the session signed in
ENDED_KEY = "_akses_berakhir"  # why this session was signed out, said once on the sign-in form
THROTTLED_KEY = "_akses_dibatasi"  # this session's refused attempts are already in the log
XSRF_COOKIE = "_streamlit_xsrf"  # set by Streamlit's server for every browser
# Sign-in attempts (issue 12): per session, and per client address (an office behind one
# address shares it), within a minute; attempts beyond wait without any password check.
SESSION_ATTEMPTS, ADDRESS_ATTEMPTS, ATTEMPT_WINDOW = 5, 20, 60.0
# An office whose people all reach the server from one address (behind one NAT) may allow more
# attempts per address and minute than 20: the operator's choice, read once at start.
ADDRESS_ATTEMPTS_ENV = "KESIAPAN_MASUK_PER_ALAMAT"
ADDRESS_ATTEMPTS = max(ADDRESS_ATTEMPTS, int(os.environ.get(ADDRESS_ATTEMPTS_ENV) or 0))
_PER_SESSION = access.Throttle(SESSION_ATTEMPTS, ATTEMPT_WINDOW)
_PER_ADDRESS = access.Throttle(ADDRESS_ATTEMPTS, ATTEMPT_WINDOW)
T = TypeVar("T")
SSO_LOGGED_KEY = "_akses_sso_dicatat"  # the e-mail whose sign-in is already in the audit log
DENIED_KEY = "_akses_ditolak"  # messages of requests refused this run (URL areas, pages)
MAX_TYPED_NAME = 64  # characters of a failed sign-in's user name kept in the audit log
SECRETS_SECTION, UNVERIFIED_OPTION = "kesiapan", "sso_surel_tanpa_verifikasi"


@dataclass(frozen=True)
class Viewer:
    pengguna: access.Pengguna
    cara: str  # "sandi", "sso" or "demo"
    akses_folder: Path

    @property
    def demo(self) -> bool:
        return self.cara == "demo"

    def boleh(self, izin: str) -> bool:
        return self.pengguna.boleh(izin)

    def catat(self, peristiwa: str, **rincian: object) -> None:
        if not self.demo:
            audit.record(self.akses_folder, peristiwa, self.pengguna.username, **rincian)

    def account_now(self) -> access.Pengguna | None:
        """The account as the users file has it now, if this session may still act for it:
        active, and neither disabled nor given a new password since the session began."""
        if self.demo:
            return self.pengguna
        if self.cara == "sso":
            user = access.by_email(self.akses_folder, self.pengguna.email)
        else:
            user = access.active_user(self.akses_folder, self.pengguna.username)
        if user is None or user.username != self.pengguna.username:
            return None
        if access.session_stamp(user) != access.session_stamp(self.pengguna):
            return None
        return user


class DownloadRefused(Exception):
    """A file asked for by a session that may no longer have it (issue 12)."""


def guarded(session: Viewer, izin: str, what: str, make: Callable[[], T]) -> Callable[[], T]:
    """`make` for a download button: when the file is asked for (a callback outside any page
    run), the account must still be active, signed in as when the button was drawn, and still
    hold `izin` with the same masking and area scope; otherwise the refusal is logged and no
    file is made."""

    def run() -> T:
        now = session.account_now()
        same = now is not None and (
            now.boleh(izin)
            and access.tampil(now) == access.tampil(session.pengguna)
            and now.scope == session.pengguna.scope
        )
        if not same:
            session.catat(audit.DITOLAK, unduhan=what, alasan="akun atau izinnya berubah")
            raise DownloadRefused(what)
        return make()

    return run


def sso_configured() -> bool:
    """Whether secrets.toml configures an identity provider for `st.login`."""
    try:
        auth = st.secrets.get("auth")
    except (FileNotFoundError, KeyError, ValueError, st.errors.StreamlitSecretNotFoundError):
        return False
    if not auth:
        return False
    providers = [auth, *(v for v in auth.values() if hasattr(v, "get"))]
    return any(p.get("client_id") for p in providers)


def current(data_folder: Path) -> Viewer:
    """The viewer of this session; draws the sign-in screen and stops when there is none."""
    session = find(data_folder)
    if session is None:
        sign_in_screen(data_folder)
    return session  # type: ignore[return-value]


# Issue 17, round six: a run asks who is looking three times or more (the frame, the page's
# view, its tables); each asked the accounts file (stat, copy) and the secrets again, ±4% of a
# run. The answer is kept for the rest of the same run only: every run (fragment runs too)
# reads the accounts again, so a disabled account still ends at the next run.
_THIS_RUN = threading.local()  # (the run's cursors dict, data folder, viewer) per script thread


def _run_token() -> object | None:
    """An object that is this script run's alone: Streamlit gives each run (a fragment's
    too) a new dict of cursors. None outside a script run."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    return ctx.cursors if ctx is not None else None


def find(data_folder: Path) -> Viewer | None:
    """The viewer of this session, or None when somebody must sign in first. Stops with a
    plain screen when nobody can: a real dataset without accounts, an unknown SSO identity.
    Worked out once per run (`_THIS_RUN`)."""
    run = _run_token()
    held = getattr(_THIS_RUN, "held", None)
    if run is not None and held is not None and held[0] is run and held[1] == data_folder:
        return held[2]  # type: ignore[no-any-return]
    found = _find(data_folder)
    _THIS_RUN.held = (run, data_folder, found) if run is not None and found else None
    return found


def _find(data_folder: Path) -> Viewer | None:
    folder = access.akses_folder(data_folder)
    try:
        accounts = access.configured(folder)
    except access.AksesError as exc:
        _stop_screen(f"Dasbor tidak dapat dibuka: {exc}. Hubungi admin.")
    sso = sso_configured()
    if not accounts and not sso:
        if versions.is_bundled_sample(data_folder):
            return Viewer(access.DEMO, "demo", folder)
        _stop_screen(
            "Dataset ini berisi data nyata dan hanya dapat dibuka setelah masuk, tetapi belum "
            "ada akun. Admin membuat akun dengan `python -m kesiapan users add` (lihat README, "
            "bagian Akses)."
        )
    name = st.session_state.get(SESSION_KEY)
    if name:
        user = access.active_user(folder, name)
        if user is None:
            _end(folder, name, "akun dinonaktifkan atau dihapus")
        elif st.session_state.get(STAMP_KEY) != access.session_stamp(user):
            _end(folder, name, "akun diaktifkan ulang atau kata sandinya diganti")
        elif st.session_state.get(PROOF_KEY) != client_proof():
            _end(folder, name, "sesi dilanjutkan oleh peramban lain")
        else:
            return Viewer(user, "sandi", folder)
    if sso and st.user.is_logged_in:
        email = str(st.user.get("email") or "")
        if not _email_verified() and not unverified_allowed():
            _unverified_email(folder, email)
        user = access.by_email(folder, email)
        if user is None:
            _unknown_identity(folder, email)
        session = Viewer(user, "sso", folder)  # type: ignore[arg-type]
        stamp = access.session_stamp(user)  # type: ignore[arg-type]
        if st.session_state.get(SSO_LOGGED_KEY) != email:
            session.catat(audit.MASUK, cara="sso", surel=email)
            st.session_state[SSO_LOGGED_KEY] = email
            st.session_state[STAMP_KEY] = stamp
        elif st.session_state.get(STAMP_KEY) != stamp:
            # Disabled and enabled again since: this sign-in ends; the next one starts anew.
            _end(folder, user.username, "akun diaktifkan ulang")  # type: ignore[union-attr]
            st.logout()
            st.stop()
        return session
    return None


def _end(folder: Path, name: str, why: str) -> None:
    """Sign this session out (its account changed, or another browser took it up)."""
    audit.record(folder, audit.SESI_BERAKHIR, name, alasan=why)
    for key in (SESSION_KEY, STAMP_KEY, PROOF_KEY, SSO_LOGGED_KEY):
        st.session_state.pop(key, None)
    st.session_state[ENDED_KEY] = why


def remember(
    state: MutableMapping[str, object], user: access.Pengguna, proof: str | None = None
) -> None:
    """What signing in leaves in a session: the account, its stamp, the client's proof."""
    _THIS_RUN.held = None
    state[SESSION_KEY] = user.username
    state[STAMP_KEY] = access.session_stamp(user)
    state[PROOF_KEY] = proof


def client_proof() -> str | None:
    """A hash of the browser's XSRF token: a random secret Streamlit's server gives each
    browser in a cookie and checks on every connection. A session id alone, taken up by
    another browser, comes with another token. None without one (XSRF protection off, tests)."""
    try:
        raw = st.context.cookies.get(XSRF_COOKIE)
    except (AttributeError, RuntimeError):
        return None
    token = _xsrf_token(raw)
    return hashlib.sha256(b"kesiapan-bukti\n" + token).hexdigest() if token else None


def _xsrf_token(cookie: str | None) -> bytes | None:
    """The token inside Streamlit's cookie `2|mask|masked token|time` (a fresh mask each time
    the cookie is set, the same token)."""
    parts = (cookie or "").strip("\"'").split("|")
    if len(parts) != 4 or parts[0] != "2":
        return None
    try:
        mask, masked = bytes.fromhex(parts[1]), bytes.fromhex(parts[2])
    except ValueError:
        return None
    if len(mask) != 4 or not masked:
        return None
    return bytes(b ^ mask[i % 4] for i, b in enumerate(masked))


def _session_key() -> str:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return f"sesi:{ctx.session_id if ctx else '-'}"


def _address_key() -> str:
    try:
        address = st.context.ip_address
    except (AttributeError, RuntimeError):
        address = None
    return f"alamat:{address or '-'}"


def sign_in_screen(data_folder: Path) -> None:
    """The sign-in form; stops the script."""
    _sign_in_screen(access.akses_folder(data_folder), sso_configured())
    st.stop()


def _stop_screen(message: str) -> None:
    st.title("Kesiapan KPPS")
    st.error(message, icon=":material/lock:")
    st.stop()


def _email_verified() -> bool:
    """Whether the identity provider vouches for the e-mail (`email_verified`, OpenID Connect
    Core §5.1): a provider that lets people type any address must not map it to an account."""
    value = st.user.get("email_verified")
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def unverified_allowed() -> bool:
    """A deployment whose provider never sends `email_verified` but checks addresses itself
    may say so in secrets.toml: `[kesiapan]` `sso_surel_tanpa_verifikasi = true`."""
    try:
        section = st.secrets.get(SECRETS_SECTION) or {}
        return section.get(UNVERIFIED_OPTION) is True
    except (FileNotFoundError, KeyError, ValueError, AttributeError):
        return False


def _unverified_email(folder: Path, email: str) -> None:
    audit.record(
        folder,
        audit.GAGAL_MASUK,
        None,
        cara="sso",
        surel=email[:MAX_TYPED_NAME],
        alasan="surel belum terverifikasi",
    )
    st.title("Kesiapan KPPS")
    st.error(
        f"Penyedia identitas belum memverifikasi surel {labels.polos(email) or '(kosong)'}, "
        "jadi surel itu tidak dapat dipakai untuk masuk. Verifikasi surel di akun SSO Anda, "
        "atau hubungi admin KPU.",
        icon=":material/mark_email_unread:",
    )
    if st.button("Keluar", key="keluar_sso", icon=":material/logout:"):
        st.logout()
    st.stop()


def _unknown_identity(folder: Path, email: str) -> None:
    audit.record(folder, audit.GAGAL_MASUK, None, cara="sso", surel=email[:MAX_TYPED_NAME])
    st.title("Kesiapan KPPS")
    st.error(
        f"Surel {labels.polos(email) or '(kosong)'} belum terdaftar sebagai pengguna dasbor "
        "ini, atau akunnya dinonaktifkan. Minta admin KPU menambahkan akun Anda.",
        icon=":material/person_off:",
    )
    if st.button("Keluar", key="keluar_sso", icon=":material/logout:"):
        st.logout()
    st.stop()


def _sign_in_screen(folder: Path, sso: bool) -> None:
    st.title("Kesiapan KPPS")
    st.caption("Dasbor kesiapan KPPS: Bimtek, kekurangan petugas dan supervisi.")
    _, middle, _ = st.columns([1, 2, 1])
    with middle:
        st.subheader("Masuk")
        if ended := st.session_state.pop(ENDED_KEY, None):
            st.warning(f"Sesi Anda berakhir ({ended}); silakan masuk lagi.", icon=":material/lock:")
        if sso:
            if st.button(
                "Masuk dengan SSO", key="masuk_sso", icon=":material/badge:", type="primary"
            ):
                st.login()
            st.caption("atau dengan akun bawaan:")
        with st.form("masuk", border=True):
            username = st.text_input("Nama pengguna", key="masuk_nama", max_chars=32)
            password = st.text_input(
                "Kata sandi", key="masuk_sandi", type="password", max_chars=access.MAX_PASSWORD
            )
            sent = st.form_submit_button("Masuk", type="primary", icon=":material/login:")
        if sent:
            _try_sign_in(folder, username, password)
        st.caption(
            "Data KPPS memuat data pribadi (UU 27/2022): setiap masuk, impor dan unduhan "
            "berisi nama dicatat."
        )


def _try_sign_in(folder: Path, username: str, password: str) -> None:
    typed = username.strip().lower()[:MAX_TYPED_NAME]
    wait = max(_PER_SESSION.wait(_session_key()), _PER_ADDRESS.wait(_address_key()))
    if wait:
        # No password check, no lock, one line in the log per session (issue 12).
        if not st.session_state.get(THROTTLED_KEY):
            audit.record(folder, audit.GAGAL_MASUK, typed, cara="sandi", alasan="dibatasi")
            st.session_state[THROTTLED_KEY] = True
        st.error(
            f"Terlalu banyak percobaan masuk; coba lagi dalam {math.ceil(wait)} detik.",
            icon=":material/timer:",
        )
        return
    st.session_state.pop(THROTTLED_KEY, None)
    result = access.sign_in(folder, username, password)
    if result.pengguna is None:
        audit.record(folder, audit.GAGAL_MASUK, typed, cara="sandi", alasan=result.alasan)
        if result.terkunci:
            audit.record(folder, audit.TERKUNCI, typed)
        st.error(labels.kalimat(result.alasan or access.WRONG) + ".", icon=":material/error:")
        return
    audit.record(folder, audit.MASUK, result.pengguna.username, cara="sandi")
    remember(st.session_state, result.pengguna, client_proof())
    st.rerun()


def sign_out(session: Viewer) -> None:
    session.catat(audit.KELUAR)
    _THIS_RUN.held = None
    for key in (SESSION_KEY, STAMP_KEY, PROOF_KEY, SSO_LOGGED_KEY):
        st.session_state.pop(key, None)
    if session.cara == "sso":
        st.logout()
    st.rerun()


def scope_words(user: access.Pengguna, areas: pd.DataFrame) -> str:
    """'Kabupaten Sampang' style words of an account's scope, as Markdown (names escaped)."""
    if user.scope is None:
        return "semua wilayah"
    names: dict[str, tuple[str, str]] = {}
    for level in LEVELS:
        for code, name in zip(areas[f"kode_{level}"], areas[level], strict=True):
            names.setdefault(code, (LEVELS[level], str(name)))
    # Only the names shown are escaped: the area list may hold a whole country.
    words = [
        f"{names[code][0]} {labels.polos(names[code][1])}" if code in names else code
        for code in user.scope
    ]
    return ", ".join(words) or "tidak ada wilayah"


LEVELS = {"provinsi": "Provinsi", "kabupaten": "Kab.", "kecamatan": "Kec.", "desa": "Desa/Kel."}


def account_box(session: Viewer, areas: pd.DataFrame) -> None:
    """Who is signed in, with which role and area, and the way out (sidebar)."""
    user = session.pengguna
    if session.demo:
        st.caption("Mode demo · tanpa akun")
        return
    role = access.PERAN_LABEL[user.peran]
    st.caption(f"Masuk sebagai {labels.polos(user.nama)} ({role}) · {scope_words(user, areas)}")
    if st.button("Keluar", key="keluar", icon=":material/logout:"):
        sign_out(session)


def require(session: Viewer, izin: str, what: str) -> None:
    """Stop a page the viewer's role may not open, saying so (and logging the attempt)."""
    if session.boleh(izin):
        return
    roles = [
        access.PERAN_LABEL[r].lower() for r, granted in access.PERAN.items() if izin in granted
    ]
    session.catat(audit.DITOLAK, halaman=what)
    st.error(
        f"Akses ditolak: {what} hanya untuk peran {' dan '.join(roles)}.",
        icon=":material/block:",
    )
    st.stop()


def deny(message: str) -> None:
    """Remember a refused request of this run (shown once by the frame)."""
    st.session_state.setdefault(DENIED_KEY, [])
    if message not in st.session_state[DENIED_KEY]:
        st.session_state[DENIED_KEY].append(message)


# -- session ids never in the logs (issue 12) -------------------------------------------------
# Streamlit logs a session's id on reconnects ("Session with id … is already connected!"), and
# a download's file id on errors; either lets whoever reads the log act as that session.
_IDS = re.compile(
    r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b|\b[0-9a-f]{32}\b",
    re.IGNORECASE,
)
HIDDEN_ID = "[id disembunyikan]"


def hide_ids(text: str) -> str:
    return _IDS.sub(HIDDEN_ID, text)


def hide_session_ids() -> None:
    """Every log record, from Streamlit or anyone, is written with session and file ids
    replaced (a record factory: it sees records of loggers made later too). Idempotent."""
    factory = logging.getLogRecordFactory()
    if getattr(factory, "kesiapan_hides_ids", False):
        return

    def make(*args: object, **kwargs: object) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: leave it to logging's own error handling
            return record
        record.msg, record.args = hide_ids(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = hide_ids(logging.Formatter().formatException(record.exc_info))
        return record

    make.kesiapan_hides_ids = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(make)
