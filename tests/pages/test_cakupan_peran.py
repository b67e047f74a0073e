"""Issue 5, for each role and scope: no page, no URL parameter, no download and no report
reaches a row outside the account's area, and a role without `data_pribadi` never receives an
unmasked NIK, phone number or birth date, in any element or file.

On `mini` (tests/fixtures/mini/README.md): every member's area is known from kpps.csv and
tps.csv, so what an account must never see is worked out from the files themselves: the names,
NIKs, phones and TPS codes of members outside its scope, and the names of areas outside it.
Joko Susilo serves at a TPS that does not exist: no scope holds him.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from kesiapan.access import accounts as access
from kesiapan.ui import shared as ui
from tests.conftest import ROOT, run_cli, signed_in

MINI = ROOT / "tests" / "fixtures" / "mini"
PAGES = ("overview", "bimtek", "petugas", "supervisi", "data")
PASSWORD = "sandi-rahasia-2024"
# Links that name areas outside every scope below but Sampang's, and the date of the fixture.
HOSTILE_LINKS = ({}, {"kab": "35.26"}, {"kec": "35.26.01,35.27.01", "desa": "35.26.01.1001"})


@dataclass(frozen=True)
class Account:
    username: str
    peran: str
    wilayah: tuple[str, ...]
    izin: tuple[str, ...] = ()


ACCOUNTS = (
    Account("kom-sampang", "komisioner", ("35.27",)),
    Account("analis-torjun", "analis", ("35.27.02",)),
    Account("ops-desa", "operator", ("35.27.02.2001",)),
    Account("analis-kamal", "analis", ("35.26",), ("data_pribadi",)),
    Account("admin-sreseh", "admin", ("35.27.01",)),
)


def _read(name: str) -> list[dict[str, str]]:
    with (MINI / f"{name}.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _forbidden(account: Account) -> list[str]:
    """What the account must never receive: the members outside its scope (name, NIK,
    phone, TPS code) and the kecamatan/kabupaten/desa names wholly outside it."""
    desa_of = {t["kode_tps"]: t["kode_desa"] for t in _read("tps")}
    words: list[str] = []
    for member in _read("kpps"):
        desa = desa_of.get(member["kode_tps"])
        if desa is None or not access.in_scope(desa, account.wilayah):
            words += [member["nama"], member["nik"], member["kode_tps"]]
            words += [member["no_hp"]] if member["no_hp"] else []
    areas = _read("wilayah")
    inside = [a for a in areas if access.in_scope(a["kode_desa"], account.wilayah)]
    seen = {a[k] for a in inside for k in ("kabupaten", "kecamatan", "desa")}
    for area in areas:
        if area not in inside:
            words += [
                area[k]
                for k in ("kabupaten", "kecamatan", "desa")
                if area[k] not in seen and not _contains_area_of(account, area, k)
            ]
    return sorted(set(words))


def _contains_area_of(account: Account, area: dict[str, str], level: str) -> bool:
    # A desa-level account still sees its own kecamatan's sessions (held at e.g. "Balai Desa
    # Labuhan"), so a sibling desa's name may appear in a session's place: not a member row.
    return level == "desa" and any(len(code.split(".")) == 4 for code in account.wilayah)


def _personal(account: Account) -> list[str]:
    """Unmasked personal data of the members inside its scope it must not get unmasked."""
    if "data_pribadi" in account.izin or account.peran == "admin":
        return []
    out: list[str] = []
    for member in _read("kpps"):
        out += [member["nik"], member["tanggal_lahir"]]
        out += [member["no_hp"]] if member["no_hp"] else []
    return out


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("peran")
    shutil.copytree(MINI, root / "data")
    for a in ACCOUNTS:
        access.add(
            root / "akses",
            a.username,
            peran=a.peran,
            wilayah=a.wilayah,
            password=PASSWORD,
            izin_tambahan=a.izin,
        )
    return root / "data", root / "akses"


@pytest.fixture
def env(deployment: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    data, folder = deployment
    monkeypatch.setenv("KESIAPAN_DATA", str(data))
    monkeypatch.setenv(access.AKSES_ENV, str(folder))
    return deployment


def _texts(node: object) -> list[str]:
    """Every string an element tree carries: element protos (labels, options, chart specs)
    and the values of its data frames."""
    out: list[str] = []
    proto = getattr(node, "proto", None)
    if proto is not None:
        out.append(str(proto))
    value = getattr(node, "value", None) if type(node).__name__ == "Dataframe" else None
    if value is not None:
        out.append(value.to_csv())
    for child in getattr(node, "children", {}).values():
        out += _texts(child)
    return out


def _workbook_text(data: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return "\n".join(
        str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
    )


def _files(offered: list[tuple[str, object]]) -> list[str]:
    """The contents of every file the page offered, made as a click would make them."""
    texts = []
    for name, make in offered:
        data = make()
        if name.endswith(".xlsx"):
            texts.append(_workbook_text(data))
        elif name.endswith(".zip"):
            archive = zipfile.ZipFile(io.BytesIO(data))
            texts += [_workbook_text(archive.read(n)) for n in archive.namelist()]
        else:
            texts.append(data.decode("utf-8-sig"))
    return texts


def _leaks(texts: list[str], words: list[str]) -> list[str]:
    blob = "\n".join(texts)
    return [w for w in words if re.search(rf"(?<![\w]){re.escape(w)}(?![\w])", blob)]


@pytest.mark.parametrize("account", ACCOUNTS, ids=lambda a: a.username)
@pytest.mark.parametrize("page", PAGES)
def test_no_element_or_download_leaks(
    env: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, account: Account, page: str
) -> None:
    offered: list[tuple[str, object]] = []

    def record(view, file_name, table, make):  # ui._audited: every download button's maker
        offered.append((file_name, make))
        return make

    monkeypatch.setattr(ui, "_audited", record)
    briefing = pytest.importorskip("kesiapan.outputs.briefing")
    monkeypatch.setattr(briefing, "find_chromium", _no_chromium)  # PDFs: aggregates only
    forbidden, personal = _forbidden(account), _personal(account)
    assert forbidden  # every account here has something outside its scope
    for link in HOSTILE_LINKS:
        at = AppTest.from_file(str(ROOT / "pages" / f"{page}.py"), default_timeout=60)
        for key, value in link.items():
            at.query_params[key] = value
        signed_in(at.session_state, account.username)
        at.run()
        assert not at.exception, (account, page, link)
        texts = _texts(at.main) + _texts(at.sidebar)
        files = _files(offered) if link == {} else []
        assert _leaks(texts, forbidden) == [], (account.username, page, link)
        assert _leaks(files, forbidden) == [], (account.username, page, "unduhan")
        assert _leaks(texts + files, personal) == [], (account.username, page, link)
        offered.clear()
    if not access.PERAN[account.peran] & {access.EKSPOR} and not account.izin:
        assert not at.get("download_button") or all(
            b.proto.id.endswith("unduh_briefing") for b in at.get("download_button")
        )


def _no_chromium() -> str:
    raise briefing_error()


def briefing_error() -> Exception:
    from kesiapan.outputs import briefing

    return briefing.BriefingError("Chromium tidak dipakai dalam uji ini")


def test_whole_app_filters_offer_only_the_scope(env: tuple[Path, Path]) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    signed_in(at.session_state, "analis-torjun")
    at.query_params["kec"] = "35.27.01"
    at.run()
    assert not at.exception
    assert at.multiselect(key="f_kabupaten").options == ["Sampang"]
    assert at.multiselect(key="f_kecamatan").options == ["Torjun"]
    assert at.multiselect(key="f_desa").options == ["Desa Torjun (Torjun)", "Desa Kara (Torjun)"]
    assert at.multiselect(key="f_kecamatan").value == []  # Sreseh's code was refused
    assert any("(kec=35.27.01) tidak ada atau di luar cakupan" in e.value for e in at.error)


@pytest.mark.parametrize("account", ACCOUNTS, ids=lambda a: a.username)
def test_report_command_keeps_to_the_account(
    deployment: tuple[Path, Path], account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, folder = deployment
    monkeypatch.setenv(access.AKSES_ENV, str(folder))
    for level in ("kecamatan", "tps"):
        # The command in this process (its own start is tested in tests/test_report_cli.py).
        done = run_cli(
            "report", "--data", str(data), "--level", level, "--format", "csv",
            "--pengguna", account.username,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        rows = list(csv.DictReader(io.StringIO(done.stdout)))
        assert rows
        codes = [r.get("kode_desa") or r.get("kode_kecamatan") for r in rows]
        assert all(
            access.in_scope(c, account.wilayah)
            or any(w.startswith(c + ".") for w in account.wilayah)
            for c in codes
        ), codes
        assert _leaks([done.stdout], _forbidden(account)) == []
    outside = run_cli(
        "report", "--data", str(data), "--area", "35.26.01", "--pengguna", account.username
    )
    if access.in_scope("35.26.01", account.wilayah):
        assert outside.returncode == 0
    else:
        assert outside.returncode == 2
        assert "di luar cakupan akun" in outside.stderr and "Traceback" not in outside.stderr
