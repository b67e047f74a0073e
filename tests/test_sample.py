"""The sample generator (kesiapan.devtools.sample): determinism, the committed sample, and its raw
facts."""

from __future__ import annotations

import csv
import tomllib
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from kesiapan.devtools import sample

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "data" / "sample"
REFERENCE = ROOT / "data" / "referensi" / "sampang"
SHARED_REFERENCE = ROOT.parent / "shared" / "data" / "sampang"
GENERATED_FILES = (
    "wilayah.csv",
    "tps.csv",
    "kpps.csv",
    "bimtek_sesi.csv",
    "bimtek_hadir.csv",
    "supervisi.csv",
    "dataset.toml",
)
VOTING_DAY = date(2024, 2, 14)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("sampang")
    return out, sample.generate(out)


@pytest.fixture(scope="module")
def tables(generated: tuple[Path, dict[str, int]]) -> dict[str, pd.DataFrame]:
    out, _ = generated
    return {
        name: pd.read_csv(out / f"{name}.csv", dtype=str, keep_default_na=False)
        for name in ("wilayah", "tps", "kpps", "bimtek_sesi", "bimtek_hadir", "supervisi")
    }


@pytest.fixture(scope="module")
def kecamatan_reference() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "kecamatan.csv", dtype=str, keep_default_na=False)


def test_two_runs_are_byte_identical_and_match_the_committed_sample(
    generated: tuple[Path, dict[str, int]], tmp_path: Path
) -> None:
    first, counts = generated
    again = sample.generate(tmp_path)
    assert again == counts
    for name in GENERATED_FILES:
        assert (first / name).read_bytes() == (tmp_path / name).read_bytes(), name
        assert (first / name).read_bytes() == (COMMITTED / name).read_bytes(), (
            f"data/sample/{name} is stale: regenerate with python -m kesiapan sample "
            "--out data/sample"
        )


def test_returned_counts_are_the_data_rows(
    generated: tuple[Path, dict[str, int]], tables: dict[str, pd.DataFrame]
) -> None:
    _, counts = generated
    assert counts == {name: len(frame) for name, frame in tables.items()}


def test_files_are_plain_utf8_csv_with_newline_endings(
    generated: tuple[Path, dict[str, int]],
) -> None:
    out, _ = generated
    for name in GENERATED_FILES:
        raw = (out / name).read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf"), name
        assert b"\r" not in raw, name
        assert raw.endswith(b"\n"), name
        raw.decode("utf-8")
    with (out / "supervisi.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert {len(row) for row in rows} == {8}


@pytest.mark.skipif(
    not SHARED_REFERENCE.is_dir(), reason="../shared (the project's shared folder) is absent"
)
def test_reference_copy_is_byte_identical_to_shared() -> None:
    names = sorted(p.name for p in SHARED_REFERENCE.iterdir())
    assert names == sorted(p.name for p in REFERENCE.iterdir())
    for name in names:
        assert (REFERENCE / name).read_bytes() == (SHARED_REFERENCE / name).read_bytes(), name
    assert "MIT License" in (REFERENCE / "SOURCES.md").read_text(encoding="utf-8")


def test_dataset_toml(generated: tuple[Path, dict[str, int]]) -> None:
    out, _ = generated
    config = tomllib.loads((out / "dataset.toml").read_text(encoding="utf-8"))
    assert config == {
        "nama": "Pemilu 2024 — Kabupaten Sampang (data contoh)",
        "hari_pemungutan": date(2024, 2, 14),
        "bimtek_mulai": date(2024, 1, 25),
        "bimtek_selesai": date(2024, 1, 29),
    }


def test_wilayah_is_the_reference_without_postcodes(tables: dict[str, pd.DataFrame]) -> None:
    reference = pd.read_csv(REFERENCE / "wilayah.csv", dtype=str, keep_default_na=False)
    wilayah = tables["wilayah"]
    assert len(wilayah) == 186
    assert list(wilayah.columns) == list(sample.WILAYAH_HEADER)
    pd.testing.assert_frame_equal(wilayah, reference.drop(columns="kode_pos"))
    assert wilayah.kode_kecamatan.nunique() == 14


def test_tps_per_kecamatan_and_voters(
    tables: dict[str, pd.DataFrame], kecamatan_reference: pd.DataFrame
) -> None:
    tps = tables["tps"]
    assert len(tps) == 2726
    assert tps.kode_tps.is_unique
    assert tps.kode_tps.str.fullmatch(r"\d{13}").all()
    assert (tps.kode_tps == tps.kode_desa.str.replace(".", "") + tps.nomor_tps.str.zfill(3)).all()
    numbers = tps.nomor_tps.astype(int)
    assert (numbers.groupby(tps.kode_desa).max() == tps.groupby("kode_desa").size()).all()
    assert set(tps.kode_desa) == set(tables["wilayah"].kode_desa)  # every desa has a TPS
    assert set(tps.kebutuhan_kpps) == {"7", ""}

    expected = kecamatan_reference.set_index("kode_kecamatan")
    per_kecamatan = tps.groupby(tps.kode_desa.str[:8])
    assert per_kecamatan.size().to_dict() == expected.tps_pemilu_2024.astype(int).to_dict()
    voters = tps.jumlah_dpt.astype(int)
    assert voters.max() <= 300
    totals = expected.dpt_pemilu_2024.where(
        expected.dpt_pemilu_2024 != "", expected.dps_pemilu_2024
    )
    assert voters.groupby(tps.kode_desa.str[:8]).sum().to_dict() == totals.astype(int).to_dict()


def test_roster_on_the_first_bimtek_day(tables: dict[str, pd.DataFrame]) -> None:
    kpps = tables["kpps"]
    originals = kpps[kpps.tanggal_sk == "2024-01-24"]
    assert len(originals) == 19_082
    assert (originals.groupby("kode_tps").size() == 7).all()
    assert (originals.groupby("kode_tps").jabatan.apply(lambda j: (j == "ketua").sum()) == 1).all()
    stopped = kpps.tanggal_berhenti[kpps.tanggal_berhenti != ""]
    assert (stopped > "2024-01-25").all()
    assert (kpps.tanggal_sk > "2024-01-25").sum() == len(kpps) - 19_082
    assert set(kpps.jabatan) == {"ketua", "anggota"}
    assert not kpps.duplicated(["kode_tps", "nama"]).any()


def test_nik_is_consistent(tables: dict[str, pd.DataFrame]) -> None:
    kpps = tables["kpps"]
    nik = kpps.nik
    assert nik.str.fullmatch(r"\d{16}").all()
    assert nik.is_unique
    assert (nik.str[:6] == kpps.kode_tps.str[:6]).all()
    born = pd.to_datetime(kpps.tanggal_lahir, format="%Y-%m-%d")
    day = born.dt.day + 40 * (kpps.jenis_kelamin == "P")
    assert (nik.str[6:8].astype(int) == day).all()
    assert (nik.str[8:10].astype(int) == born.dt.month).all()
    assert (nik.str[10:12].astype(int) == born.dt.year % 100).all()
    assert (nik.str[12:].astype(int) >= 1).all()
    assert set(kpps.jenis_kelamin) == {"L", "P"}


def test_ages_and_phones(tables: dict[str, pd.DataFrame]) -> None:
    kpps = tables["kpps"]
    born = pd.to_datetime(kpps.tanggal_lahir, format="%Y-%m-%d")
    before_birthday = (born.dt.month > 2) | ((born.dt.month == 2) & (born.dt.day > 14))
    age = VOTING_DAY.year - born.dt.year - before_birthday
    assert age.min() >= 17
    assert (age > 55).sum() == 2  # planted warnings
    phones = kpps.no_hp[kpps.no_hp != ""]
    assert phones.str.fullmatch(r"08\d{9,11}").all()
    assert 0.02 < (kpps.no_hp == "").mean() < 0.08


def test_every_code_resolves(tables: dict[str, pd.DataFrame]) -> None:
    wilayah, tps, kpps = tables["wilayah"], tables["tps"], tables["kpps"]
    sesi, hadir, supervisi = tables["bimtek_sesi"], tables["bimtek_hadir"], tables["supervisi"]
    assert set(tps.kode_desa) <= set(wilayah.kode_desa)
    assert set(kpps.kode_tps) <= set(tps.kode_tps)
    assert sesi.kode_sesi.is_unique
    assert set(sesi.kode_kecamatan) <= set(wilayah.kode_kecamatan)
    assert set(hadir.kode_sesi) <= set(sesi.kode_sesi)
    assert set(supervisi.kode_kecamatan) <= set(wilayah.kode_kecamatan)
    named_sessions = supervisi.kode_sesi[supervisi.kode_sesi != ""]
    assert set(named_sessions) <= set(sesi.kode_sesi)
    desa_kecamatan = wilayah.set_index("kode_desa").kode_kecamatan
    with_desa = supervisi[supervisi.kode_desa != ""]
    assert (with_desa.kode_desa.map(desa_kecamatan) == with_desa.kode_kecamatan).all()
    for frame, column in ((kpps, "tanggal_sk"), (sesi, "tanggal"), (supervisi, "tanggal")):
        pd.to_datetime(frame[column], format="%Y-%m-%d")
    assert set(hadir.hadir) == {"ya", "tidak"}
    assert hadir.nik.str.fullmatch(r"\d{16}").all()


def test_planted_roll_call_gaps(tables: dict[str, pd.DataFrame]) -> None:
    kpps, hadir, sesi = tables["kpps"], tables["bimtek_hadir"], tables["bimtek_sesi"]
    assert (~hadir.nik.isin(kpps.nik)).sum() == 1
    assert hadir.duplicated().sum() == 20
    assert (hadir[hadir.duplicated()].hadir == "ya").all()
    absent = hadir[hadir.hadir == "tidak"]
    assert (absent.nilai_pre == "").all() and (absent.nilai_post == "").all()
    scores = pd.to_numeric(hadir.nilai_post[hadir.hadir == "ya"])
    assert scores.between(0, 100).all()
    # Original members trained in another kecamatan's regular session.
    regular = sesi[~sesi.kode_sesi.str.contains("-S")].set_index("kode_sesi").kode_kecamatan
    rows = hadir[hadir.kode_sesi.isin(regular.index) & (hadir.hadir == "ya")]
    home = rows.nik.map(kpps.set_index("nik").kode_tps.str[:6])
    elsewhere = home.notna() & (home != rows.kode_sesi.map(regular).str.replace(".", ""))
    assert rows[elsewhere].nik.nunique() == 40


def test_readiness_at_the_latest_date(tables: dict[str, pd.DataFrame]) -> None:
    kpps, sesi, supervisi = tables["kpps"], tables["bimtek_sesi"], tables["supervisi"]
    latest = max(
        kpps.tanggal_sk.max(),
        kpps.tanggal_berhenti.max(),
        sesi.tanggal.max(),
        supervisi.tanggal.max(),
    )
    assert "2024-02-01" <= latest < "2024-02-14"
    serving = (kpps.tanggal_berhenti == "") | (kpps.tanggal_berhenti > latest)
    active = kpps[(kpps.tanggal_sk <= latest) & serving]
    per_tps = active.groupby("kode_tps").agg(
        n=("nik", "size"), ketua=("jabatan", lambda j: (j == "ketua").sum())
    )
    assert len(per_tps) == 2726
    assert per_tps.n.max() == 7 and per_tps.ketua.max() == 1
    stops = (kpps.tanggal_berhenti != "").sum()
    replacements = (kpps.tanggal_sk > "2024-01-24").sum()
    assert round(stops / 19_082, 3) == 0.012
    assert (7 - per_tps.n).sum() == stops - replacements  # empty seats: PAW not yet appointed
    assert 0.05 < (stops - replacements) / stops < 0.15
    assert ((per_tps.n == 7) & (per_tps.ketua == 0)).sum() == 5  # tanpa_ketua


def test_supervision(tables: dict[str, pd.DataFrame]) -> None:
    supervisi, sesi = tables["supervisi"], tables["bimtek_sesi"]
    province = supervisi[supervisi.lembaga == "KPU Provinsi Jawa Timur"]
    assert list(province.tanggal) == ["2024-01-28", "2024-01-28"]
    assert sorted(province.kode_kecamatan) == ["35.27.02", "35.27.03"]
    dated = sesi.set_index("kode_sesi")
    assert (province.kode_sesi.map(dated.tanggal) == "2024-01-28").all()
    assert (province.kode_sesi.map(dated.kode_kecamatan) == province.kode_kecamatan).all()
    assert province.pengawas.nunique() == 1

    regency = supervisi[supervisi.lembaga == "KPU Kabupaten Sampang"]
    at_sessions = regency[regency.kode_sesi != ""]
    assert 25 <= len(at_sessions) <= 30
    assert at_sessions.tanggal.between("2024-01-25", "2024-01-29").all()
    assert at_sessions.kode_kecamatan.nunique() == 10
    assert not set(supervisi.kode_kecamatan) & {"35.27.10", "35.27.11", "35.27.13", "35.27.14"}
    follow_ups = regency[regency.kode_sesi == ""]
    assert len(follow_ups) == 5
    assert (follow_ups.kode_desa != "").all() and (follow_ups.tanggal >= "2024-02-01").all()
    assert regency.pengawas.nunique() == 5


def test_unknown_scale_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="scale"):
        sample.generate(tmp_path, scale="dunia")


@pytest.mark.parametrize(
    ("scale", "n_tps", "provinces"), [("jatim", 6000, 1), ("nasional", 9000, 38)]
)
def test_synthetic_scales_small(tmp_path: Path, scale: str, n_tps: int, provinces: int) -> None:
    counts = sample.generate(tmp_path, scale=scale, _n_tps=n_tps)
    read = {
        name: pd.read_csv(tmp_path / f"{name}.csv", dtype=str, keep_default_na=False)
        for name in counts
    }
    wilayah, tps, kpps, hadir = read["wilayah"], read["tps"], read["kpps"], read["bimtek_hadir"]
    assert counts["tps"] == n_tps
    assert wilayah.kode_provinsi.nunique() == provinces
    assert (wilayah.kode_kabupaten == "35.27").sum() == 186  # real Sampang inside
    assert wilayah.kode_desa.is_unique and tps.kode_tps.is_unique
    assert wilayah.kode_desa.str.fullmatch(r"\d\d\.\d\d\.\d\d\.\d{4}").all()
    assert tps.kode_tps.str.fullmatch(r"\d{13}").all()
    assert set(tps.kode_desa) == set(wilayah.kode_desa)
    assert (kpps.tanggal_sk == "2024-01-24").sum() == 7 * n_tps
    assert kpps.nik.is_unique and kpps.nik.str.fullmatch(r"\d{16}").all()
    assert (kpps.nik.str[:6] == kpps.kode_tps.str[:6]).all()
    assert set(kpps.kode_tps) <= set(tps.kode_tps)
    assert set(hadir.kode_sesi) <= set(read["bimtek_sesi"].kode_sesi)
    assert 1.0 < len(hadir) / len(kpps) < 1.1
    assert hadir.duplicated().any()


def test_masked_sample_niks_tell_people_apart() -> None:
    """Issue 15: the digits a masked NIK shows (region and serial) differ between people,
    and every NIK still carries its holder's birth date (day + 40 for women) and region."""

    from kesiapan.access import privacy

    kpps = pd.read_csv(ROOT / "data" / "sample" / "kpps.csv", dtype=str)
    masked = kpps["nik"].map(privacy.mask_nik)
    assert masked.nunique() > len(kpps) // 3
    born = pd.to_datetime(kpps["tanggal_lahir"])
    day = born.dt.day + 40 * (kpps["jenis_kelamin"] == "P")
    expected = day.map("{:02d}".format) + born.dt.strftime("%m%y")
    assert (kpps["nik"].str[6:12] == expected).all()
    assert (kpps["nik"].str[:6] == kpps["kode_tps"].str[:6]).all()
    assert kpps["nik"].str.fullmatch(r"\d{16}").all()
