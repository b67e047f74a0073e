"""`python -m kesiapan bench`: how long each page's queries take, against plain pandas, and
what each whole page costs as the server runs it.

For one scale (the Sampang sample, or synthetic Jawa Timur / national data generated on
demand) it measures the store's build from CSV (time and peak memory, in a child process),
then for every page the time of all the queries that page runs, for no filter, one
kabupaten and one kecamatan, at the default date and at another date: the first (cold) run
and the median of warm runs. The same figures are computed by a plain pandas implementation
(read the files, merge, group by) in the same run, and the ratio pandas / store is reported.
It also checks that the precomputed store and the straight-from-the-tables reference give the
same report. Nothing here is asserted: the numbers are printed and written as JSON.

`run_pages` then opens every page through a real server over Streamlit's own protocol
(kesiapan.devtools.protocol), with no filter and with one kabupaten, and fails on any exception or
on a page that sends more than PAGE_BOUND_BYTES to the browser: the queries alone never
showed that two national pages crashed in pandas' Styler.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from kesiapan import paths
from kesiapan.devtools import sample
from kesiapan.store.dataset import CACHE_PREFIX, Dataset

ROOT = paths.ROOT
SAMPLE_DIR = ROOT / "data" / "sample"
# Synthetic Jawa Timur and national data are generated here on first use (not committed).
BENCH_DATA = Path(
    os.environ.get("KESIAPAN_BENCH_DATA", Path(tempfile.gettempdir()) / "kesiapan-bench")
)
WARM_RUNS = 5
LIST_LIMIT = 1000  # name lists on a page show this many rows (MAX_NAMES_SHOWN in pages/bimtek.py)
PAGES = ("Ringkasan", "Cakupan Bimtek", "Kekurangan Petugas", "Supervisi", "Data")
PAGE_FILES = {
    "Ringkasan": "overview.py",
    "Cakupan Bimtek": "bimtek.py",
    "Kekurangan Petugas": "petugas.py",
    "Supervisi": "supervisi.py",
    "Data": "data.py",
}
# Queries a page runs only after a click (one TPS's members): not part of drawing the page.
ON_CLICK = {"Kekurangan Petugas": {"kpps_aktif_tps"}}


@dataclass(frozen=True)
class View:
    label: str
    as_of: date
    kabupaten: tuple[str, ...] = ()
    kecamatan: tuple[str, ...] = ()
    by_kabupaten: bool = False  # the view spans many kecamatan: summaries go by kabupaten

    def args(self) -> dict[str, object]:
        return {
            "as_of": self.as_of,
            "kabupaten": list(self.kabupaten) or None,
            "kecamatan": list(self.kecamatan) or None,
        }


def page_queries(page: str, view: View) -> list[tuple[str, dict[str, object]]]:
    """The queries a page runs for a view, as pages/*.py call them (tests keep them in step)."""
    single = len(view.kecamatan) == 1
    # page.areas_summary() and page.judged(): a summary with its schedule (docs/jadwal.md).
    level = "desa" if single else "kabupaten" if view.by_kabupaten else "kecamatan"
    area = [f"ringkasan_{level}", f"jadwal_{level}"]
    base = view.args()
    # ui.start() draws the head; page.previous() finds the day before for the cards' trend.
    head = ["ringkasan_total", "tanggal_sebelumnya"]
    if page == "Ringkasan":
        names = [*head, *area, "ringkasan_kecamatan", "jadwal_kecamatan"]
        names += ["supervisi_desa"] if single else []
    elif page == "Cakupan Bimtek":
        names = [*head, "jadwal_total", *area, "bimtek_kumulatif", "jadwal_harian"]
        names += ["bimtek_sesi_kehadiran", "rencana_sesi"]
        # Past MAX_SESSIONS_CHARTED sessions (a whole kabupaten) the chart is per day.
        names += ["tps_status"] if single else ["bimtek_sesi_harian"]
        return [(n, base) for n in dict.fromkeys(names)] + [
            ("rencana_bimtek", {**base, "batas": LIST_LIMIT})
        ]
    elif page == "Kekurangan Petugas":
        names = [*head, *area, "tps_kekurangan", "paw"]
    elif page == "Supervisi":
        names = [
            "supervisi_kecamatan",
            "supervisi_kunjungan",
            "supervisi_sesi",
            "supervisi_desa",
            "ringkasan_desa",
            "ringkasan_total",
        ]
    elif page == "Data":
        return [("data_tabel", {}), ("bimtek_sesi_lain", base)]
    else:
        raise KeyError(page)
    # The page asks twice for some tables (map and ranking); Streamlit's cache answers the second.
    return [(n, base) for n in dict.fromkeys(names)]


# -- plain pandas ---------------------------------------------------------------------------
class PandasModel:
    """The figures the pages show, the way an analyst would compute them with pandas alone."""

    def __init__(self, folder: Path) -> None:
        def read(name: str, dates: tuple[str, ...] = ()) -> pd.DataFrame:
            frame = pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)
            frame = frame.replace("", None)
            for column in dates:
                frame[column] = pd.to_datetime(frame[column])
            return frame

        self.wilayah = read("wilayah")
        self.tps = read("tps")
        self.tps["kebutuhan_kpps"] = pd.to_numeric(self.tps["kebutuhan_kpps"]).fillna(7)
        self.kpps = read("kpps", ("tanggal_sk", "tanggal_berhenti"))
        self.sesi = read("bimtek_sesi", ("tanggal",))
        self.sesi["kapasitas"] = pd.to_numeric(self.sesi["kapasitas"])
        self.hadir = read("bimtek_hadir")
        self.hadir["hadir"] = (
            self.hadir["hadir"].str.lower().isin(("ya", "hadir", "y", "1", "true"))
        )
        self.supervisi = read("supervisi", ("tanggal",))

    def _desa(self, view: View) -> pd.DataFrame:
        w = self.wilayah
        if view.kabupaten:
            w = w[w["kode_kabupaten"].isin(view.kabupaten)]
        if view.kecamatan:
            w = w[w["kode_kecamatan"].isin(view.kecamatan)]
        return w

    def _trained(self, d: pd.Timestamp) -> pd.DataFrame:
        present = self.hadir[self.hadir["hadir"]].merge(self.sesi, on="kode_sesi")
        present = present[present["tanggal"] <= d]
        return present.groupby("nik", as_index=False)["tanggal"].min()

    def _active(self, d: pd.Timestamp, desa: pd.DataFrame) -> pd.DataFrame:
        k = self.kpps
        k = k[(k["tanggal_sk"].isna() | (k["tanggal_sk"] <= d))]
        k = k[k["tanggal_berhenti"].isna() | (k["tanggal_berhenti"] > d)]
        k = k.merge(self.tps[["kode_tps", "kode_desa"]], on="kode_tps")
        k = k.merge(desa[["kode_desa", "kode_kecamatan"]], on="kode_desa")
        trained = self._trained(d).rename(columns={"tanggal": "tanggal_bimtek"})
        return k.merge(trained, on="nik", how="left")

    def _tps_status(self, view: View) -> pd.DataFrame:
        d = pd.Timestamp(view.as_of)
        desa = self._desa(view)
        active = self._active(d, desa)
        active["ketua"] = active["jabatan"].str.lower() == "ketua"
        per_tps = active.groupby("kode_tps").agg(
            kpps_aktif=("nik", "size"),
            kpps_terlatih=("tanggal_bimtek", "count"),
            ada_ketua=("ketua", "any"),
        )
        tps = self.tps.merge(desa[["kode_desa", "kode_kecamatan"]], on="kode_desa")
        tps = tps.merge(per_tps, on="kode_tps", how="left").fillna(
            {"kpps_aktif": 0, "kpps_terlatih": 0, "ada_ketua": False}
        )
        tps["kursi_kosong"] = (tps["kebutuhan_kpps"] - tps["kpps_aktif"]).clip(lower=0)
        tps["status"] = "siap"
        tps.loc[tps["kpps_terlatih"] < tps["kpps_aktif"], "status"] = "belum_bimtek"
        tps.loc[~tps["ada_ketua"].astype(bool), "status"] = "tanpa_ketua"
        tps.loc[tps["kpps_aktif"] < tps["kebutuhan_kpps"], "status"] = "kurang_petugas"
        return tps

    def _summary(self, view: View, by: str) -> pd.DataFrame:
        tps = self._tps_status(view)
        status = pd.crosstab(tps[by], tps["status"])
        sums = tps.groupby(by)[["kebutuhan_kpps", "kpps_aktif", "kursi_kosong", "kpps_terlatih"]]
        return sums.sum().join(status).assign(tps=tps.groupby(by).size())

    def _visits(self, view: View) -> pd.DataFrame:
        v = self.supervisi[self.supervisi["tanggal"] <= pd.Timestamp(view.as_of)]
        return v[v["kode_kecamatan"].isin(self._desa(view)["kode_kecamatan"])]

    def run(self, page: str, view: View) -> None:
        d = pd.Timestamp(view.as_of)
        by = "kode_desa" if len(view.kecamatan) == 1 else "kode_kecamatan"
        if page == "Data":
            for frame in (self.wilayah, self.tps, self.kpps, self.sesi, self.hadir):
                len(frame)
            self.kpps[["tanggal_sk", "tanggal_berhenti"]].agg(["min", "max"])
            self.hadir.merge(self.sesi, on="kode_sesi")["tanggal"].agg(["min", "max"])
            return
        if page in ("Ringkasan", "Cakupan Bimtek", "Kekurangan Petugas"):
            self._summary(view, by)
        if page == "Ringkasan":
            self._summary(view, "kode_kecamatan")
        if page == "Cakupan Bimtek":
            active = self._active(d, self._desa(view))
            active.groupby("tanggal_bimtek").size().cumsum()
            untrained = active[active["tanggal_bimtek"].isna()]
            untrained.sort_values(["kode_tps", "nama"]).head(LIST_LIMIT)
            roll = self.hadir.merge(self.sesi, on="kode_sesi")
            roll = roll[roll["kode_kecamatan"].isin(self._desa(view)["kode_kecamatan"])]
            roll.groupby("kode_sesi").agg(dipanggil=("nik", "nunique"), hadir=("hadir", "sum"))
        if page == "Kekurangan Petugas":
            tps = self._tps_status(view)
            tps[(tps["kursi_kosong"] > 0) | ~tps["ada_ketua"].astype(bool)].sort_values(
                "kursi_kosong", ascending=False
            )
            stopped = self.kpps[self.kpps["tanggal_berhenti"] <= d].merge(
                self.tps[["kode_tps", "kode_desa"]], on="kode_tps"
            )
            stopped = stopped[stopped["kode_desa"].isin(self._desa(view)["kode_desa"])]
            first_stop = stopped.groupby("kode_tps", as_index=False)["tanggal_berhenti"].min()
            later = self.kpps[self.kpps["tanggal_sk"] <= d].merge(
                first_stop.rename(columns={"tanggal_berhenti": "berhenti_pertama"}), on="kode_tps"
            )
            later[later["tanggal_sk"] >= later["berhenti_pertama"]]
        if page == "Supervisi":
            visits = self._visits(view)
            visits.groupby("kode_kecamatan").agg(
                kunjungan=("tanggal", "size"), terakhir=("tanggal", "max")
            )
            visits.groupby("kode_desa").size()
            sessions = self.sesi[self.sesi["tanggal"] <= d]
            sessions["kode_sesi"].isin(visits["kode_sesi"])
            self._summary(view, "kode_kecamatan")

    def total(self, view: View) -> dict[str, int]:
        """A few figures to check the baseline against the store."""
        tps = self._tps_status(view)
        return {
            "tps": len(tps),
            "kpps_aktif": int(tps["kpps_aktif"].sum()),
            "kpps_terlatih": int(tps["kpps_terlatih"].sum()),
            "tps_siap": int((tps["status"] == "siap").sum()),
        }


# -- measuring -------------------------------------------------------------------------------
def _timed(run: Callable[[], object], warm: int) -> tuple[float, float]:
    """(first run, median of `warm` further runs), in milliseconds."""
    start = time.perf_counter()
    run()
    cold = (time.perf_counter() - start) * 1000
    times = []
    for _ in range(warm):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return cold, statistics.median(times)


def dataset_for(scale: str) -> Path:
    """The folder of a scale; synthetic ones are written on first use. `batas` is the dataset
    past the limits a page once had (`write_limits_dataset`)."""
    if scale == "sampang":
        return SAMPLE_DIR
    folder = BENCH_DATA / scale
    if scale == "batas":
        if not (folder / "kpps.csv").exists():
            print(f"Membuat data uji batas di {folder} …", flush=True)
            write_limits_dataset(folder)
        return folder
    if not (folder / "kpps.csv").exists():
        print(f"Membuat data sintetis {scale} di {folder} …", flush=True)
        folder.mkdir(parents=True, exist_ok=True)
        sample.generate(folder, scale=scale)
    return folder


def _build_in_child(folder: Path) -> dict[str, float]:
    """Build the store from CSV in a fresh process: its own time and peak memory."""
    for old in folder.glob(f"{CACHE_PREFIX}*"):
        if old.is_file():
            old.unlink()
        else:
            shutil.rmtree(old)
    code = (
        "import sys, time, resource\n"
        "from kesiapan.store.dataset import Dataset\n"
        "t = time.perf_counter(); Dataset.open(sys.argv[1])\n"
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(folder)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    # The last line is ours; anything before it is whatever the loader chose to print.
    seconds, kilobytes = result.stdout.strip().splitlines()[-1].split()
    return {"detik": round(float(seconds), 2), "memori_puncak_mb": round(int(kilobytes) / 1024)}


def _views(data: Dataset) -> list[View]:
    areas = data.query("wilayah_daftar")
    # The kabupaten and kecamatan with the most desa: the heaviest single area, not the lightest.
    kabupaten = areas["kode_kabupaten"].value_counts().index[0]
    kecamatan = (
        areas[areas["kode_kabupaten"] == kabupaten]["kode_kecamatan"].value_counts().index[0]
    )
    other = max(data.first_date, data.default_as_of - timedelta(days=14))
    # As ui.Page.spans_kabupaten decides for the whole dataset.
    wide = areas["kode_kabupaten"].nunique() > 1 and areas["kode_kecamatan"].nunique() > 60
    views = []
    for when, as_of in (("tanggal bawaan", data.default_as_of), ("tanggal lain", other)):
        views += [
            View(f"semua wilayah, {when}", as_of, by_kabupaten=wide),
            View(f"satu kabupaten, {when}", as_of, kabupaten=(kabupaten,)),
            View(f"satu kecamatan, {when}", as_of, kecamatan=(kecamatan,)),
        ]
    return views


def run(scale: str, warm: int = WARM_RUNS, pandas_baseline: bool = True) -> dict[str, object]:
    folder = dataset_for(scale)
    build = _build_in_child(folder)
    start = time.perf_counter()
    data = Dataset.open(folder)
    reopen_ms = (time.perf_counter() - start) * 1000
    model = None
    pandas_load = None
    if pandas_baseline:
        start = time.perf_counter()
        model = PandasModel(folder)
        pandas_load = round(time.perf_counter() - start, 2)
    rows = []
    for view in _views(data):
        for page in PAGES:
            queries = page_queries(page, view)

            def ours(queries: list[tuple[str, dict[str, object]]] = queries) -> None:
                for name, args in queries:
                    data.query(name, **args)  # type: ignore[arg-type]

            cold, warm_ms = _timed(ours, warm)
            row: dict[str, object] = {
                "halaman": page,
                "tampilan": view.label,
                "kueri": len(queries),
                "dingin_ms": round(cold, 1),
                "hangat_ms": round(warm_ms, 1),
            }
            if model is not None:
                # One run: at national scale a pandas page takes many seconds.
                start = time.perf_counter()
                model.run(page, view)
                pandas_ms = (time.perf_counter() - start) * 1000
                row["pandas_ms"] = round(pandas_ms, 1)
                row["rasio"] = round(pandas_ms / warm_ms, 1) if warm_ms else None
            rows.append(row)
    check = _check(data, folder, model)
    return {
        "skala": scale,
        "mesin": _machine(),
        "baris": {name: source.rows for name, source in data.sources.items()},
        "bangun_dari_csv": build,
        "buka_ulang_ms": round(reopen_ms, 1),
        "pandas_baca_detik": pandas_load,
        "memori_puncak_proses_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "halaman": rows,
        "pemeriksaan": check,
    }


def _check(data: Dataset, folder: Path, model: PandasModel | None) -> dict[str, object]:
    """The report from the precomputed store equals the one straight from the tables (and the
    pandas baseline counts the same people), at the default date and two weeks earlier."""
    from kesiapan.outputs.report import report_table

    direct = Dataset.open(folder, precomputed=False)
    result: dict[str, object] = {}
    for as_of in (data.default_as_of, data.default_as_of - timedelta(days=14)):
        for level in ("kabupaten", "kecamatan", "tps"):
            same = report_table(data, level, as_of).equals(report_table(direct, level, as_of))
            result[f"{level} {as_of.isoformat()}"] = "sama" if same else "BERBEDA"
        if model is not None:
            ours = data.query("ringkasan_total", as_of=as_of).iloc[0]
            theirs = model.total(View("", as_of))
            agree = all(int(ours[k]) == v for k, v in theirs.items())
            result[f"pandas {as_of.isoformat()}"] = "sama" if agree else f"BERBEDA {theirs}"
    return result


def _machine() -> dict[str, object]:
    import duckdb

    return {
        "cpu": os.cpu_count(),
        "memori_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "pandas": pd.__version__,
        "sistem": platform.platform(),
    }


def table(result: dict[str, Any]) -> str:
    """The results as a Markdown table, for the terminal and the README."""
    build = result["bangun_dari_csv"]
    lines = [
        f"Skala {result['skala']}: bangun dari CSV {build['detik']} s, memori puncak "
        f"{build['memori_puncak_mb']} MB; buka ulang {result['buka_ulang_ms']} ms; "
        f"pandas membaca CSV {result['pandas_baca_detik']} s",
        "",
        "| halaman | tampilan | kueri | dingin ms | hangat ms | pandas ms | rasio |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for row in result["halaman"]:
        lines.append(
            f"| {row['halaman']} | {row['tampilan']} | {row['kueri']} | {row['dingin_ms']} | "
            f"{row['hangat_ms']} | {row.get('pandas_ms', '–')} | {row.get('rasio', '–')} |"
        )
    checks = ", ".join(f"{k}: {v}" for k, v in result["pemeriksaan"].items())
    lines += ["", f"Pemeriksaan: {checks}"]
    return "\n".join(lines)


def write_json(result: dict[str, object], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str) + "\n")


# -- whole pages, as the server runs them ------------------------------------------------------
# A page that sends more than this to the browser in one run is a failure: on a district
# office's connection 5 MB is seconds of waiting, and it means a table or chart went whole.
PAGE_BOUND_BYTES = 5 * 1024 * 1024
PAGE_TIMEOUT_S = 900.0
BENCH_USER = "uji-bench"


def run_pages(
    folder: Path, timeout_s: float = PAGE_TIMEOUT_S, bound: int = PAGE_BOUND_BYTES
) -> dict[str, Any]:
    """Open every page through a real server (kesiapan.ui.serve) over Streamlit's own protocol,
    signed in as an unrestricted admin: with no filter and with the kabupaten that has the
    most desa, each page twice (the first run after a page switch, then a rerun of it). Each
    row gives the run's time, the bytes sent to the browser, the largest message and any
    exception or error box; `failures` lists every run over `bound` bytes or with an
    exception."""
    import asyncio
    import secrets

    from kesiapan.access import accounts as access
    from kesiapan.devtools import loadtest, protocol

    folder = Path(folder)
    Dataset.open(folder)  # build the store first: its time is the build's, not a page's
    kabupaten = _heaviest_kabupaten(folder)
    accounts = Path(tempfile.mkdtemp(prefix="kesiapan-bench-akses-"))
    password = secrets.token_urlsafe(18)
    access.add(accounts, BENCH_USER, peran="admin", wilayah=[], nama="Uji bench", password=password)
    port = loadtest.free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = Path(tempfile.mkstemp(prefix="kesiapan-bench-server-", suffix=".log")[1])
    result: dict[str, Any] = {"halaman": [], "gagal": [], "batas_bytes": bound}
    started = time.monotonic()
    with log_path.open("wb") as log:
        process = loadtest.start_server(folder, port, log, {access.AKSES_ENV: str(accounts)})
    try:
        while not loadtest.healthy(base_url):
            if process.poll() is not None or time.monotonic() - started > timeout_s:
                raise RuntimeError(f"server tidak menyala: {loadtest.tail(log_path)}")
            time.sleep(0.1)
        protocol.run_sync(
            asyncio.wait_for(
                _visit_pages(base_url, (BENCH_USER, password), kabupaten, result, timeout_s),
                timeout_s,
            )
        )
        result["mulai_sampai_halaman_pertama_s"] = result.pop("_first", None)
        if result["mulai_sampai_halaman_pertama_s"] is not None:
            result["mulai_sampai_halaman_pertama_s"] -= started
    finally:
        loadtest.stop_server(process)
        shutil.rmtree(accounts, ignore_errors=True)
    for row in result["halaman"]:
        where = f"{row['halaman']} ({row['tampilan']}, {row['putaran']})"
        for text in row["exception"]:
            result["gagal"].append(f"{where}: {text}")
        if row["bytes"] > bound:
            result["gagal"].append(
                f"{where}: {row['bytes']:,} bytes dikirim ke browser, lebih dari {bound:,}"
            )
    if not result["gagal"]:
        log_path.unlink(missing_ok=True)
    else:
        result["log_server"] = str(log_path)
    return result


def _heaviest_kabupaten(folder: Path) -> str:
    """The name of the kabupaten with the most desa (as the filter shows it)."""
    areas = Dataset.open(folder).query("wilayah_daftar")
    code = areas["kode_kabupaten"].value_counts().index[0]
    return str(areas.loc[areas["kode_kabupaten"] == code, "kabupaten"].iloc[0])


async def _visit_pages(
    base_url: str,
    account: tuple[str, str],
    kabupaten: str,
    result: dict[str, Any],
    timeout_s: float,
) -> None:
    from kesiapan.devtools import protocol

    async with protocol.Session(base_url, timeout_s=timeout_s) as tab:
        await tab.open()
        first = await tab.sign_in(*account)
        result["_first"] = time.monotonic()
        result["halaman"].append(_page_row("Ringkasan", "masuk", "pertama", first))
        for view in ("semua wilayah", "satu kabupaten"):
            if view == "satu kabupaten":
                await tab.choose("Kabupaten/Kota", [kabupaten])
            for page in PAGES:
                result["halaman"].append(
                    _page_row(page, view, "pindah", await tab.switch_page(page))
                )
                result["halaman"].append(
                    _page_row(page, view, "ulang", await tab.switch_page(page))
                )


def _page_row(page: str, view: str, kind: str, run: Any) -> dict[str, Any]:
    return {
        "halaman": page,
        "tampilan": view,
        "putaran": kind,
        "detik": round(run.seconds, 3),
        "bytes": run.bytes,
        "pesan_terbesar": run.largest,
        "exception": run.exceptions,
        "galat": run.errors,
    }


def pages_table(result: dict[str, Any]) -> str:
    """The whole-page figures as a Markdown table."""
    lines = [
        "| halaman | tampilan | putaran | detik | dikirim kB | pesan terbesar kB | exception |",
        "|---|---|---|---:|---:|---:|---|",
    ]
    for row in result["halaman"]:
        lines.append(
            f"| {row['halaman']} | {row['tampilan']} | {row['putaran']} | {row['detik']} | "
            f"{row['bytes'] / 1024:.0f} | {row['pesan_terbesar'] / 1024:.0f} | "
            f"{'; '.join(row['exception'])[:120] or '–'} |"
        )
    first = result.get("mulai_sampai_halaman_pertama_s")
    if first is not None:
        lines += ["", f"Server menyala sampai Ringkasan pertama: {first:.2f} s"]
    if result["gagal"]:
        lines += ["", f"GAGAL (batas {result['batas_bytes']:,} bytes atau exception):"]
        lines += [f"- {text}" for text in result["gagal"]]
    return "\n".join(lines)


# -- a dataset past today's limits -------------------------------------------------------------
def write_limits_dataset(
    folder: Path, kabupaten: int = 4, kecamatan: int = 25, desa: int = 1001, members: int = 3
) -> dict[str, int]:
    """A dataset built to cross the limits a page once had (defaults: 100.100 desa, one TPS
    each, three members per TPS so that every TPS lacks members and nobody is trained:
    300.300 untrained members, 100.100 TPS with gaps, 30.000 sessions, a tenth of the
    members stopped). Written as CSV with consistent NIKs, so that the checks add no
    warning per row. Returns the row counts."""
    import numpy as np

    folder.mkdir(parents=True, exist_ok=True)
    kab = np.repeat(np.arange(1, kabupaten + 1), kecamatan * desa)
    kec = np.tile(np.repeat(np.arange(1, kecamatan + 1), desa), kabupaten)
    des = np.tile(np.arange(2001, 2001 + desa), kabupaten * kecamatan)
    kab_code = np.char.add("35.", np.char.zfill(kab.astype(str), 2))
    kec_code = np.char.add(np.char.add(kab_code, "."), np.char.zfill(kec.astype(str), 2))
    desa_code = np.char.add(np.char.add(kec_code, "."), des.astype(str))
    wilayah = pd.DataFrame(
        {
            "kode_provinsi": "35",
            "provinsi": "Jawa Timur",
            "kode_kabupaten": kab_code,
            "kabupaten": np.char.add("Kabupaten Uji ", kab.astype(str)),
            "kode_kecamatan": kec_code,
            "kecamatan": np.char.add(
                np.char.add("Kecamatan ", kab.astype(str)), np.char.add("-", kec.astype(str))
            ),
            "kode_desa": desa_code,
            "desa": np.char.add("Desa ", np.arange(1, len(kab) + 1).astype(str)),
            "jenis": "desa",
        }
    )
    wilayah.to_csv(folder / "wilayah.csv", index=False)
    tps_code = np.char.add(np.char.replace(desa_code, ".", ""), "001")
    pd.DataFrame(
        {"kode_tps": tps_code, "kode_desa": desa_code, "nomor_tps": 1, "kebutuhan_kpps": 7}
    ).to_csv(folder / "tps.csv", index=False)

    n = len(tps_code) * members
    rng = np.random.default_rng(17)
    person_tps = np.repeat(tps_code, members)
    person_kec6 = np.repeat(np.char.replace(kec_code, ".", ""), members)
    women = rng.random(n) < 0.5
    born = pd.Timestamp("1975-01-01") + pd.to_timedelta(rng.integers(0, 365 * 25, n), unit="D")
    day = born.day.to_numpy() + np.where(women, 40, 0)
    ddmmyy = (
        np.char.zfill(day.astype(str), 2)
        + np.char.zfill(born.month.to_numpy().astype(str), 2)
        + np.char.zfill((born.year.to_numpy() % 100).astype(str), 2)
    )
    stem = np.char.add(person_kec6, ddmmyy)
    serial = pd.Series(stem).groupby(stem).cumcount().to_numpy() + 1
    nik = np.char.add(stem, np.char.zfill(serial.astype(str), 4))
    stopped = rng.random(n) < 0.1
    pd.DataFrame(
        {
            "nik": nik,
            "nama": np.char.add("Anggota ", np.arange(1, n + 1).astype(str)),
            "jenis_kelamin": np.where(women, "P", "L"),
            "tanggal_lahir": born.strftime("%Y-%m-%d"),
            "no_hp": "",
            "kode_tps": person_tps,
            "jabatan": np.where(np.arange(n) % members == 0, "ketua", "anggota"),
            "tanggal_sk": "",
            "tanggal_berhenti": np.where(stopped, "2024-01-26", ""),
            "alasan_berhenti": np.where(stopped, "mengundurkan diri", ""),
        }
    ).to_csv(folder / "kpps.csv", index=False)

    sessions = 30_000
    session_kec = kec_code[::desa][np.arange(sessions) % (kabupaten * kecamatan)]
    session_code = np.char.add("BT-", np.char.zfill(np.arange(1, sessions + 1).astype(str), 6))
    pd.DataFrame(
        {
            "kode_sesi": session_code,
            "kode_kecamatan": session_kec,
            "tanggal": np.where(np.arange(sessions) % 2 == 0, "2024-01-25", "2024-01-27"),
            "tempat": "Balai desa",
            "kapasitas": 50,
        }
    ).to_csv(folder / "bimtek_sesi.csv", index=False)
    # Roll calls where nobody came: the sessions are held, nobody is trained.
    pd.DataFrame({"kode_sesi": session_code[:1000], "nik": nik[:1000], "hadir": "tidak"}).to_csv(
        folder / "bimtek_hadir.csv", index=False
    )
    visits = 200
    pd.DataFrame(
        {
            "tanggal": "2024-01-25",
            "pengawas": np.char.add("Pengawas ", np.arange(visits).astype(str)),
            "lembaga": "KPU Provinsi Jawa Timur",
            "kode_kecamatan": session_kec[:visits],
            "kode_desa": "",
            "kode_sesi": session_code[:visits],
            "temuan": "Peserta sedikit.",
            "tindak_lanjut": "",
        }
    ).to_csv(folder / "supervisi.csv", index=False)
    (folder / "dataset.toml").write_text(
        'nama = "Uji batas: 100 ribu desa"\nhari_pemungutan = 2024-02-14\n'
        "bimtek_mulai = 2024-01-25\nbimtek_selesai = 2024-01-29\n",
        encoding="utf-8",
    )
    return {"wilayah": len(wilayah), "tps": len(tps_code), "kpps": n, "bimtek_sesi": sessions}
