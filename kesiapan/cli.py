"""`python -m kesiapan …`: the report and the sample generator, speaking Indonesian."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from kesiapan.problems import DatasetError, Problem

MAX_PROBLEMS_SHOWN = 40

# argparse words its own messages through gettext; these are the ones a user can meet.
_ARGPARSE_ID = {
    "usage: ": "pemakaian: ",
    "options": "pilihan",
    "positional arguments": "argumen",
    "show this help message and exit": "tampilkan bantuan ini lalu keluar",
    "the following arguments are required: %s": "argumen berikut wajib diisi: %s",
    "unrecognized arguments: %s": "argumen tidak dikenal: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "pilihan tidak dikenal: %(value)r (pilih dari %(choices)s)"
    ),
    "expected one argument": "perlu satu nilai",
    "invalid %(type)s value: %(value)r": "nilai tidak sah: %(value)r",
    "%(prog)s: error: %(message)s\n": "%(prog)s: kesalahan: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "argumen %(argument_name)s: %(message)s",
}
argparse._ = lambda text: _ARGPARSE_ID.get(text, text)  # type: ignore[attr-defined]


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"tanggal '{text}' tidak sah; tulis sebagai YYYY-MM-DD, misalnya 2024-01-28"
        ) from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m kesiapan", description="Kesiapan KPPS: laporan dan data contoh."
    )
    commands = parser.add_subparsers(dest="perintah", required=True, metavar="PERINTAH")

    report = commands.add_parser(
        "report", help="cetak tabel kesiapan (kontrak §2)", description="Tabel kesiapan KPPS."
    )
    report.add_argument("--data", required=True, type=Path, help="folder dataset")
    report.add_argument(
        "--as-of", type=_date, help="tanggal posisi (YYYY-MM-DD); bawaan: tanggal terakhir di data"
    )
    report.add_argument(
        "--level", choices=("kabupaten", "kecamatan", "desa", "tps"), default="kecamatan"
    )
    report.add_argument("--format", choices=("csv", "json", "xlsx"), default="csv")
    report.add_argument("--output", type=Path, help="tulis ke berkas ini, bukan ke layar")
    report.add_argument(
        "--area",
        action="append",
        metavar="KODE",
        help="batasi ke wilayah (35.27, 35.27.02 atau 35.27.02.2001); boleh berulang",
    )

    sample = commands.add_parser(
        "sample", help="tulis dataset contoh", description="Tulis dataset contoh (sintetis)."
    )
    sample.add_argument("--out", required=True, type=Path, help="folder tujuan")
    sample.add_argument("--scale", choices=("sampang", "jatim", "nasional"), default="sampang")
    sample.add_argument("--seed", type=int, default=2024)
    return parser


def _print_problems(problems: list[Problem], heading: str) -> None:
    print(heading, file=sys.stderr)
    for problem in problems[:MAX_PROBLEMS_SHOWN]:
        print(f"  - {problem}", file=sys.stderr)
    if len(problems) > MAX_PROBLEMS_SHOWN:
        print(f"  … dan {len(problems) - MAX_PROBLEMS_SHOWN} lainnya", file=sys.stderr)


def _report(args: argparse.Namespace) -> int:
    from kesiapan import report
    from kesiapan.store import Dataset

    if args.format == "xlsx" and args.output is None:
        print("kesalahan: format xlsx perlu --output BERKAS.xlsx", file=sys.stderr)
        return 2
    try:
        filters = report.area_filters(args.area)
    except ValueError as exc:
        print(f"kesalahan: {exc}", file=sys.stderr)
        return 2
    dataset = Dataset.open(args.data)
    if dataset.errors:
        _print_problems(
            dataset.errors,
            f"Dataset {args.data} belum dapat dipakai: {len(dataset.errors)} galat. "
            "Perbaiki berkasnya lalu jalankan lagi.",
        )
        return 1
    codes = [c for values in filters.values() for c in values or []]
    frame = report.report_table(dataset, args.level, args.as_of, codes)
    try:
        report.write(frame, args.format, args.output, sys.stdout.buffer)
    except OSError as exc:
        print(f"kesalahan: tidak dapat menulis {args.output}: {exc.strerror}", file=sys.stderr)
        return 1
    return 0


def _sample(args: argparse.Namespace) -> int:
    from kesiapan import sample

    counts = sample.generate(args.out, scale=args.scale, seed=args.seed)
    for table, rows in counts.items():
        print(f"{table}: {rows:,} baris".replace(",", "."))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.perintah == "report":
            return _report(args)
        return _sample(args)
    except DatasetError as exc:
        print(f"kesalahan: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
