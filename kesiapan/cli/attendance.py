"""`python -m kesiapan presensi …`: the attendance journal from the command line (issue 16).

- `ekspor`: the journal's marks in force as a `bimtek_hadir` file (CSV or XLSX), to keep with
  the paper lists or import elsewhere; importing it adds or updates rows and removes nothing.
- `kartu`: the participant cards of a desa (or a kecamatan) as an A4 PDF.
- `loadcheck`: operators marking at once through the real server
(kesiapan.devtools.attendance_loadcheck).
- `bench`: what one mark costs, at Sampang or national scale (kesiapan.devtools.attendance_bench).

Like `report`, these run as the server's system user, unrestricted; the files hold NIKs and
names and are written owner-only.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path

COMMANDS = {"presensi"}


def add_commands(commands: argparse._SubParsersAction) -> None:
    presensi = commands.add_parser(
        "presensi",
        help="jurnal presensi Bimtek: ekspor, kartu peserta, uji beban, ukur biaya",
        description="Jurnal presensi Bimtek yang dicatat langsung di lokasi sesi.",
    )
    sub = presensi.add_subparsers(dest="presensi_perintah", required=True, metavar="TINDAKAN")
    export = sub.add_parser("ekspor", help="tanda hadir yang berlaku sebagai berkas bimtek_hadir")
    export.add_argument("--data", required=True, type=Path, help="folder dataset")
    export.add_argument("--sesi", action="append", metavar="KODE", help="hanya sesi ini")
    export.add_argument("--output", required=True, type=Path, help="berkas .csv atau .xlsx")
    kartu = sub.add_parser("kartu", help="kartu peserta ber-kode QR, PDF A4")
    kartu.add_argument("--data", required=True, type=Path, help="folder dataset")
    kartu.add_argument(
        "--wilayah", required=True, help="kode desa (35.27.02.2001) atau kecamatan (35.27.02)"
    )
    kartu.add_argument("--output", required=True, type=Path, help="berkas .pdf")
    load = sub.add_parser("loadcheck", help="operator serentak menandai hadir lewat server")
    load.add_argument("--data", required=True, type=Path, help="folder dataset (disalin)")
    load.add_argument("--sessions", type=int, default=20, help="sesi penandaan serentak")
    load.add_argument("--seconds", type=float, default=60, help="lama menandai, detik")
    load.add_argument(
        "--kill-after", type=int, metavar="N", help="matikan server (SIGKILL) setelah N tanda"
    )
    load.add_argument(
        "--mode",
        choices=("protokol", "chromium"),
        default="protokol",
        help="petugas sebagai klien protokol Streamlit (bawaan, tanpa browser) atau Chromium",
    )
    load.add_argument("--json", type=Path, metavar="BERKAS", help="tulis hasil sebagai JSON")
    bench = sub.add_parser("bench", help="biaya satu tanda hadir pada data Sampang atau nasional")
    bench.add_argument("--scale", choices=("sampang", "jatim", "nasional"), default="sampang")
    bench.add_argument("--repeat", type=int, default=15, help="pengulangan per ukuran")
    bench.add_argument("--json", type=Path, metavar="BERKAS", help="tulis hasil sebagai JSON")


def run(args: argparse.Namespace) -> int:
    action = args.presensi_perintah
    if action == "ekspor":
        return _export(args)
    if action == "kartu":
        return _cards(args)
    if action == "loadcheck":
        from kesiapan.devtools import attendance_loadcheck as loadcheck

        result = loadcheck.run(
            args.data,
            sessions=args.sessions,
            seconds=args.seconds,
            kill_after=args.kill_after,
            mode=args.mode,
        )
        print(loadcheck.format_result(result))
        if args.json:
            args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
        return 0 if loadcheck.passed(result) else 1
    from kesiapan.devtools import attendance_bench as bench

    result = bench.run(args.scale, repeat=args.repeat)
    print(bench.format_table(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return 0


def _export(args: argparse.Namespace) -> int:
    from kesiapan.access import private
    from kesiapan.attendance import checkin
    from kesiapan.store import journal

    jurnal = journal.open_journal(args.data, create=False)
    records = jurnal.records() if jurnal is not None else []
    if args.sesi:
        records = [r for r in records if r.kode_sesi in set(args.sesi)]
    frame = checkin.journal_frame(records)
    suffix = args.output.suffix.lower()
    if suffix == ".csv":
        private.write_text(args.output, frame.to_csv(index=False))
    elif suffix == ".xlsx":
        buffer = io.BytesIO()
        frame.to_excel(buffer, index=False, sheet_name="bimtek_hadir")
        private.write_bytes(args.output, buffer.getvalue())
    else:
        print("kesalahan: --output harus berakhiran .csv atau .xlsx", file=sys.stderr)
        return 2
    print(f"{len(frame)} tanda hadir ditulis ke {args.output}")
    return 0


def _cards(args: argparse.Namespace) -> int:
    from kesiapan.access import private
    from kesiapan.attendance import cards, checkin
    from kesiapan.store import dataset as store
    from kesiapan.store import journal

    code = args.wilayah.strip()
    if not store.SCOPE_CODE.fullmatch(code) or code.count(".") not in (2, 3):
        print("kesalahan: --wilayah harus kode kecamatan atau desa", file=sys.stderr)
        return 2
    data = store.Dataset.open(args.data).scoped((code,))
    found = checkin.sessions(data)
    as_of = max((s.tanggal for s in found), default=data.default_as_of)
    roster = data.query("presensi_peserta", as_of=as_of)
    if roster.empty:
        print(f"kesalahan: tidak ada KPPS aktif di wilayah {code}", file=sys.stderr)
        return 1
    jurnal = journal.open_journal(args.data)
    tokens = jurnal.card_tokens(roster["nik"])
    kecamatan = data.query("wilayah_daftar")["kecamatan"].iloc[0]
    sheet = cards.cards_for(
        roster.sort_values(["kode_tps", "nama"]).to_dict("records"), tokens, str(kecamatan)
    )
    private.write_bytes(args.output, cards.sheet_pdf(sheet, f"Kartu peserta Bimtek KPPS · {code}"))
    print(f"{len(sheet)} kartu ditulis ke {args.output}")
    return 0
