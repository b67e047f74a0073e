"""`python -m kesiapan.ui.serve [streamlit options]`: the dashboard, as `make run` starts it; and
`python -m kesiapan serve --workers N`: N of them behind nginx, as an office needs it.

app.py routes every page through st.navigation. Because the page files live in a folder named
`pages/`, Streamlit would also switch on its older folder-based routing for every session
until the first st.navigation call: the first visitor of a fresh server who follows a link to
a page would get that page without app.py (no filters, no navigation) or an English "Page not
found" dialog. Starting Streamlit from here turns that routing off before any session.

A script run is bound to one core of one Python process, so one process serves a handful of
people at once. `serve_workers` starts N app processes on loopback ports and one nginx
(Debian's package) in front of them on the public address, with sticky sessions by cookie
(deploy/nginx.conf.template). What the processes must agree on lives in files, each written
under a lock or replaced atomically, and is read again on every run: accounts and lockouts
(akses, flock + rename), the audit log (O_APPEND under flock), the import lock (versions,
flock) and the live version (CURRENT, replaced atomically). The store is built once here,
before any worker starts, and each worker opens it read-only. The workers share one cookie
secret, so a cookie one of them signed is good at the others.
"""

from __future__ import annotations

import getpass
import os
import re
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from kesiapan import paths

ROOT = paths.ROOT
APP = paths.APP
NGINX_TEMPLATE = ROOT / "deploy" / "nginx.conf.template"
# Streamlit runs a full garbage collection (gc.collect(2)) after every script run: with
# pandas, DuckDB and Plotly loaded that was 30% of a run's CPU. Python's own generational
# collection still runs. Options given on the command line come later and win.
DEFAULT_OPTIONS = ["--runner.postScriptGC", "false"]
WORKER_OPTIONS = [
    "--server.headless",
    "true",
    "--server.fileWatcherType",
    "none",
    "--browser.gatherUsageStats",
    "false",
]
WARM_ENV = "KESIAPAN_PEMANASAN"  # "0": no warm-up at start (kesiapan.ui.warmup)
START_TIMEOUT_S = 120.0
MAX_RESTARTS = 5  # per worker, before the whole service gives up
DEFAULT_UPLOAD_MB = 200  # Streamlit's server.maxUploadSize when .streamlit/config.toml is silent


def main(argv: list[str] | None = None) -> None:
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli

    from kesiapan.ui import signin

    signin.hide_session_ids()  # before the server logs anything (app.py does it too)
    PagesManager.uses_pages_directory = False
    _warm_in_background()
    options = sys.argv[1:] if argv is None else argv
    sys.argv = ["streamlit", "run", str(APP), *DEFAULT_OPTIONS, *options]
    cli.main()


def _warm_in_background() -> None:
    """Issue 17: the heavy imports, the store's open and the unfiltered views' queries begin
    in a thread of their own while Streamlit starts, instead of in the first visitor's run
    (kesiapan.ui.warmup); KESIAPAN_PEMANASAN=0 turns it off."""
    if os.environ.get(WARM_ENV, "1") == "0":
        return

    def run() -> None:
        from kesiapan.ui import shared, warmup

        warmup.with_server(shared.data_folder())

    threading.Thread(target=run, name="kesiapan-pemanasan-mulai", daemon=True).start()


# -- several processes behind nginx ----------------------------------------------------------


class ServeError(Exception):
    """The service cannot start (no nginx, a port taken, a worker that will not come up)."""


def find_nginx() -> str:
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None
    )
    if found is None:
        raise ServeError(
            "nginx tidak ditemukan: pasang paket Debian nginx (apt-get install nginx), atau "
            "jalankan `make serve-multi` yang memasangnya"
        )
    return found


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _healthy(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with urllib.request.urlopen(f"http://{host}:{port}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _local_host(address: str) -> str:
    """Where this machine reaches a server that listens on `address`."""
    if address in ("", "0.0.0.0"):  # noqa: S104 (every interface, reached on loopback)
        return "127.0.0.1"
    if address == "::":
        return "[::1]"
    return f"[{address}]" if ":" in address else address


def _upload_limit_mb() -> int:
    """server.maxUploadSize as the workers will read it (.streamlit/config.toml in ROOT)."""
    import tomllib

    path = ROOT / ".streamlit" / "config.toml"
    try:
        config = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return DEFAULT_UPLOAD_MB
    return int(config.get("server", {}).get("maxUploadSize", DEFAULT_UPLOAD_MB))


def nginx_config(listen: str, ports: list[int], run_dir: Path) -> str:
    """deploy/nginx.conf.template filled in for these worker ports."""
    servers = "\n".join(f"        server 127.0.0.1:{port} max_fails=0;" for port in ports)
    # As root, nginx would hand its workers to `nobody`, who cannot write the private run
    # folder; as anyone else the directive is ignored.
    user = f"user {getpass.getuser()};" if os.geteuid() == 0 else ""
    # safe_substitute: nginx's own $variables stay as they are; ours are ${name}.
    text = string.Template(NGINX_TEMPLATE.read_text(encoding="utf-8")).safe_substitute(
        run_dir=str(run_dir),
        user_line=user,
        max_upload_mb=_upload_limit_mb(),
        servers=servers,
        listen=listen,
    )
    if re.search(r"\$\{\w+\}", text):
        raise ServeError(f"{NGINX_TEMPLATE} memuat isian yang tidak dikenal")
    return text


def _worker(port: int, env: dict[str, str], options: list[str]) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "kesiapan.ui.serve",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        *WORKER_OPTIONS,
        *options,
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL)


def serve_workers(
    workers: int,
    port: int = 8501,
    address: str = "0.0.0.0",  # noqa: S104 (a server for an office's network, like `make run`)
    options: list[str] | None = None,
) -> int:
    """Run `workers` app processes behind nginx on address:port until SIGINT/SIGTERM (or a
    worker that keeps dying). Returns the exit code."""
    from kesiapan.store.dataset import Dataset, resolve_folder

    if workers < 1:
        raise ServeError("jumlah proses harus paling sedikit 1")
    nginx = find_nginx()
    data = Path(os.environ.get("KESIAPAN_DATA", ROOT / "data" / "sample"))
    # Built once, here: N workers building the same store at once would each do the work.
    Dataset.open(resolve_folder(data))
    run_dir = Path(tempfile.mkdtemp(prefix="kesiapan-serve-"))  # 0700: nginx's own files
    env = {
        **os.environ,
        "KESIAPAN_DATA": str(data),
        "PYTHONUNBUFFERED": "1",
        # One secret for all: the XSRF and sign-in cookies one worker signs, another accepts.
        "STREAMLIT_SERVER_COOKIE_SECRET": os.environ.get(
            "STREAMLIT_SERVER_COOKIE_SECRET", secrets.token_urlsafe(32)
        ),
    }
    extra = options or []
    ports = [_free_port() for _ in range(workers)]
    children: dict[int, subprocess.Popen[bytes]] = {}
    proxy: subprocess.Popen[bytes] | None = None
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        for worker_port in ports:
            children[worker_port] = _worker(worker_port, env, extra)
        deadline = time.monotonic() + START_TIMEOUT_S
        for worker_port, child in children.items():
            while not _healthy(worker_port):
                if child.poll() is not None or time.monotonic() > deadline:
                    raise ServeError(f"proses dasbor di port {worker_port} tidak menyala")
                if stopping:
                    return 0
                time.sleep(0.2)
            print(f"Proses dasbor siap di 127.0.0.1:{worker_port}", flush=True)
        listen = f"{address}:{port}" if ":" not in address else f"[{address}]:{port}"
        config = run_dir / "nginx.conf"
        config.write_text(nginx_config(listen, ports, run_dir), encoding="utf-8")
        proxy = subprocess.Popen(
            [nginx, "-c", str(config), "-p", str(run_dir)], stdin=subprocess.DEVNULL
        )
        # The address is given once nginx answers there: it binds its port a moment after it
        # starts (longer on a busy machine), and a browser sent there before gets "refused".
        while not _healthy(port, _local_host(address)):
            if proxy.poll() is not None:
                raise ServeError(
                    f"nginx tidak menyala (kode {proxy.returncode}); lihat {run_dir}/error.log"
                )
            if time.monotonic() > deadline:
                raise ServeError(f"nginx tidak menjawab di {listen}; lihat {run_dir}/error.log")
            if stopping:
                return 0
            time.sleep(0.05)
        print(
            f"Kesiapan KPPS: {workers} proses di belakang nginx, http://{listen}/ "
            f"(konfigurasi {config})",
            flush=True,
        )
        restarts = dict.fromkeys(ports, 0)
        while True:
            time.sleep(0.5)
            if stopping:  # Ctrl-C or SIGTERM reach the whole group: nginx may be gone already
                return 0
            if proxy.poll() is not None:
                print(f"nginx berhenti (kode {proxy.returncode}); lihat {run_dir}/error.log")
                return 1
            for worker_port, child in list(children.items()):
                if child.poll() is None:
                    continue
                restarts[worker_port] += 1
                if restarts[worker_port] > MAX_RESTARTS:
                    print(f"Proses di port {worker_port} terus berhenti; layanan dihentikan")
                    return 1
                print(f"Proses di port {worker_port} berhenti; dinyalakan lagi", flush=True)
                children[worker_port] = _worker(worker_port, env, extra)
    finally:
        for process in [proxy, *children.values()]:
            if process is not None and process.poll() is None:
                process.terminate()
        for process in [proxy, *children.values()]:
            if process is None:
                continue
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        shutil.rmtree(run_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
