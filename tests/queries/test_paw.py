"""paw on the mini fixture (planted cases: tests/fixtures/mini/README.md).

TPS A: A5 stops 01-19, A6 stops 01-20, A7 (ketua) stops 01-21; A8 appointed 01-19 (trained at
S5 on 01-26), A9 appointed 01-22 (never trained). A1-A7's own SK (01-10) is before the first
stop, so they are not replacements.
"""

from datetime import date

D1 = date(2024, 1, 20)
D2 = date(2024, 1, 27)  # the default D
DUA_DESA = ["35.27.02.2001", "35.27.01.2002"]  # desa Torjun (TPS A, B) and Labuhan (TPS F)

# fmt: off
COLUMNS = [
    "kode_kecamatan", "kecamatan", "kode_desa", "desa", "kode_tps", "nomor_tps", "nik_berhenti",
    "nama_berhenti", "jabatan_berhenti", "tanggal_berhenti", "alasan_berhenti", "nik_pengganti",
    "nama_pengganti", "tanggal_sk_pengganti", "pengganti_terlatih", "status",
]
TPS_A = ("35.27.02", "Torjun", "35.27.02.2001", "Torjun", "3527022001001", 1)
A5 = ("3527023009780005", "Slamet Riyadi", "anggota", date(2024, 1, 19), "mengundurkan diri")
A6 = ("3527024112830006", "Fatimah", "anggota", date(2024, 1, 20), "meninggal dunia")
A7 = ("3527021806880007", "Imam Syafii", "ketua", date(2024, 1, 21), "berhalangan tetap")
A8 = ("3527024905950008", "Rofiqoh", date(2024, 1, 19))
A9 = ("3527022708930009", "Zainal Arifin", date(2024, 1, 22))
NONE = (None, None, None, None)

# At D1: stops A5, A6 (A6 stops on D1 itself); replacements with SK in [01-19, D1]: A8 only
# (A9 is appointed after D1). A5 -> A8, untrained yet; A6 not replaced.
D1_ROWS = [
    TPS_A + A5 + A8 + (False, "pengganti_belum_bimtek"),
    TPS_A + A6 + NONE[:3] + (None, "belum_diganti"),
]
# At D2: stops A5, A6, A7; replacements A8 (trained 01-26), A9: paired in order.
D2_ROWS = [
    TPS_A + A5 + A8 + (True, "pengganti_terlatih"),
    TPS_A + A6 + A9 + (False, "pengganti_belum_bimtek"),
    TPS_A + A7 + NONE[:3] + (None, "belum_diganti"),
]
# fmt: on


def test_columns_and_no_filter_at_d1(mini, rows, table):
    df = mini.query("paw", as_of=D1)
    assert list(df.columns) == COLUMNS
    assert rows(df) == table(COLUMNS, D1_ROWS)


def test_no_filter_at_d2(mini, rows, table):
    assert rows(mini.query("paw", as_of=D2)) == table(COLUMNS, D2_ROWS)


def test_stop_and_replacement_on_the_same_day(mini, rows, table):
    # 01-19: A5 stops and A8 is appointed the same day (SK >= the earliest stop date).
    expected = [TPS_A + A5 + A8 + (False, "pengganti_belum_bimtek")]
    assert rows(mini.query("paw", as_of=date(2024, 1, 19))) == table(COLUMNS, expected)


def test_before_any_stop(mini):
    assert len(mini.query("paw", as_of=date(2024, 1, 18))) == 0


def test_one_kecamatan(mini, rows, table):
    assert rows(mini.query("paw", as_of=D2, kecamatan=["35.27.02"])) == table(COLUMNS, D2_ROWS)
    assert len(mini.query("paw", as_of=D2, kecamatan=["35.27.01"])) == 0


def test_two_desa(mini, rows, table):
    assert rows(mini.query("paw", as_of=D1, desa=DUA_DESA)) == table(COLUMNS, D1_ROWS)


def test_one_kabupaten(mini, rows, table):
    assert rows(mini.query("paw", as_of=D2, kabupaten=["35.27"])) == table(COLUMNS, D2_ROWS)
    assert len(mini.query("paw", as_of=D2, kabupaten=["35.26"])) == 0


def test_filter_matching_nothing(mini):
    assert len(mini.query("paw", as_of=D2, desa=["35.27.02.2999"])) == 0
