"""Both journal backends for real: SQLite in a temporary data folder, and PostgreSQL from
Debian's package started in a temporary folder for the session (kesiapan.devtools.pgserver).
Missing PostgreSQL fails the tests (never skips): `make test` installs it."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from kesiapan.devtools import pgserver
from kesiapan.store import journal

_NAMES = itertools.count()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[pgserver.Server]:
    if pgserver.bin_dir() is None:
        pytest.fail(pgserver.MISSING, pytrace=False)
    with pgserver.running() as server:
        yield server


@pytest.fixture
def pg_url(pg_server: pgserver.Server) -> str:
    """A fresh database on the session's server."""
    return pgserver.create_database(pg_server, f"uji_{next(_NAMES)}")


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Runs a test once per backend; with PostgreSQL, KESIAPAN_JURNAL_URL points at a fresh
    database, so everything that opens the journal of a data folder uses it."""
    if request.param == "postgresql":
        url = request.getfixturevalue("pg_url")
        monkeypatch.setenv(journal.URL_ENV, url)
    else:
        monkeypatch.delenv(journal.URL_ENV, raising=False)
    return request.param


@pytest.fixture
def jurnal(backend: str, tmp_path: Path) -> Iterator[journal.Journal]:
    opened = journal.open_journal(tmp_path / "data")
    assert opened is not None
    yield opened
    opened.close()
