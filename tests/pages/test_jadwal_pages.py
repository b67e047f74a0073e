"""Issue 14 on the pages (AppTest, the bundled sample): schedule-aware colours and order at 24,
25, 27 and 28 January and the default date, the capacity plan on Cakupan Bimtek, the trend on
the cards and supervision under a desa filter. Expected figures are the report command's
(docs/jadwal.md), or worked out by hand from the sample's sessions where said."""

from __future__ import annotations

import json
from datetime import date

import pytest

from kesiapan.contract import theme
from kesiapan.outputs import actions
from tests.pages.conftest import infos, metrics, trends

BANYUATES, TORJUN, KETAPANG, SRESEH = "Banyuates", "Torjun", "Ketapang", "Sreseh"
DULANG = "35.27.02.2007"  # a desa of Torjun no visit names


def _ranking(at) -> list[tuple[str, str]]:
    """The overview's ranking as (kecamatan, Kesiapan chip) in the order shown."""
    table = at.dataframe[0].value
    return list(zip(table["kecamatan"], table["kesiapan"], strict=True))


def _charts(at) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def _in_worst_first_order(table, schedule) -> bool:
    ranks = [theme.schedule_rank(schedule[name]["status_jadwal"]) for name in table["kecamatan"]]
    return ranks == sorted(ranks)


@pytest.mark.parametrize("day", ["2024-01-24", "2024-01-25", "2024-01-27", "2024-01-28", None])
def test_overview_ranks_and_colours_by_the_schedule(run_page, figures, day) -> None:
    params = {"tanggal": day} if day else {}
    at = run_page("overview", **params)
    assert not at.exception
    as_of = date.fromisoformat(day) if day else None
    report = figures("kecamatan", as_of=as_of).set_index("kecamatan")
    schedule = report.to_dict("index")
    shown = _ranking(at)
    # Every chip is the report's status in words, and the worst come first.
    for name, chip in shown:
        assert chip == theme.SCHEDULE_LABELS[schedule[name]["status_jadwal"]], (day, name)
    assert _in_worst_first_order(at.dataframe[0].value, schedule), day
    chips = dict(shown)
    if day == "2024-01-24":
        assert set(chips.values()) == {"Belum dijadwalkan"}
    if day == "2024-01-25":
        # Started differs from not yet due: Torjun behind, Sreseh on schedule, Banyuates and
        # Ketapang (sessions from 28 and 27 Jan) not yet due.
        assert chips[TORJUN] == "Tertinggal dari jadwal"
        assert chips[SRESEH] == "Sesuai jadwal"
        assert chips[BANYUATES] == chips[KETAPANG] == "Belum dijadwalkan"
    if day == "2024-01-27":
        assert chips[BANYUATES] == "Belum dijadwalkan"
    if day == "2024-01-28":
        assert chips[BANYUATES] == "Jadwal tidak cukup"
        # Within one status the largest gap comes first: Banyuates (371 below its target + 210
        # without a seat = 581) and Ketapang (319 + 252 = 571) lead the eleven kecamatan whose
        # schedule is short.
        assert [name for name, _ in shown[:2]] == [BANYUATES, KETAPANG]
    # The map takes the same colours: every kecamatan's fill is its status's colour.
    (map_spec,) = [c for c in _charts(at) if any(t.get("fill") == "toself" for t in c["data"])]
    fills = {t["name"]: t["fillcolor"] for t in map_spec["data"] if t.get("fill") == "toself"}
    for name, record in schedule.items():
        red, green, blue = (int(theme.SCHEDULE_COLORS[record["status_jadwal"]][i : i + 2], 16)
                            for i in (1, 3, 5))  # fmt: skip
        assert fills[name].startswith(f"rgba({red},{green},{blue},"), (day, name)


def test_overview_cards_show_the_change_since_the_previous_day_of_data(run_page, figures) -> None:
    at = run_page("overview", tanggal="2024-01-28")
    now = figures("kabupaten", as_of=date(2024, 1, 28)).iloc[0]
    before = figures("kabupaten", as_of=date(2024, 1, 27)).iloc[0]
    trained = int(now["kpps_terlatih"] - before["kpps_terlatih"])
    assert trained == 4101  # 16.158 on the 28th against 12.057 on the 27th
    tps = int(now["tps_siap"] - before["tps_siap"])
    seats = int(now["kursi_kosong"] - before["kursi_kosong"])
    # TPS siap, KPPS terlatih, Kursi kosong, Sesi disupervisi: 26 sessions supervised of 118
    # held on the 28th, 18 of 87 on the 27th.
    assert trends(at) == [
        f"+{tps} sejak 27 Jan",
        "+4.101 sejak 27 Jan",
        f"+{seats} sejak 27 Jan",
        "+8 sejak 27 Jan",
    ]
    assert tps > 0 and seats > 0
    assert metrics(at)["KPPS terlatih"] == "16.158 dari 19.045 KPPS aktif (84,8%)"
    # Nothing changed on the day: said, not left out.
    assert trends(run_page("overview"))[0] == "tetap sejak 11 Feb"
    # The first day of data has nothing before it: no trend, no made-up zero.
    assert trends(run_page("overview", tanggal="2024-01-24")) == []


def test_bimtek_on_27_january_banyuates_is_not_yet_due(run_page) -> None:
    at = run_page("bimtek", kec="35.27.09", tanggal="2024-01-27")
    assert (
        "Belum dijadwalkan: 1.687 KPPS belum Bimtek; 10 sesi sesudah 27 Januari 2024 (mulai "
        "28 Januari 2024) menampung 1.850, semua mendapat kursi (sisa 163)." in infos(at)
    )
    (coverage,) = [c for c in _charts(at) if c["layout"]["xaxis"].get("title", {}).get("text")
                   == "Cakupan Bimtek"]  # fmt: skip
    names = {t.get("name") for t in coverage["data"]}
    assert "Jadwal tidak cukup" not in names and "Tertinggal dari jadwal" not in names
    assert "Sasaran jadwal" in names


def test_bimtek_on_28_january_banyuates_plan_fills_each_session_to_its_seats(
    run_page, sample
) -> None:
    at = run_page("bimtek", kec="35.27.09", tanggal="2024-01-28")
    assert (
        "Jadwal tidak cukup: 1.110 KPPS belum Bimtek; 5 sesi sesudah 28 Januari 2024 (mulai "
        "29 Januari 2024) menampung 900, 210 tidak mendapat kursi: perlu 2 sesi tambahan."
        in infos(at)
    )
    sessions = next(d.value for d in at.dataframe if "kursi_sisa" in d.value.columns)
    upcoming = sessions[sessions["keadaan_sesi"] == "Belum berlangsung"]
    assert list(
        zip(upcoming["kode_sesi"], upcoming["ditempatkan"], upcoming["kursi_sisa"], strict=True)
    ) == [
        ("BT-352709-06", "175", "0"),
        ("BT-352709-07", "200", "0"),
        ("BT-352709-08", "200", "0"),
        ("BT-352709-09", "175", "0"),
        ("BT-352709-10", "150", "0"),
    ]
    # Held sessions have no plan: a dash.
    assert set(sessions[sessions["keadaan_sesi"] == "Sudah berlangsung"]["ditempatkan"]) == {"–"}
    # The list of names (its first 1.000 rows) says each one's planned session or no seat.
    names = next(d.value for d in at.dataframe if "sesi_rencana" in d.value.columns)
    assert len(names) == 1000
    assert set(names["sesi_rencana"]) <= {*upcoming["kode_sesi"], actions.NO_SEAT}
    plan = sample.query("rencana_bimtek", as_of=date(2024, 1, 28), kecamatan=["35.27.09"])
    assert plan["sesi_rencana"].value_counts().max() <= 200
    assert plan["sesi_rencana"].isna().sum() == 210


def test_bimtek_per_tps_worst_first(run_page) -> None:
    at = run_page("bimtek", kec="35.27.02", tanggal="2024-01-28")
    tps = next(d.value for d in at.dataframe if "ada_ketua" in d.value.columns)
    words = ["Kurang petugas", "Tanpa ketua", "Belum Bimtek", "Siap"]
    ranks = [words.index(s) for s in tps["status"]]
    assert ranks == sorted(ranks) and ranks[0] < ranks[-1]
    assert any(c.value == theme.TPS_ORDER_TEXT for c in at.caption)


def test_supervisi_under_a_desa_filter_says_what_it_counts_and_the_map_agrees(run_page) -> None:
    # Dulang (Torjun) is named by no visit; Torjun had 3 visits, 3 of its 6 sessions supervised.
    at = run_page("supervisi", desa=DULANG)
    shown = metrics(at)
    assert shown["Kunjungan yang menyebut desa"] == "0"
    assert shown["Sesi Kec. Torjun disupervisi"] == "3 dari 6 sesi (50,0%)"
    assert shown["Desa dikunjungi"] == "0 dari 1 desa/kel. (0,0%)"
    assert shown["Kunjungan di Kec. Torjun"] == "3"
    assert "Kecamatan dikunjungi" not in shown
    (visits_map,) = [c for c in _charts(at) if any(t.get("fill") == "toself" for t in c["data"])]
    (torjun,) = [t for t in visits_map["data"] if t.get("name") == TORJUN]
    assert "3 kunjungan" in torjun["text"]  # visited: the same count as the card
    assert torjun["fillcolor"].startswith("rgba(46,147,60,")  # theme.GREEN, not red
