"""Sign-in (issue 5): who is looking at this session, and the screen that asks when nobody is.

`current()` runs at the top of every run, inside `ui.page()`, so a page run on its own is
guarded exactly like one run through `app.py`. In order:

1. No account and no identity provider configured: the bundled sample opens as a demo for
   anybody (`akses.DEMO`); any other dataset refuses to open.
2. A built-in account signed in this session (`SESSION_KEY`, read again from the users file on
   every run, so disabling an account or narrowing its scope takes effect at once).
3. An identity provider configured in secrets.toml (`[auth]`): `st.login()` and the identity's
   e-mail mapped to an account.
4. Otherwise the sign-in form, and the script stops.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from kesiapan import akses, audit, labels, versions

SESSION_KEY = "akses_pengguna"  # user name of the built-in account signed in this session
SSO_LOGGED_KEY = "_akses_sso_dicatat"  # the e-mail whose sign-in is already in the audit log
DENIED_KEY = "_akses_ditolak"  # messages of requests refused this run (URL areas, pages)
MAX_TYPED_NAME = 64  # characters of a failed sign-in's user name kept in the audit log


@dataclass(frozen=True)
class Sesi:
    pengguna: akses.Pengguna
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


def current(data_folder: Path) -> Sesi:
    """The viewer of this session; draws the sign-in screen and stops when there is none."""
    session = find(data_folder)
    if session is None:
        sign_in_screen(data_folder)
    return session  # type: ignore[return-value]


def find(data_folder: Path) -> Sesi | None:
    """The viewer of this session, or None when somebody must sign in first. Stops with a
    plain screen when nobody can: a real dataset without accounts, an unknown SSO identity."""
    folder = akses.akses_folder(data_folder)
    try:
        accounts = akses.configured(folder)
    except akses.AksesError as exc:
        _stop_screen(f"Dasbor tidak dapat dibuka: {exc}. Hubungi admin.")
    sso = sso_configured()
    if not accounts and not sso:
        if versions.is_bundled_sample(data_folder):
            return Sesi(akses.DEMO, "demo", folder)
        _stop_screen(
            "Dataset ini berisi data nyata dan hanya dapat dibuka setelah masuk, tetapi belum "
            "ada akun. Admin membuat akun dengan `python -m kesiapan users add` (lihat README, "
            "bagian Akses)."
        )
    name = st.session_state.get(SESSION_KEY)
    if name:
        user = akses.active_user(folder, name)
        if user is not None:
            return Sesi(user, "sandi", folder)
        del st.session_state[SESSION_KEY]  # disabled or removed since signing in
    if sso and st.user.is_logged_in:
        email = str(st.user.get("email") or "")
        user = akses.by_email(folder, email)
        if user is None:
            _unknown_identity(folder, email)
        session = Sesi(user, "sso", folder)  # type: ignore[arg-type]
        if st.session_state.get(SSO_LOGGED_KEY) != email:
            session.catat(audit.MASUK, cara="sso", surel=email)
            st.session_state[SSO_LOGGED_KEY] = email
        return session
    return None


def sign_in_screen(data_folder: Path) -> None:
    """The sign-in form; stops the script."""
    _sign_in_screen(akses.akses_folder(data_folder), sso_configured())
    st.stop()


def _stop_screen(message: str) -> None:
    st.title("Kesiapan KPPS")
    st.error(message, icon=":material/lock:")
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
        if sso:
            if st.button(
                "Masuk dengan SSO", key="masuk_sso", icon=":material/badge:", type="primary"
            ):
                st.login()
            st.caption("atau dengan akun bawaan:")
        with st.form("masuk", border=True):
            username = st.text_input("Nama pengguna", key="masuk_nama", max_chars=32)
            password = st.text_input(
                "Kata sandi", key="masuk_sandi", type="password", max_chars=akses.MAX_PASSWORD
            )
            sent = st.form_submit_button("Masuk", type="primary", icon=":material/login:")
        if sent:
            _try_sign_in(folder, username, password)
        st.caption(
            "Data KPPS memuat data pribadi (UU 27/2022): setiap masuk, impor dan unduhan "
            "berisi nama dicatat."
        )


def _try_sign_in(folder: Path, username: str, password: str) -> None:
    result = akses.sign_in(folder, username, password)
    typed = username.strip().lower()[:MAX_TYPED_NAME]
    if result.pengguna is None:
        audit.record(folder, audit.GAGAL_MASUK, typed, cara="sandi", alasan=result.alasan)
        if result.terkunci:
            audit.record(folder, audit.TERKUNCI, typed)
        st.error(labels.kalimat(result.alasan or akses.WRONG) + ".", icon=":material/error:")
        return
    audit.record(folder, audit.MASUK, result.pengguna.username, cara="sandi")
    st.session_state[SESSION_KEY] = result.pengguna.username
    st.rerun()


def sign_out(session: Sesi) -> None:
    session.catat(audit.KELUAR)
    st.session_state.pop(SESSION_KEY, None)
    st.session_state.pop(SSO_LOGGED_KEY, None)
    if session.cara == "sso":
        st.logout()
    st.rerun()


def scope_words(user: akses.Pengguna, areas: pd.DataFrame) -> str:
    """'Kabupaten Sampang' style words of an account's scope, as Markdown (names escaped)."""
    if user.cakupan is None:
        return "semua wilayah"
    names: dict[str, tuple[str, str]] = {}
    for level in LEVELS:
        for code, name in zip(areas[f"kode_{level}"], areas[level], strict=True):
            names.setdefault(code, (LEVELS[level], str(name)))
    # Only the names shown are escaped: the area list may hold a whole country.
    words = [
        f"{names[code][0]} {labels.polos(names[code][1])}" if code in names else code
        for code in user.cakupan
    ]
    return ", ".join(words) or "tidak ada wilayah"


LEVELS = {"provinsi": "Provinsi", "kabupaten": "Kab.", "kecamatan": "Kec.", "desa": "Desa/Kel."}


def account_box(session: Sesi, areas: pd.DataFrame) -> None:
    """Who is signed in, with which role and area, and the way out (sidebar)."""
    user = session.pengguna
    if session.demo:
        st.caption("Mode demo · tanpa akun")
        return
    role = akses.PERAN_LABEL[user.peran]
    st.caption(f"Masuk sebagai {labels.polos(user.nama)} ({role}) · {scope_words(user, areas)}")
    if st.button("Keluar", key="keluar", icon=":material/logout:"):
        sign_out(session)


def require(session: Sesi, izin: str, what: str) -> None:
    """Stop a page the viewer's role may not open, saying so (and logging the attempt)."""
    if session.boleh(izin):
        return
    roles = [akses.PERAN_LABEL[r].lower() for r, granted in akses.PERAN.items() if izin in granted]
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
