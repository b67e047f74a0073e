"""What the Presensi page does, without Streamlit: the sessions an operator may take attendance
for, who is expected, finding a member, and marking or undoing under the scope rule.

The rule, checked here on every mark whatever the page sent (issue 16): the account holds the
`presensi` permission; the session exists and its kecamatan lies in the account's scope (an
account limited to a desa or to another kecamatan cannot mark for it); the member is on the
roster; a member of another kecamatan only with a written reason, and the record is flagged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from kesiapan.access import accounts as access
from kesiapan.contract import scope as area_scope
from kesiapan.store import journal
from kesiapan.store.dataset import Dataset

MIN_REASON = 5  # characters: "pindah", "PAW baru", … (a reason a commissioner can read)
HADIR_LANGSUNG = "hadir_langsung"
HADIR_KERTAS = "hadir_kertas"
BELUM = "belum"
STATUS_WORDS = {
    HADIR_LANGSUNG: "Hadir",
    HADIR_KERTAS: "Hadir (daftar hadir kertas)",
    BELUM: "Belum hadir",
}
MAX_FOUND = 25  # members listed for one search


class Refused(ValueError):
    """A mark the rule does not allow; the message is Indonesian, for the operator."""


@dataclass(frozen=True)
class Session:
    kode_sesi: str
    kode_kecamatan: str
    kecamatan: str
    tanggal: date
    tempat: str | None
    kapasitas: int | None


def sessions(data: Dataset) -> list[Session]:
    """The sessions of the kecamatan in the (scoped) dataset, by date."""
    frame = data.query("presensi_sesi")
    result = []
    for row in frame.itertuples(index=False):
        tanggal = row.tanggal.date() if hasattr(row.tanggal, "date") else row.tanggal
        result.append(
            Session(
                kode_sesi=str(row.kode_sesi),
                kode_kecamatan=str(row.kode_kecamatan),
                kecamatan=str(row.kecamatan),
                tanggal=tanggal,
                tempat=None if pd.isna(row.tempat) else str(row.tempat),
                kapasitas=None if pd.isna(row.kapasitas) else int(row.kapasitas),
            )
        )
    return result


def default_session(found: list[Session], today: date) -> int:
    """Today's first session; else the next one; else the latest (index into `found`)."""
    for wanted in (
        lambda s: s.tanggal == today,
        lambda s: s.tanggal > today,
    ):
        for i, session in enumerate(found):
            if wanted(session):
                return i
    return max(len(found) - 1, 0)


def markable(user: access.Pengguna, session: Session) -> bool:
    """Whether the account may take attendance at this session."""
    return user.boleh(access.PRESENSI) and area_scope.in_scope(session.kode_kecamatan, user.scope)


def _session(data: Dataset, user: access.Pengguna, kode_sesi: str) -> Session:
    """The session as the data says, within the account's own scope (never the caller's)."""
    mine = {s.kode_sesi: s for s in sessions(data.scoped(user.scope))}
    session = mine.get(kode_sesi)
    if session is None or not markable(user, session):
        raise Refused(f"Sesi {kode_sesi} tidak termasuk kecamatan akun ini.")
    return session


def expected(data: Dataset, session: Session) -> pd.DataFrame:
    """The kecamatan's KPPS active on the session's date (untrained first)."""
    return data.query("presensi_peserta", as_of=session.tanggal, kecamatan=[session.kode_kecamatan])


def attendance(
    data: Dataset, jurnal: journal.Journal | None, session: Session, roster: pd.DataFrame
) -> pd.DataFrame:
    """The roster with each member's state at this session (`status`, the live mark's time and
    author), plus members of other kecamatan marked here (`luar_kecamatan`, `alasan`)."""
    paper = data.query("presensi_hadir_kertas", kecamatan=[session.kode_kecamatan])
    on_paper = set(paper.loc[paper["kode_sesi"] == session.kode_sesi, "nik"])
    live = {r.nik: r for r in (jurnal.marked(session.kode_sesi) if jurnal else [])}
    frame = roster.copy()
    frame["luar_kecamatan"] = False
    frame["alasan"] = None
    # Present but not expected: members of other kecamatan (live marks carry their reason) and
    # paper rows of people not on this kecamatan's roster that day; listed without a name.
    listed = set(frame["nik"])
    outside = sorted((set(live) | on_paper) - listed)
    if outside:
        extra = pd.DataFrame(
            {
                "kode_kecamatan": None,
                "kode_desa": None,
                "desa": None,
                "kode_tps": [live[n].kode_tps if n in live else None for n in outside],
                "nomor_tps": None,
                "nik": outside,
                "nama": None,  # not in the account's area: no name shown
                "jabatan": None,
                "tanggal_bimtek": None,
                "luar_kecamatan": True,
                "alasan": [live[n].alasan if n in live else None for n in outside],
            }
        )
        frame = pd.concat([frame, extra], ignore_index=True)
    frame["status"] = [
        HADIR_LANGSUNG if nik in live else HADIR_KERTAS if nik in on_paper else BELUM
        for nik in frame["nik"]
    ]
    frame["waktu"] = [live[n].waktu if n in live else None for n in frame["nik"]]
    frame["oleh"] = [live[n].pengguna if n in live else None for n in frame["nik"]]
    return frame


def present_count(frame: pd.DataFrame) -> int:
    """Members present at the session: live marks and paper rows, each person once."""
    return int((frame["status"] != BELUM).sum())


_DIGITS = re.compile(r"[0-9]+")


def search(frame: pd.DataFrame, text: str, limit: int = MAX_FOUND) -> pd.DataFrame:
    """Members whose name contains every word typed, or whose TPS number is the number typed
    (`5`, `005`, `TPS 5`), or whose NIK ends with the digits typed (4 or more)."""
    words = text.lower().replace("tps", " ").split()
    if not words:
        return frame.iloc[0:0]
    names = frame["nama"].fillna("").str.lower()
    by_name = pd.Series(True, index=frame.index)
    for word in words:
        by_name &= names.str.contains(word, regex=False)
    digits = "".join(words) if all(_DIGITS.fullmatch(w) for w in words) else ""
    by_tps = pd.Series(False, index=frame.index)
    by_nik = pd.Series(False, index=frame.index)
    if digits:
        by_tps = frame["nomor_tps"].fillna(-1).astype(int) == int(digits)
        if len(digits) >= 4:
            by_nik = frame["nik"].str.endswith(digits)
    # By name, not by training: a member just marked stays where the operator saw them.
    found = frame[by_name | by_tps | by_nik]
    return found.sort_values(["nama", "nik"], na_position="last", kind="stable").head(limit)


def card_member(jurnal: journal.Journal, code: str) -> str | None:
    """The NIK a card code (scanned or typed) belongs to."""
    return jurnal.card_nik(code)


def mark(
    data: Dataset,
    jurnal: journal.Journal,
    user: access.Pengguna,
    kode_sesi: str,
    nik: str,
    *,
    aksi: str = journal.HADIR,
    alasan: str | None = None,
    cara: str = "cari",
    permintaan: str | None = None,
) -> journal.Hasil:
    """Mark a member present at a session (or undo it) under the rule of this module; the
    figures of `data` include it as soon as this returns."""
    if not user.boleh(access.PRESENSI):
        raise Refused("Akun ini tidak berwenang mencatat presensi Bimtek.")
    session = _session(data, user, kode_sesi)
    nik = (nik or "").strip()
    if not re.fullmatch(r"[0-9]{16}", nik):
        raise Refused("NIK harus 16 angka.")
    kode_tps = None
    luar = False
    if aksi == journal.HADIR:
        areas = data.nik_areas([nik])
        if areas.empty:
            raise Refused("NIK ini tidak terdaftar sebagai anggota KPPS di dataset.")
        own = areas[areas["kode_kecamatan"] == session.kode_kecamatan]
        luar = own.empty
        kode_tps = str((areas if luar else own)["kode_tps"].iloc[0])
        if luar:
            if len((alasan or "").strip()) < MIN_REASON:
                where = str(areas["kecamatan"].iloc[0])
                raise Refused(
                    f"Peserta ini anggota KPPS Kecamatan {where}, bukan {session.kecamatan}: "
                    "tulis alasannya untuk mencatat kehadirannya di sesi ini."
                )
        else:
            alasan = None
    result = jurnal.mark(
        pengguna=user.username,
        kode_sesi=session.kode_sesi,
        nik=nik,
        aksi=aksi,
        kode_tps=kode_tps,
        luar_kecamatan=luar,
        alasan=alasan,
        cara=cara,
        permintaan=permintaan,
    )
    data.journal_stamp(force=True)
    return result


def journal_frame(records: list[journal.Catatan]) -> pd.DataFrame:
    """Journal records as a `bimtek_hadir` table (contract §1): the marks in force, one row per
    session and NIK, `hadir` = `ya`; scores blank. Importing it adds or updates those rows
    (contract §5) and removes nothing."""
    state: dict[tuple[str, str], journal.Catatan] = {}
    for record in records:
        state[(record.kode_sesi, record.nik)] = record
    rows = sorted(key for key, r in state.items() if r.aksi == journal.HADIR)
    return pd.DataFrame(
        {
            "kode_sesi": [s for s, _ in rows],
            "nik": [n for _, n in rows],
            "hadir": ["ya"] * len(rows),
            "nilai_pre": [None] * len(rows),
            "nilai_post": [None] * len(rows),
        },
        dtype=object,
    )


def local_time(moment: datetime | None) -> str:
    """A mark's time as the venue reads it (WIB, UTC+7: the Bimtek of Java and Madura)."""
    if moment is None:
        return ""
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo("Asia/Jakarta")).strftime("%H.%M") + " WIB"
