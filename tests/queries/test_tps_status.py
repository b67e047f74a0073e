"""tps_status on the mini fixture (planted cases: tests/fixtures/mini/README.md)."""

from datetime import date

import numpy as np
import pytest

D1 = date(2024, 1, 20)
D2 = date(2024, 1, 27)  # the default D
DUA_DESA = ["35.27.02.2001", "35.27.01.2002"]  # desa Torjun (TPS A, B) and Labuhan (TPS F)

# fmt: off
COLUMNS = [
    "kode_tps", "kode_desa", "kode_kecamatan", "kebutuhan_kpps", "kpps_aktif", "kpps_terlatih",
    "ada_ketua", "status", "nomor_tps", "desa", "kecamatan", "kursi_kosong",
]

# G: 4 seats, 3 anggota: kurang_petugas wins over tanpa_ketua.
G = ("3526011001001", "35.26.01.1001", "35.26.01", 4, 3, 3, False, "kurang_petugas", 1,
     "Kamal", "Kamal", 1)
# E: 4 of 4, ketua E1, all trained in S3 (01-16).
E = ("3527012001001", "35.27.01.2001", "35.27.01", 4, 4, 4, True, "siap", 1,
     "Noreh", "Sreseh", 0)
# F: blank seats = 7, 7 active with ketua; F7 trained only in S4 on 01-24.
F_D1 = ("3527012002001", "35.27.01.2002", "35.27.01", 7, 7, 6, True, "belum_bimtek", 1,
        "Labuhan", "Sreseh", 0)
F_D2 = ("3527012002001", "35.27.01.2002", "35.27.01", 7, 7, 7, True, "siap", 1,
        "Labuhan", "Sreseh", 0)
# A at D1: A1-A4 + A7 (ketua, stops 01-21) + A8 (PAW, SK 01-19) = 6 of 7; A8 untrained.
A_D1 = ("3527022001001", "35.27.02.2001", "35.27.02", 7, 6, 5, True, "kurang_petugas", 1,
        "Torjun", "Torjun", 1)
# A at D2: A1-A4 + A8 + A9 (SK 01-22) = 6; the ketua A7 has stopped; A8 trained on 01-26.
A_D2 = ("3527022001001", "35.27.02.2001", "35.27.02", 7, 6, 5, False, "kurang_petugas", 1,
        "Torjun", "Torjun", 1)
# B: 5 seats, 6 active (no negative empty seats), B6 never trained.
B = ("3527022001002", "35.27.02.2001", "35.27.02", 5, 6, 5, True, "belum_bimtek", 2,
     "Torjun", "Torjun", 0)
# C: 7 of 7, all anggota, all trained (C7 in Sreseh's S3).
C = ("3527022002001", "35.27.02.2002", "35.27.02", 7, 7, 7, False, "tanpa_ketua", 1,
     "Kara", "Torjun", 0)
# D: no members at all.
D = ("3527022002002", "35.27.02.2002", "35.27.02", 7, 0, 0, False, "kurang_petugas", 2,
     "Kara", "Torjun", 7)
# fmt: on


def test_columns_and_no_filter_at_d1(mini, rows, table):
    df = mini.query("tps_status", as_of=D1)
    assert list(df.columns) == COLUMNS
    # The kpps row for 3527022001009 (no such TPS) adds no row and counts in no TPS.
    assert rows(df) == table(COLUMNS, [G, E, F_D1, A_D1, B, C, D])


def test_no_filter_at_d2(mini, rows, table):
    assert rows(mini.query("tps_status", as_of=D2)) == table(COLUMNS, [G, E, F_D2, A_D2, B, C, D])


def test_one_kecamatan(mini, rows, table):
    df = mini.query("tps_status", as_of=D2, kecamatan=["35.27.02"])
    assert rows(df) == table(COLUMNS, [A_D2, B, C, D])


def test_two_desa(mini, rows, table):
    df = mini.query("tps_status", as_of=D1, desa=DUA_DESA)
    assert rows(df) == table(COLUMNS, [F_D1, A_D1, B])


def test_one_kabupaten(mini, rows, table):
    assert rows(mini.query("tps_status", as_of=D2, kabupaten=["35.26"])) == table(COLUMNS, [G])


def test_filter_matching_nothing(mini):
    assert len(mini.query("tps_status", as_of=D1, kabupaten=["35.99"])) == 0


# TPS A day by day: (kpps_aktif, kpps_terlatih, ada_ketua, status, kursi_kosong).
@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        # Before the SK of 01-10 nobody serves yet (A8, A9 come later).
        (date(2024, 1, 9), (0, 0, False, "kurang_petugas", 7)),
        # A1-A7 serve from their SK date; no session yet.
        (date(2024, 1, 10), (7, 0, True, "belum_bimtek", 0)),
        # A1-3, A5-7 trained at S1 (01-15), A4 at S2 (01-17): the TPS is ready.
        (date(2024, 1, 18), (7, 7, True, "siap", 0)),
        # A5 stops 01-19 (not active on the day it stops), A8 appointed 01-19 (active), untrained.
        (date(2024, 1, 19), (7, 6, True, "belum_bimtek", 0)),
        # A6 stops on D itself: not active. A7 stops the day after: active.
        (date(2024, 1, 20), (6, 5, True, "kurang_petugas", 1)),
        # A7, the ketua, stops: A1-A4, A8 left.
        (date(2024, 1, 21), (5, 4, False, "kurang_petugas", 2)),
        # A9 appointed 01-22 (untrained).
        (date(2024, 1, 22), (6, 4, False, "kurang_petugas", 1)),
        # A8 trained at S5 on 01-26.
        (date(2024, 1, 26), (6, 5, False, "kurang_petugas", 1)),
    ],
)
def test_tps_a_through_stops_and_replacements(mini, rows, as_of, expected):
    df = mini.query("tps_status", as_of=as_of, desa=["35.27.02.2001"])
    by_tps = {row["kode_tps"]: row for row in rows(df)}
    assert set(by_tps) == {"3527022001001", "3527022001002"}
    a = by_tps["3527022001001"]
    got = (a["kpps_aktif"], a["kpps_terlatih"], a["ada_ketua"], a["status"], a["kursi_kosong"])
    assert got == expected


def test_codes_stay_text_and_flags_are_booleans(mini):
    # 3527022001001 would become an integer if the CSV reader sniffed types.
    df = mini.query("tps_status", as_of=D1)
    first = df.iloc[0]
    assert isinstance(first["kode_tps"], str)
    assert isinstance(first["ada_ketua"], bool | np.bool_)


def test_unknown_kode_tps_is_the_only_error(mini):
    # The planted roster row for TPS 3527022001009 (no such TPS) is the dataset's only error.
    errors = [p for p in mini.problems if p.tingkat == "galat"]
    assert [(p.berkas, p.kolom, p.nilai) for p in errors] == [
        ("kpps.csv", "kode_tps", "3527022001009")
    ]
