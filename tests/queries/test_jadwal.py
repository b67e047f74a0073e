"""jadwal_kecamatan, jadwal_kabupaten, jadwal_total on the mini fixture (docs/jadwal.md).

Sessions (tests/fixtures/mini/README.md): Torjun S1 01-15 (20 seats), S2 01-17 (no capacity;
7 present), S5 01-26 (10); Sreseh S3 01-16 (25), S4 01-24 (10); Kamal none. D0 = 01-15 is S1's
day (a session on D counts as held), D1 = 01-20, D2 = 01-27.
"""

from datetime import date

D0 = date(2024, 1, 15)
D1 = date(2024, 1, 20)
D2 = date(2024, 1, 27)

# fmt: off
FIGURES = [
    "kpps_aktif", "kpps_terlatih", "sesi_jatuh_tempo", "sesi_mendatang", "kursi_sampai_d",
    "kursi_mendatang", "target_terlatih", "target_akhir", "selisih_jadwal", "tanpa_kursi",
    "sesi_tambahan",
    "tanggal_sesi_berikutnya", "tanggal_sesi_terakhir", "status_jadwal",
]
KECAMATAN = ["kode_kecamatan", *FIGURES]
J15, J16, J17, J24, J26 = (date(2024, 1, d) for d in (15, 16, 17, 24, 26))

# Kamal has no session: its 3 members (G1-G3) are trained on 01-16 in Sreseh's S3. At D0 none
# is trained and no seat is left for them: 3 without a seat, 'jadwal tidak cukup'; one more
# session of the dataset's average size, round((20 + 25 + 10 + 10) / 4) = 16, takes them.
KAMAL_D0 = ("35.26.01", 3, 0, 0, 0, 0, 0, 0, 0, 0, 3, 1, None, None, "jadwal tidak cukup")
# Later all 3 are trained: nothing left to train reads 'sesuai jadwal' whatever the seats.
KAMAL = ("35.26.01", 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, None, None, "sesuai jadwal")
# Sreseh at D0: E1-E4 + F1-F7 = 11 active, none trained; S3 and S4 (25 + 10 = 35 seats) to
# come, none held: targets 0 by D0, min(11, 35) = 11 by the end: 'belum dijadwalkan'.
SRESEH_D0 = ("35.27.01", 11, 0, 0, 2, 0, 35, 0, 11, 0, 0, 0, J16, J24, "belum dijadwalkan")
# Torjun at D0: active A1-A7, B1-B6, C1-C7 = 20 (A8, A9 not yet appointed). S1 held on D0 with
# 11 present (A1-A3, A5-A7, B1-B5). Seats by D0 20 -> target min(20, 20) = 20; to come S2
# (no capacity: 0) + S5 10 = 10, so target_akhir min(20, 30) = 20. Gap 20 - 11 = 9; the 9
# untrained fit the 10 seats (tanpa_kursi 0); 11 < 0.80 * 20 = 16: 'tertinggal dari jadwal'.
TORJUN_D0 = ("35.27.02", 20, 11, 1, 2, 20, 10, 20, 20, 9, 0, 0, J17, J26, "tertinggal dari jadwal")
# Sreseh at D1: 10 of 11 trained (F7 only on 01-24); S3 held (25), S4 to come (10): target
# min(11, 25) = 11, gap 1; 1 untrained <= 10 seats; 10 >= 8.8: 'sesuai jadwal'.
SRESEH_D1 = ("35.27.01", 11, 10, 1, 1, 25, 10, 11, 11, 1, 0, 0, J24, J24, "sesuai jadwal")
# Torjun at D1: 19 active, 17 trained (ringkasan_kecamatan's worked example); S1 20 seats +
# S2 held without capacity: its 7 present count as its seats = 27; S5 10 to come. Target
# min(19, 27) = 19, gap 2; 2 untrained <= 10 seats; 17 >= 15.2: 'sesuai jadwal'.
TORJUN_D1 = ("35.27.02", 19, 17, 2, 1, 27, 10, 19, 19, 2, 0, 0, J26, J26, "sesuai jadwal")
# Sreseh at D2: all 11 trained, 35 seats held, none to come.
SRESEH_D2 = ("35.27.01", 11, 11, 2, 0, 35, 0, 11, 11, 0, 0, 0, None, J24, "sesuai jadwal")
# Torjun at D2: still 17 of 19 (A9 never trained, B6 never); 37 seats held, none to come: the
# 2 untrained have no seat left: 'jadwal tidak cukup'. One more session of Torjun's average
# size, round((20 + 10) / 2) = 15 seats (S2 has no capacity), takes them: sesi_tambahan 1.
TORJUN_D2 = ("35.27.02", 19, 17, 3, 0, 37, 0, 19, 19, 2, 2, 1, None, J26, "jadwal tidak cukup")
# fmt: on


def test_kecamatan_before_on_and_after_sessions(mini, rows, table):
    for as_of, expected in (
        (D0, [KAMAL_D0, SRESEH_D0, TORJUN_D0]),
        (D1, [KAMAL, SRESEH_D1, TORJUN_D1]),
        (D2, [KAMAL, SRESEH_D2, TORJUN_D2]),
    ):
        df = mini.query("jadwal_kecamatan", as_of=as_of)
        assert list(df.columns) == KECAMATAN
        assert rows(df) == table(KECAMATAN, expected), as_of


def test_kabupaten_sums_each_kecamatan_first(mini, rows, table):
    # 35.27 at D0 = Sreseh + Torjun: 31 active, 11 trained, seats 20 held and 45 to come,
    # target 0 + 20 = 20, by the end 11 + 20 = 31, gap 9; 11 < 16: behind. Seats never cross
    # kecamatan: Sreseh's spare 35 - 11 = 24 seats do not count for Kamal's 3 (35.26).
    columns = ["kode_kabupaten", *FIGURES]
    df = mini.query("jadwal_kabupaten", as_of=D0)
    assert rows(df) == table(
        columns,
        [
            ("35.26", *KAMAL_D0[1:]),
            ("35.27", 31, 11, 1, 4, 20, 45, 20, 31, 9, 0, 0, J16, J26, "tertinggal dari jadwal"),
        ],
    )


def test_total_flags_any_kecamatan_without_seats(mini, rows, table):
    # The whole dataset at D0: 34 active, 11 trained; Kamal's 3 have no seat anywhere in their
    # kecamatan, so the total's schedule cannot cover everyone: 'jadwal tidak cukup'.
    columns = ["kode_area", *FIGURES]
    df = mini.query("jadwal_total", as_of=D0)
    assert rows(df) == table(
        columns, [("total", 34, 11, 1, 4, 20, 45, 20, 31, 9, 3, 1, J16, J26, "jadwal tidak cukup")]
    )


def test_one_kecamatan_and_no_match(mini, rows, table):
    df = mini.query("jadwal_kecamatan", as_of=D0, kecamatan=["35.27.02"])
    assert rows(df) == table(KECAMATAN, [TORJUN_D0])
    assert len(mini.query("jadwal_kecamatan", as_of=D0, kecamatan=["35.27.99"])) == 0
    assert len(mini.query("jadwal_total", as_of=D0, kecamatan=["35.27.99"])) == 0
