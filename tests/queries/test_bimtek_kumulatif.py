"""bimtek_kumulatif on the mini fixture (planted cases: tests/fixtures/mini/README.md).

First training dates (hadir true) per member: 01-15 (S1) A1 A2 A3 A5 A6 A7 B1-B5; 01-16 (S3)
C7 E1-E4 F1-F6 G1-G3; 01-17 (S2) A4 C1-C6; 01-24 (S4) F7; 01-26 (S5) A8; never A9, B6.
Days run from the dataset's earliest session (01-15) to D, whatever the filter.
"""

from datetime import date, timedelta

D1 = date(2024, 1, 20)
D2 = date(2024, 1, 27)  # the default D
DUA_DESA = ["35.27.02.2001", "35.27.01.2002"]  # desa Torjun (TPS A, B) and Labuhan (TPS F)

COLUMNS = ["tanggal", "terlatih_baru", "terlatih_kumulatif", "kpps_aktif"]


def _days(aktif, new_by_day, last):
    """Expected rows from 2024-01-15 to `last`: {day of January: new trainees}."""
    result, total, day = [], 0, date(2024, 1, 15)
    while day <= last:
        new = new_by_day.get(day.day, 0)
        total += new
        result.append((day, new, total, aktif))
        day += timedelta(days=1)
    return result


def test_columns_and_no_filter_at_d1(mini, rows, table):
    # Active at D1: A1-A4 A7 A8, B1-B6, C1-C7, E1-E4, F1-F7, G1-G3 = 33 (A5, A6 stopped,
    # A9 not yet appointed, the unknown-TPS row counts nowhere).
    # 01-15: A1 A2 A3 A7 B1-B5 = 9 (A5 A6 trained that day but are no longer active);
    # 01-16: C7 E1-4 F1-6 G1-3 = 14; 01-17: A4 C1-6 = 7; 01-18..01-20 nothing new.
    df = mini.query("bimtek_kumulatif", as_of=D1)
    assert list(df.columns) == COLUMNS
    assert rows(df) == table(COLUMNS, _days(33, {15: 9, 16: 14, 17: 7}, D1))
    assert rows(df)[-1] == {
        "tanggal": D1, "terlatih_baru": 0, "terlatih_kumulatif": 30, "kpps_aktif": 33
    }  # fmt: skip


def test_no_filter_at_d2(mini, rows, table):
    # Active at D2: A1-A4 A8 A9 + 27 others = 33. 01-15: A1 A2 A3 B1-B5 = 8 (A7 stopped);
    # 16: 14; 17: 7; 24: F7; 26: A8. 31 trained; A9 and B6 never.
    df = mini.query("bimtek_kumulatif", as_of=D2)
    expected = _days(33, {15: 8, 16: 14, 17: 7, 24: 1, 26: 1}, D2)
    assert rows(df) == table(COLUMNS, expected)
    assert len(expected) == 13
    assert expected[-1] == (D2, 0, 31, 33)


def test_first_session_day(mini, rows, table):
    # As of 01-15: A1-A7 serve (A5 until 01-19, A6 until 01-20): 34 active, 11 trained that day.
    df = mini.query("bimtek_kumulatif", as_of=date(2024, 1, 15))
    assert rows(df) == table(COLUMNS, [(date(2024, 1, 15), 11, 11, 34)])


def test_before_first_session_has_no_rows(mini):
    assert len(mini.query("bimtek_kumulatif", as_of=date(2024, 1, 14))) == 0


def test_one_kecamatan(mini, rows, table):
    # Torjun, 19 active. 01-16 is Sreseh's session S3, where C7 of Torjun trained: 1 new.
    df = mini.query("bimtek_kumulatif", as_of=D1, kecamatan=["35.27.02"])
    assert rows(df) == table(COLUMNS, _days(19, {15: 9, 16: 1, 17: 7}, D1))
    df = mini.query("bimtek_kumulatif", as_of=D2, kecamatan=["35.27.02"])
    assert rows(df) == table(COLUMNS, _days(19, {15: 8, 16: 1, 17: 7, 26: 1}, D2))


def test_two_desa(mini, rows, table):
    # Desa Torjun (A1-A4 A8 A9, B1-B6) and Labuhan (F1-F7) at D2: 19 active.
    # 15: A1 A2 A3 B1-B5 = 8; 16: F1-F6 = 6; 17: A4; 24: F7; 26: A8 -> 17.
    df = mini.query("bimtek_kumulatif", as_of=D2, desa=DUA_DESA)
    assert rows(df) == table(COLUMNS, _days(19, {15: 8, 16: 6, 17: 1, 24: 1, 26: 1}, D2))


def test_one_kabupaten(mini, rows, table):
    # Bangkalan: G1-G3, trained 01-16 in Sreseh. The first day has no new training.
    df = mini.query("bimtek_kumulatif", as_of=D1, kabupaten=["35.26"])
    assert rows(df) == table(COLUMNS, _days(3, {16: 3}, D1))
    assert rows(df)[0] == {
        "tanggal": date(2024, 1, 15), "terlatih_baru": 0, "terlatih_kumulatif": 0, "kpps_aktif": 3
    }  # fmt: skip


def test_filter_matching_nothing(mini, rows, table):
    # Spec reading: one row per day "from the earliest session date in the dataset to D" does
    # not depend on the area, so with no area in scope every count is 0 (days 01-15..01-20).
    df = mini.query("bimtek_kumulatif", as_of=D1, kecamatan=["35.27.99"])
    assert rows(df) == table(COLUMNS, _days(0, {}, D1))
