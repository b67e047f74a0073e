"""Issue 12 item 6: the audit log cannot be cut, re-chained or removed unseen; `audit --periksa`
names what happened."""

from __future__ import annotations

import hashlib
import json
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from kesiapan.access import accounts as access
from kesiapan.access import audit
from tests.conftest import ROOT, run_cli

PASSWORD = "sandi-rahasia-2024"


@pytest.fixture(scope="module")
def _made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An akses folder with two accounts and seven records: rina's and budi's, interleaved;
    made once (two argon2 hashes), copied for each test that damages it (`folder`)."""
    folder = tmp_path_factory.mktemp("audit") / "akses"
    access.add(folder, "rina", peran="analis", wilayah=["35.27"], password=PASSWORD)
    for who in ("rina", "budi", "rina", "budi", "rina", "budi"):
        audit.record(folder, audit.UNDUH, who, berkas="kpps.xlsx", baris=7)
    access.add(folder, "budi", peran="operator", wilayah=["35.27.02"], password=PASSWORD)
    audit.record(folder, audit.MASUK, "budi", cara="sandi")
    return folder


@pytest.fixture
def folder(_made: Path, tmp_path: Path) -> Path:
    """This test's copy of the akses folder (its key, log, checkpoint and users file)."""
    folder = tmp_path / "akses"
    shutil.copytree(_made, folder)
    assert audit.verify(folder, access.audit_witness(folder)) == []
    return folder


def _lines(folder: Path) -> list[str]:
    return (folder / audit.AUDIT_FILE).read_text(encoding="utf-8").splitlines()


def _write(folder: Path, lines: list[str]) -> None:
    (folder / audit.AUDIT_FILE).write_text("".join(line + "\n" for line in lines))


def _rechain(entries: list[dict]) -> list[str]:
    """What the red team did: recompute every hash the way the unkeyed chain did."""
    previous, lines = audit.GENESIS, []
    for entry in entries:
        body = {k: v for k, v in entry.items() if k not in ("sebelum", "hash")}
        text = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        digest = hashlib.sha256((previous + text).encode("utf-8")).hexdigest()
        lines.append(json.dumps({**body, "sebelum": previous, "hash": digest}))
        previous = digest
    return lines


def _check(folder: Path) -> subprocess.CompletedProcess[str]:
    """`python -m kesiapan audit --periksa`, run in this process (its own start, as a person
    runs it, is tested once: test_a_damaged_log_is_a_message_not_a_traceback)."""
    return run_cli("audit", "--periksa", "--akses", str(folder))


def test_a_cut_tail_is_named(folder: Path) -> None:
    _write(folder, _lines(folder)[:-2])
    done = _check(folder)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert (
        "ekor log audit terpotong: titik periksa audit.titik mencatat 7 catatan, log hanya "
        "memuat 5" in done.stderr
    )


def test_a_cut_tail_with_an_older_checkpoint_put_back_is_named_by_the_users_file(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "akses"
    for _ in range(5):
        audit.record(folder, audit.UNDUH, "rina", berkas="kpps.xlsx")
    older = (folder / audit.CHECKPOINT_FILE).read_text()
    audit.record(folder, audit.UNDUH, "rina", berkas="kpps.xlsx")
    access.add(folder, "rina", peran="analis", wilayah=["35.27"], password=PASSWORD)
    audit.record(folder, audit.MASUK, "rina")
    # Cut back to five records, with the checkpoint of that moment copied back.
    _write(folder, _lines(folder)[:5])
    (folder / audit.CHECKPOINT_FILE).write_text(older)
    assert audit.verify(folder) == []  # the log and its checkpoint alone agree...
    cut = "ekor log audit terpotong: berkas akun pengguna.json mencatat 6 catatan, log hanya "
    assert audit.verify(folder, access.audit_witness(folder)) == [cut + "memuat 5"]  # ...not so


def test_removing_one_users_records_and_rechaining_is_named(folder: Path) -> None:
    entries = [json.loads(line) for line in _lines(folder)]
    _write(folder, _rechain([e for e in entries if e["pengguna"] != "rina"]))
    problems = audit.verify(folder, access.audit_witness(folder))
    # Without the key the new hashes are not the log's: every record reads as changed, and
    # the checkpoints remember more records than are left.
    assert problems[:4] == [f"baris {n}: isi catatan berubah setelah ditulis" for n in (1, 2, 3, 4)]
    assert problems[4:] == [
        "catatan log audit hilang: titik periksa audit.titik mencatat 7 catatan, log hanya "
        "memuat 4",
        "catatan log audit hilang: berkas akun pengguna.json mencatat 6 catatan, log hanya "
        "memuat 4",
    ]
    assert _check(folder).returncode == 1


def test_an_edit_rechained_to_the_end_is_named(folder: Path) -> None:
    entries = [json.loads(line) for line in _lines(folder)]
    entries[2]["berkas"] = "lain.xlsx"
    _write(folder, _rechain(entries))
    problems = audit.verify(folder, access.audit_witness(folder))
    assert "baris 3: isi catatan berubah setelah ditulis" in problems
    assert (
        "log audit ditulis ulang: catatan ke-7 tidak sama dengan yang dicatat titik periksa "
        "audit.titik" in problems
    )


def test_a_removed_log_is_named(folder: Path) -> None:
    (folder / audit.AUDIT_FILE).unlink()
    done = _check(folder)
    assert done.returncode == 1
    assert "berkas log audit hilang; titik periksa audit.titik mencatat 7 catatan" in done.stderr
    # The checkpoint removed as well: the users file still remembers.
    (folder / audit.CHECKPOINT_FILE).unlink()
    done = _check(folder)
    assert done.returncode == 1
    assert "berkas log audit hilang; berkas akun pengguna.json mencatat 6 catatan" in done.stderr


def test_a_forged_checkpoint_is_named(folder: Path) -> None:
    _write(folder, _lines(folder)[:-2])
    last = json.loads(_lines(folder)[-1])["hash"]
    (folder / audit.CHECKPOINT_FILE).write_text(json.dumps({"jumlah": 5, "hash": last}))
    problems = audit.verify(folder)
    assert problems == ["titik periksa audit.titik diubah: segelnya tidak cocok"]


def test_the_key_is_kept_apart_and_owner_only(folder: Path, tmp_path: Path, monkeypatch) -> None:
    key = folder / audit.KEY_FILE
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    secret = key.read_text().strip()
    assert len(secret) == 64 and secret not in (folder / audit.AUDIT_FILE).read_text()
    key.unlink()
    assert audit.verify(folder) == [
        f"baris 1: kunci log audit ({key}) hilang, catatan berkunci tidak dapat diperiksa"
    ]
    # Kept elsewhere when the deployment says so.
    elsewhere = tmp_path / "rahasia" / "kunci"
    monkeypatch.setenv(audit.KEY_ENV, str(elsewhere))
    other = tmp_path / "lain"
    audit.record(other, audit.MASUK, "rina")
    assert elsewhere.exists() and not (other / audit.KEY_FILE).exists()
    assert audit.verify(other) == []


def test_records_from_before_the_key_still_verify(tmp_path: Path) -> None:
    old = [
        {"waktu": "2024-01-28T09:00:00+07:00", "peristiwa": "masuk", "pengguna": "rina"},
        {"waktu": "2024-01-28T09:05:00+07:00", "peristiwa": "keluar", "pengguna": "rina"},
    ]
    tmp_path.joinpath(audit.AUDIT_FILE).write_text("".join(x + "\n" for x in _rechain(old)))
    assert audit.verify(tmp_path) == []
    audit.record(tmp_path, audit.MASUK, "rina")
    assert audit.verify(tmp_path) == []
    lines = _lines(tmp_path)
    # An unkeyed record slipped in after the keyed one.
    entries = [json.loads(line) for line in lines]
    tail = _rechain([*entries, {"waktu": "x", "peristiwa": "masuk", "pengguna": "palsu"}])[-1]
    _write(tmp_path, [*lines, tail])
    assert "baris 4: catatan tanpa kunci disisipkan" in audit.verify(tmp_path)


def test_a_damaged_log_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / audit.AUDIT_FILE).write_bytes(b'{"waktu": 1}\n\xff\xfe bukan json\n')
    # The listing in this process; the check as its own process, as a person runs it.
    listed = run_cli("audit", "--akses", str(tmp_path))
    checked = subprocess.run(
        [sys.executable, "-m", "kesiapan", "audit", "--periksa", "--akses", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    for done in (listed, checked):
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        assert "kesalahan" in done.stderr or "baris 2" in done.stderr
