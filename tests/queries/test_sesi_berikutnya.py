"""sesi_berikutnya on the mini fixture (planted cases: tests/fixtures/mini/README.md)."""

from datetime import date

D1 = date(2024, 1, 20)
D2 = date(2024, 1, 27)  # the default D

COLUMNS = [
    "kode_kecamatan", "kecamatan", "kode_sesi", "tanggal", "tempat", "kapasitas",
    "sesi_mendatang",
]  # fmt: skip
AULA = "Aula Kecamatan Torjun"
# Kamal has no session of its own: a row with nothing planned, at every date.
KAMAL = ("35.26.01", "Kamal", None, None, None, None, 0)
SRESEH_NONE = ("35.27.01", "Sreseh", None, None, None, None, 0)
TORJUN_NONE = ("35.27.02", "Torjun", None, None, None, None, 0)


def test_before_any_session(mini, rows, table):
    # 01-14: Sreseh has S3 (01-16) and S4 ahead; Torjun S1 (01-15), S2 and S5.
    df = mini.query("sesi_berikutnya", as_of=date(2024, 1, 14))
    assert list(df.columns) == COLUMNS
    assert rows(df) == table(
        COLUMNS,
        [
            KAMAL,
            ("35.27.01", "Sreseh", "BT-352701-01", date(2024, 1, 16), "Balai Desa Noreh", 25, 2),
            ("35.27.02", "Torjun", "BT-352702-01", date(2024, 1, 15), AULA, 20, 3),
        ],
    )


def test_a_session_on_d_is_not_next(mini, rows, table):
    # 01-15: S1 is held on D, so Torjun's next is S2 (01-17, no capacity), then S5.
    assert rows(mini.query("sesi_berikutnya", as_of=date(2024, 1, 15))) == table(
        COLUMNS,
        [
            KAMAL,
            ("35.27.01", "Sreseh", "BT-352701-01", date(2024, 1, 16), "Balai Desa Noreh", 25, 2),
            ("35.27.02", "Torjun", "BT-352702-02", date(2024, 1, 17), AULA, None, 2),
        ],
    )


def test_at_d1(mini, rows, table):
    assert rows(mini.query("sesi_berikutnya", as_of=D1)) == table(
        COLUMNS,
        [
            KAMAL,
            ("35.27.01", "Sreseh", "BT-352701-02", date(2024, 1, 24), "Balai Desa Labuhan", 10, 1),
            ("35.27.02", "Torjun", "BT-352702-03", date(2024, 1, 26), AULA, 10, 1),
        ],
    )


def test_sreseh_done_on_its_last_day(mini, rows, table):
    assert rows(mini.query("sesi_berikutnya", as_of=date(2024, 1, 24))) == table(
        COLUMNS,
        [
            KAMAL,
            SRESEH_NONE,
            ("35.27.02", "Torjun", "BT-352702-03", date(2024, 1, 26), AULA, 10, 1),
        ],
    )


def test_nothing_left_at_d2(mini, rows, table):
    assert rows(mini.query("sesi_berikutnya", as_of=D2)) == table(
        COLUMNS, [KAMAL, SRESEH_NONE, TORJUN_NONE]
    )


def test_area_filters(mini, rows, table):
    # A desa filter keeps its kecamatan: desa Labuhan → Sreseh.
    assert rows(mini.query("sesi_berikutnya", as_of=D1, desa=["35.27.01.2002"])) == table(
        COLUMNS,
        [("35.27.01", "Sreseh", "BT-352701-02", date(2024, 1, 24), "Balai Desa Labuhan", 10, 1)],
    )
    assert rows(mini.query("sesi_berikutnya", as_of=D1, kabupaten=["35.26"])) == table(
        COLUMNS, [KAMAL]
    )
    assert len(mini.query("sesi_berikutnya", as_of=D1, kecamatan=["35.27.99"])) == 0
