"""The attendance journal: every mark made at a Bimtek venue, appended, never edited.

A record says who marked (the account), when (the server's clock, UTC), which session, which
member (NIK), and what: `hadir` (present) or `batal` (the undo of a mark; a new record, the
earlier one stays). The current state of a session and member is their latest record.

Two backends behind one interface (`Journal`):

- SQLite (default): `<data folder>/presensi/jurnal.sqlite`, WAL mode, synchronous FULL (a
  committed mark survives a killed server and a power cut), the folder 0700 and the files
  0600 (personal data: NIKs);
- PostgreSQL when `KESIAPAN_JURNAL_URL` holds a connection URL
  (`postgresql://user:pass@host:5432/db`), for deployments with several app servers.

Writes are serialised (SQLite's write lock, taken before reading; a PostgreSQL advisory lock
held to the commit), which gives two guarantees the figures and the load check rely on:
record ids become visible in increasing order (a reader that remembers the last id it saw
misses nothing), and a mark is written only when it changes the state (two operators tapping
the same member at once record one mark, not two). A client may send a request id
(`permintaan`): a retried request finds its first record and writes nothing.

Participant cards: `card_token(nik)` gives the member's card token (random, 80 bits, made
once and kept), `card_nik(token)` the member it belongs to. The token carries nothing about
the person.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kesiapan.access import private

URL_ENV = "KESIAPAN_JURNAL_URL"
FOLDER = "presensi"
FILE = "jurnal.sqlite"
HADIR = "hadir"
BATAL = "batal"
AKSI = (HADIR, BATAL)
# How a member was found before the mark: by search (name, TPS, NIK digits), by a scanned card,
# by a typed card code.
CARA = ("cari", "kartu", "kode")
# Crockford's base32 without I, L, O, U: a card code typed by hand cannot mix up 0/O or 1/I/L.
TOKEN_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # noqa: S105 - not a secret
TOKEN_LENGTH = 16  # 80 random bits
TOKEN_PREFIX = "KPPS-"  # noqa: S105 - not a secret
MAX_TEXT = 500  # characters of a reason kept
BUSY_TIMEOUT_MS = 30_000
# PostgreSQL advisory lock that serialises the journal's writers (any constant the
# deployment does not use elsewhere).
PG_LOCK = 7_316_016


class JournalError(RuntimeError):
    """The journal cannot be opened or written; the message is Indonesian."""


@dataclass(frozen=True)
class Catatan:
    """One record of the journal."""

    id: int
    waktu: datetime  # UTC
    pengguna: str
    kode_sesi: str
    nik: str
    aksi: str
    kode_tps: str | None = None
    luar_kecamatan: bool = False
    alasan: str | None = None
    cara: str = "cari"
    permintaan: str | None = None


@dataclass(frozen=True)
class Hasil:
    """The outcome of a mark or undo: the record written (`baru`), or, when nothing changed,
    the latest record of that session and member (None: there was none)."""

    catatan: Catatan | None
    baru: bool


# Every reading statement lists the columns in this order (Journal._record reads them so).
_SELECT = (
    "select id, waktu, pengguna, kode_sesi, nik, aksi, kode_tps, luar_kecamatan, alasan, cara, "
    "permintaan from presensi_jurnal "
)


def _clean(
    pengguna: str,
    kode_sesi: str,
    nik: str,
    aksi: str,
    cara: str,
    alasan: str | None,
) -> tuple[str, str, str, str, str, str | None]:
    if aksi not in AKSI:
        raise ValueError(f"aksi tidak dikenal: {aksi!r}")
    if cara not in CARA:
        raise ValueError(f"cara tidak dikenal: {cara!r}")
    nik = nik.strip()
    if len(nik) != 16 or not nik.isdigit():
        raise ValueError("NIK harus 16 angka")
    kode_sesi = kode_sesi.strip()
    if not kode_sesi or not pengguna:
        raise ValueError("kode sesi dan pengguna wajib diisi")
    alasan = (alasan or "").strip()[:MAX_TEXT] or None
    return pengguna, kode_sesi, nik, aksi, cara, alasan


def new_token() -> str:
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))


def normal_token(text: str) -> str | None:
    """A card code as scanned or typed (`KPPS-7F3K-9QXA-…`, spaces, lower case, O for 0)
    reduced to the token; None when it cannot be one."""
    code = "".join(text.upper().split()).replace("-", "")
    prefix = TOKEN_PREFIX.rstrip("-")
    if code.startswith(prefix) and len(code) == len(prefix) + TOKEN_LENGTH:
        code = code[len(prefix) :]
    code = code.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))
    if len(code) != TOKEN_LENGTH or any(c not in TOKEN_ALPHABET for c in code):
        return None
    return code


def card_code(token: str) -> str:
    """The code printed on a card and carried by its QR: KPPS-7F3K-9QXA-M2PD-0B4R."""
    groups = [token[i : i + 4] for i in range(0, len(token), 4)]
    return TOKEN_PREFIX + "-".join(groups)


class Journal(ABC):
    """One interface over both backends; safe to share between threads."""

    kind: str

    def __init__(self) -> None:
        self._lock = threading.Lock()

    # -- writing -----------------------------------------------------------------------------
    def mark(
        self,
        *,
        pengguna: str,
        kode_sesi: str,
        nik: str,
        aksi: str = HADIR,
        kode_tps: str | None = None,
        luar_kecamatan: bool = False,
        alasan: str | None = None,
        cara: str = "cari",
        permintaan: str | None = None,
    ) -> Hasil:
        """Append a mark (`hadir`) or an undo (`batal`) when it changes the member's state in
        that session; otherwise write nothing and return the latest record."""
        pengguna, kode_sesi, nik, aksi, cara, alasan = _clean(
            pengguna, kode_sesi, nik, aksi, cara, alasan
        )
        row = (pengguna, kode_sesi, nik, aksi, kode_tps, luar_kecamatan, alasan, cara, permintaan)
        with self._lock:
            return self._mark(row)

    @abstractmethod
    def _mark(self, row: tuple[Any, ...]) -> Hasil: ...

    # -- reading -----------------------------------------------------------------------------
    def since(self, after: int, limit: int | None = None) -> list[Catatan]:
        """Records with an id above `after`, in id order (at most `limit`)."""
        with self._lock:
            return [self._record(r) for r in self._since(after, limit)]

    @abstractmethod
    def _since(self, after: int, limit: int | None) -> list[tuple[Any, ...]]: ...

    def records(self, kode_sesi: str | None = None) -> list[Catatan]:
        """Every record (of one session), in id order."""
        with self._lock:
            return [self._record(r) for r in self._records(kode_sesi)]

    @abstractmethod
    def _records(self, kode_sesi: str | None) -> list[tuple[Any, ...]]: ...

    def current(self, kode_sesi: str | None = None) -> dict[tuple[str, str], Catatan]:
        """The latest record of every session and member (of one session)."""
        state: dict[tuple[str, str], Catatan] = {}
        for record in self.records(kode_sesi):
            state[(record.kode_sesi, record.nik)] = record
        return state

    def marked(self, kode_sesi: str | None = None) -> list[Catatan]:
        """The marks in force: pairs whose latest record is `hadir`."""
        return [r for r in self.current(kode_sesi).values() if r.aksi == HADIR]

    def last_id(self) -> int:
        with self._lock:
            return self._last_id()

    @abstractmethod
    def _last_id(self) -> int: ...

    # -- cards -------------------------------------------------------------------------------
    def card_tokens(self, niks: Iterable[str]) -> dict[str, str]:
        """Each NIK's card token, made (and kept) the first time it is asked for."""
        wanted = sorted({n for n in niks if n})
        if not wanted:
            return {}
        with self._lock:
            return self._card_tokens(wanted)

    def card_token(self, nik: str) -> str:
        return self.card_tokens([nik])[nik]

    @abstractmethod
    def _card_tokens(self, niks: list[str]) -> dict[str, str]: ...

    def card_nik(self, code: str) -> str | None:
        """The NIK of a card code (scanned or typed); None for an unknown or malformed code."""
        token = normal_token(code)
        if token is None:
            return None
        with self._lock:
            return self._card_nik(token)

    @abstractmethod
    def _card_nik(self, token: str) -> str | None: ...

    @abstractmethod
    def close(self) -> None: ...

    # -- helpers -----------------------------------------------------------------------------
    @staticmethod
    def _record(row: tuple[Any, ...]) -> Catatan:
        waktu = row[1]
        if isinstance(waktu, str):
            waktu = datetime.fromisoformat(waktu)
        if waktu.tzinfo is None:
            waktu = waktu.replace(tzinfo=UTC)
        return Catatan(
            id=int(row[0]),
            waktu=waktu.astimezone(UTC),
            pengguna=row[2],
            kode_sesi=row[3],
            nik=row[4],
            aksi=row[5],
            kode_tps=row[6],
            luar_kecamatan=bool(row[7]),
            alasan=row[8],
            cara=row[9],
            permintaan=row[10],
        )

    @staticmethod
    def _unchanged(aksi: str, latest: Catatan | None) -> bool:
        if aksi == HADIR:
            return latest is not None and latest.aksi == HADIR
        return latest is None or latest.aksi == BATAL


# -- SQLite ------------------------------------------------------------------------------------
_SQLITE_SCHEMA = (
    """
    create table if not exists presensi_jurnal (
        id integer primary key autoincrement,
        waktu text not null,
        pengguna text not null,
        kode_sesi text not null,
        nik text not null,
        aksi text not null check (aksi in ('hadir', 'batal')),
        kode_tps text,
        luar_kecamatan integer not null default 0,
        alasan text,
        cara text not null,
        permintaan text unique
    )
    """,
    "create index if not exists presensi_jurnal_pasangan on presensi_jurnal (kode_sesi, nik, id)",
    """
    create table if not exists presensi_kartu (
        token text primary key,
        nik text not null unique,
        dibuat text not null
    )
    """,
    # Append-only, also for anyone who opens the file with another tool.
    """
    create trigger if not exists presensi_jurnal_tanpa_ubah before update on presensi_jurnal
    begin select raise(abort, 'jurnal presensi hanya dapat ditambah'); end
    """,
    """
    create trigger if not exists presensi_jurnal_tanpa_hapus before delete on presensi_jurnal
    begin select raise(abort, 'jurnal presensi hanya dapat ditambah'); end
    """,
)


class SqliteJournal(Journal):
    kind = "sqlite"

    def __init__(self, path: Path, *, create: bool = True) -> None:
        super().__init__()
        self.path = path
        if create:
            private.make_dir(path.parent)
            # Created 0600 before SQLite opens it: SQLite gives its -wal and -shm files the
            # database file's mode.
            os.close(private.open_fd(path, os.O_RDWR))
        elif not path.exists():
            raise JournalError(f"jurnal presensi {path} belum ada")
        try:
            self._con = sqlite3.connect(
                str(path),
                timeout=BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,  # transactions written out: begin immediate … commit
                check_same_thread=False,
            )
            self._con.execute(f"pragma busy_timeout = {BUSY_TIMEOUT_MS}")
            if create:
                self._con.execute("pragma journal_mode = wal")
                for statement in _SQLITE_SCHEMA:
                    self._con.execute(statement)
            self._con.execute("pragma synchronous = full")
        except sqlite3.Error as exc:
            raise JournalError(f"jurnal presensi {path} tidak dapat dibuka: {exc}") from exc

    def _latest(self, kode_sesi: str, nik: str) -> Catatan | None:
        row = self._con.execute(
            _SELECT + "where kode_sesi = ? and nik = ? order by id desc limit 1",
            (kode_sesi, nik),
        ).fetchone()
        return self._record(row) if row else None

    def _mark(self, row: tuple[Any, ...]) -> Hasil:
        pengguna, kode_sesi, nik, aksi, kode_tps, luar, alasan, cara, permintaan = row
        con = self._con
        con.execute("begin immediate")  # the write lock first: the read below stays true
        try:
            if permintaan:
                same = con.execute(
                    _SELECT + "where permintaan = ?",
                    (permintaan,),
                ).fetchone()
                if same:
                    con.execute("commit")
                    return Hasil(self._record(same), False)
            latest = self._latest(kode_sesi, nik)
            if self._unchanged(aksi, latest):
                con.execute("commit")
                return Hasil(latest, False)
            waktu = datetime.now(UTC).isoformat()
            cursor = con.execute(
                "insert into presensi_jurnal (waktu, pengguna, kode_sesi, nik, aksi, kode_tps, "
                "luar_kecamatan, alasan, cara, permintaan) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    waktu,
                    pengguna,
                    kode_sesi,
                    nik,
                    aksi,
                    kode_tps,
                    int(luar),
                    alasan,
                    cara,
                    permintaan,
                ),
            )
            new_id = cursor.lastrowid
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
        record = (new_id, waktu, pengguna, kode_sesi, nik, aksi, kode_tps, luar, alasan, cara)
        return Hasil(self._record((*record, permintaan)), True)

    def _since(self, after: int, limit: int | None) -> list[tuple[Any, ...]]:
        try:
            return self._con.execute(
                _SELECT + "where id > ? order by id limit ?",
                (after, -1 if limit is None else limit),
            ).fetchall()
        except sqlite3.Error as exc:
            # The first mark's server creates the file, then its table: a dashboard reading in
            # between gets this error, which it reports and retries (kesiapan.store.overlay).
            raise JournalError(f"jurnal presensi {self.path} belum dapat dibaca: {exc}") from exc

    def _records(self, kode_sesi: str | None) -> list[tuple[Any, ...]]:
        return self._con.execute(
            _SELECT + "where ? is null or kode_sesi = ? order by id",
            (kode_sesi, kode_sesi),
        ).fetchall()

    def _last_id(self) -> int:
        return int(
            self._con.execute("select coalesce(max(id), 0) from presensi_jurnal").fetchone()[0]
        )

    def _card_tokens(self, niks: list[str]) -> dict[str, str]:
        con = self._con
        con.execute("begin immediate")
        try:
            found = self._tokens_of(niks)
            now = datetime.now(UTC).isoformat()
            for nik in niks:
                if nik not in found:
                    found[nik] = new_token()
                    con.execute(
                        "insert into presensi_kartu (token, nik, dibuat) values (?, ?, ?)",
                        (found[nik], nik, now),
                    )
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
        return found

    def _tokens_of(self, niks: list[str]) -> dict[str, str]:
        rows = self._con.execute(
            "select nik, token from presensi_kartu where nik in (select value from json_each(?))",
            (json.dumps(niks),),
        ).fetchall()
        return dict(rows)

    def _card_nik(self, token: str) -> str | None:
        row = self._con.execute(
            "select nik from presensi_kartu where token = ?", (token,)
        ).fetchone()
        return row[0] if row else None

    def close(self) -> None:
        with self._lock:
            self._con.close()


# -- PostgreSQL --------------------------------------------------------------------------------
_PG_SCHEMA = (
    """
    create table if not exists presensi_jurnal (
        id bigserial primary key,
        waktu timestamptz not null default now(),
        pengguna text not null,
        kode_sesi text not null,
        nik text not null,
        aksi text not null check (aksi in ('hadir', 'batal')),
        kode_tps text,
        luar_kecamatan boolean not null default false,
        alasan text,
        cara text not null,
        permintaan text unique
    )
    """,
    "create index if not exists presensi_jurnal_pasangan on presensi_jurnal (kode_sesi, nik, id)",
    """
    create table if not exists presensi_kartu (
        token text primary key,
        nik text not null unique,
        dibuat timestamptz not null default now()
    )
    """,
    """
    create or replace function presensi_jurnal_tanpa_ubah() returns trigger language plpgsql as
    $$ begin raise exception 'jurnal presensi hanya dapat ditambah'; end $$
    """,
    """
    do $$ begin
        if not exists (select 1 from pg_trigger where tgname = 'presensi_jurnal_tanpa_ubah') then
            create trigger presensi_jurnal_tanpa_ubah before update or delete
            on presensi_jurnal for each row execute function presensi_jurnal_tanpa_ubah();
        end if;
    end $$
    """,
)


class PostgresJournal(Journal):
    kind = "postgresql"

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        self._con: Any = None
        with self._lock:
            self._connect()

    def _connect(self) -> None:
        import psycopg

        try:
            self._con = psycopg.connect(self.url, autocommit=False, connect_timeout=10)
            with self._con.transaction():
                # Two servers starting at once must not both create the tables.
                self._con.execute("select pg_advisory_xact_lock(%s)", (PG_LOCK,))
                for statement in _PG_SCHEMA:
                    self._con.execute(statement)
        except psycopg.Error as exc:
            raise JournalError(f"jurnal presensi di PostgreSQL tidak dapat dibuka: {exc}") from exc

    def _run(self, work: Any) -> Any:
        """Run `work(con)` in a transaction; once more on a fresh connection when the server
        dropped ours (the work is idempotent: a mark checks the state first)."""
        import psycopg

        for attempt in range(2):
            try:
                if self._con is None or self._con.closed:
                    self._connect()
                with self._con.transaction():
                    return work(self._con)
            except psycopg.OperationalError as exc:
                self._con = None
                if attempt == 1:
                    raise JournalError(f"jurnal presensi di PostgreSQL terputus: {exc}") from exc
        raise AssertionError("unreachable")

    def _mark(self, row: tuple[Any, ...]) -> Hasil:
        pengguna, kode_sesi, nik, aksi, kode_tps, luar, alasan, cara, permintaan = row

        def work(con: Any) -> Hasil:
            con.execute("select pg_advisory_xact_lock(%s)", (PG_LOCK,))
            if permintaan:
                same = con.execute(
                    _SELECT + "where permintaan = %s",
                    (permintaan,),
                ).fetchone()
                if same:
                    return Hasil(self._record(same), False)
            latest_row = con.execute(
                _SELECT + "where kode_sesi = %s and nik = %s order by id desc limit 1",
                (kode_sesi, nik),
            ).fetchone()
            latest = self._record(latest_row) if latest_row else None
            if self._unchanged(aksi, latest):
                return Hasil(latest, False)
            new = con.execute(
                "insert into presensi_jurnal (pengguna, kode_sesi, nik, aksi, kode_tps, "
                "luar_kecamatan, alasan, cara, permintaan) "
                "values (%s, %s, %s, %s, %s, %s, %s, %s, %s) returning id, waktu, pengguna, "
                "kode_sesi, nik, aksi, kode_tps, luar_kecamatan, alasan, cara, permintaan",
                (pengguna, kode_sesi, nik, aksi, kode_tps, bool(luar), alasan, cara, permintaan),
            ).fetchone()
            return Hasil(self._record(new), True)

        return self._run(work)

    def _since(self, after: int, limit: int | None) -> list[tuple[Any, ...]]:
        return self._run(
            lambda con: con.execute(
                _SELECT + "where id > %s order by id limit %s",
                (after, limit),
            ).fetchall()
        )

    def _records(self, kode_sesi: str | None) -> list[tuple[Any, ...]]:
        return self._run(
            lambda con: con.execute(
                _SELECT + "where %s::text is null or kode_sesi = %s order by id",
                (kode_sesi, kode_sesi),
            ).fetchall()
        )

    def _last_id(self) -> int:
        return int(
            self._run(
                lambda con: con.execute(
                    "select coalesce(max(id), 0) from presensi_jurnal"
                ).fetchone()[0]
            )
        )

    def _card_tokens(self, niks: list[str]) -> dict[str, str]:
        def work(con: Any) -> dict[str, str]:
            con.execute("select pg_advisory_xact_lock(%s)", (PG_LOCK,))
            rows = con.execute(
                "select nik, token from presensi_kartu where nik = any(%s)", (niks,)
            ).fetchall()
            found = dict(rows)
            new = [(new_token(), nik) for nik in niks if nik not in found]
            if new:
                with con.cursor() as cursor:
                    cursor.executemany(
                        "insert into presensi_kartu (token, nik) values (%s, %s)", new
                    )
                found.update({nik: token for token, nik in new})
            return found

        return self._run(work)

    def _card_nik(self, token: str) -> str | None:
        row = self._run(
            lambda con: con.execute(
                "select nik from presensi_kartu where token = %s", (token,)
            ).fetchone()
        )
        return row[0] if row else None

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con = None


# -- opening -----------------------------------------------------------------------------------
def configured_url() -> str | None:
    """The PostgreSQL URL of `KESIAPAN_JURNAL_URL`, or None for the default SQLite file."""
    url = os.environ.get(URL_ENV, "").strip()
    return url or None


def sqlite_path(root: Path) -> Path:
    return Path(root) / FOLDER / FILE


def describe(root: Path) -> str:
    """Where the journal lives, in words without the password."""
    url = configured_url()
    if url is None:
        return f"SQLite {sqlite_path(root)}"
    from psycopg.conninfo import conninfo_to_dict

    try:
        parts = conninfo_to_dict(url)
    except Exception:  # a malformed URL is reported when the journal is opened
        return "PostgreSQL"
    host, port = parts.get("host", "localhost"), parts.get("port", 5432)
    return f"PostgreSQL {host}:{port}/{parts.get('dbname', '')}"


def open_journal(root: Path, *, create: bool = True, url: str | None = None) -> Journal | None:
    """The journal of a dataset folder (its root, not a version folder: the journal is kept
    through imports and restores). `create=False` is for readers: None when the SQLite file
    does not exist yet (nobody has marked), instead of creating it."""
    url = url if url is not None else configured_url()
    if url:
        if not url.startswith(("postgresql://", "postgres://")):
            raise JournalError(f"{URL_ENV} harus berupa URL postgresql://…")
        return PostgresJournal(url)  # its tables are made when missing, by readers too
    path = sqlite_path(root)
    if not create and not path.exists():
        return None
    return SqliteJournal(path, create=create)
