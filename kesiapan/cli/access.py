"""`python -m kesiapan users …` and `python -m kesiapan audit` (issue 5), and the `--pengguna`
option of the other commands: run them with an account's area scope and masking."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from kesiapan.access import accounts as access
from kesiapan.access import audit

COMMANDS = ("users", "audit")
AKSES_HELP = "folder akun (bawaan: $KESIAPAN_AKSES, atau <folder data>/akses)"


def _folder(args: argparse.Namespace) -> Path:
    if args.akses is not None:
        return args.akses
    if args.data is not None:
        return access.akses_folder(args.data)
    print(
        "kesalahan: sebutkan --akses FOLDER atau --data FOLDER (atau setel KESIAPAN_AKSES)",
        file=sys.stderr,
    )
    raise SystemExit(2)


def _location(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--akses", type=Path, metavar="FOLDER", help=AKSES_HELP)
    parser.add_argument(
        "--data", type=Path, metavar="FOLDER", help="folder dataset (akunnya di <folder>/akses)"
    )


def add_commands(commands: argparse._SubParsersAction) -> None:
    users = commands.add_parser(
        "users",
        help="kelola akun pengguna dasbor",
        description=(
            "Akun bawaan dasbor: peran (komisioner, analis, operator, admin) dan wilayah "
            "(kode 35, 35.27, 35.27.02 atau 35.27.02.2001; boleh berulang). Kata sandi disimpan "
            "sebagai hash argon2id; akun terkunci 15 menit setelah 5 kali salah kata sandi."
        ),
    )
    actions = users.add_subparsers(dest="aksi", required=True, metavar="AKSI")
    add = actions.add_parser("add", help="tambah akun", description="Tambah akun.")
    add.add_argument("username", metavar="NAMA_PENGGUNA")
    add.add_argument("--peran", required=True, choices=tuple(access.PERAN))
    add.add_argument(
        "--wilayah",
        action="append",
        default=[],
        metavar="KODE",
        help="kode wilayah cakupan; boleh berulang; admin tanpa --wilayah melihat semua",
    )
    add.add_argument("--nama", help="nama lengkap yang tampil di dasbor")
    add.add_argument("--email", help="surel untuk masuk lewat SSO (OpenID Connect)")
    add.add_argument(
        "--izin",
        action="append",
        default=[],
        choices=tuple(access.IZIN),
        help="izin tambahan di luar peran, mis. data_pribadi atau nama; boleh berulang",
    )
    secret = add.add_mutually_exclusive_group()
    secret.add_argument(
        "--sandi-stdin", action="store_true", help="baca kata sandi dari masukan standar"
    )
    secret.add_argument(
        "--tanpa-sandi", action="store_true", help="akun hanya masuk lewat SSO (perlu --email)"
    )
    _location(add)
    for name, text in (
        ("disable", "nonaktifkan akun"),
        ("enable", "aktifkan lagi akun (dan buka kuncinya)"),
        ("password", "ganti kata sandi akun"),
    ):
        sub = actions.add_parser(name, help=text, description=text.capitalize() + ".")
        sub.add_argument("username", metavar="NAMA_PENGGUNA")
        if name == "password":
            sub.add_argument("--sandi-stdin", action="store_true")
        _location(sub)
    listing = actions.add_parser("list", help="daftar akun", description="Daftar akun.")
    _location(listing)

    log = commands.add_parser(
        "audit",
        help="tampilkan atau periksa log audit",
        description="Log audit: masuk, gagal masuk, impor, pemulihan dan unduhan berisi nama.",
    )
    log.add_argument(
        "--periksa", action="store_true", help="periksa rantai hash (catatan diubah atau dihapus)"
    )
    log.add_argument("--terakhir", type=int, default=50, metavar="N", help="N catatan terakhir")
    _location(log)


def _password(args: argparse.Namespace) -> str:
    if args.sandi_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Kata sandi: ")
    if getpass.getpass("Ulangi kata sandi: ") != first:
        raise access.AksesError("kedua kata sandi tidak sama")
    return first


def run(args: argparse.Namespace) -> int:
    folder = _folder(args)
    try:
        if args.perintah == "audit":
            return _audit(args, folder)
        return _users(args, folder)
    except (access.AksesError, audit.AuditError) as exc:
        print(f"kesalahan: {exc}", file=sys.stderr)
        return 1


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _users(args: argparse.Namespace, folder: Path) -> int:
    if args.aksi == "list":
        users = access.load(folder)
        if not users:
            print(f"Belum ada akun di {folder}.")
            return 0
        for user in users.values():
            state = "aktif" if user.aktif else "nonaktif"
            if user.terkunci():
                state = "terkunci"
            areas = ", ".join(user.wilayah) or "semua wilayah"
            extra = f" · izin tambahan {', '.join(sorted(user.izin_tambahan))}" * bool(
                user.izin_tambahan
            )
            login = "sandi" if user.sandi else "SSO"
            email = f" · {user.email}" if user.email else ""
            print(
                f"{user.username}  {user.nama} · {user.peran} · {areas} · {state} · {login}"
                f"{email}{extra}"
            )
        return 0
    if args.aksi == "add":
        password = None if args.tanpa_sandi else _password(args)
        user = access.add(
            folder,
            args.username,
            peran=args.peran,
            wilayah=args.wilayah,
            nama=args.nama,
            email=args.email,
            password=password,
            izin_tambahan=args.izin,
        )
        audit.record(folder, audit.AKUN, _actor(), aksi="tambah", akun=user.public())
        print(f"Akun {user.username} ({user.peran}) dibuat di {folder}.")
        return 0
    if args.aksi == "password":
        user = access.set_password(folder, args.username, _password(args))
        audit.record(folder, audit.AKUN, _actor(), aksi="ganti_sandi", akun=user.username)
        print(f"Kata sandi {user.username} diganti.")
        return 0
    user = access.set_active(folder, args.username, args.aksi == "enable")
    audit.record(folder, audit.AKUN, _actor(), aksi=args.aksi, akun=user.username)
    print(f"Akun {user.username} {'diaktifkan' if user.aktif else 'dinonaktifkan'}.")
    return 0


def _audit(args: argparse.Namespace, folder: Path) -> int:
    if args.periksa:
        problems = audit.verify(folder, access.audit_witness(folder))
        for problem in problems:
            print(f"log audit {folder / audit.AUDIT_FILE}, {problem}", file=sys.stderr)
        if problems:
            return 1
        print(f"Log audit utuh: {len(audit.read(folder))} catatan.")
        return 0
    for entry in audit.read(folder)[-args.terakhir :]:
        details = {
            k: v
            for k, v in entry.items()
            if k not in ("waktu", "peristiwa", "pengguna", "sebelum", "hash", "rantai")
        }
        event = str(entry.get("peristiwa", "-"))
        what = audit.PERISTIWA.get(event, event)
        rest = " · ".join(f"{k}={v}" for k, v in details.items())
        print(f"{entry.get('waktu', '-')}  {entry.get('pengguna') or '-'}  {what}  {rest}")
    return 0


# -- `--pengguna` on report, actions, briefing, import and restore ----------------------------
def add_user_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--pengguna",
        metavar="NAMA_PENGGUNA",
        help="jalankan dengan wilayah dan penyamaran akun ini (bawaan: tanpa batas, sebagai "
        "pengguna sistem server)",
    )


def account(args: argparse.Namespace) -> access.Pengguna | None:
    """The account named by --pengguna (active), None without the option; exits 2 when it
    does not exist or is disabled."""
    if not getattr(args, "pengguna", None):
        return None
    user = access.active_user(access.akses_folder(args.data), args.pengguna.strip().lower())
    if user is None:
        print(
            f"kesalahan: akun aktif {args.pengguna} tidak ada di {access.akses_folder(args.data)}",
            file=sys.stderr,
        )
        raise SystemExit(2)
    return user


def actor(user: access.Pengguna | None) -> str:
    return user.username if user is not None else _actor()
