"""Every page on the sample: default view, filtered view, a filter matching nothing, 25 Jan."""

from __future__ import annotations

from datetime import date

import pytest

from kesiapan.contract import labels, theme
from tests.pages.conftest import PAGES, infos, metrics

TORJUN = "35.27.02"
NOTHING = "35.27.99"


def _dari(part: int, whole: int, noun: str) -> str:
    share = labels.persen(part / whole) if whole else ""
    return f"{labels.dari(int(part), int(whole), noun)} ({share})"


@pytest.mark.parametrize("name", PAGES)
def test_every_page_renders_default_filtered_and_single_desa(run_page, name: str) -> None:
    for params in ({}, {"kec": TORJUN}, {"desa": "35.27.02.2001"}, {"tanggal": "2024-01-25"}):
        at = run_page(name, **params)
        assert not at.exception, (name, params, at.exception)
        assert at.title, (name, params)


@pytest.mark.parametrize("name", ["overview", "bimtek", "petugas", "supervisi"])
def test_filter_matching_nothing_says_so(run_page, name: str) -> None:
    at = run_page(name, kec=NOTHING)
    assert not at.exception
    assert any("Tidak ada wilayah yang cocok" in text for text in infos(at))


def test_overview_figures_match_the_report(run_page, figures) -> None:
    at = run_page("overview")
    (total,) = figures("kabupaten").to_dict("records")
    shown = metrics(at)
    assert shown["TPS siap"] == _dari(total["tps_siap"], total["tps"], "TPS")
    assert shown["KPPS terlatih"] == _dari(
        total["kpps_terlatih"], total["kpps_aktif"], "KPPS aktif"
    )
    assert shown["Kursi kosong"] == _dari(total["kursi_kosong"], total["kebutuhan_kpps"], "kursi")
    ranking = at.dataframe[0].value
    expected = figures("kecamatan").set_index("kecamatan")
    assert len(ranking) == 14
    # The table shows names; its numbers are the report's, row by row.
    for _, row in ranking.iterrows():
        report_row = expected.loc[row["kecamatan"]]
        for column in ["tps", "tps_siap", "kpps_aktif", "kpps_terlatih", "kursi_kosong"]:
            assert row[column] == report_row[column], (row["kecamatan"], column)
    # Worst first (issue 14): the schedule status, then the gap to it, as the report says.
    order = theme.worst_first(figures("kecamatan"), "kode_kecamatan")["kecamatan"]
    assert list(ranking["kecamatan"]) == list(order)
    assert [theme.schedule_rank(expected.loc[k, "status_jadwal"]) for k in order] == sorted(
        theme.schedule_rank(s) for s in expected["status_jadwal"]
    )


def test_overview_for_torjun_ranks_its_desa(run_page, figures) -> None:
    at = run_page("overview", kec=TORJUN)
    (total,) = figures("kecamatan", areas=[TORJUN]).to_dict("records")
    assert metrics(at)["TPS siap"] == _dari(total["tps_siap"], total["tps"], "TPS")
    ranking = at.dataframe[0].value
    desa = figures("desa", areas=[TORJUN])
    assert sorted(ranking["desa"]) == sorted(desa["desa"])
    assert ranking["tps"].sum() == total["tps"] == 116


def test_overview_on_25_january_everyone_appointed_nobody_lost(run_page) -> None:
    at = run_page("overview", tanggal="2024-01-25")
    shown = metrics(at)
    assert shown["Kursi kosong"] == "0 dari 19.082 kursi (0,0%)"
    assert "dari 19.082 KPPS aktif" in shown["KPPS terlatih"]
    assert "25 Januari 2024" in at.caption[0].value


def test_bimtek_lists_exactly_the_untrained(run_page, figures, sample) -> None:
    at = run_page("bimtek", kec=TORJUN)
    (total,) = figures("kecamatan", areas=[TORJUN]).to_dict("records")
    untrained = total["kpps_aktif"] - total["kpps_terlatih"]
    assert metrics(at)["Belum Bimtek"] == _dari(untrained, total["kpps_aktif"], "KPPS")
    table = next(d.value for d in at.dataframe if "nama" in d.value.columns)
    assert len(table) == untrained
    # NIK is masked everywhere on screen.
    assert all("•" in nik for nik in table["nik"])
    assert not any(n in "".join(table["nik"]) for n in sample.query("kpps_belum_bimtek")["nik"])
    assert {b.label for b in at.get("download_button")} == {"Unduh Excel", "Unduh CSV"}


def test_petugas_lists_tps_with_gaps(run_page, figures) -> None:
    at = run_page("petugas")
    tps = figures("tps")
    gaps = tps[(tps["kpps_aktif"] < tps["kebutuhan_kpps"]) | ~tps["ada_ketua"]]
    table = at.dataframe[0].value
    assert len(table) == len(gaps)
    assert table["kursi_kosong"].is_monotonic_decreasing
    (total,) = figures("kabupaten").to_dict("records")
    assert metrics(at)["Tanpa ketua"] == _dari(total["tps_tanpa_ketua"], total["tps"], "TPS")


def test_supervisi_counts_match_the_report(run_page, figures) -> None:
    at = run_page("supervisi", tanggal="2024-01-28")
    expected = figures("kecamatan", as_of=date(2024, 1, 28)).set_index("kecamatan")
    table = next(d.value for d in at.dataframe if "hari_sejak_kunjungan" in d.value.columns)
    for _, row in table.iterrows():
        assert row["kunjungan"] == expected.loc[row["kecamatan"], "kunjungan_supervisi"]
        assert row["sesi"] == expected.loc[row["kecamatan"], "sesi_bimtek"]
        assert row["sesi_disupervisi"] == expected.loc[row["kecamatan"], "sesi_disupervisi"]
    sessions = int(expected["sesi_bimtek"].sum())
    visited = int(expected["sesi_disupervisi"].sum())
    assert metrics(at)["Sesi disupervisi"] == _dari(visited, sessions, "sesi")


def test_data_page_lists_tables_and_warnings(run_page, sample) -> None:
    at = run_page("data")
    tables = at.dataframe[0].value
    assert tables["baris"].tolist() == [source.rows for source in sample.sources.values()]
    assert tables["tabel"].tolist()[:3] == ["Wilayah (desa/kelurahan)", "TPS", "KPPS"]
    problems = at.dataframe[1].value
    assert len(problems) == len(sample.problems)
    assert set(problems["tingkat"]) == {"Peringatan"}
    # Columns read as their headers on screen, never as raw field names (issue 15).
    assert set(problems["kolom"]) == {"Tanggal lahir", "NIK"}
    # A NIK or birth date quoted by a check is personal data: masked like everywhere else.
    quoted = dict(zip(problems["kolom"], problems["nilai"], strict=False))
    last_nik = [p.nilai for p in sample.problems if p.kolom == "nik"][-1]
    assert quoted["NIK"] == last_nik[:4] + "••••••••" + last_nik[-4:]
    assert quoted["Tanggal lahir"] == "••••••••••"
    assert not any(p.nilai in set(problems["nilai"]) for p in sample.problems)


def test_supervisi_before_any_session_does_not_say_all_supervised(run_page) -> None:
    # The sample's first Bimtek session is on 25 Jan: on 24 Jan none has been held.
    at = run_page("supervisi", tanggal="2024-01-24")
    assert not at.exception
    shown = infos(at)
    assert "Belum ada sesi Bimtek yang berlangsung sampai 24 Januari 2024." in shown
    assert not any("telah disupervisi" in text for text in shown)


def test_bimtek_sessions_not_yet_held_read_belum_berlangsung(run_page, sample) -> None:
    # Banyuates (35.27.09) holds its sessions on 28-29 Jan: on 27 Jan none of them is held.
    at = run_page("bimtek", kec="35.27.09", tanggal="2024-01-27")
    table = next(d.value for d in at.dataframe if "keadaan_sesi" in d.value.columns)
    expected = sample.query(
        "bimtek_sesi_kehadiran", as_of=date(2024, 1, 27), kecamatan=["35.27.09"]
    )
    assert len(table) == len(expected) > 0
    assert set(table["keadaan_sesi"]) == {"Belum berlangsung"}
    # Nothing about them is known yet: a dash, never "0", "0,0%" or "Tidak".
    for column in ("hadir", "tidak_hadir", "keterisian", "disupervisi"):
        assert set(table[column]) == {"–"}, column
