"""The capacity plan and expected-by-date on tests/fixtures/rencana (its README.md has the cases):
rencana_bimtek, rencana_sesi, jadwal_kecamatan/_desa under filters, jadwal_harian,
tanggal_sebelumnya. Every expected value is worked out by hand from the fixture.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.queries.conftest import FIXTURES, rows_of

D = date(2024, 1, 20)
J15, J18, J21, J22, J23, J25 = (date(2024, 1, d) for d in (15, 18, 21, 22, 23, 25))
SRESEH, TORJUN, SAMPANG, CAMPLONG = "35.27.01", "35.27.02", "35.27.03", "35.27.04"
NOREH, LABUHAN = "35.27.01.2001", "35.27.01.2002"


@pytest.fixture(scope="module")
def plan() -> Any:
    from kesiapan.store.dataset import Dataset

    return Dataset.open(FIXTURES / "rencana")


def _placed(df) -> dict[str, str | None]:
    return {r["nama"]: r["sesi_rencana"] for r in rows_of(df)}


def test_overbooked_kecamatan_places_nearest_first_up_to_each_capacity(plan) -> None:
    # Sreseh: 5 untrained (Fajar is trained); A (01-21, 2 seats) takes the two ketua, C (01-21,
    # no capacity) nobody, B (01-22, 1 seat, first in the file) Budi; Dedi and Eka: no seat.
    df = plan.query("rencana_bimtek", as_of=D, kecamatan=[SRESEH])
    assert _placed(df) == {
        "Ahmad": "BT-352701-A",
        "Budi": "BT-352701-B",
        "Citra": "BT-352701-A",
        "Dedi": None,
        "Eka": None,
    }
    # The list keeps the order of kpps_belum_bimtek (TPS, ketua first, name) and its columns.
    assert list(df["nama"]) == ["Ahmad", "Budi", "Citra", "Dedi", "Eka"]
    budi = rows_of(df)[1]
    assert (budi["kali_absen"], budi["tanggal_sesi_rencana"], budi["tempat_sesi_rencana"]) == (
        1,
        J22,
        "Balai Desa Labuhan",
    )
    sessions = plan.query("rencana_sesi", as_of=D, kecamatan=[SRESEH])
    assert [
        (r["kode_sesi"], r["kapasitas"], r["ditempatkan"], r["kursi_sisa"])
        for r in rows_of(sessions)
    ] == [("BT-352701-A", 2, 2, 0), ("BT-352701-C", None, 0, 0), ("BT-352701-B", 1, 1, 0)]


def test_exactly_full_spare_seats_and_no_session_left(plan) -> None:
    df = plan.query("rencana_bimtek", as_of=D, kecamatan=[TORJUN, SAMPANG, CAMPLONG])
    # Torjun: the session on D counts as held, so the three go to A (01-25), its 3 seats.
    # Sampang: both to A (01-21). Camplong: no session after D, Mira and Nur have no seat.
    assert _placed(df) == {
        "Gita": "BT-352702-A",
        "Hadi": "BT-352702-A",
        "Indah": "BT-352702-A",
        "Joko": "BT-352703-A",
        "Kiki": "BT-352703-A",
        "Mira": None,
        "Nur": None,
    }
    sessions = plan.query("rencana_sesi", as_of=D)
    assert [
        (r["kode_sesi"], r["kecamatan"], r["tanggal"], r["ditempatkan"], r["kursi_sisa"])
        for r in rows_of(sessions)
        if r["kode_kecamatan"] != SRESEH
    ] == [
        ("BT-352702-A", "Torjun", J25, 3, 0),
        ("BT-352703-A", "Sampang", J21, 2, 2),
        ("BT-352703-B", "Sampang", J23, 0, 5),
    ]


def test_a_desa_filter_shows_its_part_of_the_kecamatan_plan(plan) -> None:
    # Labuhan alone: Citra still gets A (her ketua rank counts in the whole of Sreseh), and
    # Dedi and Eka still have no seat; A's seats are still taken by Ahmad and Citra.
    df = plan.query("rencana_bimtek", as_of=D, desa=[LABUHAN])
    assert _placed(df) == {"Citra": "BT-352701-A", "Dedi": None, "Eka": None}
    sessions = plan.query("rencana_sesi", as_of=D, desa=[LABUHAN])
    assert [r["ditempatkan"] for r in rows_of(sessions)] == [2, 0, 1]
    # batas cuts the list, never the plan: the first row keeps its seat.
    assert _placed(plan.query("rencana_bimtek", as_of=D, desa=[LABUHAN], batas=1)) == {
        "Citra": "BT-352701-A"
    }


# kode, aktif, terlatih, jatuh tempo, mendatang, kursi ≤ D, kursi > D, target, target akhir,
# selisih, tanpa kursi, sesi tambahan, berikutnya, terakhir, status
FIGURES = [
    "kpps_aktif", "kpps_terlatih", "sesi_jatuh_tempo", "sesi_mendatang", "kursi_sampai_d",
    "kursi_mendatang", "target_terlatih", "target_akhir", "selisih_jadwal", "tanpa_kursi",
    "sesi_tambahan", "tanggal_sesi_berikutnya", "tanggal_sesi_terakhir", "status_jadwal",
]  # fmt: skip


def _figures(df, key: str) -> list[tuple]:
    return [tuple(r[c] for c in [key, *FIGURES]) for r in rows_of(df)]


def test_expected_by_date_per_kecamatan_before_on_and_after_d(plan) -> None:
    df = plan.query("jadwal_kecamatan", as_of=D)
    assert _figures(df, "kode_kecamatan") == [
        # Sreseh: H (3 seats) held, 3 seats ahead (C has none); target min(6, 3) = 3, 1
        # trained; 6 - 1 - 3 = 2 without a seat, as the plan says; one session of
        # round((1 + 2 + 3) / 3) = 2 seats takes them.
        (SRESEH, 6, 1, 1, 3, 3, 3, 3, 6, 2, 2, 1, J21, J22, "jadwal tidak cukup"),
        # Torjun: the session on D is held (5 seats), nobody trained: 0 < 0.8 x 3, behind.
        (TORJUN, 3, 0, 1, 1, 5, 3, 3, 3, 3, 0, 0, J25, J25, "tertinggal dari jadwal"),
        # Sampang: nothing due yet, 9 seats ahead for 2: not late.
        (SAMPANG, 2, 0, 0, 2, 0, 9, 0, 2, 0, 0, 0, J21, J23, "belum dijadwalkan"),
        # Camplong: 1 of 3 trained, no session left: 2 without a seat, one more of 10 seats.
        (CAMPLONG, 3, 1, 1, 0, 10, 0, 3, 3, 2, 2, 1, None, J15, "jadwal tidak cukup"),
    ]


def test_a_desa_gets_its_share_of_the_targets_and_the_plans_verdict(plan) -> None:
    # Sreseh has 6 active; each desa has 3: target round(3 x 3 / 6) = round(1,5) = 2 by D,
    # round(3 x 6 / 6) = 3 by the end. Noreh: Fajar trained, 1 < 1,6: behind, but Ahmad and
    # Budi have seats. Labuhan: nobody trained, Dedi and Eka without a seat.
    noreh = (NOREH, 3, 1, 1, 3, 3, 3, 2, 3, 1, 0, 0, J21, J22, "tertinggal dari jadwal")
    labuhan = (LABUHAN, 3, 0, 1, 3, 3, 3, 2, 3, 2, 2, 1, J21, J22, "jadwal tidak cukup")
    assert _figures(plan.query("jadwal_desa", as_of=D, kecamatan=[SRESEH]), "kode_desa") == [
        noreh,
        labuhan,
    ]
    # The kecamatan row under a desa filter is that desa's, never its whole kecamatan's.
    assert _figures(plan.query("jadwal_kecamatan", as_of=D, desa=[LABUHAN]), "kode_kecamatan") == [
        (SRESEH, *labuhan[1:])
    ]


def test_expected_line_per_day(plan) -> None:
    # Seats by day per kecamatan (active at D: Sreseh 6, Torjun 3, Sampang 2, Camplong 3):
    # Camplong 10 from 01-15; Sreseh 3 from 01-18, 5 from 01-21, 6 from 01-22; Torjun 5 from
    # 01-20, 8 from 01-25; Sampang 4 from 01-21, 9 from 01-23. Target: min(active, seats).
    df = plan.query("jadwal_harian", as_of=D)
    got = [(r["tanggal"].day, r["kursi_kumulatif"], r["target_terlatih"]) for r in rows_of(df)]
    assert got == [
        (15, 10, 3),
        (16, 10, 3),
        (17, 10, 3),
        (18, 13, 6),
        (19, 13, 6),
        (20, 18, 9),
        (21, 24, 13),
        (22, 25, 14),
        (23, 30, 14),
        (24, 30, 14),
        (25, 33, 14),
    ]
    # On D it is jadwal_total's target.
    (total,) = rows_of(plan.query("jadwal_total", as_of=D))
    assert total["target_terlatih"] == 9


def test_previous_day_of_data(plan) -> None:
    def previous(**filters: object) -> date | None:
        found = rows_of(plan.query("tanggal_sebelumnya", **filters))
        assert len(found) <= 1
        return found[0]["tanggal_sebelumnya"] if found else None

    assert previous(as_of=D) == date(2024, 1, 19)  # the visit to Labuhan
    assert previous(as_of=date(2024, 1, 19)) == J18  # Sreseh's session H and a visit
    assert previous(as_of=D, kecamatan=[SAMPANG]) == date(2024, 1, 10)  # only the SK date
    assert previous(as_of=date(2024, 1, 10)) is None


def test_supervision_under_a_desa_filter_and_for_its_whole_kecamatan(plan) -> None:
    # Sreseh at D: a visit on 01-18 naming session H but no desa, one on 01-19 naming Labuhan.
    # Under the Noreh filter only visits naming Noreh count (none), while the session figures
    # are Sreseh's (H held, supervised): what the page's cards label as such.
    (noreh,) = rows_of(plan.query("ringkasan_total", as_of=D, desa=[NOREH]))
    assert (
        noreh["kunjungan_supervisi"],
        noreh["desa_dikunjungi"],
        noreh["kecamatan_dikunjungi"],
        noreh["sesi_bimtek"],
        noreh["sesi_disupervisi"],
    ) == (0, 0, 0, 1, 1)
    (labuhan,) = rows_of(plan.query("ringkasan_total", as_of=D, desa=[LABUHAN]))
    assert (labuhan["kunjungan_supervisi"], labuhan["desa_dikunjungi"]) == (1, 1)
    # The kecamatan-wide figures the page shows beside them (and colours the map with).
    (sreseh,) = rows_of(plan.query("supervisi_kecamatan", as_of=D, kecamatan=[SRESEH]))
    assert (
        sreseh["kunjungan"],
        sreseh["sesi"],
        sreseh["sesi_disupervisi"],
        sreseh["desa"],
        sreseh["desa_dikunjungi"],
        sreseh["kunjungan_terakhir"],
        sreseh["hari_sejak_kunjungan"],
    ) == (2, 1, 1, 2, 1, date(2024, 1, 19), 1)
    # The same query under the desa filter counts only the visits naming Noreh: none.
    (filtered,) = rows_of(plan.query("supervisi_kecamatan", as_of=D, desa=[NOREH]))
    assert (filtered["kunjungan"], filtered["sesi_disupervisi"]) == (0, 1)


def test_sessions_per_day_held_and_not_yet(plan) -> None:
    # Held by D: 01-15 Camplong H (Lina present), 01-18 Sreseh H (Fajar present, Budi absent;
    # the 01-18 visit names it), 01-20 Torjun H (on D: held; Gita absent). After D nothing is
    # known but the seats: 01-21 Sreseh A (2) + C (none) + Sampang A (4) = 6 in 3 sessions.
    df = plan.query("bimtek_sesi_harian", as_of=D)
    assert [
        (r["tanggal"].day, r["sudah_berlangsung"], r["sesi"], r["kapasitas"], r["dipanggil"],
         r["hadir"], r["tidak_hadir"], r["sesi_disupervisi"])
        for r in rows_of(df)
    ] == [
        (15, True, 1, 10, 1, 1, 0, 0),
        (18, True, 1, 3, 2, 1, 1, 1),
        (20, True, 1, 5, 1, 0, 1, 0),
        (21, False, 3, 6, None, None, None, None),
        (22, False, 1, 1, None, None, None, None),
        (23, False, 1, 5, None, None, None, None),
        (25, False, 1, 3, None, None, None, None),
    ]  # fmt: skip
    sreseh = plan.query("bimtek_sesi_harian", as_of=D, desa=[LABUHAN])
    assert [(r["tanggal"].day, r["sesi"], r["kapasitas"]) for r in rows_of(sreseh)] == [
        (18, 1, 3),
        (21, 2, 2),
        (22, 1, 1),
    ]
