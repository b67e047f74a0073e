"""ringkasan_total on the mini fixture (planted cases: tests/fixtures/mini/README.md)."""

from datetime import date

D1 = date(2024, 1, 20)
D2 = date(2024, 1, 27)

COLUMNS = [
    "kecamatan", "desa", "tps", "kebutuhan_kpps", "kpps_aktif", "kursi_kosong", "kpps_terlatih",
    "cakupan_bimtek", "tps_siap", "tps_kurang_petugas", "tps_tanpa_ketua", "tps_belum_bimtek",
    "sesi_bimtek", "kunjungan_supervisi", "sesi_disupervisi", "desa_dikunjungi",
    "kecamatan_dikunjungi",
]  # fmt: skip


def test_whole_dataset_at_d1_and_d2(mini, rows, table, status_sums):
    # Bangkalan (1 desa, TPS G: 4 seats, 3 active, 3 trained, kurang) plus Sampang (4 desa,
    # 6 TPS, 37 seats, 30 active, 8 empty, 27 trained at D1 / 28 at D2): 3 kecamatan (Kamal,
    # Sreseh, Torjun), 41 seats, 33 active, 9 empty. Visits <= D1 name Torjun (V6 V1 V2) and
    # Sreseh (V3): 2 kecamatan visited; at D2 still those two (V4 Sreseh, V5 Torjun).
    d1 = mini.query("ringkasan_total", as_of=D1)
    assert list(d1.columns) == COLUMNS
    assert rows(d1) == table(
        COLUMNS, [(3, 5, 7, 41, 33, 9, 30, 0.909091, 1, 3, 1, 2, 3, 4, 1, 2, 2)]
    )
    status_sums(d1)
    d2 = mini.query("ringkasan_total", as_of=D2)
    assert rows(d2) == table(
        COLUMNS, [(3, 5, 7, 41, 33, 9, 31, 0.939394, 2, 3, 1, 1, 5, 6, 2, 3, 2)]
    )


def test_one_kecamatan_and_nothing(mini, rows, table):
    # Torjun at D1, as in ringkasan_kabupaten's one-kecamatan case, plus 1 kecamatan visited.
    df = mini.query("ringkasan_total", as_of=D1, kecamatan=["35.27.02"])
    assert rows(df) == table(
        COLUMNS, [(1, 2, 4, 26, 19, 8, 17, 0.894737, 0, 2, 1, 1, 2, 3, 1, 1, 1)]
    )
    assert mini.query("ringkasan_total", as_of=D1, kecamatan=["35.27.99"]).empty
