"""The Presensi rule on the Sampang sample: who may mark, for which session, which member,
whatever the request says; finding members; cards that carry nothing personal."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image

from kesiapan.access import accounts as access
from kesiapan.attendance import cards, checkin
from kesiapan.store import journal
from kesiapan.store.dataset import Dataset

TORJUN, SRESEH = "35.27.02", "35.27.01"
SESSION = "BT-352702-03"  # Torjun, 26 Januari 2024
SRESEH_SESSION = "BT-352701-01"


def user(
    peran: str,
    wilayah: tuple[str, ...],
    izin: tuple[str, ...] = (access.PRESENSI,),
    name: str = "sari",
) -> access.Pengguna:
    return access.Pengguna(name, name.title(), peran, wilayah, izin_tambahan=frozenset(izin))


@pytest.fixture
def data(sample_copy: Path, backend: str) -> Dataset:
    return Dataset.open(sample_copy)


@pytest.fixture
def jurnal(data: Dataset) -> Iterator[journal.Journal]:
    opened = journal.open_journal(data.journal.root)
    yield opened
    opened.close()


def _member(data: Dataset, kecamatan: str, trained: bool = False) -> str:
    roster = data.query("presensi_peserta", as_of=date(2024, 1, 26), kecamatan=[kecamatan])
    rows = roster[roster["tanggal_bimtek"].notna() == trained]
    return str(rows["nik"].iloc[0])


def test_an_operator_sees_and_marks_only_its_kecamatan(data: Dataset, jurnal) -> None:
    sari = user("operator", (TORJUN,))
    own = checkin.sessions(data.scoped(sari.scope))
    assert {s.kode_kecamatan for s in own} == {TORJUN} and len(own) == 6
    nik = _member(data, TORJUN)
    result = checkin.mark(data, jurnal, sari, SESSION, nik)
    assert result.baru and result.catatan.pengguna == "sari"
    assert not result.catatan.luar_kecamatan and result.catatan.kode_tps.startswith("3527022")
    # A Sreseh session, asked for directly, whatever member: refused, nothing written.
    with pytest.raises(checkin.Refused, match="tidak termasuk kecamatan akun ini"):
        checkin.mark(data, jurnal, sari, SRESEH_SESSION, _member(data, SRESEH))
    with pytest.raises(checkin.Refused, match="tidak termasuk kecamatan akun ini"):
        checkin.mark(data, jurnal, sari, "BT-TIDAK-ADA", nik)
    # Nor can it undo a Sreseh mark made by Sreseh's operator.
    ani = user("operator", (SRESEH,), name="ani")
    other = _member(data, SRESEH)
    checkin.mark(data, jurnal, ani, SRESEH_SESSION, other)
    with pytest.raises(checkin.Refused):
        checkin.mark(data, jurnal, sari, SRESEH_SESSION, other, aksi=journal.BATAL)
    assert [(r.kode_sesi, r.pengguna) for r in jurnal.records()] == [
        (SESSION, "sari"),
        (SRESEH_SESSION, "ani"),
    ]


@pytest.mark.parametrize(
    ("account", "message"),
    [
        (user("operator", (TORJUN,), izin=()), "tidak berwenang"),
        (user("analis", (TORJUN,), izin=()), "tidak berwenang"),
        (user("operator", ("35.27.02.2001",)), "tidak termasuk kecamatan"),  # a desa only
        (user("operator", (SRESEH,)), "tidak termasuk kecamatan"),
        (user("komisioner", ()), "tidak termasuk kecamatan"),  # no area: nothing
    ],
)
def test_accounts_that_may_not_mark_here_are_refused(
    data: Dataset, jurnal, account: access.Pengguna, message: str
) -> None:
    with pytest.raises(checkin.Refused, match=message):
        checkin.mark(data, jurnal, account, SESSION, _member(data, TORJUN))
    assert jurnal.records() == []


def test_an_admin_may_mark_anywhere(data: Dataset, jurnal) -> None:
    admin = access.Pengguna("admin", "Admin", "admin", ())
    assert checkin.mark(data, jurnal, admin, SRESEH_SESSION, _member(data, SRESEH)).baru


def test_a_member_of_another_kecamatan_needs_a_reason_and_is_flagged(data, jurnal) -> None:
    sari = user("operator", (TORJUN,))
    guest = _member(data, SRESEH)
    with pytest.raises(checkin.Refused, match="Kecamatan Sreseh, bukan Torjun: tulis alasannya"):
        checkin.mark(data, jurnal, sari, SESSION, guest)
    with pytest.raises(checkin.Refused, match="tulis alasannya"):
        checkin.mark(data, jurnal, sari, SESSION, guest, alasan="  ya ")
    result = checkin.mark(data, jurnal, sari, SESSION, guest, alasan="sesi Sreseh penuh")
    assert result.catatan.luar_kecamatan and result.catatan.alasan == "sesi Sreseh penuh"
    # The page lists the guest, flagged, without a name, and counts them.
    session = next(s for s in checkin.sessions(data) if s.kode_sesi == SESSION)
    roster = checkin.expected(data.scoped((TORJUN,)), session)
    frame = checkin.attendance(data.scoped((TORJUN,)), jurnal, session, roster)
    row = frame[frame["nik"] == guest].iloc[0]
    assert row["luar_kecamatan"] and row["nama"] is None and row["alasan"] == "sesi Sreseh penuh"
    assert row["status"] == checkin.HADIR_LANGSUNG
    # Counted in the figures like any attendance: the guest is trained (in Sreseh's numbers).
    sreseh = data.query("presensi_peserta", as_of=date(2024, 1, 26), kecamatan=[SRESEH])
    assert sreseh.set_index("nik").loc[guest, "tanggal_bimtek"] == pd.Timestamp(2024, 1, 26)


def test_a_nik_not_on_the_roster_is_refused(data: Dataset, jurnal) -> None:
    sari = user("operator", (TORJUN,))
    with pytest.raises(checkin.Refused, match="tidak terdaftar sebagai anggota KPPS"):
        checkin.mark(data, jurnal, sari, SESSION, "3527029999999999", alasan="tamu undangan")
    with pytest.raises(checkin.Refused, match="16 angka"):
        checkin.mark(data, jurnal, sari, SESSION, "3527' or 1=1")


def test_attendance_counts_paper_and_live_once_each(data: Dataset, jurnal) -> None:
    sari = user("operator", (TORJUN,))
    view = data.scoped((TORJUN,))
    session = next(s for s in checkin.sessions(view) if s.kode_sesi == SESSION)
    roster = checkin.expected(view, session)
    before = checkin.attendance(view, jurnal, session, roster)
    paper = int((before["status"] == checkin.HADIR_KERTAS).sum())
    assert paper == checkin.present_count(before) > 0
    # Paper rows of people not on Torjun's roster that day are listed too, without a name.
    unlisted = before[before["luar_kecamatan"]]
    assert (unlisted["status"] == checkin.HADIR_KERTAS).all() and unlisted["nama"].isna().all()
    on_paper = before.loc[
        (before["status"] == checkin.HADIR_KERTAS) & ~before["luar_kecamatan"], "nik"
    ].iloc[0]
    waiting = before.loc[before["status"] == checkin.BELUM, "nik"].iloc[:2].tolist()
    for nik in [on_paper, *waiting]:
        checkin.mark(data, jurnal, sari, SESSION, nik)
    after = checkin.attendance(view, jurnal, session, roster)
    assert checkin.present_count(after) == paper + 2  # the paper one is not counted twice
    # The same figure the dashboard shows for the session.
    shown = view.query("bimtek_sesi_kehadiran", as_of=date(2024, 1, 26)).set_index("kode_sesi")
    assert shown.loc[SESSION, "hadir"] == paper + 2


def test_search_by_name_tps_number_and_nik_digits(data: Dataset) -> None:
    view = data.scoped((TORJUN,))
    session = next(s for s in checkin.sessions(view) if s.kode_sesi == SESSION)
    roster = checkin.expected(view, session)
    first = roster.iloc[0]
    words = str(first["nama"]).lower().split()
    by_name = checkin.search(roster, " ".join(words), limit=1000)
    assert first["nik"] in set(by_name["nik"])
    assert all(all(w in n.lower() for w in words) for n in by_name["nama"])
    number = int(first["nomor_tps"])
    for typed in (str(number), f"{number:03d}", f"TPS {number}"):
        found = checkin.search(roster, typed, limit=1000)
        assert set(found["nomor_tps"]) == {number}, typed
        assert len(found) == int((roster["nomor_tps"] == number).sum())
    digits = str(first["nik"])[-6:]
    assert set(checkin.search(roster, digits, limit=1000)["nik"]) == {
        n for n in roster["nik"] if n.endswith(digits)
    }
    assert checkin.search(roster, "   ").empty
    assert checkin.search(roster, "zzzz-tidak-ada").empty


def test_default_session_is_todays_else_the_next_else_the_last() -> None:
    found = [
        checkin.Session(f"S{d}", TORJUN, "Torjun", date(2024, 1, d), None, None)
        for d in (25, 27, 29)
    ]
    assert checkin.default_session(found, date(2024, 1, 27)) == 1
    assert checkin.default_session(found, date(2024, 1, 26)) == 1
    assert checkin.default_session(found, date(2024, 1, 1)) == 0
    assert checkin.default_session(found, date(2024, 2, 14)) == 2


def test_a_card_carries_only_its_code_and_reads_back_to_the_member(data: Dataset, jurnal):
    view = data.scoped((TORJUN,))
    session = next(s for s in checkin.sessions(view) if s.kode_sesi == SESSION)
    roster = checkin.expected(view, session)
    members = roster[roster["desa"] == roster["desa"].iloc[0]]
    tokens = jurnal.card_tokens(members["nik"])
    sheet = cards.cards_for(members.to_dict("records"), tokens, "Torjun")
    pdf = cards.sheet_pdf(sheet, "Kartu peserta")
    assert pdf.startswith(b"%PDF")
    pages = cards.sheet_pages(sheet, "Kartu peserta")
    assert len(pages) == (len(sheet) + 7) // 8 and pages[0].size == cards.A4
    for card, row in zip(sheet[:3], members.to_dict("records"), strict=False):
        png = cards.card_png(card)
        (text,) = cards.decode(png)
        assert text == card.code
        nik = str(row["nik"])
        # Nothing of the NIK in the code: not the whole, not its birth date, not its serial.
        assert nik not in text and nik[6:12] not in text and nik[-4:] not in text.replace("-", "")
        assert checkin.card_member(jurnal, text) == nik
        # A photo of the card: rotated, shrunk, as JPEG, still read.
        photo = Image.open(io.BytesIO(png)).rotate(90, expand=True).convert("RGB")
        photo = photo.resize((photo.width // 2, photo.height // 2))
        buffer = io.BytesIO()
        photo.save(buffer, format="JPEG", quality=80)
        assert cards.decode(buffer.getvalue()) == [card.code]
    assert cards.decode(b"bukan gambar") == []
