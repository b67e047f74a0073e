"""Accounts (kesiapan.access.accounts), the audit log (kesiapan.access.audit) and `python -m
kesiapan users`."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from kesiapan.access import accounts as access
from kesiapan.access import audit, privacy
from tests.conftest import ROOT

PASSWORD = "sandi-rahasia-2024"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    access.add(tmp_path, "rina", peran="analis", wilayah=["35.27"], nama="Rina", password=PASSWORD)
    access.add(tmp_path, "kom", peran="komisioner", wilayah=["35"], email="Kom@KPU.example")
    return tmp_path


def test_roles_and_the_one_personal_data_permission() -> None:
    analis = access.Pengguna("a", "A", "analis", ("35.27",))
    komisioner = access.Pengguna("k", "K", "komisioner", ("35",))
    granted = access.Pengguna("g", "G", "komisioner", ("35",), izin_tambahan=frozenset({"nama"}))
    admin = access.Pengguna("x", "X", "admin")
    assert access.tampil(analis) == privacy.Tampil(nama=True, pribadi=False)
    assert access.tampil(komisioner) == privacy.Tampil(nama=False, pribadi=False)
    assert access.tampil(granted) == privacy.Tampil(nama=True, pribadi=False)
    assert access.tampil(admin) == privacy.Tampil(nama=True, pribadi=True)
    assert not analis.boleh(access.IMPOR) and not analis.boleh(access.DATA_PRIBADI)
    assert access.Pengguna("o", "O", "operator", ("35.27",)).boleh(access.IMPOR)
    # Scope: an admin without codes sees everything; any other role without codes nothing.
    assert admin.scope is None
    assert access.Pengguna("n", "N", "analis").scope == ()


def test_codes_are_validated_and_nested_ones_dropped() -> None:
    assert access.check_codes(["35.27.02", "35.27", "35.26.01.2001"]) == ("35.26.01.2001", "35.27")
    for bad in ("35' or 1=1 --", "35.27%", "%", "", "35.2", "35.27.02.20011", "../35"):
        with pytest.raises(access.AksesError, match="tidak sah"):
            access.check_codes([bad])
    assert access.in_scope("35.27.02.2001", ("35.27",))
    assert not access.in_scope("35.271.01", ("35.27",))
    assert not access.in_scope("35.26", ("35.27",))


def test_add_refuses_bad_accounts(folder: Path) -> None:
    with pytest.raises(access.AksesError, match="sudah ada"):
        access.add(folder, "RINA", peran="analis", wilayah=["35.27"], password=PASSWORD)
    with pytest.raises(access.AksesError, match="wajib diberi wilayah"):
        access.add(folder, "budi", peran="operator", wilayah=[], password=PASSWORD)
    with pytest.raises(access.AksesError, match="terlalu pendek"):
        access.add(folder, "budi", peran="analis", wilayah=["35"], password="pendek")
    with pytest.raises(access.AksesError, match="sudah dipakai"):
        access.add(folder, "budi", peran="analis", wilayah=["35"], email="kom@kpu.example")
    with pytest.raises(access.AksesError, match="tidak sah"):
        access.add(folder, "../etc", peran="analis", wilayah=["35"], password=PASSWORD)
    assert sorted(access.load(folder)) == ["kom", "rina"]


def test_password_is_stored_as_argon2id_only(folder: Path) -> None:
    text = (folder / access.USERS_FILE).read_text(encoding="utf-8")
    assert PASSWORD not in text
    record = json.loads(text)["pengguna"]["rina"]
    assert record["sandi"].startswith("$argon2id$")
    assert (folder / access.USERS_FILE).stat().st_mode & 0o077 == 0


def test_sign_in_locks_after_five_failures(folder: Path) -> None:
    now = datetime(2024, 1, 28, 9, 0)
    assert access.sign_in(folder, "Rina ", PASSWORD, now).pengguna.username == "rina"
    results = [access.sign_in(folder, "rina", "salah-sandi-1", now) for _ in range(5)]
    assert [r.terkunci for r in results] == [False, False, False, False, True]
    assert all(r.pengguna is None for r in results)
    # Locked: even the right password is refused, until the lockout has passed.
    locked = access.sign_in(folder, "rina", PASSWORD, now + timedelta(minutes=14))
    assert locked.pengguna is None and "terkunci" in (locked.alasan or "")
    later = access.sign_in(folder, "rina", PASSWORD, now + timedelta(minutes=16))
    assert later.pengguna is not None and later.pengguna.gagal == 0


def test_wrong_name_and_wrong_password_read_the_same(folder: Path) -> None:
    unknown = access.sign_in(folder, "siapa", PASSWORD)
    wrong = access.sign_in(folder, "rina", "bukan-sandinya")
    assert unknown.alasan == wrong.alasan == access.WRONG
    # An OIDC-only account has no password to guess.
    assert access.sign_in(folder, "kom", PASSWORD).alasan == access.WRONG


def test_disabled_account_cannot_sign_in_or_stay_signed_in(folder: Path) -> None:
    access.set_active(folder, "rina", False)
    assert access.sign_in(folder, "rina", PASSWORD).pengguna is None
    assert access.active_user(folder, "rina") is None
    assert access.by_email(folder, "KOM@kpu.example").username == "kom"
    access.set_active(folder, "kom", False)
    assert access.by_email(folder, "kom@kpu.example") is None


def test_damaged_users_file_refuses_instead_of_opening(tmp_path: Path) -> None:
    (tmp_path / access.USERS_FILE).write_text('{"pengguna": {"x": {"peran": "raja"}}}')
    with pytest.raises(access.AksesError, match="rusak"):
        access.load(tmp_path)


def test_audit_log_is_a_hash_chain(tmp_path: Path) -> None:
    audit.record(tmp_path, audit.MASUK, "rina", cara="sandi")
    audit.record(tmp_path, audit.UNDUH, "rina", berkas="a.xlsx", baris=3)
    audit.record(tmp_path, audit.KELUAR, "rina")
    entries = audit.read(tmp_path)
    assert [e["peristiwa"] for e in entries] == ["masuk", "unduh", "keluar"]
    assert entries[1]["baris"] == 3 and entries[1]["sebelum"] == entries[0]["hash"]
    assert audit.verify(tmp_path) == []
    path = tmp_path / audit.AUDIT_FILE
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0], lines[1].replace('"baris": 3', '"baris": 1'), lines[2]]))
    assert audit.verify(tmp_path) == ["baris 2: isi catatan berubah setelah ditulis"]
    path.write_text("\n".join([lines[0], lines[2]]) + "\n")
    assert audit.verify(tmp_path) == [
        "baris 2: tidak menyambung ke catatan sebelumnya",
        # Issue 12: the checkpoint remembers three records.
        "catatan log audit hilang: titik periksa audit.titik mencatat 3 catatan, log hanya "
        "memuat 2",
    ]


def _cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kesiapan", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


def test_users_command(tmp_path: Path) -> None:
    made = _cli(
        "users", "add", "budi", "--peran", "operator", "--wilayah", "35.27.02",
        "--nama", "Budi S", "--akses", str(tmp_path), "--sandi-stdin",
        stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert "Akun budi (operator) dibuat" in made.stdout
    listed = _cli("users", "list", "--akses", str(tmp_path))
    assert "budi  Budi S · operator · 35.27.02 · aktif · sandi" in listed.stdout
    off = _cli("users", "disable", "budi", "--akses", str(tmp_path))
    assert off.returncode == 0 and "dinonaktifkan" in off.stdout
    assert "nonaktif" in _cli("users", "list", "--akses", str(tmp_path)).stdout
    bad = _cli("users", "add", "c1x", "--peran", "analis", "--wilayah", "35;drop",
               "--akses", str(tmp_path), "--tanpa-sandi")  # fmt: skip
    assert bad.returncode == 1 and 'kode wilayah "35;drop" tidak sah' in bad.stderr
    assert "Traceback" not in bad.stderr
    log = _cli("audit", "--akses", str(tmp_path), "--periksa")
    assert log.returncode == 0 and "Log audit utuh: 2 catatan." in log.stdout
    events = [(e["peristiwa"], e.get("aksi")) for e in audit.read(tmp_path)]
    assert events == [("kelola_akun", "tambah"), ("kelola_akun", "disable")]
