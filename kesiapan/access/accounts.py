"""Accounts, roles and area scope (issue 5): who may see which rows, and how unmasked.

A deployment's accounts live in `<akses folder>/pengguna.json` (env `KESIAPAN_AKSES`, default
`<data folder>/akses`) beside the append-only audit log (`kesiapan.access.audit`). Built-in accounts
carry an argon2id password hash; accounts signed in through OpenID Connect are found by their
e-mail. No Streamlit here: the sign-in screen (`kesiapan.ui.signin`), the command line
(`python -m kesiapan users …`) and the tests all use these functions.

Roles and what they may do (`PERAN`); one permission, `data_pribadi`, decides whether NIK,
phone numbers and birth dates are shown unmasked, and `nama` whether member names are. A user
may be granted either on top of the role's own (`izin`).
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import json
import os
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from kesiapan.access import audit, privacy, private
from kesiapan.contract import scope as area_scope

AKSES_ENV = "KESIAPAN_AKSES"
AKSES_DIR = "akses"
USERS_FILE = "pengguna.json"
LOCK_FILE = ".kunci-pengguna"
FORMAT = 1

# Permissions.
BACA = "baca"  # read the dashboard for the scope (every role)
EKSPOR = "ekspor"  # download tables, lists, the action pack
NAMA = "nama"  # member names unmasked
DATA_PRIBADI = "data_pribadi"  # NIK, phone, birth date unmasked (UU 27/2022)
IMPOR = "impor"  # import and restore data for the scope
KELOLA = "kelola"  # manage accounts
PRESENSI = "presensi"  # mark attendance live at sessions of its kecamatan (issue 16)
IZIN = {
    BACA: "membaca dasbor untuk wilayahnya",
    EKSPOR: "mengunduh tabel, daftar dan paket tindak lanjut",
    NAMA: "melihat nama anggota KPPS",
    DATA_PRIBADI: "melihat NIK, nomor HP dan tanggal lahir tanpa disamarkan",
    IMPOR: "mengimpor dan memulihkan data wilayahnya",
    KELOLA: "mengelola akun pengguna",
    PRESENSI: "mencatat presensi Bimtek di sesi kecamatannya",
}
PERAN: dict[str, frozenset[str]] = {
    "komisioner": frozenset({BACA}),
    "analis": frozenset({BACA, EKSPOR, NAMA}),
    "operator": frozenset({BACA, NAMA, IMPOR}),
    "admin": frozenset(IZIN),
}
PERAN_LABEL = {
    "komisioner": "Komisioner",
    "analis": "Analis",
    "operator": "Operator",
    "admin": "Admin",
}

USERNAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]{2,31}")
# Area codes: provinsi 35, kabupaten 35.27, kecamatan 35.27.02, desa 35.27.02.2001; the one
# rule of kesiapan/contract/scope.py, which the data layer applies.
CODE_RE = area_scope.CODE
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
MIN_PASSWORD = 10
MAX_PASSWORD = 256
MAX_FAILURES = 5  # wrong passwords in a row before the account locks
LOCKOUT = timedelta(minutes=15)
# Names nobody has, remembered like accounts (failures, lockout), so that the answers never
# tell which names exist (issue 12); a bounded number, the oldest forgotten first.
MAX_UNKNOWN_NAMES = 10_000
# `aktif` as people may type it into the users file; anything else reads inactive.
ACTIVE_WORDS = {"true": True, "ya": True, "1": True, "false": False, "tidak": False, "0": False}

_HASHER = PasswordHasher()  # argon2id with the library's current recommended parameters


@functools.cache
def dummy_hash() -> str:
    """Verified when the user name is unknown, so a wrong name costs as long as a wrong
    password. Made on first use, not on import: every `python -m kesiapan` command and test
    process paid ±0,8 s for it; the server's warm-up makes it before anyone signs in."""
    return _HASHER.hash("kesiapan-kpps-bukan-sandi")


class AksesError(ValueError):
    """A request the accounts cannot take: the message is Indonesian and names the field."""


@dataclass(frozen=True)
class Pengguna:
    username: str
    nama: str
    peran: str
    wilayah: tuple[str, ...] = ()  # empty: the whole dataset (admin only)
    email: str | None = None
    izin_tambahan: frozenset[str] = field(default_factory=frozenset)
    aktif: bool = True
    sandi: str | None = None  # argon2 hash; None: signs in through OpenID Connect only
    gagal: int = 0
    terkunci_sampai: str | None = None
    dibuat: str | None = None
    demo: bool = False  # the visitor of the bundled sample (never an account in the file)
    # Raised whenever the account is disabled, enabled or given a new password: every session
    # signed in before then ends at its next message (issue 12).
    generasi: int = 0

    @property
    def izin(self) -> frozenset[str]:
        return PERAN[self.peran] | self.izin_tambahan

    def boleh(self, izin: str) -> bool:
        return izin in self.izin

    @property
    def scope(self) -> tuple[str, ...] | None:
        """The area codes every query is limited to; None: unrestricted (an admin without
        codes). Any other role without codes sees nothing (never everything)."""
        if not self.wilayah:
            return None if self.peran == "admin" or self.demo else ()
        return self.wilayah

    def terkunci(self, now: datetime | None = None) -> bool:
        if not self.terkunci_sampai:
            return False
        return (now or datetime.now()) < datetime.fromisoformat(self.terkunci_sampai)

    def public(self) -> dict[str, object]:
        """The record without secrets, for listings."""
        return {
            "username": self.username,
            "nama": self.nama,
            "peran": self.peran,
            "wilayah": list(self.wilayah),
            "email": self.email,
            "izin_tambahan": sorted(self.izin_tambahan),
            "aktif": self.aktif,
            "terkunci_sampai": self.terkunci_sampai,
        }


# The visitor of the bundled sample when no account is configured: sees everything of the
# sample (made-up people), may download, never unmasked personal data, never imports.
DEMO = Pengguna("demo", "Pengunjung demo", "analis", demo=True)


def tampil(user: Pengguna) -> privacy.Tampil:
    """What the account may see unmasked, on screen and in every file it downloads."""
    return privacy.Tampil(nama=user.boleh(NAMA), pribadi=user.boleh(DATA_PRIBADI))


def akses_folder(data_folder: Path) -> Path:
    configured = os.environ.get(AKSES_ENV)
    return Path(configured) if configured else Path(data_folder) / AKSES_DIR


def check_codes(codes: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Area codes as given (`35.27`), validated; duplicates and codes inside another dropped."""
    cleaned: list[str] = []
    for code in codes:
        code = str(code).strip()
        if not CODE_RE.fullmatch(code):
            raise AksesError(
                f'kode wilayah "{code}" tidak sah: tulis seperti 35 (provinsi), 35.27 '
                "(kabupaten), 35.27.02 (kecamatan) atau 35.27.02.2001 (desa)"
            )
        cleaned.append(code)
    return area_scope.validate(cleaned) or ()  # sorted, none inside another


in_scope = area_scope.in_scope  # whether an area code (of any level) lies inside a scope


# -- the users file -------------------------------------------------------------------------
def _path(folder: Path) -> Path:
    return folder / USERS_FILE


def load(folder: Path) -> dict[str, Pengguna]:
    """Every account of the deployment (an absent file: none). Every page run asks (a few
    times), so the parsed file is kept until the file changes (it is only ever replaced)."""
    path = _path(folder)
    try:
        stat = path.stat()
    except FileNotFoundError:
        return {}
    stamp = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
    held = _LOADED.get(path)
    if held is not None and held[0] == stamp:
        return dict(held[1])
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        users = {name: _from_record(name, record) for name, record in raw["pengguna"].items()}
    except OSError as exc:  # a folder where the file should be, unreadable, …
        raise AksesError(f"berkas akun {path} tidak dapat dibaca: {exc.strerror}") from exc
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        # A damaged file must not open the app to everybody: refuse loudly.
        raise AksesError(f"berkas akun {path} rusak: {exc}") from exc
    _LOADED[path] = (stamp, users)
    return dict(users)


_LOADED: dict[Path, tuple[tuple[int, int, int], dict[str, Pengguna]]] = {}


def audit_witness(folder: Path) -> dict[str, dict[str, object]]:
    """The audit checkpoint the users file carries, for `audit.verify`."""
    try:
        raw = json.loads(_path(folder).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    held = raw.get("audit") if isinstance(raw, dict) else None
    return {f"berkas akun {USERS_FILE}": held} if isinstance(held, dict) else {}


def configured(folder: Path) -> bool:
    """Whether the deployment has any account at all (active or not)."""
    return _path(folder).exists() and bool(load(folder))


def _from_record(name: str, r: dict[str, object]) -> Pengguna:
    peran = str(r["peran"])
    if peran not in PERAN:
        raise KeyError(f"peran tidak dikenal untuk {name}: {peran}")
    return Pengguna(
        username=name,
        nama=str(r.get("nama") or name),
        peran=peran,
        wilayah=check_codes(list(r.get("wilayah") or [])),  # type: ignore[arg-type]
        email=(str(r["email"]).lower() if r.get("email") else None),
        izin_tambahan=frozenset(str(i) for i in r.get("izin_tambahan") or []) & set(IZIN),  # type: ignore[union-attr]
        aktif=_active(r.get("aktif", True)),
        sandi=str(r["sandi"]) if r.get("sandi") else None,
        gagal=int(r.get("gagal", 0)),  # type: ignore[call-overload]
        terkunci_sampai=str(r["terkunci_sampai"]) if r.get("terkunci_sampai") else None,
        dibuat=str(r["dibuat"]) if r.get("dibuat") else None,
        generasi=int(r.get("generasi", 0)),  # type: ignore[call-overload]
    )


def _active(value: object) -> bool:
    """JSON true, or a word meaning it; a string "false" must not leave an account open."""
    if isinstance(value, bool):
        return value
    return ACTIVE_WORDS.get(str(value).strip().lower(), False)


def _to_record(user: Pengguna) -> dict[str, object]:
    record = user.public()
    del record["username"]
    record.update(sandi=user.sandi, gagal=user.gagal, dibuat=user.dibuat, generasi=user.generasi)
    return record


@contextlib.contextmanager
def _editing(folder: Path) -> Iterator[dict[str, Pengguna]]:
    """The accounts under an exclusive lock; written back atomically (temp file, fsync,
    rename) when the block ends without an exception."""
    private.make_dir(folder)
    with private.open_text(folder / LOCK_FILE, "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        users = load(folder)
        yield users
        payload = {
            "format": FORMAT,
            "pengguna": {name: _to_record(u) for name, u in sorted(users.items())},
            # A copy of the audit log's checkpoint, kept apart from it (issue 12).
            "audit": audit.witness(folder),
        }
        temp = folder / f".{USERS_FILE}.baru"
        with private.open_text(temp, "w") as out:  # owner-only from its first byte
            json.dump(payload, out, ensure_ascii=False, indent=2)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, _path(folder))


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AksesError(f"kata sandi terlalu pendek: paling sedikit {MIN_PASSWORD} karakter")
    if len(password) > MAX_PASSWORD:
        raise AksesError(f"kata sandi terlalu panjang: paling banyak {MAX_PASSWORD} karakter")
    if len(set(password)) < 4:
        raise AksesError("kata sandi terlalu mudah ditebak: pakai lebih banyak karakter berbeda")


def add(
    folder: Path,
    username: str,
    *,
    peran: str,
    wilayah: list[str] | tuple[str, ...],
    nama: str | None = None,
    email: str | None = None,
    password: str | None = None,
    izin_tambahan: list[str] | tuple[str, ...] = (),
) -> Pengguna:
    """A new account. Built-in accounts need a password; OIDC-only accounts need an e-mail."""
    username = username.strip().lower()
    if not USERNAME_RE.fullmatch(username):
        raise AksesError(
            f'nama pengguna "{username}" tidak sah: 3–32 huruf kecil, angka, titik, garis bawah '
            "atau tanda hubung, diawali huruf atau angka"
        )
    if peran not in PERAN:
        raise AksesError(f'peran "{peran}" tidak dikenal: pilih {", ".join(PERAN)}')
    codes = check_codes(wilayah)
    if not codes and peran != "admin":
        raise AksesError(f"peran {peran} wajib diberi wilayah (mis. --wilayah 35.27)")
    unknown = sorted(set(izin_tambahan) - set(IZIN))
    if unknown:
        raise AksesError(f'izin "{unknown[0]}" tidak dikenal: pilih {", ".join(IZIN)}')
    if email is not None:
        email = email.strip().lower()
        if not EMAIL_RE.fullmatch(email):
            raise AksesError(f'alamat surel "{email}" tidak sah')
    if password is None and email is None:
        raise AksesError("akun perlu kata sandi (akun bawaan) atau surel (masuk lewat SSO)")
    if password is not None:
        check_password(password)
    with _editing(folder) as users:
        if username in users:
            raise AksesError(f'nama pengguna "{username}" sudah ada')
        if email and any(u.email == email for u in users.values()):
            raise AksesError(f'surel "{email}" sudah dipakai akun lain')
        user = Pengguna(
            username=username,
            nama=(nama or username).strip(),
            peran=peran,
            wilayah=codes,
            email=email,
            izin_tambahan=frozenset(izin_tambahan),
            sandi=_HASHER.hash(password) if password is not None else None,
            dibuat=_now(),
        )
        users[username] = user
    return user


def set_active(folder: Path, username: str, active: bool) -> Pengguna:
    with _editing(folder) as users:
        if username not in users:
            raise AksesError(f'nama pengguna "{username}" tidak ada')
        user = users[username]
        users[username] = replace(
            user, aktif=active, gagal=0, terkunci_sampai=None, generasi=user.generasi + 1
        )
        return users[username]


def set_password(folder: Path, username: str, password: str) -> Pengguna:
    check_password(password)
    with _editing(folder) as users:
        if username not in users:
            raise AksesError(f'nama pengguna "{username}" tidak ada')
        user = users[username]
        users[username] = replace(
            user,
            sandi=_HASHER.hash(password),
            gagal=0,
            terkunci_sampai=None,
            generasi=user.generasi + 1,
        )
        return users[username]


def session_stamp(user: Pengguna) -> str:
    """What a session remembers of its account when it signs in: a session whose account has
    since been disabled, enabled again or given a new password no longer matches."""
    text = f"{user.username}\n{user.generasi}\n{user.sandi or ''}\n{user.email or ''}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Hasil:
    """The outcome of a sign-in attempt: the user, or why not (Indonesian)."""

    pengguna: Pengguna | None
    alasan: str | None = None
    terkunci: bool = False  # this attempt locked the account


WRONG = "nama pengguna atau kata sandi salah"


def sign_in(folder: Path, username: str, password: str, now: datetime | None = None) -> Hasil:
    """Check a built-in account's password, counting failures and locking the account after
    `MAX_FAILURES` in a row for `LOCKOUT`. A wrong name answers as a wrong password does, in
    the same time (one argon2 verification) and with the same lockout, so neither the words
    nor the timing tell which accounts exist (issue 12). The users file is read without its
    lock and rewritten only when an account's state changes (a failure counted, a lock, a
    failure count cleared, a hash renewed)."""
    now = now or datetime.now()
    username = username.strip().lower()
    if len(password) > MAX_PASSWORD or not USERNAME_RE.fullmatch(username):
        return Hasil(None, WRONG)
    user = load(folder).get(username)
    if user is None or user.sandi is None:
        return _UNKNOWN.attempt(username, password, now)
    if user.terkunci(now):
        return Hasil(None, _locked_words(user.terkunci_sampai))
    if not _verify(user.sandi, password):
        with _editing(folder) as users:
            current = users.get(username)
            if current is None:  # removed meanwhile
                return Hasil(None, WRONG)
            failures = current.gagal + 1
            locked = failures >= MAX_FAILURES
            until = (now + LOCKOUT).isoformat(timespec="seconds") if locked else None
            users[username] = replace(
                current, gagal=0 if locked else failures, terkunci_sampai=until
            )
        return _failed(locked)
    if not user.aktif:
        return Hasil(None, "akun ini dinonaktifkan; hubungi admin")
    renew = _HASHER.check_needs_rehash(user.sandi)
    if user.gagal or user.terkunci_sampai or renew:
        with _editing(folder) as users:
            current = users.get(username)
            if current is None or current.sandi != user.sandi:
                return Hasil(None, WRONG)  # changed meanwhile: sign in again
            sandi = _HASHER.hash(password) if renew else current.sandi
            users[username] = replace(current, sandi=sandi, gagal=0, terkunci_sampai=None)
            user = users[username]
    return Hasil(user)


def _locked_words(until: str | None) -> str:
    at = datetime.fromisoformat(until or "").strftime("%H.%M")
    return f"akun terkunci karena salah kata sandi berulang; coba lagi pukul {at}"


def _failed(locked: bool) -> Hasil:
    if locked:
        minutes = int(LOCKOUT.total_seconds() // 60)
        return Hasil(None, f"{WRONG}; akun dikunci {minutes} menit", True)
    return Hasil(None, WRONG)


class _UnknownNames:
    """Failures and lockouts of names that are no account, kept in memory only, answered as
    an account's would be (a name that does not exist locks after five tries too)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: dict[str, tuple[int, str | None]] = {}

    def attempt(self, username: str, password: str, now: datetime) -> Hasil:
        with self._lock:
            failures, until = self._held.get(username, (0, None))
        if until and now < datetime.fromisoformat(until):
            return Hasil(None, _locked_words(until))
        _verify(dummy_hash(), password)  # costs what a real account's check costs
        failures += 1
        locked = failures >= MAX_FAILURES
        with self._lock:
            self._held.pop(username, None)
            self._held[username] = (
                (0, (now + LOCKOUT).isoformat(timespec="seconds")) if locked else (failures, None)
            )
            while len(self._held) > MAX_UNKNOWN_NAMES:
                self._held.pop(next(iter(self._held)))
        return _failed(locked)

    def clear(self) -> None:
        with self._lock:
            self._held.clear()


_UNKNOWN = _UnknownNames()


class Throttle:
    """At most `limit` sign-in attempts per `window` seconds for one key (a session, a client
    address): the next waits. In memory, for one server process."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit, self.window = limit, window
        self._lock = threading.Lock()
        self._times: dict[str, list[float]] = {}

    def wait(self, key: str, now: float | None = None) -> float:
        """Seconds until `key` may try again (0: now); a try that may go is counted."""
        now = time.monotonic() if now is None else now
        with self._lock:
            recent = [t for t in self._times.get(key, []) if now - t < self.window]
            if len(recent) >= self.limit:
                self._times[key] = recent
                return self.window - (now - recent[0])
            recent.append(now)
            self._times[key] = recent
            if len(self._times) > MAX_UNKNOWN_NAMES:  # forget keys with nothing recent
                self._times = {k: v for k, v in self._times.items() if now - v[-1] < self.window}
            return 0.0

    def clear(self) -> None:
        with self._lock:
            self._times.clear()


def _verify(hashed: str, password: str) -> bool:
    try:
        return _HASHER.verify(hashed, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def active_user(folder: Path, username: str) -> Pengguna | None:
    """The account of a signed-in session, read again on every run so that disabling an
    account or changing its scope takes effect at once."""
    user = load(folder).get(username)
    return user if user is not None and user.aktif else None


def by_email(folder: Path, email: str | None) -> Pengguna | None:
    if not email:
        return None
    email = email.strip().lower()
    for user in load(folder).values():
        if user.email == email and user.aktif:
            return user
    return None
