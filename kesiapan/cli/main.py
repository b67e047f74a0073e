"""`python -m kesiapan …`: the report, the action packs, the briefing and the sample generator,
speaking Indonesian."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from kesiapan.cli import access as cli_access
from kesiapan.cli import attendance as attendance_cli
from kesiapan.contract.problems import DatasetError, Problem

if TYPE_CHECKING:
    from kesiapan.outputs.exports import Scope
    from kesiapan.store.dataset import Dataset

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


def _target(text: str) -> Path:
    """A file or folder to write: never empty (Path("") is the current folder, where an
    empty --out would quietly write files naming people)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("tujuan kosong; sebutkan berkas atau folder tujuan")
    return Path(text)


def _positive(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = -1
    if number < 0:
        raise argparse.ArgumentTypeError(f"'{text}' bukan bilangan bulat 0 atau lebih")
    return number


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m kesiapan",
        description="Kesiapan KPPS: laporan, paket aksi PPK, briefing dan data contoh.",
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
    report.add_argument("--output", type=_target, help="tulis ke berkas ini, bukan ke layar")
    report.add_argument(
        "--area",
        action="append",
        metavar="KODE",
        help="batasi ke wilayah (35.27, 35.27.02 atau 35.27.02.2001); boleh berulang",
    )

    area_help = "batasi ke wilayah (35.27, 35.27.02 atau 35.27.02.2001); boleh berulang"
    as_of_help = "tanggal posisi (YYYY-MM-DD); bawaan: tanggal terakhir di data"
    actions = commands.add_parser(
        "actions",
        help="tulis paket aksi PPK: satu berkas Excel per kecamatan",
        description=(
            "Paket aksi PPK: untuk setiap kecamatan di wilayah yang dipilih, satu berkas Excel "
            "berisi TPS yang belum siap, KPPS dan PAW yang belum Bimtek beserta sesi Bimtek "
            "berikutnya, serta desa dan sesi yang belum disupervisi. NIK dan nomor HP disamarkan."
        ),
    )
    actions.add_argument("--data", required=True, type=Path, help="folder dataset")
    actions.add_argument("--area", action="append", metavar="KODE", help=area_help)
    actions.add_argument("--as-of", type=_date, help=as_of_help)
    actions.add_argument(
        "--out",
        required=True,
        type=_target,
        metavar="FOLDER",
        help="folder tujuan (dibuat bila belum ada); nama yang berakhiran .zip menulis satu zip",
    )

    brief = commands.add_parser(
        "briefing",
        help="cetak briefing PDF untuk komisioner",
        description=(
            "Briefing kesiapan KPPS: PDF A4 1–3 halaman berisi angka utama, hitung mundur, tabel "
            "per kecamatan dan grafik. Perlu Chromium (paket Debian chromium)."
        ),
    )
    brief.add_argument("--data", required=True, type=Path, help="folder dataset")
    brief.add_argument("--area", action="append", metavar="KODE", help=area_help)
    brief.add_argument("--as-of", type=_date, help=as_of_help)
    brief.add_argument(
        "--out", required=True, type=_target, metavar="BERKAS.pdf", help="berkas PDF tujuan"
    )

    _add_import_commands(commands)  # issue 7: import, versions, restore
    cli_access.add_commands(commands)  # issue 5: users, audit
    attendance_cli.add_commands(commands)  # issue 16: presensi
    for command in ("report", "actions", "briefing", "import", "restore"):
        cli_access.add_user_option(commands.choices[command])

    sample = commands.add_parser(
        "sample", help="tulis dataset contoh", description="Tulis dataset contoh (sintetis)."
    )
    sample.add_argument("--out", required=True, type=_target, help="folder tujuan")
    sample.add_argument("--scale", choices=("sampang", "jatim", "nasional"), default="sampang")
    sample.add_argument("--seed", type=int, default=2024)

    # -- bench (performance; not part of `make test`) --
    bench = commands.add_parser(
        "bench",
        help="ukur waktu kueri tiap halaman",
        description="Ukur waktu kueri tiap halaman dan bandingkan dengan pandas biasa.",
    )
    bench.add_argument(
        "--scale", choices=("sampang", "jatim", "nasional", "batas"), default="sampang"
    )
    bench.add_argument("--warm", type=_positive, default=5, help="jumlah putaran hangat per ukuran")
    bench.add_argument("--tanpa-pandas", action="store_true", help="lewati pembanding pandas")
    pages = bench.add_mutually_exclusive_group()
    pages.add_argument(
        "--tanpa-halaman", action="store_true", help="lewati pembukaan halaman lewat server"
    )
    pages.add_argument(
        "--halaman-saja", action="store_true", help="hanya buka setiap halaman lewat server"
    )
    bench.add_argument(
        "--batas-mb",
        type=float,
        default=5,
        help="gagal bila satu halaman mengirim lebih dari ini ke browser (bawaan 5 MB)",
    )
    bench.add_argument("--json", type=_target, metavar="BERKAS", help="tulis hasil sebagai JSON")

    _add_loadtest_command(commands)  # loadtest: simultaneous browser sessions
    _add_serve_command(commands)  # serve: several app processes behind nginx
    return parser


def _print_problems(problems: list[Problem], heading: str) -> None:
    print(heading, file=sys.stderr)
    for problem in problems[:MAX_PROBLEMS_SHOWN]:
        print(f"  - {problem}", file=sys.stderr)
    if len(problems) > MAX_PROBLEMS_SHOWN:
        print(f"  … dan {len(problems) - MAX_PROBLEMS_SHOWN} lainnya", file=sys.stderr)


def _usable(dataset: Dataset, folder: Path) -> bool:
    """False (and the errors listed) when the dataset has errors that block reporting."""
    if not dataset.errors:
        return True
    _print_problems(
        dataset.errors,
        f"Dataset {folder} belum dapat dipakai: {len(dataset.errors)} galat. "
        "Perbaiki berkasnya lalu jalankan lagi.",
    )
    return False


def _report(args: argparse.Namespace) -> int:
    from kesiapan.outputs import report
    from kesiapan.store.dataset import Dataset

    if args.format == "xlsx" and args.output is None:
        print("kesalahan: format xlsx perlu --output BERKAS.xlsx", file=sys.stderr)
        return 2
    try:
        filters = report.area_filters(args.area)
    except ValueError as exc:
        print(f"kesalahan: {exc}", file=sys.stderr)
        return 2
    codes = [c for values in filters.values() for c in values or []]
    user = cli_access.account(args)
    if _outside(user, codes):
        return 2
    dataset = Dataset.open(args.data)
    if user is not None:  # the account's own area: its errors only, as its Data page lists
        dataset = dataset.scoped(user.scope)
    if not _usable(dataset, args.data):
        return 1
    frame = report.report_table(dataset, args.level, args.as_of, codes)
    try:
        report.write(frame, args.format, args.output, sys.stdout.buffer)
    except OSError as exc:
        print(f"kesalahan: tidak dapat menulis {args.output}: {exc.strerror}", file=sys.stderr)
        return 1
    return 0


def _outside(user: object, codes: list[str]) -> bool:
    """True (and says so) when --area names an area outside the --pengguna account's scope."""
    from kesiapan.access import accounts as access

    if user is None:
        return False
    outside = [c for c in codes if not access.in_scope(c, user.scope)]  # type: ignore[attr-defined]
    if outside:
        print(
            f"kesalahan: wilayah {', '.join(outside)} di luar cakupan akun {user.username}",  # type: ignore[attr-defined]
            file=sys.stderr,
        )
    return bool(outside)


def _scope(args: argparse.Namespace) -> tuple[Dataset, Scope] | int:
    """The dataset and the view that --area, --as-of and --pengguna choose, or the exit code."""
    from dataclasses import replace

    from kesiapan.access import accounts as access
    from kesiapan.outputs import report
    from kesiapan.outputs.exports import Scope
    from kesiapan.store.dataset import Dataset

    try:
        filters = report.area_filters(args.area)
    except ValueError as exc:
        print(f"kesalahan: {exc}", file=sys.stderr)
        return 2
    user = cli_access.account(args)
    if _outside(user, args.area or []):
        return 2
    dataset = Dataset.open(args.data)
    if user is not None:
        dataset = dataset.scoped(user.scope)
    if not _usable(dataset, args.data):
        return 1
    if user is None:
        return dataset, Scope.of(dataset, args.as_of, **filters)
    scope = Scope.of(dataset, args.as_of, **filters)
    return dataset, replace(scope, tampil=access.tampil(user))


def _actions(args: argparse.Namespace) -> int:
    from kesiapan.contract import labels
    from kesiapan.outputs import actions

    opened = _scope(args)
    if isinstance(opened, int):
        return opened
    dataset, scope = opened
    packs = actions.collect(dataset, scope)
    if not packs:
        print(
            f"kesalahan: tidak ada kecamatan yang cocok dengan --area {' '.join(args.area or [])}",
            file=sys.stderr,
        )
        return 1
    try:
        paths = actions.write(packs, args.out)
    except OSError as exc:
        print(f"kesalahan: tidak dapat menulis {args.out}: {exc.strerror}", file=sys.stderr)
        return 1
    if scope.tampil.nama or scope.tampil.pribadi:  # the packs name people: into the audit log
        from kesiapan.access import accounts as access
        from kesiapan.access import audit

        audit.record(
            access.akses_folder(args.data),
            audit.UNDUH,
            cli_access.actor(cli_access.account(args)),
            berkas=[str(p) for p in paths],
            filter=scope.area_name(),
            tanggal=scope.as_of.isoformat(),
        )
    for pack in packs:
        counts = " · ".join(
            f"{labels.angka(n)} {name[0].lower() + name[1:] if name[1].islower() else name}"
            for name, n in pack.counts().items()
        )
        print(f"{pack.nama}: {counts}")
    where = paths[0] if args.out.suffix.lower() == ".zip" else args.out
    print(
        f"{labels.angka(len(packs))} berkas paket aksi ({scope.area_name()}, posisi "
        f"{labels.tanggal(scope.as_of)}) ditulis ke {where}"
    )
    return 0


def _briefing(args: argparse.Namespace) -> int:
    from kesiapan.contract import labels
    from kesiapan.outputs import briefing

    opened = _scope(args)
    if isinstance(opened, int):
        return opened
    dataset, scope = opened
    try:
        data = briefing.pdf(dataset, scope)
    except briefing.BriefingError as exc:
        print(f"kesalahan: {exc}", file=sys.stderr)
        return 1
    try:
        from kesiapan.access import private

        private.make_dir(args.out.parent, close_existing=False)
        private.write_bytes(args.out, data)  # names and figures of an area: owner-only
    except OSError as exc:
        print(f"kesalahan: tidak dapat menulis {args.out}: {exc.strerror}", file=sys.stderr)
        return 1
    print(
        f"Briefing {scope.area_name()}, posisi {labels.tanggal(scope.as_of)}, ditulis ke {args.out}"
    )
    return 0


def _sample(args: argparse.Namespace) -> int:
    from kesiapan.devtools import sample

    try:
        counts = sample.generate(args.out, scale=args.scale, seed=args.seed)
    except OSError as exc:
        print(f"kesalahan: tidak dapat menulis {args.out}: {exc.strerror}", file=sys.stderr)
        return 1
    for table, rows in counts.items():
        print(f"{table}: {rows:,} baris".replace(",", "."))
    return 0


def _bench(args: argparse.Namespace) -> int:
    from kesiapan.devtools import bench

    result: dict[str, object] = {}
    if not args.halaman_saja and args.scale != "batas":
        result = bench.run(args.scale, warm=args.warm, pandas_baseline=not args.tanpa_pandas)
        print(bench.table(result))
    failed = False
    if not args.tanpa_halaman:
        pages = bench.run_pages(
            bench.dataset_for(args.scale), bound=round(args.batas_mb * 1024 * 1024)
        )
        print()
        print(bench.pages_table(pages))
        result["halaman_server"] = pages
        failed = bool(pages["gagal"])
    if args.json:
        bench.write_json(result, args.json)
    return 1 if failed else 0


# -- issue 7: import, versions, restore (kesiapan/importer/core.py, kesiapan/store/versions.py) ----
IMPORT_COMMANDS = ("import", "versions", "restore")


def _default_who() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "baris perintah"


def _add_import_commands(commands: argparse._SubParsersAction) -> None:
    from kesiapan.contract import schema
    from kesiapan.importer import core as importer

    who_help = "nama petugas yang dicatat di riwayat (bawaan: nama pengguna sistem)"
    load = commands.add_parser(
        "import",
        help="muat berkas ke dataset sebagai versi baru",
        description=(
            "Muat berkas CSV, Excel atau Parquet ke dataset sebagai versi baru. Setiap berkas "
            "dicocokkan dengan salah satu dari enam tabel kontrak (dari namanya, atau dari "
            "kolomnya) lalu diperiksa; tidak ada yang disimpan selama masih ada galat, kecuali "
            "baris bergalat dibuang dengan --drop-errors. Berkas asli dan catatan impor disimpan."
        ),
    )
    load.add_argument("--data", required=True, type=Path, help="folder dataset")
    load.add_argument("files", nargs="+", type=Path, metavar="BERKAS", help="berkas yang dimuat")
    load.add_argument(
        "--table", choices=schema.TABLE_NAMES, help="tabel tujuan (bawaan: dikenali otomatis)"
    )
    load.add_argument(
        "--mode",
        choices=tuple(importer.MODES),
        default=importer.UPDATE,
        help=(
            "perbarui (bawaan): tambah baris baru dan perbarui baris yang sudah ada (dikenali "
            "dari NIK + TPS, kode sesi + NIK, kode TPS, …), tidak ada yang dihapus; "
            "ganti-bagian: berkas ini daftar lengkap sesi/TPS yang disebutnya, jadi baris lain "
            "dari sesi/TPS itu dihapus; ganti: seluruh tabel diganti isi berkas (khusus admin). "
            "Penghapusan perlu --konfirmasi-hapus"
        ),
    )
    load.add_argument(
        "--konfirmasi-hapus",
        action="store_true",
        help="setujui penghapusan baris yang didaftar pratinjau (tanpa ini tak ada yang disimpan)",
    )
    load.add_argument(
        "--daftar-perubahan",
        type=Path,
        metavar="BERKAS.xlsx",
        help="tulis daftar lengkap baris yang akan dihapus dan nilai yang akan diubah (xlsx/csv)",
    )
    load.add_argument(
        "--drop-errors",
        action="store_true",
        help="buang baris bergalat (disimpan di folder rejects) lalu simpan sisanya",
    )
    load.add_argument("--who", default=None, metavar="NAMA", help=who_help)
    load.add_argument("--sheet", metavar="NAMA", help="lembar Excel yang dibaca")

    listing = commands.add_parser(
        "versions",
        help="daftar versi dataset",
        description="Daftar versi dataset hasil impor; yang bertanda * sedang aktif.",
    )
    listing.add_argument("--data", required=True, type=Path, help="folder dataset")

    back = commands.add_parser(
        "restore",
        help="aktifkan lagi versi sebelumnya",
        description="Aktifkan lagi versi dataset sebelumnya (dasbor memakainya tanpa restart).",
    )
    back.add_argument("--data", required=True, type=Path, help="folder dataset")
    back.add_argument("version", metavar="VERSI", help="nomor versi, misalnya 0002 atau 2")
    back.add_argument("--who", default=None, metavar="NAMA", help=who_help)


def _run_import_command(args: argparse.Namespace) -> int:
    import duckdb

    from kesiapan.importer import core as importer
    from kesiapan.store import versions

    try:
        if args.perintah == "import":
            return _import(args)
        if args.perintah == "versions":
            return _versions(args)
        return _restore(args)
    except (importer.ImportRefused, versions.VersionError) as exc:
        print(f"kesalahan: {exc}", file=sys.stderr)
        return 1
    except (OSError, duckdb.Error) as exc:
        print(f"kesalahan: {exc}", file=sys.stderr)
        return 1


def _progress_printer() -> object:
    shown: dict[str, object] = {"step": -1, "text": ""}

    def show(fraction: float, text: str) -> None:
        step = int(fraction * 20)
        if step != shown["step"] or text != shown["text"]:
            shown.update(step=step, text=text)
            print(f"[{round(fraction * 100):3d}%] {text}", file=sys.stderr, flush=True)

    return show


def _import(args: argparse.Namespace) -> int:
    from kesiapan.access import accounts as access
    from kesiapan.importer import core as importer
    from kesiapan.importer import uploads as import_uploads

    missing = [str(p) for p in args.files if not p.is_file()]
    if missing:
        print(f"kesalahan: berkas tidak ditemukan: {', '.join(missing)}", file=sys.stderr)
        return 2
    user = cli_access.account(args)
    if user is not None and not user.boleh(access.IMPOR):
        print(
            f"kesalahan: akun {user.username} ({user.peran}) tidak boleh mengimpor", file=sys.stderr
        )
        return 2
    if args.mode == importer.REPLACE_TABLE and user is not None and not user.boleh(access.KELOLA):
        print(
            f"kesalahan: --mode ganti (mengganti seluruh tabel) hanya untuk admin; akun "
            f"{user.username} ({user.peran}) dapat memakai --mode perbarui atau ganti-bagian",
            file=sys.stderr,
        )
        return 2
    uploads = [import_uploads.Upload(p, p.name) for p in args.files]
    sheets = {u.name: args.sheet for u in uploads} if args.sheet else None
    # Issue 18: an import into a kabupaten another import just changed is checked again on
    # the new data and saved after it (queued, not refused).
    for attempt in range(STALE_RETRIES):
        try:
            return _import_once(args, user, uploads, sheets)
        except importer.StalePreview as exc:
            if attempt == STALE_RETRIES - 1:
                raise
            print(f"{exc}; memeriksa ulang dengan data terbaru", file=sys.stderr)
    return 1


STALE_RETRIES = 20


def _import_once(args: argparse.Namespace, user: object, uploads: list, sheets: dict | None) -> int:
    from kesiapan.access import accounts as access
    from kesiapan.access import audit, privacy
    from kesiapan.contract import labels
    from kesiapan.importer import core as importer
    from kesiapan.importer import cross_area
    from kesiapan.importer import report as import_report
    from kesiapan.importer import writing as import_writing

    preview = importer.prepare(
        args.data,
        uploads,
        args.mode,
        args.table,
        sheets,
        _progress_printer(),
        scope=user.scope if user is not None else None,
    )
    tampil = access.tampil(user) if user is not None else privacy.Tampil(nama=True, pribadi=True)
    try:
        for report in preview.files:
            _print_file(report)
        if preview.errors:
            _print_problems(preview.errors, f"Galat ({labels.angka(preview.error_count)}):")
        if preview.warnings:
            _print_problems(
                preview.warnings, f"Peringatan ({labels.angka(preview.warning_count)}):"
            )
        _print_removals(preview, tampil)
        if args.daftar_perubahan:
            import_report.write_changes(preview, tampil, args.daftar_perubahan)
            print(f"Daftar perubahan ditulis ke {args.daftar_perubahan}")
        reason = preview.refusal(args.drop_errors, args.konfirmasi_hapus)
        if reason:
            print(f"Tidak disimpan: {reason}.", file=sys.stderr)
            if any(f.needs_sheet for f in preview.files):
                print("Pilih lembarnya dengan --sheet NAMA.", file=sys.stderr)
            elif preview.rejected_rows and not preview.blocking and not args.drop_errors:
                print(
                    "Jalankan lagi dengan --drop-errors untuk membuang baris-baris itu.",
                    file=sys.stderr,
                )
            elif preview.rows_removed and not args.konfirmasi_hapus:
                print(
                    "Periksa baris yang akan dihapus di atas (daftar lengkapnya: "
                    "--daftar-perubahan BERKAS.xlsx); bila memang itu yang dimaksud, jalankan "
                    "lagi dengan --konfirmasi-hapus.",
                    file=sys.stderr,
                )
            return 1
        who = args.who or (f"{user.nama} ({user.username})" if user else _default_who())
        elsewhere = cross_area.attendance_elsewhere(preview.con)  # issue 12: into the log
        result = import_writing.commit(
            preview,
            args.drop_errors,
            who,
            confirm_removal=args.konfirmasi_hapus,
            waiting=lambda text: print(text, file=sys.stderr, flush=True),
        )
    finally:
        preview.close()
    audit.record(
        access.akses_folder(args.data),
        audit.IMPOR,
        cli_access.actor(user),
        versi=result.version,
        berkas=[str(p) for p in args.files],
        cara=args.mode,
        dihapus=preview.rows_removed,
        cakupan=list(user.scope) if user is not None and user.scope is not None else None,
        hadir_wilayah_lain=elsewhere or None,
    )
    before = f"sebelumnya {result.previous}" if result.previous else "dataset baru"
    print(f"Tersimpan: versi {result.version} sekarang aktif ({before}).")
    for path in result.rejects:
        print(f"Baris yang dibuang disimpan di {path}")
    return 0


REMOVALS_PRINTED = 20  # rows to be removed listed on the terminal; the file has them all


def _print_file(report: object) -> None:
    from kesiapan.contract import labels
    from kesiapan.importer import report as import_report

    r = report  # importer.FileReport
    where = [f"tabel {r.table}"] if r.table else []
    if len(r.sheets_used) > 1:
        where.append(import_report.sheets_text(r))
    elif r.sheet:
        where.append(f"lembar '{r.sheet}'")
    if r.header_row:
        where.append(f"baris judul {r.header_row}")
    print(
        f"{r.name}: {', '.join(where) or 'tidak dapat dibaca'}"
        + (f" ({r.description})" if r.description else "")
    )
    if not r.ok:
        return
    if r.about:
        print(f"  berkas ini tentang: {r.about}")
    print(
        f"  dibaca {labels.angka(r.rows_read)} baris · diterima {labels.angka(r.rows_accepted)}"
        f" · ditolak {labels.angka(r.rows_rejected)}"
    )
    print(f"  jika disimpan: {import_report.outcome(r)}")
    if r.changed_columns:
        print(f"  baris yang diubah, per kolom: {import_report.changed_text(r)}")
    for line in import_report.reading_lines(r):
        print(f"  {line}")


def _print_removals(preview: object, tampil: object) -> None:
    from kesiapan.contract import labels
    from kesiapan.importer import report as import_report

    for table, count in preview.removed_by_table().items():  # type: ignore[attr-defined]
        frame = import_report.removal_display(preview, table, tampil)  # type: ignore[arg-type]
        print(
            f"PERHATIAN: {labels.angka(count)} baris {table} yang tersimpan akan DIHAPUS:",
            file=sys.stderr,
        )
        shown = frame.head(REMOVALS_PRINTED)
        for row in shown.itertuples(index=False):
            print("  " + " · ".join(str(v) for v in row if v not in ("", None)), file=sys.stderr)
        if len(frame) > len(shown):
            print(f"  … dan {labels.angka(len(frame) - len(shown))} baris lain", file=sys.stderr)


def _versions(args: argparse.Namespace) -> int:
    from kesiapan.store import versions

    if not args.data.is_dir():
        print(f"kesalahan: folder data tidak ditemukan: {args.data}", file=sys.stderr)
        return 1
    made = versions.versions(args.data)
    if not made:
        print(f"Folder {args.data} belum punya versi: belum pernah diimpor.")
        return 0
    print(f"Versi dataset {args.data} (* = aktif):")
    for version in made:
        mark = "*" if version.live else " "
        record = version.record
        print(
            f"{mark} {version.name}  {versions.when(record)}  oleh {record.get('oleh', '-')}  "
            f"{versions.summary(record)}"
        )
    return 0


def _restore(args: argparse.Namespace) -> int:
    from kesiapan.access import accounts as access
    from kesiapan.access import audit
    from kesiapan.store import versions

    if not args.data.is_dir():
        print(f"kesalahan: folder data tidak ditemukan: {args.data}", file=sys.stderr)
        return 1
    user = cli_access.account(args)
    if user is not None and (not user.boleh(access.IMPOR) or user.scope is not None):
        print(
            f"kesalahan: pemulihan mengganti data semua wilayah; akun {user.username} tidak "
            "boleh memulihkan (hanya akun tanpa batas wilayah dengan izin impor)",
            file=sys.stderr,
        )
        return 2
    name = args.version.strip()
    if name.isdigit():
        name = f"{int(name):04d}"
    who = args.who or (f"{user.nama} ({user.username})" if user else _default_who())
    before = versions.restore(args.data, name, who)
    audit.record(
        access.akses_folder(args.data),
        audit.PULIHKAN,
        cli_access.actor(user),
        versi=name,
        sebelumnya=before,
    )
    print(f"Versi {name} aktif lagi (sebelumnya {before}).")
    return 0


# -- end of issue 7 -------------------------------------------------------------------------------


# -- loadtest: N simultaneous browser sessions (kesiapan/devtools/loadtest.py) ---------------------


def _add_loadtest_command(commands: argparse._SubParsersAction) -> None:
    load = commands.add_parser(
        "loadtest",
        help="uji beban: sesi serentak ke dasbor (protokol Streamlit atau Chromium)",
        description=(
            "Uji beban pada 127.0.0.1. Cara protokol (bawaan): setiap sesi berbicara langsung "
            "dengan server lewat protokol websocket Streamlit, tanpa browser: masuk, lalu "
            "beberapa putaran pindah halaman dan ganti filter kecamatan; mengukur server saja "
            "(p50/p95/maks per langkah, CPU server per putaran skrip, inti yang sibuk). Cara "
            "chromium: sesi Chromium serentak membuka Ringkasan, memilih kecamatan dan pindah "
            "ke Cakupan Bimtek (perlu paket Debian chromium dan playwright)."
        ),
    )
    load.add_argument("--data", required=True, type=Path, help="folder dataset")
    load.add_argument(
        "--mode", choices=("protokol", "chromium"), default="protokol", help="cara menguji"
    )
    load.add_argument("--sessions", type=int, default=20, help="jumlah sesi serentak (bawaan 20)")
    load.add_argument(
        "--rounds", type=int, default=3, help="protokol: putaran pindah halaman + filter per sesi"
    )
    load.add_argument(
        "--workers",
        type=int,
        default=1,
        help="protokol: jumlah proses dasbor di belakang proksi (bawaan 1, tanpa proksi)",
    )
    load.add_argument(
        "--timeout", type=float, default=120, help="batas waktu seluruh uji, detik (bawaan 120)"
    )
    load.add_argument("--json", type=Path, metavar="BERKAS", help="tulis hasil sebagai JSON")


def _loadtest(args: argparse.Namespace) -> int:
    from kesiapan.devtools import loadtest

    try:
        if args.mode == "protokol":
            result = loadtest.run_protocol(
                args.data,
                sessions=args.sessions,
                rounds=args.rounds,
                timeout_s=args.timeout,
                workers=args.workers,
            )
            text = loadtest.format_protocol_table(result)
        else:
            result = loadtest.run(args.data, sessions=args.sessions, timeout_s=args.timeout)
            text = loadtest.format_table(result)
    except ValueError as exc:
        print(f"kesalahan: {exc}", file=sys.stderr)
        return 2
    except loadtest.LoadTestError as exc:
        print(f"kesalahan: {exc}", file=sys.stderr)
        return 1
    print(text)
    if args.json:
        try:
            loadtest.write_json(result, args.json)
        except OSError as exc:
            print(f"kesalahan: tidak dapat menulis {args.json}: {exc.strerror}", file=sys.stderr)
            return 1
    return 1 if result["error_count"] else 0


# -- end of loadtest ----------------------------------------------------------------------------


# -- serve: several app processes behind nginx (kesiapan/ui/serve.py) ------------------------------


def _add_serve_command(commands: argparse._SubParsersAction) -> None:
    serve = commands.add_parser(
        "serve",
        help="jalankan dasbor: beberapa proses di belakang nginx",
        description=(
            "Jalankan dasbor untuk banyak pengguna sekaligus: sejumlah proses dasbor di port "
            "127.0.0.1 dan nginx (paket Debian) di depannya, dengan sesi lengket per peramban. "
            "Berhenti dengan Ctrl-C."
        ),
    )
    serve.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="jumlah proses dasbor (bawaan: jumlah inti CPU)",
    )
    serve.add_argument("--port", type=int, default=8501, help="port nginx (bawaan 8501)")
    serve.add_argument(
        "--address",
        default="0.0.0.0",  # noqa: S104 (an office network reaches it, as `make run`)
        help="alamat nginx (bawaan 0.0.0.0, semua antarmuka)",
    )
    serve.add_argument("--data", type=Path, help="folder dataset (bawaan $KESIAPAN_DATA)")


def _serve(args: argparse.Namespace) -> int:
    from kesiapan.ui import serve

    if args.data is not None:
        os.environ["KESIAPAN_DATA"] = str(args.data)
    try:
        return serve.serve_workers(args.workers, port=args.port, address=args.address)
    except serve.ServeError as exc:
        print(f"kesalahan: {exc}", file=sys.stderr)
        return 1


# -- end of serve -------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.perintah == "report":
            return _report(args)
        if args.perintah == "actions":
            return _actions(args)
        if args.perintah == "briefing":
            return _briefing(args)
        if args.perintah == "bench":
            return _bench(args)
        if args.perintah in IMPORT_COMMANDS:  # issue 7
            return _run_import_command(args)
        if args.perintah in cli_access.COMMANDS:  # issue 5
            return cli_access.run(args)
        if args.perintah == "loadtest":
            return _loadtest(args)
        if args.perintah == "serve":
            return _serve(args)
        if args.perintah in attendance_cli.COMMANDS:  # issue 16
            return attendance_cli.run(args)
        return _sample(args)
    except DatasetError as exc:
        print(f"kesalahan: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
