"""Worst first (issue 14): the one ordering of areas, TPS and kecamatan to visit, by hand."""

from __future__ import annotations

import pandas as pd

from kesiapan.contract import theme


def test_areas_by_schedule_status_then_gap_then_coverage() -> None:
    areas = pd.DataFrame(
        {
            "kode_kecamatan": ["01", "02", "03", "04", "05", "06"],
            "status_jadwal": [
                "sesuai jadwal",
                "jadwal tidak cukup",
                "belum dijadwalkan",
                "tertinggal dari jadwal",
                "jadwal tidak cukup",
                "tertinggal dari jadwal",
            ],
            # 02: 10 + 5 = 15 behind; 05: 0 + 20 = 20; 04 and 06 both 7: coverage decides.
            "selisih_jadwal": [0, 10, 0, 7, 0, 7],
            "tanpa_kursi": [0, 5, 0, 0, 20, 0],
            "cakupan_bimtek": [0.2, 0.9, 0.0, 0.5, 0.95, 0.4],
        }
    )
    ordered = theme.worst_first(areas, "kode_kecamatan")
    assert list(ordered["kode_kecamatan"]) == ["05", "02", "06", "04", "03", "01"]
    # Without schedule columns: lowest coverage first, an area without active KPPS before all.
    plain = areas.drop(columns=["status_jadwal", "selisih_jadwal", "tanpa_kursi"])
    plain.loc[0, "cakupan_bimtek"] = float("nan")
    assert list(theme.worst_first(plain, "kode_kecamatan")["kode_kecamatan"]) == [
        "01", "03", "06", "04", "02", "05"
    ]  # fmt: skip


def test_tps_by_status_then_empty_seats_then_untrained() -> None:
    tps = pd.DataFrame(
        {
            "kode_tps": ["A", "B", "C", "D", "E"],
            "status": ["siap", "belum_bimtek", "kurang_petugas", "kurang_petugas", "belum_bimtek"],
            "kebutuhan_kpps": [7, 7, 7, 7, 7],
            "kpps_aktif": [7, 7, 6, 2, 7],
            "kpps_terlatih": [7, 6, 6, 0, 4],
        }
    )
    # D (5 empty seats) before C (1); E (3 untrained) before B (1); the ready TPS last.
    assert list(theme.worst_first_tps(tps)["kode_tps"]) == ["D", "C", "E", "B", "A"]


def test_kecamatan_to_visit_never_visited_then_longest_wait() -> None:
    visits = pd.DataFrame(
        {
            "kode_kecamatan": ["01", "02", "03", "04"],
            "hari_sejak_kunjungan": [2, None, 9, 2],
            "sesi": [5, 3, 4, 5],
            "sesi_disupervisi": [1, 0, 4, 4],
        }
    )
    # 02 never visited; 03 nine days ago; 01 and 04 two days ago, 01 with 4 sessions unseen.
    assert list(theme.least_visited_first(visits)["kode_kecamatan"]) == ["02", "03", "01", "04"]
