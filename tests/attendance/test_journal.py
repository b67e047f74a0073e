"""The attendance journal on both backends: append-only, one record per change of state,
undo as a new record, retries idempotent, card tokens opaque and stable."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kesiapan.store import journal
from kesiapan.store.journal import BATAL, HADIR

NIK_A = "3527020101900001"
NIK_B = "3527024202950001"


def test_mark_undo_and_mark_again_are_three_records(jurnal: journal.Journal) -> None:
    before = datetime.now(UTC) - timedelta(seconds=5)
    first = jurnal.mark(pengguna="sari", kode_sesi="BT-01", nik=NIK_A, kode_tps="3527022001001")
    assert first.baru
    record = first.catatan
    assert record is not None
    assert (record.pengguna, record.kode_sesi, record.nik, record.aksi) == (
        "sari",
        "BT-01",
        NIK_A,
        HADIR,
    )
    assert record.kode_tps == "3527022001001"
    assert before <= record.waktu <= datetime.now(UTC) + timedelta(seconds=5)

    undo = jurnal.mark(pengguna="budi", kode_sesi="BT-01", nik=NIK_A, aksi=BATAL)
    again = jurnal.mark(pengguna="sari", kode_sesi="BT-01", nik=NIK_A)
    assert undo.baru and again.baru
    records = jurnal.records()
    # The undo did not edit the mark: all three are there, in order, each with its author.
    assert [(r.id, r.aksi, r.pengguna) for r in records] == [
        (record.id, HADIR, "sari"),
        (undo.catatan.id, BATAL, "budi"),
        (again.catatan.id, HADIR, "sari"),
    ]
    assert record.id < undo.catatan.id < again.catatan.id
    assert [(r.kode_sesi, r.nik) for r in jurnal.marked()] == [("BT-01", NIK_A)]
    assert jurnal.last_id() == again.catatan.id


def test_a_mark_that_changes_nothing_writes_nothing(jurnal: journal.Journal) -> None:
    assert jurnal.mark(pengguna="sari", kode_sesi="BT-01", nik=NIK_A, aksi=BATAL) == journal.Hasil(
        None, False
    )
    first = jurnal.mark(pengguna="sari", kode_sesi="BT-01", nik=NIK_A)
    second = jurnal.mark(pengguna="budi", kode_sesi="BT-01", nik=NIK_A)
    assert not second.baru
    assert second.catatan == first.catatan  # the existing mark, by its first author
    # Another session or another member is a separate state.
    assert jurnal.mark(pengguna="sari", kode_sesi="BT-02", nik=NIK_A).baru
    assert jurnal.mark(pengguna="sari", kode_sesi="BT-01", nik=NIK_B).baru
    assert len(jurnal.records()) == 3
    assert len(jurnal.records("BT-01")) == 2
    assert {(r.kode_sesi, r.nik) for r in jurnal.marked("BT-01")} == {
        ("BT-01", NIK_A),
        ("BT-01", NIK_B),
    }


def test_a_retried_request_finds_its_first_record(jurnal: journal.Journal) -> None:
    first = jurnal.mark(pengguna="sari", kode_sesi="BT-01", nik=NIK_A, permintaan="r-1")
    jurnal.mark(pengguna="sari", kode_sesi="BT-01", nik=NIK_A, aksi=BATAL, permintaan="r-2")
    # The first request arrives again (a phone resent it): it must not mark a second time.
    retry = jurnal.mark(pengguna="sari", kode_sesi="BT-01", nik=NIK_A, permintaan="r-1")
    assert retry == journal.Hasil(first.catatan, False)
    assert [r.aksi for r in jurnal.records()] == [HADIR, BATAL]
    assert jurnal.marked() == []


def test_cross_kecamatan_marks_keep_their_reason(jurnal: journal.Journal) -> None:
    result = jurnal.mark(
        pengguna="sari",
        kode_sesi="BT-01",
        nik=NIK_A,
        luar_kecamatan=True,
        alasan="  Pindah tugas dari Kec. Sreseh  ",
        cara="kartu",
    )
    (record,) = jurnal.records()
    assert record == result.catatan
    assert record.luar_kecamatan and record.alasan == "Pindah tugas dari Kec. Sreseh"
    assert record.cara == "kartu"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"nik": "35270201019000"}, "NIK harus 16 angka"),
        ({"nik": "352702010190000x"}, "NIK harus 16 angka"),
        ({"aksi": "hapus"}, "aksi tidak dikenal"),
        ({"cara": "tebak"}, "cara tidak dikenal"),
        ({"kode_sesi": "  "}, "kode sesi dan pengguna wajib"),
    ],
)
def test_bad_marks_are_refused(jurnal: journal.Journal, changes: dict, message: str) -> None:
    args = {"pengguna": "sari", "kode_sesi": "BT-01", "nik": NIK_A, **changes}
    with pytest.raises(ValueError, match=message):
        jurnal.mark(**args)
    assert jurnal.records() == []


def test_since_reads_on_from_an_id(jurnal: journal.Journal) -> None:
    ids = [
        jurnal.mark(pengguna="sari", kode_sesi="BT-01", nik=f"35270201019{i:05d}").catatan.id
        for i in range(5)
    ]
    assert [r.id for r in jurnal.since(0)] == ids
    assert [r.id for r in jurnal.since(ids[1])] == ids[2:]
    assert [r.id for r in jurnal.since(ids[1], limit=2)] == ids[2:4]
    assert jurnal.since(ids[-1]) == []


def test_card_tokens_are_stable_unique_and_opaque(jurnal: journal.Journal) -> None:
    niks = [f"35270201019{i:05d}" for i in range(50)]
    tokens = jurnal.card_tokens(niks)
    assert set(tokens) == set(niks)
    assert len(set(tokens.values())) == 50
    assert jurnal.card_tokens(niks[:3]) == {n: tokens[n] for n in niks[:3]}  # kept, not remade
    for nik, token in tokens.items():
        assert len(token) == journal.TOKEN_LENGTH
        assert set(token) <= set(journal.TOKEN_ALPHABET)
        assert jurnal.card_nik(token) == nik
        code = journal.card_code(token)
        assert code.startswith("KPPS-") and nik not in code
        # Typed by hand: lower case, spaces, O for 0 and I for 1 still find the member.
        typed = code.lower().replace("-", " ").replace("0", "o").replace("1", "i")
        assert jurnal.card_nik(typed) == nik
    assert jurnal.card_nik("KPPS-0000-0000-0000-0000") is None
    assert jurnal.card_nik(NIK_A) is None  # a NIK is not a card code
    assert jurnal.card_nik("") is None


def test_the_journal_cannot_be_edited_behind_its_back(
    jurnal: journal.Journal, backend: str, tmp_path: Path
) -> None:
    jurnal.mark(pengguna="sari", kode_sesi="BT-01", nik=NIK_A)
    if backend == "sqlite":
        con = sqlite3.connect(journal.sqlite_path(tmp_path / "data"))
        with pytest.raises(sqlite3.DatabaseError, match="hanya dapat ditambah"):
            con.execute("update presensi_jurnal set aksi = 'batal'")
        with pytest.raises(sqlite3.DatabaseError, match="hanya dapat ditambah"):
            con.execute("delete from presensi_jurnal")
        con.close()
    else:
        import psycopg

        with psycopg.connect(os.environ[journal.URL_ENV], autocommit=True) as con:
            with pytest.raises(psycopg.Error, match="hanya dapat ditambah"):
                con.execute("update presensi_jurnal set aksi = 'batal'")
            with pytest.raises(psycopg.Error, match="hanya dapat ditambah"):
                con.execute("delete from presensi_jurnal")
    assert [r.aksi for r in jurnal.records()] == [HADIR]


def test_marks_survive_closing_and_reopening(backend: str, tmp_path: Path) -> None:
    first = journal.open_journal(tmp_path / "data")
    first.mark(pengguna="sari", kode_sesi="BT-01", nik=NIK_A)
    first.close()
    again = journal.open_journal(tmp_path / "data", create=False)
    assert [(r.nik, r.aksi) for r in again.records()] == [(NIK_A, HADIR)]
    again.close()


def test_threads_marking_at_once_lose_and_double_nothing(jurnal: journal.Journal) -> None:
    """Eight operators, each marking the same 40 members of one session at the same time:
    each member gets exactly one mark."""
    niks = [f"35270201019{i:05d}" for i in range(40)]
    start = threading.Barrier(8)

    def operator(n: int) -> None:
        start.wait()
        for nik in niks:
            jurnal.mark(pengguna=f"op{n}", kode_sesi="BT-01", nik=nik)

    threads = [threading.Thread(target=operator, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    records = jurnal.records()
    assert sorted(r.nik for r in records) == niks
    assert all(r.aksi == HADIR for r in records)


# -- SQLite's file -----------------------------------------------------------------------------
def test_sqlite_file_is_owner_only_in_wal_mode(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv(journal.URL_ENV, raising=False)
    os.umask(0o022)
    root = tmp_path / "data"
    root.mkdir()
    assert journal.open_journal(root, create=False) is None  # a reader creates nothing
    assert not (root / journal.FOLDER).exists()
    jurnal = journal.open_journal(root)
    jurnal.mark(pengguna="sari", kode_sesi="BT-01", nik=NIK_A)
    path = journal.sqlite_path(root)
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    for file in path.parent.iterdir():  # jurnal.sqlite and its -wal and -shm
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, file.name
    con = sqlite3.connect(path)
    assert con.execute("pragma journal_mode").fetchone()[0] == "wal"
    con.close()
    jurnal.close()


def test_a_journal_read_while_it_is_created_is_a_journal_error(tmp_path: Path, monkeypatch) -> None:
    # The file exists before its table does: a dashboard's reader (kesiapan.store.overlay) that
    # opens it in between gets the journal's error, which it reports and retries, not SQLite's,
    # which broke the page of an operator signing in at that moment (presensi loadcheck).
    monkeypatch.delenv(journal.URL_ENV, raising=False)
    root = tmp_path / "data"
    path = journal.sqlite_path(root)
    path.parent.mkdir(parents=True)
    path.touch()
    reader = journal.open_journal(root, create=False)
    with pytest.raises(journal.JournalError, match="belum dapat dibaca"):
        reader.since(0)
    writer = journal.open_journal(root)
    writer.mark(pengguna="sari", kode_sesi="BT-01", nik=NIK_A)
    assert [r.nik for r in reader.since(0)] == [NIK_A]
    reader.close()
    writer.close()


def test_a_postgresql_url_must_be_one(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(journal.URL_ENV, "mysql://x@localhost/db")
    with pytest.raises(journal.JournalError, match="postgresql://"):
        journal.open_journal(tmp_path)


def test_describe_hides_the_password(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv(journal.URL_ENV, "postgresql://kpu:rahasia@db.kpu.example:5433/presensi")
    assert journal.describe(tmp_path) == "PostgreSQL db.kpu.example:5433/presensi"
    monkeypatch.delenv(journal.URL_ENV)
    assert journal.describe(tmp_path) == f"SQLite {tmp_path / 'presensi' / 'jurnal.sqlite'}"
