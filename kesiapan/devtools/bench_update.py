"""What an update costs at scale (issue 18): an office's small file, from command to figure.

    python -m kesiapan.devtools.bench_update --source NASIONAL --work FOLDER [--repeats 3]

`--source` is a plain dataset folder (e.g. `python -m kesiapan sample --scale nasional`);
`--work` a folder for the bench's own copy (hard links: the source is never written). The
bench writes two office files from the source, each in two variants so that every repeat
changes something:

- one kecamatan's attendance (every roll call of its sessions; 10 marks flipped);
- one desa's roster (every member of its TPS; 3 phone numbers and 1 name changed).

`--reuse` keeps the work folder of an earlier run (its versions and stores) instead of
copying and importing the source again, which takes minutes nationally.

Each repeat runs, as separate processes under `/usr/bin/time -v`, the import command and then
the first read of the new figures (`report` for that kecamatan: the dashboard's data open plus
one query), and prints wall time, CPU time, peak memory and the load of each; then the
medians. An import into a dataset stored per kabupaten builds the new version's store itself
(`store.build_store_after_import`), so its figures include that build and the read after it
only attaches the store. The figures read are checked against the file just imported, so a
bench that measures a stale store fails.

`--halaman` measures, after that, what a person at an open dashboard waits for: a server runs on
the bench's copy, one session (Streamlit's protocol, an admin account) shows Ringkasan filtered
to the kecamatan; the attendance file is imported, and the session reruns its page until what it
shows changes. Printed: seconds from the import command to that page, per repeat and median.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb

from kesiapan.access import accounts as access
from kesiapan.contract import sql
from kesiapan.devtools import loadtest, protocol
from kesiapan.devtools.protocol import run_sync
from kesiapan.paths import ROOT

KECAMATAN = "35.27.02"  # Torjun, Sampang: a real kecamatan present at every scale
FLIPPED_MARKS = 10
_WALL = re.compile(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)")
_RSS = re.compile(r"Maximum resident set size \(kbytes\): (\d+)")
_CPU = re.compile(r"(?:User|System) time \(seconds\): ([\d.]+)")


def _csv(con: duckdb.DuckDBPyConnection, query: sql.Fragment, path: Path) -> None:
    con.execute(
        sql.compose(
            "copy ({query}) to {path} (header, delimiter ',')", query=query, path=sql.literal(path)
        )
    )


def write_updates(source: Path, out: Path) -> dict[str, list[Path]]:
    """Two variants of each office file, read from the source's CSV files."""
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    hadir = str(source / "bimtek_hadir.csv")
    sesi = str(source / "bimtek_sesi.csv")
    kpps = str(source / "kpps.csv")
    con.execute(
        "create table s as select * from read_csv($path, all_varchar = true, header = true) "
        "where kode_kecamatan = $kecamatan",
        {"path": sesi, "kecamatan": KECAMATAN},
    )
    con.execute(
        "create table h as select h.*, row_number() over () as n "
        "from read_csv($path, all_varchar = true, header = true) as h "
        "where kode_sesi in (select kode_sesi from s)",
        {"path": hadir},
    )
    desa = con.execute(
        "select min(kode_tps) from read_csv($path, all_varchar = true, header = true) "
        "where starts_with(kode_tps, $prefix)",
        {"path": kpps, "prefix": KECAMATAN.replace(".", "")},
    ).fetchone()[0][:10]
    con.execute(
        "create table k as select *, row_number() over () as n "
        "from read_csv($path, all_varchar = true, header = true) "
        "where starts_with(kode_tps, $prefix)",
        {"path": kpps, "prefix": desa},
    )
    files: dict[str, list[Path]] = {"hadir": [], "kpps": []}
    for variant in (0, 1):
        path = out / f"hadir_{KECAMATAN}_{variant}.csv"
        # Variant 0 flips the first marks, variant 1 restores them: each import changes 10.
        flip = sql.compose(
            "case when n <= {flipped} and {variant} = 0 then "
            "(case when lower(hadir) = 'ya' then 'tidak' else 'ya' end) else hadir end",
            flipped=FLIPPED_MARKS,
            variant=variant,
        )
        _csv(
            con,
            sql.compose(
                "select * exclude (n, hadir), {flip} as hadir from h order by n", flip=flip
            ),
            path,
        )
        files["hadir"].append(path)
        path = out / f"kpps_{desa}_{variant}.csv"
        _csv(
            con,
            sql.compose(
                "select * exclude (n, no_hp, nama), case when n <= 3 then {phone} || n "
                "else no_hp end as no_hp, case when n = 4 then nama || {suffix} else nama end "
                "as nama from k order by n",
                phone=sql.literal(f"0812000000{variant}"),
                suffix=sql.literal(" " + "AB"[variant]),
            ),
            path,
        )
        files["kpps"].append(path)
    con.close()
    return files


def _timed(args: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak MiB and stdout of one process under /usr/bin/time -v; its CPU
    seconds (user + system: what a busy machine disturbs least) go to `_CPU_SECONDS`."""
    done = subprocess.run(
        ["/usr/bin/time", "-v", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} gagal:\n{done.stdout}\n{done.stderr[-3000:]}")
    hours, minutes, seconds = _WALL.search(done.stderr).groups()  # type: ignore[union-attr]
    wall = int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds)
    peak = int(_RSS.search(done.stderr).group(1)) / 1024  # type: ignore[union-attr]
    _CPU_SECONDS.append(sum(float(v) for v in _CPU.findall(done.stderr)))
    return wall, peak, done.stdout


_CPU_SECONDS: list[float] = []


def _import(folder: Path, path: Path) -> tuple[float, float]:
    wall, peak, _ = _timed(
        [sys.executable, "-m", "kesiapan", "import", "--data", str(folder), str(path), "--who", "b"]
    )
    return wall, peak


def _figures(folder: Path) -> tuple[float, float, dict[str, object]]:
    report = ["report", "--data", str(folder), "--level", "kecamatan", "--area", KECAMATAN]
    wall, peak, out = _timed([sys.executable, "-m", "kesiapan", *report, "--format", "json"])
    rows = json.loads(out)
    return wall, peak, rows[0] if isinstance(rows, list) else rows


def prepare(source: Path, folder: Path, files: dict[str, list[Path]]) -> None:
    """The bench's copy of the source (hard links), imported once so that it has versions in
    whatever layout the code writes, and its store built."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for path in source.iterdir():
        if path.is_file() and not path.name.startswith("."):
            os.link(path, folder / path.name)
    started = time.monotonic()
    _import(folder, files["kpps"][1])
    _import(folder, files["hadir"][1])
    print(f"persiapan (impor pertama): {time.monotonic() - started:.1f} s", flush=True)
    wall, peak, _ = _figures(folder)
    print(f"persiapan (tabel praolah): {wall:.1f} s, {peak:.0f} MiB", flush=True)


def _last_variant(folder: Path, kind: str) -> int | None:
    """The variant of this kind of office file the data imported last (None: neither)."""
    last = None
    history = folder / "history.jsonl"
    lines = history.read_text(encoding="utf-8").splitlines() if history.exists() else []
    for line in lines:
        for item in json.loads(line).get("berkas", []):
            name = str(item.get("nama", "")) if isinstance(item, dict) else ""
            if name.startswith(f"{kind}_") and name[-6:-4] in ("_0", "_1"):
                last = int(name[-5])
    return last


def run(source: Path, work: Path, repeats: int, reuse: bool = False) -> dict[str, dict[str, float]]:
    files = write_updates(source, work / "berkas")
    folder = work / "data"
    if reuse and (folder / "CURRENT").is_file():
        # An earlier run's copy, already imported in the layout the code writes: its store is
        # built (or found) by a first read, as the first office to open it after a deploy would.
        wall, peak, _ = _figures(folder)
        print(f"persiapan (tabel praolah, data kerja lama): {wall:.1f} s, {peak:.0f} MiB")
    else:
        prepare(source, folder, files)
    results: dict[str, dict[str, list[float]]] = {}
    for kind in ("hadir", "kpps"):
        # Each import must change something: start from the variant the data does not hold.
        start = 1 if _last_variant(folder, kind) == 0 else 0
        for repeat in range(repeats):
            path = files[kind][(start + repeat) % 2]
            before = _figures(folder)[2] if repeat == 0 else None
            import_wall, import_peak = _import(folder, path)
            import_cpu = _CPU_SECONDS[-1]
            open_wall, open_peak, after = _figures(folder)
            open_cpu = _CPU_SECONDS[-1]
            if before is not None and kind == "hadir":
                # Variant 0 flips 10 marks: the kecamatan's trained count must move.
                assert after["kpps_terlatih"] != before["kpps_terlatih"], (before, after)
            row = results.setdefault(kind, {})
            for key, value in (
                ("impor_s", import_wall),
                ("impor_cpu_s", import_cpu),
                ("impor_mib", import_peak),
                ("buka_s", open_wall),
                ("buka_cpu_s", open_cpu),
                ("buka_mib", open_peak),
                ("total_s", import_wall + open_wall),
            ):
                row.setdefault(key, []).append(value)
            print(
                f"{kind} #{repeat + 1}: impor {import_wall:.1f} s ({import_cpu:.1f} s CPU, "
                f"{import_peak:.0f} MiB), buka {open_wall:.1f} s ({open_cpu:.1f} s CPU, "
                f"{open_peak:.0f} MiB), total {import_wall + open_wall:.1f} s, "
                f"beban {os.getloadavg()[0]:.1f}",
                flush=True,
            )
    medians = {
        kind: {key: statistics.median(values) for key, values in row.items()}
        for kind, row in results.items()
    }
    print(json.dumps(medians, indent=1))
    return medians


class _Tab(protocol.Session):
    """A protocol session that also keeps what each run showed (metric values, markdown and
    html bodies), to tell when the page's figures changed."""

    @staticmethod
    def _delta(delta: Any, run: protocol.Run, seen: dict[str, protocol.Element]) -> None:
        protocol.Session._delta(delta, run, seen)
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind in ("metric", "markdown", "html"):
            run.texts.append(f"{kind}:{getattr(element, kind).body}")


async def page_after_import(folder: Path, files: Path, repeats: int) -> list[float]:
    """Seconds from the attendance import command to the open page showing its figures."""
    accounts = Path(tempfile.mkdtemp(prefix="kesiapan-bench-akses-"))
    password = secrets.token_urlsafe(16)
    access.add(accounts, "bench", peran="admin", wilayah=[], nama="Bench", password=password)
    port = loadtest.free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = folder.parent / "server-halaman.log"
    waits: list[float] = []
    with log_path.open("wb") as log:
        server = loadtest.start_server(folder, port, log, {access.AKSES_ENV: str(accounts)})
        try:
            started = time.monotonic()
            while not loadtest.healthy(url):
                if time.monotonic() - started > 120:
                    raise RuntimeError(f"server tidak siap:\n{loadtest.tail(log_path)}")
                await asyncio.sleep(0.2)
            label = dict(loadtest.kecamatan_choices(folder))[KECAMATAN]
            async with _Tab(url, timeout_s=300) as tab:
                await tab.open()
                await tab.sign_in("bench", password)
                await tab.choose("Kecamatan", [label])
                last = _last_variant(folder, "hadir")
                for repeat in range(repeats):
                    variant = 1 if last == 0 else 0
                    last = variant
                    before = (await tab.choose("Kecamatan", [label])).texts
                    began = time.monotonic()
                    path = files / f"hadir_{KECAMATAN}_{variant}.csv"
                    import_s, _ = _import(folder, path)
                    runs = 0
                    while True:  # the person's next click: the same view again
                        runs += 1
                        shown = (await tab.choose("Kecamatan", [label])).texts
                        if shown != before:
                            break
                        if time.monotonic() - began > 120:
                            raise RuntimeError("halaman tidak berubah dalam 120 s")
                    waits.append(time.monotonic() - began)
                    print(
                        f"halaman #{repeat + 1}: impor {import_s:.1f} s, halaman menampilkan "
                        f"angka baru {waits[-1]:.2f} s setelah perintah ({runs} putaran), "
                        f"beban {os.getloadavg()[0]:.1f}",
                        flush=True,
                    )
        finally:
            loadtest.stop_server(server)
            shutil.rmtree(accounts, ignore_errors=True)
    print(f"halaman: median {statistics.median(waits):.2f} s dari perintah sampai halaman")
    return waits


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m kesiapan.devtools.bench_update")
    parser.add_argument("--source", type=Path, required=True, help="folder dataset polos")
    parser.add_argument("--work", type=Path, required=True, help="folder kerja bench")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--reuse", action="store_true", help="pakai data kerja yang sudah ada di --work"
    )
    parser.add_argument(
        "--halaman",
        action="store_true",
        help="lalu ukur sampai halaman dasbor yang terbuka menampilkan angka baru",
    )
    args = parser.parse_args(argv)
    run(args.source, args.work, args.repeats, args.reuse)
    if args.halaman:
        run_sync(page_after_import(args.work / "data", args.work / "berkas", args.repeats))


if __name__ == "__main__":
    main()
