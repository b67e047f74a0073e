"""Which Bimtek session a daftar hadir means when it has no session-code column.

Offices print the roll call of one session with the session in its title ("DAFTAR HADIR BIMTEK
KPPS KECAMATAN TORJUN · Kamis, 25 Januari 2024 · Aula Kantor Kecamatan Torjun") or give each
row the date and venue of the session attended. Either is matched against `bimtek_sesi` (the
candidate's, so a schedule uploaded alongside counts): a session code written in the title; else
the sessions of that date, narrowed by the venue and kecamatan written (in a column: they must
fit; in the title: they pick among the sessions of the day) and by the importing account's own
area. One session left: that one. None or several: refused, naming the sessions that could be
meant, so that the person adds the code. Nothing here guesses between two real sessions.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import date

import duckdb

from kesiapan.contract import labels
from kesiapan.contract import scope as area_scope
from kesiapan.store import dataset as store

# Words of a venue that say what kind of place it is, not which one ("Aula Kantor Kecamatan
# Torjun" and "Aula Kec. Torjun" are both Torjun's).
_VENUE_WORDS = frozenset((
    "aula", "kantor", "kecamatan", "kec", "camat", "balai", "desa", "ds", "kelurahan", "kel",
    "gedung", "gd", "pendopo", "pendapa", "ruang", "ruangan", "rapat", "rumah", "di", "lt",
    "lantai", "jl", "jalan", "no", "kpu", "ppk", "pps", "kabupaten", "kab", "kota",
))  # fmt: skip
_MONTH_NAMES = [(int(number), names) for number, names in store.MONTHS]
_DAY_FIRST = re.compile(
    r"(?<![0-9])([0-9]{1,2})\s*[-/.]\s*([0-9]{1,2})\s*[-/.]\s*([0-9]{4})(?![0-9])"
)
_ISO = re.compile(r"(?<![0-9])([0-9]{4})-([0-9]{2})-([0-9]{2})(?![0-9])")
_MONTH_PART = "|".join(names for _, names in _MONTH_NAMES)
_WORDED = re.compile(
    rf"(?<![0-9])([0-9]{{1,2}})[\s.-]+({_MONTH_PART})\.?[\s.,-]+([0-9]{{4}})(?![0-9])",
    re.IGNORECASE,
)
# "25 - 29 Januari 2024", "25 s.d. 29 Januari 2024": a span of days, not one session's date.
_SPAN = re.compile(
    rf"[0-9]{{1,2}}\s*(-|–|s\.?\s*/?\s*d\.?|sampai|hingga)\s*[0-9]{{1,2}}\s+({_MONTH_PART})\b",
    re.IGNORECASE,
)
SHOWN = 4  # sessions named in a refusal; the rest are counted


@dataclass(frozen=True)
class Session:
    code: str
    kecamatan_code: str | None
    kecamatan: str | None
    day: date | None
    venue: str | None

    def words(self) -> str:
        """'BT-352702-01 (Torjun, 25 Januari 2024, Aula Kantor Kecamatan Torjun)'."""
        day = labels.tanggal(self.day) if self.day else None
        parts = [p for p in (self.kecamatan, day, self.venue) if p]
        return f"{self.code} ({', '.join(parts)})" if parts else self.code


def load(con: duckdb.DuckDBPyConnection) -> list[Session]:
    """The sessions of the candidate (typed `bimtek_sesi`, its kecamatan named by `wilayah`)."""
    rows = con.execute(
        "select s.kode_sesi, s.kode_kecamatan, w.nama, s.tanggal, s.tempat from bimtek_sesi as s "
        "left join (select kode_kecamatan, min(kecamatan) as nama from wilayah group by 1) as w "
        "on w.kode_kecamatan = s.kode_kecamatan where s.kode_sesi is not null "
        "order by s.tanggal, s.kode_sesi"
    ).fetchall()
    return [Session(*row) for row in rows]


def _tokens(text: str | None) -> set[str]:
    return set(re.sub(r"[^0-9a-z]+", " ", (text or "").lower()).split())


def _venue_key(text: str | None) -> set[str]:
    """The words of a venue that name the place ('torjun', 'patapan'); all of them when it has
    only kind-of-place words."""
    words = _tokens(text)
    return (words - _VENUE_WORDS) or words


def title_dates(text: str) -> set[date]:
    """Every date written in a title, day first; none when it gives a span of days."""
    if _SPAN.search(text):
        return set()
    found: set[date] = set()

    def add(year: str, month: int, day: str) -> None:
        with contextlib.suppress(ValueError):  # 31 Februari: no date
            found.add(date(int(year), month, int(day)))

    for day, month, year in _DAY_FIRST.findall(text):
        add(year, int(month), day)
    for year, month, day in _ISO.findall(text):
        add(year, int(month), day)
    for day, word, year in _WORDED.findall(text):
        month = next(n for n, names in _MONTH_NAMES if word.lower() in names.split("|"))
        add(year, month, day)
    return found


def title_code(text: str, sessions: list[Session]) -> str | None:
    """The one session code written in a title, if exactly one is."""
    low = text.lower()
    codes = {
        s.code
        for s in sessions
        if re.search(rf"(?<![0-9a-z]){re.escape(s.code.lower())}(?![0-9a-z])", low)
    }
    return codes.pop() if len(codes) == 1 else None


def _serves(session: Session, scope: tuple[str, ...] | None) -> bool:
    """Whether a session serves the account's area: its kecamatan lies in it, or one of the
    account's desa lies in its kecamatan."""
    kec = session.kecamatan_code
    if scope is None or kec is None:
        return scope is None
    return area_scope.in_scope(kec, scope) or any(c.startswith(kec + ".") for c in scope)


def _listed(sessions: list[Session]) -> str:
    shown = "; ".join(s.words() for s in sessions[:SHOWN])
    rest = len(sessions) - SHOWN
    return shown + (f"; dan {rest} sesi lain" if rest > 0 else "")


def resolve(
    sessions: list[Session],
    day: date | None,
    venue: str | None,
    kecamatan: str | None,
    title: str,
    scope: tuple[str, ...] | None,
) -> tuple[str | None, str | None]:
    """(kode_sesi, None) for the one session meant, else (None, why, in Indonesian). `day`,
    `venue`, `kecamatan`: written in the row (None: not written); `title`: the sheet's name and
    title rows; `scope`: the importing account's area (None: unrestricted)."""
    code = title_code(title, sessions)
    if code is not None:
        return code, None
    if day is None:
        dates = title_dates(title)
        if len(dates) > 1:
            written = ", ".join(labels.tanggal(d) for d in sorted(dates))
            return None, (
                f"judul menyebut beberapa tanggal ({written}): tidak jelas sesi mana; tambahkan "
                "kolom Kode Sesi atau Tanggal"
            )
        if not dates:
            return None, (
                "sesi Bimtek tidak disebut: tidak ada kolom Kode Sesi atau Tanggal, dan judulnya "
                "tidak menyebut kode sesi atau tanggal sesi; tambahkan salah satunya"
            )
        day = dates.pop()
    when = labels.tanggal(day)
    candidates = [s for s in sessions if s.day == day]
    if not candidates:
        return None, f"tidak ada sesi Bimtek pada {when} di jadwal (bimtek_sesi)"
    if kecamatan:
        wanted = _tokens(re.sub(r"(?i)^\s*(kecamatan|kec)\b\.?", "", kecamatan))
        fitting = [s for s in candidates if wanted and wanted == _tokens(s.kecamatan)]
        if not fitting:
            return None, (
                f"tidak ada sesi Bimtek pada {when} di kecamatan {kecamatan.strip()}; sesi pada "
                f"tanggal itu: {_listed(candidates)}"
            )
        candidates = fitting
    if venue:
        key = _venue_key(venue)
        fitting = [s for s in candidates if key and key <= _tokens(s.venue) | _tokens(s.kecamatan)]
        if not fitting:
            return None, (
                f"tidak ada sesi Bimtek pada {when} di tempat '{venue.strip()}'; sesi pada tanggal "
                f"itu: {_listed(candidates)}"
            )
        candidates = fitting
    words = _tokens(title)
    narrowing = [
        lambda s: _serves(s, scope),
        lambda s: bool(_tokens(s.venue)) and _tokens(s.venue) <= words,
        lambda s: bool(_venue_key(s.venue)) and _venue_key(s.venue) <= words,
        lambda s: bool(_tokens(s.kecamatan)) and _tokens(s.kecamatan) <= words,
    ]
    for fits in narrowing:
        if len(candidates) == 1:
            break
        kept = [s for s in candidates if fits(s)]
        if kept:
            candidates = kept
    if len(candidates) == 1:
        return candidates[0].code, None
    return None, (
        f"sesi Bimtek tidak dapat dipastikan: ada {len(candidates)} sesi pada {when} "
        f"({_listed(candidates)}); tambahkan kolom Kode Sesi atau Tempat"
    )
