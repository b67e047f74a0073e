"""The area scope (cakupan): every query applies it in SQL, below any filter; problems follow it;
a scoped view never widens. Expected values are worked out by hand from tests/fixtures/mini
(see its README.md), independently of the store's own scope helpers."""

from __future__ import annotations

import datetime as dt
import math
import re
import shutil
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from kesiapan.contract.problems import ERROR, WARNING
from kesiapan.store import dataset as store
from kesiapan.store.dataset import Dataset, query_names

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini"
QUERIES = ROOT / "queries"
D1 = date(2024, 1, 20)
D2 = date(2024, 1, 27)  # the default D of mini

TORJUN = ("35.27.02",)  # kecamatan: desa Torjun (TPS A, B) and Kara (TPS C, D)
KARA = ("35.27.02.2002",)  # desa: TPS C and D
SAMPANG = ("35.27",)  # kabupaten: Sreseh and Torjun
SRESEH_KAMAL = ("35.27.01", "35.26.01.1001")  # a kecamatan and a desa of another kabupaten
# Query files that hold no area rows: the dates (never scoped) and the row counts per table.
NOT_AREA_ROWS = {"tanggal_data", "data_tabel", "tanggal_sebelumnya"}
# Area queries without a code column: checked against the summary and by hand instead.
NO_CODES = {
    "ringkasan_total",
    "bimtek_kumulatif",
    "jadwal_total",
    "jadwal_harian",
    "bimtek_sesi_harian",
}
# The date a query is checked at when the default date would leave it empty: mini has no session
# after D2 (its last, S5, is on 01-26), so the capacity plan's sessions are looked at on D1.
AS_OF = {"rencana_sesi": D1}
# Queries that take no area filter.
NO_FILTERS = {"tanggal_data", "data_tabel", "wilayah_daftar"}
# Rows only where a member trained at a session of another kecamatan (the session named is
# the other kecamatan's by design; the row's area is the member's): in mini, Kara and Kamal.
ELSEWHERE = {"bimtek_sesi_lain"}
BAD_CODES = [
    "35' or 1=1 --",
    "35.27%",
    "%",
    "",
    "35\n",
    " 35",
    "3527",
    "35.27.02.2001.001",
    "35.2",
    "35.27.02.201",
    "٣٥",  # Arabic-Indic digits: \d would take them, [0-9] does not
]


# -- helpers, written apart from kesiapan.store.dataset on purpose ---------------------------------
def plain(value: Any) -> Any:
    """One cell as plain Python: NULLs as None, dates as date, floats to 6 places."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date()
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 6)
    if hasattr(value, "item"):  # numpy scalars
        return plain(value.item())
    return value


def rows_of(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {column: plain(value) for column, value in zip(df.columns, record, strict=True)}
        for record in df.itertuples(index=False, name=None)
    ]


def table_of(columns: Sequence[str], values: Iterable[Sequence[Any]]) -> list[dict[str, Any]]:
    return [dict(zip(columns, row, strict=True)) for row in values]


def column(df: pd.DataFrame, name: str) -> list[Any]:
    return [plain(v) for v in df[name]]


def inside(code: str, scope: tuple[str, ...]) -> bool:
    return any(code == c or code.startswith(c + ".") for c in scope)


def touches(code: str, scope: tuple[str, ...]) -> bool:
    """Inside the scope, or an area that contains part of it (the kecamatan of a scoped desa)."""
    return inside(code, scope) or any(c.startswith(code + ".") for c in scope)


class Areas:
    """Where each TPS, session and desa lies, read from the unscoped dataset."""

    def __init__(self, data: Dataset) -> None:
        tps = data.query("tps_status")
        self.tps_desa = dict(zip(tps["kode_tps"], tps["kode_desa"], strict=True))
        sessions = data.query("bimtek_sesi_kehadiran")
        self.sesi_kecamatan = dict(
            zip(sessions["kode_sesi"], sessions["kode_kecamatan"], strict=True)
        )
        areas = data.query("wilayah_daftar")
        self.desa_of_kecamatan: dict[str, list[str]] = {}
        for kecamatan, desa in zip(areas["kode_kecamatan"], areas["kode_desa"], strict=True):
            self.desa_of_kecamatan.setdefault(kecamatan, []).append(desa)


def check_codes(name: str, df: pd.DataFrame, scope: tuple[str, ...], areas: Areas) -> int:
    """Every code in every row lies in the scope (areas above it only as its parents); return
    how many codes were checked."""
    checked = 0
    for row in rows_of(df):
        desa = row.get("kode_desa")
        kecamatan = row.get("kode_kecamatan")
        if "kode_desa" in row:
            if desa is None:
                # Only a visit may name no desa; then its kecamatan itself must lie inside.
                assert name == "supervisi_kunjungan", (name, row)
                assert inside(kecamatan, scope), (name, row)
            else:
                assert inside(desa, scope), (name, row)
            checked += 1
        for column in ("kode_provinsi", "kode_kabupaten", "kode_kecamatan"):
            if column in row:
                assert touches(row[column], scope), (name, column, row)
                checked += 1
        if desa is not None and kecamatan is not None:
            assert desa.startswith(kecamatan + "."), (name, row)
        if "kode_tps" in row:
            assert inside(areas.tps_desa[row["kode_tps"]], scope), (name, row)
            checked += 1
        if row.get("kode_sesi") is not None and name in ELSEWHERE:
            # The session lies elsewhere; the member, checked above, inside.
            assert (
                areas.sesi_kecamatan[row["kode_sesi"]] == row["kode_kecamatan_sesi"] != (kecamatan)
            ), (name, row)
            checked += 1
        elif row.get("kode_sesi") is not None:
            session_kecamatan = areas.sesi_kecamatan[row["kode_sesi"]]
            # A session is shared by the desa of its kecamatan.
            assert any(inside(d, scope) for d in areas.desa_of_kecamatan[session_kecamatan]), (
                name,
                row,
            )
            checked += 1
    return checked


def check_every_query(data: Dataset, scope: tuple[str, ...], areas: Areas) -> dict[str, int]:
    view = data.scoped(scope)
    assert view.scope == tuple(sorted(scope))
    checked: dict[str, int] = {}
    for name in query_names():
        if name in NOT_AREA_ROWS:
            continue
        df = view.query(name, as_of=AS_OF.get(name))
        n = check_codes(name, df, scope, areas)
        if name not in NO_CODES:
            checked[name] = n
    # The curve covers the members in scope: its target and its last day match the summary.
    total = view.query("ringkasan_total")
    # The schedule of the whole scope counts the same members as its summary.
    schedule = view.query("jadwal_total")
    if len(schedule):
        assert schedule["kpps_aktif"].iloc[0] == total["kpps_aktif"].iloc[0]
        assert schedule["kpps_terlatih"].iloc[0] == total["kpps_terlatih"].iloc[0]
        # The expected line on the curve reaches, on D, the schedule's own target.
        line = view.query("jadwal_harian")
        on_d = line[line["tanggal"] == pd.Timestamp(view.default_as_of)]
        if len(on_d):
            assert on_d["target_terlatih"].iloc[0] == schedule["target_terlatih"].iloc[0]
    curve = view.query("bimtek_kumulatif")
    if len(curve):
        assert curve["kpps_aktif"].iloc[-1] == total["kpps_aktif"].iloc[0]
        assert curve["terlatih_kumulatif"].iloc[-1] == total["kpps_terlatih"].iloc[0]
    return checked


def is_empty(name: str, df: pd.DataFrame) -> bool:
    """No row, or for the curve (one row per day) no member at all."""
    if name == "bimtek_kumulatif":
        return bool((df[["terlatih_baru", "terlatih_kumulatif", "kpps_aktif"]] == 0).all().all())
    return df.empty


# -- fixtures ----------------------------------------------------------------------------------
@pytest.fixture(scope="module", params=[True, False], ids=["simpan", "langsung"])
def mini(request: pytest.FixtureRequest) -> Dataset:
    """The hand-checked fixture, through the precomputed store and through the reference."""
    return Dataset.open(MINI, precomputed=request.param)


@pytest.fixture(scope="module")
def mini_areas(mini: Dataset) -> Areas:
    return Areas(mini)


@pytest.fixture(scope="module")
def jatim(jatim_900: Path) -> Dataset:
    """A synthetic Jawa Timur-shaped dataset (as in test_precompute, the run's shared one):
    two kabupaten."""
    return Dataset.open(jatim_900)


# -- validation ----------------------------------------------------------------------------------
@pytest.mark.parametrize("code", BAD_CODES)
def test_a_code_that_is_not_an_area_code_is_refused(mini: Dataset, code: str) -> None:
    with pytest.raises(ValueError, match="kode cakupan wilayah tidak sah"):
        mini.scoped((code,))
    with pytest.raises(ValueError, match="kode cakupan wilayah tidak sah"):
        mini.scoped(("35.27", code))


@pytest.mark.parametrize("scope", ["35.27", 35, [35], {"35.27"}, b"35"])
def test_a_scope_that_is_not_a_list_of_text_codes_is_refused(mini: Dataset, scope: Any) -> None:
    # A bare string would otherwise be read as the codes "3", "5", ".", …
    with pytest.raises(ValueError, match="cakupan wilayah"):
        mini.scoped(scope)


def test_a_code_set_on_the_attribute_is_checked_again_before_sql(mini: Dataset) -> None:
    view = mini.scoped(TORJUN)
    view.scope = ("35' or 1=1 --",)
    with pytest.raises(ValueError, match="kode cakupan wilayah tidak sah"):
        view.query("tps_status")


def test_sql_in_a_filter_value_is_only_a_value(mini: Dataset) -> None:
    evil = ["35.27' or '1'='1"]
    for data in (mini, mini.scoped(SAMPANG)):
        for name in sorted(set(query_names()) - NO_FILTERS):
            for area in ("kabupaten", "kecamatan", "desa"):
                df = data.query(name, as_of=D1, **{area: evil})
                assert is_empty(name, df), (name, area)


def test_a_query_file_without_the_scope_cannot_run_in_a_scoped_view(
    mini: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Fail closed: a new query file that forgot $cakupan must not answer a scoped user.
    monkeypatch.setattr(store, "query_text", lambda name: "select kode_tps from tps")
    assert len(mini.query("tps_status")) == 7  # unrestricted: allowed
    with pytest.raises(RuntimeError, match="cakupan"):
        mini.scoped(TORJUN).query("tps_status")


# -- every query, code by code ---------------------------------------------------------------
def test_mini_every_query_returns_only_rows_in_scope(mini: Dataset, mini_areas: Areas) -> None:
    seen: dict[str, int] = {}
    for scope in (SAMPANG, TORJUN, KARA, SRESEH_KAMAL, ("35.27.02.2001",)):
        for name, n in check_every_query(mini, scope, mini_areas).items():
            seen[name] = seen.get(name, 0) + n
    # The check saw codes in every query with area rows: it could have failed.
    assert set(seen) == set(query_names()) - NOT_AREA_ROWS - NO_CODES
    assert all(n > 0 for n in seen.values()), sorted(seen.items(), key=lambda i: i[1])


def test_jatim_every_query_returns_only_rows_in_scope(jatim: Dataset) -> None:
    areas = Areas(jatim)
    daftar = jatim.query("wilayah_daftar")
    kabupaten = sorted(daftar["kode_kabupaten"].unique())
    assert len(kabupaten) >= 2
    in_b = daftar[daftar["kode_kabupaten"] == kabupaten[1]]
    in_a = daftar[daftar["kode_kabupaten"] == kabupaten[0]]
    desa_with_tps = sorted(set(jatim.query("tps_status")["kode_desa"]))
    desa_a = next(d for d in desa_with_tps if d.startswith(kabupaten[0] + "."))
    scopes = [
        (kabupaten[0],),
        (sorted(in_b["kode_kecamatan"])[0],),
        (desa_a,),
        (sorted(in_a["kode_kecamatan"])[-1], sorted(in_b["kode_desa"])[-1]),
        # Few TPS lack members: the kecamatan of the first one, so that list is checked too.
        (jatim.query("tps_kekurangan")["kode_kecamatan"].iloc[0],),
    ]
    seen: dict[str, int] = {}
    for scope in scopes:
        for name, n in check_every_query(jatim, scope, areas).items():
            seen[name] = seen.get(name, 0) + n
    assert all(n > 0 for n in seen.values()), sorted(seen.items(), key=lambda i: i[1])


def test_jatim_a_kabupaten_or_kecamatan_scope_equals_the_same_filter(jatim: Dataset) -> None:
    # Both select the same desa, and a visit to a kecamatan in scope is in the scope, so every
    # area query agrees (the curve's first day may differ: it starts at the scope's first
    # session, not the dataset's).
    daftar = jatim.query("wilayah_daftar")
    kabupaten = sorted(daftar["kode_kabupaten"].unique())[1]
    kecamatan = sorted(daftar["kode_kecamatan"].unique())[2]
    for scope, filters in (
        ((kabupaten,), {"kabupaten": [kabupaten]}),
        ((kecamatan,), {"kecamatan": [kecamatan]}),
    ):
        view = jatim.scoped(scope)
        for name in sorted(set(query_names()) - NO_FILTERS - {"bimtek_kumulatif"}):
            scoped = view.query(name)
            filtered = jatim.query(name, **filters)
            pd.testing.assert_frame_equal(scoped, filtered, obj=f"{name} {scope}")
        assert not view.query("tps_status").empty


def test_jatim_kabupaten_scopes_add_up_to_the_whole(jatim: Dataset) -> None:
    whole = jatim.query("ringkasan_kabupaten")
    assert len(whole) >= 2
    additive = ["desa", "tps", "kebutuhan_kpps", "kpps_aktif", "kursi_kosong", "kpps_terlatih"]
    for row in rows_of(whole):
        total = jatim.scoped((row["kode_kabupaten"],)).query("ringkasan_total")
        assert len(total) == 1
        for column in [*additive, "tps_siap", "sesi_bimtek", "kunjungan_supervisi"]:
            assert total[column].iloc[0] == row[column], (row["kode_kabupaten"], column)


# -- exact figures by hand ---------------------------------------------------------------------
TOTAL_COLUMNS = [
    "kecamatan", "desa", "tps", "kebutuhan_kpps", "kpps_aktif", "kursi_kosong", "kpps_terlatih",
    "cakupan_bimtek", "tps_siap", "tps_kurang_petugas", "tps_tanpa_ketua", "tps_belum_bimtek",
    "sesi_bimtek", "kunjungan_supervisi", "sesi_disupervisi", "desa_dikunjungi",
    "kecamatan_dikunjungi",
]  # fmt: skip


def test_ringkasan_total_by_hand(mini: Dataset) -> None:
    # fmt: off
    expected = {
        # Torjun, a kecamatan: as the kecamatan filter (tests/queries/test_ringkasan_total.py):
        # A, B, C, D: 26 seats, 19 active, 8 empty, 17 trained; S1 S2 held; V6 (naming only
        # the kecamatan, which is in the scope), V1, V2 by D1; S1 supervised by V6 and V1.
        (TORJUN, D1): (1, 2, 4, 26, 19, 8, 17, 0.894737, 0, 2, 1, 1, 2, 3, 1, 1, 1),
        # Kara, a desa: C (7 anggota, trained, no ketua) and D (empty): 14 seats, 7 active,
        # 7 empty. Torjun's sessions are Kara's too (S1 S2 by D1); no visit names Kara by D1.
        # S1's visits V6 (kecamatan only) and V1 (desa Torjun) lie outside: 0 supervised
        # (the desa filter alone would say 1, see test_a_desa_scope_is_narrower_...).
        (KARA, D1): (1, 1, 2, 14, 7, 7, 7, 1.0, 0, 1, 1, 0, 2, 0, 0, 0, 0),
        # At D2 S5 is held too; V5 (01-27) names Kara: 1 visit, 1 desa, 1 kecamatan visited.
        (KARA, D2): (1, 1, 2, 14, 7, 7, 7, 1.0, 0, 1, 1, 0, 3, 1, 0, 1, 1),
        # Sampang, a kabupaten, at D2: Sreseh (E, F: 11 seats, 11 active and trained, both
        # siap; S3 S4; V3 V4; S4 supervised; Labuhan visited) + Torjun (A-D: 26 seats, 19
        # active, 8 empty, 17 trained; A, D kurang, C tanpa ketua, B belum; S1 S2 S5; V6 V1 V2
        # V5; S1 supervised; desa Torjun and Kara visited). Kamal (Bangkalan) is left out.
        (SAMPANG, D2): (2, 4, 6, 37, 30, 8, 28, 0.933333, 2, 2, 1, 1, 5, 6, 2, 3, 2),
        # Sreseh + kelurahan Kamal at D1: E siap, F belum (F7 trains 01-24), G kurang (3 of 4
        # seats): 15 seats, 14 active, 1 empty, 13 trained; S3 only (Kamal has no session);
        # V3 (01-20, Labuhan); nothing supervised.
        (SRESEH_KAMAL, D1): (2, 3, 3, 15, 14, 1, 13, 0.928571, 1, 1, 0, 1, 1, 1, 0, 1, 1),
    }
    # fmt: on
    for (scope, as_of), values in expected.items():
        df = mini.scoped(scope).query("ringkasan_total", as_of=as_of)
        assert rows_of(df) == table_of(TOTAL_COLUMNS, [values]), (scope, as_of)


def test_a_desa_scope_is_narrower_than_a_desa_filter_for_session_supervision(
    mini: Dataset,
) -> None:
    # The session is shared (listed, counted), but the visits naming it lie outside desa Kara.
    filtered = mini.query("supervisi_sesi", as_of=D1, desa=list(KARA))
    scoped = mini.scoped(KARA).query("supervisi_sesi", as_of=D1)
    assert (
        filtered["kode_sesi"].tolist()
        == scoped["kode_sesi"].tolist()
        == [
            "BT-352702-01",
            "BT-352702-02",
        ]
    )
    assert filtered["kunjungan"].tolist() == [2, 0]
    assert filtered["pengawas"].tolist()[0] == "Ahmad Fauzi; Budi Santoso"
    assert scoped["kunjungan"].tolist() == [0, 0]
    assert scoped["pengawas"].isna().all()
    sessions = mini.scoped(KARA).query("bimtek_sesi_kehadiran", as_of=D1)
    # S1's roll call covers everyone called (15 rows, 13 distinct NIK, 11 present); S5 is after
    # D1: not held, so its counts and supervision are unknown (NULL), not 0 (issue 14).
    assert rows_of(sessions[["kode_sesi", "dipanggil", "hadir", "disupervisi"]]) == [
        {"kode_sesi": "BT-352702-01", "dipanggil": 13, "hadir": 11, "disupervisi": False},
        {"kode_sesi": "BT-352702-02", "dipanggil": 8, "hadir": 7, "disupervisi": False},
        {"kode_sesi": "BT-352702-03", "dipanggil": None, "hadir": None, "disupervisi": None},
    ]
    # Visits: only V5, which names Kara (V6 names only the kecamatan: not Kara's).
    visits = mini.scoped(KARA).query("supervisi_kunjungan")
    assert column(visits, "tanggal") == [D2]
    # Torjun's, by date then pengawas: V1 (desa Torjun), V6 (the kecamatan only), V2, V5.
    torjun = mini.scoped(TORJUN).query("supervisi_kunjungan")
    assert column(torjun, "kode_desa") == [
        "35.27.02.2001",
        None,
        "35.27.02.2001",
        "35.27.02.2002",
    ]


def test_data_tabel_counts_rows_in_scope(mini: Dataset) -> None:
    columns = ["tabel", "baris", "tanggal_awal", "tanggal_akhir"]
    # fmt: off
    # Torjun: desa Torjun, Kara; TPS A-D; KPPS A1-A9, B1-B6, C1-C7 = 22 (SK 01-10 … A9's SK
    # 01-22; Joko's unknown TPS cannot be placed); S1 S2 S5 (01-15 … 01-26) and their 15 + 8 +
    # 2 roll-call rows; visits V6 V1 V2 V5 (01-15 … 01-27).
    torjun = [
        ("wilayah", 2, None, None), ("tps", 4, None, None),
        ("kpps", 22, date(2024, 1, 10), date(2024, 1, 22)),
        ("bimtek_sesi", 3, date(2024, 1, 15), date(2024, 1, 26)),
        ("bimtek_hadir", 25, date(2024, 1, 15), date(2024, 1, 26)),
        ("supervisi", 4, date(2024, 1, 15), date(2024, 1, 27)),
    ]
    # Kara: TPS C, D; C1-C7 have no SK or stop date; Torjun's sessions are shared; only V5.
    kara = [
        ("wilayah", 1, None, None), ("tps", 2, None, None), ("kpps", 7, None, None),
        ("bimtek_sesi", 3, date(2024, 1, 15), date(2024, 1, 26)),
        ("bimtek_hadir", 25, date(2024, 1, 15), date(2024, 1, 26)),
        ("supervisi", 1, date(2024, 1, 27), date(2024, 1, 27)),
    ]
    # fmt: on
    nothing = [(t, 0, None, None) for t, *_ in kara]
    for scope, expected in ((TORJUN, torjun), (KARA, kara), ((), nothing)):
        assert rows_of(mini.scoped(scope).query("data_tabel")) == table_of(columns, expected)
        if scope:
            assert mini.scoped(scope).table_rows("kpps") == expected[2][1]
    assert mini.table_rows("kpps") == 37  # unrestricted: every row of the file


# -- filters and empty scopes --------------------------------------------------------------------
def test_filters_outside_the_scope_find_nothing(mini: Dataset) -> None:
    sreseh = mini.scoped(("35.27.01",))
    outside = [
        {"kecamatan": ["35.27.02"]},
        {"desa": ["35.27.02.2001"]},
        {"kabupaten": ["35.27"], "kecamatan": ["35.27.02"]},
    ]
    for name in sorted(set(query_names()) - NO_FILTERS):
        for filters in outside:
            # The same filter finds Torjun's rows without a scope: it is the scope that stops it
            # (desa Torjun trained nobody elsewhere: Kara did).
            as_of = AS_OF.get(name, D2)
            unscoped = mini.query(name, as_of=as_of, **filters)
            assert is_empty(name, unscoped) is (name in ELSEWHERE and "desa" in filters), (
                name,
                filters,
            )
            assert is_empty(name, sreseh.query(name, as_of=as_of, **filters)), (name, filters)
        # Kamal lies in another kabupaten.
        assert is_empty(name, sreseh.query(name, as_of=D2, kabupaten=["35.26"])), name


def test_an_empty_scope_finds_nothing(mini: Dataset) -> None:
    view = mini.scoped(())
    assert view.scope == ()
    for name in query_names():
        df = view.query(name, as_of=D2)
        if name == "tanggal_data":
            assert len(df) == 1  # the default dates only
        elif name == "data_tabel":
            assert df["baris"].tolist() == [0] * 6
        else:
            assert df.empty, name  # also the curve: no day of anybody's sessions
        for filters in ({"kabupaten": ["35.27"]}, {"desa": ["35.27.02.2001"]}):
            if name not in NO_FILTERS:
                assert view.query(name, as_of=D2, **filters).empty, (name, filters)


def test_the_curve_under_a_scope_starts_with_its_own_first_session_or_training(
    mini: Dataset,
) -> None:
    # Sreseh's first session is S3 (01-16): the dataset's first (S1, 01-15) is Torjun's.
    assert column(mini.query("bimtek_kumulatif", as_of=D1), "tanggal")[0] == date(2024, 1, 15)
    sreseh = mini.scoped(("35.27.01",)).query("bimtek_kumulatif", as_of=D1)
    assert column(sreseh, "tanggal") == [date(2024, 1, d) for d in range(16, 21)]
    # Kamal has no session; its members were trained in Sreseh's S3 on 01-16.
    kamal = mini.scoped(("35.26",)).query("bimtek_kumulatif", as_of=D1)
    assert column(kamal, "tanggal")[0] == date(2024, 1, 16)
    assert kamal["terlatih_kumulatif"].iloc[-1] == 3 and kamal["kpps_aktif"].iloc[0] == 3


# -- scoping a scoped view -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        (TORJUN, SAMPANG, TORJUN),  # wider second scope: stays Torjun
        (SAMPANG, TORJUN, TORJUN),
        (TORJUN, ("35.26",), ()),  # disjoint: nothing
        (TORJUN, None, TORJUN),  # None keeps the scope, never lifts it
        (TORJUN, ("35.27.02.2002", "35.27.01"), KARA),
        (("35",), ("35.27.02", "35.26.01.1001"), ("35.26.01.1001", "35.27.02")),
        (("35.27.02", "35.26"), ("35.27", "35.26.01.1001"), ("35.26.01.1001", "35.27.02")),
        ((), SAMPANG, ()),
        (None, ("35.27", "35.27.02", "35.27"), SAMPANG),  # redundant codes are dropped
    ],
)
def test_scoping_a_scoped_view_never_widens_it(
    mini: Dataset,
    first: tuple[str, ...] | None,
    second: tuple[str, ...] | None,
    expected: tuple[str, ...],
) -> None:
    view = mini.scoped(first).scoped(second)
    assert view.scope == expected
    assert view._con is mini._con  # a view, not a reload
    every = mini.query("wilayah_daftar")["kode_desa"]
    assert column(view.query("wilayah_daftar"), "kode_desa") == sorted(
        d for d in every if inside(d, expected)
    )
    assert mini.scope is None  # the dataset itself is untouched


def test_a_dataset_is_unrestricted_until_scoped(mini: Dataset) -> None:
    assert mini.scope is None
    assert len(mini.query("wilayah_daftar")) == 5
    assert len(mini.scoped(None).query("wilayah_daftar")) == 5


# -- the static guarantee: every query file applies the scope ----------------------------------
def _calls(sql: str, function: str) -> Iterator[str]:
    """The argument text of every call of `function(` in `sql`."""
    for match in re.finditer(rf"\b{function}\(", sql):
        depth, start = 1, match.end()
        position = start
        while depth:
            depth += {"(": 1, ")": -1}.get(sql[position], 0)
            position += 1
        yield sql[start : position - 1]


def _code(path: Path) -> str:
    return re.sub(r"--[^\n]*", "", path.read_text(encoding="utf-8"))


def test_every_query_file_applies_the_scope() -> None:
    assert {"tanggal_data"} == store.UNSCOPED_QUERIES
    files = sorted(QUERIES.glob("*.sql"))
    assert len(files) == len(query_names()) > 10
    for path in files:
        code = _code(path)
        if path.stem in store.UNSCOPED_QUERIES:
            assert "$cakupan" not in code and "wilayah_dipilih(" not in code, path.name
            continue
        assert "$cakupan::varchar[]" in code, path.name
        for function in ("wilayah_dipilih", "ringkasan_area"):
            for arguments in _calls(code, function):
                assert "$cakupan::varchar[]" in arguments, (path.name, function, arguments)
    # The shared macro passes its scope on, and the area macro takes it.
    summary = _code(QUERIES / "macros" / "ringkasan_area.sql")
    assert [a.split(",")[-1].strip() for a in _calls(summary, "wilayah_dipilih")] == ["cakupan"]
    area = _code(QUERIES / "macros" / "wilayah_dipilih.sql")
    assert "dalam_cakupan(w.kode_desa, cakupan)" in area


def test_the_area_macro_takes_the_scope_as_a_required_argument(mini: Dataset) -> None:
    con = mini._con
    assert (
        con.execute("select count(*) from wilayah_dipilih(null, null, null, null)").fetchone()[0]
        == 5
    )
    assert (
        con.execute(
            "select count(*) from wilayah_dipilih(null, null, null, $c::varchar[])", {"c": ["35.2"]}
        ).fetchone()[0]
        == 0
    )  # 35.2 is no prefix of 35.27 or 35.26
    with pytest.raises(Exception, match="wilayah_dipilih"):
        con.execute("select * from wilayah_dipilih(null, null, null)")


# -- problems ------------------------------------------------------------------------------------
@pytest.fixture(scope="module", params=[True, False], ids=["simpan", "langsung"])
def planted(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    """mini with problems planted in every table (rows are file rows: the header is row 1)."""
    folder = tmp_path_factory.mktemp("masalah") / "mini"
    shutil.copytree(MINI, folder, ignore=shutil.ignore_patterns(".kesiapan-*"))

    def replace(name: str, old: str, new: str) -> None:
        path = folder / name
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, old
        path.write_text(text.replace(old, new), encoding="utf-8")

    (folder / "dataset.toml").write_text("nama = \n", encoding="utf-8")  # unreadable: no row
    (folder / "kpps.parquet").write_bytes(b"")  # ignored rival of kpps.csv: no row
    # The header loses `lembaga` (row 1: the whole file), so rows 2-7 all miss it.
    replace("supervisi.csv", ",lembaga,", ",organisasi,")
    replace("tps.csv", "35.27.01.2001,1,120,4", "35.27.01.2001,1,seratus,4")  # row 6, TPS E
    replace("bimtek_sesi.csv", "Balai Desa Labuhan,10", "Balai Desa Labuhan,sepuluh")  # row 5, S4
    replace("bimtek_hadir.csv", "3527024407850002,ya", "3527024407850002,absen")  # row 4, S1
    # Sugeng (row 35, Kamal's TPS G) gets a 15-digit NIK, so his roll-call row in Sreseh's S3
    # (bimtek_hadir row 36) names a NIK not in kpps.
    replace("kpps.csv", "3526010505830034,Sugeng", "352601050583003,Sugeng")
    return Dataset.open(folder, precomputed=request.param)


# (berkas, baris, tingkat) of every problem, with the area of its row; None: no data row.
# Also in mini itself: Joko's unknown TPS (kpps row 38: cannot be placed) and TPS B's six members
# for five seats (pointing at B's first member, kpps row 11).
PLANTED = [
    ("supervisi.csv", 1, ERROR, None),
    ("tps.csv", 6, ERROR, "35.27.01.2001"),
    ("kpps.csv", 35, ERROR, "35.26.01.1001"),
    ("kpps.csv", 38, ERROR, None),
    ("bimtek_sesi.csv", 5, ERROR, "35.27.01"),
    ("bimtek_hadir.csv", 4, ERROR, "35.27.02"),
    ("supervisi.csv", 2, ERROR, "35.27.02"),  # V6 names only the kecamatan
    ("supervisi.csv", 3, ERROR, "35.27.02.2001"),
    ("supervisi.csv", 4, ERROR, "35.27.02.2001"),
    ("supervisi.csv", 5, ERROR, "35.27.01.2002"),
    ("supervisi.csv", 6, ERROR, "35.27.01.2002"),
    ("supervisi.csv", 7, ERROR, "35.27.02.2002"),
    ("kpps.csv", 11, WARNING, "35.27.02.2001"),
    ("bimtek_hadir.csv", 36, WARNING, "35.27.01"),  # roll call of Sreseh's S3
    ("dataset.toml", None, WARNING, None),
    ("kpps.parquet", None, WARNING, None),
]
FILE_LEVEL = {("supervisi.csv", 1), ("dataset.toml", None), ("kpps.parquet", None)}


def _where(problems: list[Any]) -> set[tuple[str, int | None]]:
    return {(p.berkas, p.baris) for p in problems}


def test_every_problem_knows_the_area_of_its_row(planted: Dataset) -> None:
    found = sorted(
        ((p.berkas, p.baris, p.tingkat, p.kode_wilayah) for p in planted.problems),
        key=lambda p: (p[0], p[1] or 0),
    )
    assert found == sorted(PLANTED, key=lambda p: (p[0], p[1] or 0))


@pytest.mark.parametrize(
    ("scope", "rows"),
    [
        # Sampang: all but Sugeng's row in Bangkalan and Joko's row that cannot be placed.
        (SAMPANG, {("tps.csv", 6), ("bimtek_sesi.csv", 5), ("bimtek_hadir.csv", 4),
                   ("supervisi.csv", 2), ("supervisi.csv", 3), ("supervisi.csv", 4),
                   ("supervisi.csv", 5), ("supervisi.csv", 6), ("supervisi.csv", 7),
                   ("kpps.csv", 11), ("bimtek_hadir.csv", 36)}),
        # Torjun: its visits, S1's roll call, TPS B.
        (TORJUN, {("bimtek_hadir.csv", 4), ("supervisi.csv", 2), ("supervisi.csv", 3),
                  ("supervisi.csv", 4), ("supervisi.csv", 7), ("kpps.csv", 11)}),
        # Desa Torjun: V1, V2 and TPS B; not V6 (kecamatan only) nor S1's roll call.
        (("35.27.02.2001",), {("supervisi.csv", 3), ("supervisi.csv", 4), ("kpps.csv", 11)}),
        # Bangkalan: Sugeng's row; his roll-call row belongs to Sreseh's session.
        (("35.26",), {("kpps.csv", 35)}),
        (SRESEH_KAMAL, {("tps.csv", 6), ("bimtek_sesi.csv", 5), ("supervisi.csv", 5),
                        ("supervisi.csv", 6), ("kpps.csv", 35), ("bimtek_hadir.csv", 36)}),
        ((), set()),
    ],
    ids=["sampang", "torjun", "desa-torjun", "bangkalan", "sreseh-kamal", "kosong"],
)  # fmt: skip
def test_a_scoped_view_lists_the_problems_of_its_rows_and_of_whole_files(
    planted: Dataset, scope: tuple[str, ...], rows: set[tuple[str, int]]
) -> None:
    assert len(planted.problems) == len(PLANTED)  # unrestricted: all 16
    view = planted.scoped(scope)
    assert _where(view.problems) == rows | FILE_LEVEL
    assert len(view.problems) == len(rows) + 3
    # Same order as the whole list, and errors/warnings follow.
    assert view.problems == [p for p in planted.problems if p in view.problems]
    assert view.errors == [p for p in view.problems if p.tingkat == ERROR]
    assert view.warnings == [p for p in view.problems if p.tingkat == WARNING]


def test_errors_and_warnings_of_one_desa(planted: Dataset) -> None:
    view = planted.scoped(("35.27.02.2001",))
    # V1, V2 and the header of supervisi.csv; TPS B's surplus, dataset.toml, kpps.parquet.
    assert [(p.berkas, p.baris) for p in view.errors] == [
        ("supervisi.csv", 1),
        ("supervisi.csv", 3),
        ("supervisi.csv", 4),
    ]
    assert sorted((p.berkas, p.baris or 0) for p in view.warnings) == [
        ("dataset.toml", 0),
        ("kpps.csv", 11),
        ("kpps.parquet", 0),
    ]
    # Narrowing again never brings a problem back.
    assert planted.scoped(TORJUN).scoped(("35.27.02.2001",)).problems == view.problems
    assert planted.scoped(("35.27.02.2001",)).scoped(SAMPANG).problems == view.problems
