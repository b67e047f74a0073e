"""Import tests: datasets in temporary folders (never data/sample itself) and helpers."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kesiapan.access import accounts as access
from kesiapan.importer import core as importer
from kesiapan.importer import uploads as import_uploads
from tests.browser.conftest import dashboard_server
from tests.conftest import ROOT, SAMPLE, copy_sample

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
BASE = CORPUS / "_dasar"
_NOT_DATA = shutil.ignore_patterns(".kesiapan-*")  # the store's own cache files
PASSWORD = "sandi-rahasia-2024"  # budi's, the operator of `operator_server`

# A roster for TPS 002 of desa Torjun (empty in the base), as SIAKBA names the columns.
ROSTER = (
    "NIK,Nama Lengkap,L/P,Tgl Lahir,No HP,Kode TPS,Jabatan,Tgl SK\n"
    "3527021505910007,Hendra Wijaya,L,1991-05-15,081231000007,3527022001002,KPPS 1,2024-01-10\n"
    "3527026208930008,Dewi Lestari,P,1993-08-22,081231000008,3527022001002,KPPS 2,2024-01-10\n"
)


@pytest.fixture
def base(tmp_path: Path) -> Path:
    """A plain copy of the corpus base dataset (six CSV files and dataset.toml)."""
    folder = tmp_path / "data"
    shutil.copytree(BASE, folder, ignore=_NOT_DATA)
    return folder


@pytest.fixture
def sample_dir(tmp_path: Path) -> Path:
    """A plain copy of data/sample (the bundled sample itself is never imported into)."""
    folder = tmp_path / "sampel"
    shutil.copytree(SAMPLE, folder, ignore=_NOT_DATA)
    return folder


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """write(name, text or bytes) → a file to upload, in its own folder."""
    uploads = tmp_path / "unggah"
    uploads.mkdir(exist_ok=True)

    def _write(name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = uploads / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return path

    return _write


@pytest.fixture
def prepared() -> Iterator[Callable[..., importer.Preview]]:
    """prepared(folder, *paths, **options): a preview that is closed after the test."""
    previews: list[importer.Preview] = []

    def _prepare(folder: Path, *paths: Path, **options: object) -> importer.Preview:
        uploads = [import_uploads.Upload(p, p.name) for p in paths]
        preview = importer.prepare(folder, uploads, **options)  # type: ignore[arg-type]
        previews.append(preview)
        return preview

    yield _prepare
    for preview in previews:
        preview.close()


def messages(preview: importer.Preview) -> list[str]:
    return [f"galat: {p}" for p in preview.errors] + [f"peringatan: {p}" for p in preview.warnings]


def tree(folder: Path) -> dict[str, str]:
    """Every file under `folder` (hidden ones too) and the sha256 of its bytes."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m kesiapan …` as a person runs it."""
    return subprocess.run(
        [sys.executable, "-m", "kesiapan", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
    )


@pytest.fixture(scope="session")
def operator_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A dashboard server on a copy of the sample with one account, budi, operator of Torjun
    (`PASSWORD`): its URL and data folder, for test_session_browser and test_workbook_browser,
    one server per worker for both (a start and its first, cold pages fewer). Only
    test_session_browser's first test saves a version (0002); every other test that uses it
    asserts that it writes nothing, so they may run in any order."""
    folder = copy_sample(tmp_path_factory.mktemp("sesi") / "sample")  # with its built store
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    accounts = folder.parent / "akses"
    access.add(
        accounts, "budi", peran="operator", wilayah=["35.27.02"], nama="Budi", password=PASSWORD
    )
    env = {access.AKSES_ENV: str(accounts)}
    with dashboard_server(folder, f"server-impor-sesi{worker}.log", env=env) as url:
        yield url, folder
