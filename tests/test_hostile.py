"""Hostile input through the dashboard, the data layer, the report command and the downloads.

1. SQL injection through every filter: the URL parameters of app.py and of each page file,
   `Dataset.query` (values bound as parameters, never written into the SQL) and `report --area`.
   Nothing raises, nothing outside the signed-in account's scope shows, the figures are those of
   a filter naming no area, and the dataset is intact afterwards.
2. HTML and Markdown in the data (roster names, visit findings, places, desa names, the
   dataset's and the account's names): every Markdown element that shows such a value escapes
   it (`labels.polos`).
3. Spreadsheet formulas in the data: CSV downloads put an apostrophe before a text cell that a
   spreadsheet would run; XLSX downloads write it as a string cell.

`hostile_dataset` builds the `mini` fixture with such values; tests/browser/test_hostile.py
opens it in Chromium.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from kesiapan.access import accounts as access
from kesiapan.cli import main as cli
from kesiapan.contract import labels
from kesiapan.importer import core as importer
from kesiapan.importer import uploads as import_uploads
from kesiapan.outputs import actions, exports, report
from kesiapan.store.dataset import SCOPE_CODE, Dataset, query_names
from tests.conftest import ROOT, signed_in

MINI = ROOT / "tests" / "fixtures" / "mini"
PASSWORD = "sandi-rahasia-2024"

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
LINK = "[klik](javascript:alert(1))"
BOLD = "**tebal**"
FORMULA = '=HYPERLINK("http://x","y")'
PLUS = "+SUM(1)"
AT = "@cmd"
MINUS = "-1+1"
MARKUP = (SCRIPT, IMG, LINK, BOLD)
FORMULAS = (FORMULA, PLUS, AT, MINUS)
DATASET_NAME = f"**Data** {SCRIPT} {LINK}"
ADMIN_NAME = f"**Admin** {IMG}"
# desa → its hostile name (mini: Torjun 2001 and Kara 2002 in Torjun, Noreh 2001 and Labuhan
# 2002 in Sreseh); Sreseh itself becomes a formula.
DESA_NAMES = {
    "35.27.02.2001": IMG,
    "35.27.02.2002": SCRIPT,
    "35.27.01.2001": LINK,
    "35.27.01.2002": BOLD,
}
SRESEH = "35.27.01"
# Out of the analis's scope (kabupaten 35.26 Bangkalan): its names must never show.
BANGKALAN_WORDS = ("Bangkalan", "Kamal", "Sugeng", "Wartini", "Hartono")

# Filter values an attacker may put in a link (?kab=…&kec=…&desa=…&tanggal=…).
VALUES = {
    "kutip-or": "35.27' or '1'='1",
    "drop-table": "35.27'); drop table kpps; --",
    "persen": "%",
    "bintang": "*",
    "union": "35.27,35.26' union select nik,nama from kpps --",
    "10000-karakter": "35.27'" + "a" * 9994,
    "unicode": "３５.２７ Ṣampang 🗳️ \u202e",
    "nul": "35.27\x00' or 1=1 --",
}
NOWHERE = "99.99"  # a well-formed code of no area


def _rewrite(path: Path, change: Callable[[int, dict[str, str]], None]) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for number, row in enumerate(rows):
        change(number, row)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def hostile_dataset(folder: Path) -> Path:
    """`mini` with markup and formulas in every free-text column people fill in."""
    shutil.copytree(MINI, folder, ignore=shutil.ignore_patterns(".kesiapan-*", "README.md"))
    everything = (*MARKUP, *FORMULAS)

    def wilayah(_: int, row: dict[str, str]) -> None:
        row["desa"] = DESA_NAMES.get(row["kode_desa"], row["desa"])
        if row["kode_kecamatan"] == SRESEH:
            row["kecamatan"] = FORMULA

    def kpps(number: int, row: dict[str, str]) -> None:
        if number < len(everything):
            row["nama"] = everything[number]

    def supervisi(number: int, row: dict[str, str]) -> None:
        row["pengawas"] = everything[number % len(everything)]
        row["temuan"] = everything[(number + 1) % len(everything)]
        row["tindak_lanjut"] = everything[(number + 2) % len(everything)]

    def sesi(number: int, row: dict[str, str]) -> None:
        row["tempat"] = everything[number % len(everything)]

    _rewrite(folder / "wilayah.csv", wilayah)
    _rewrite(folder / "kpps.csv", kpps)
    _rewrite(folder / "supervisi.csv", supervisi)
    _rewrite(folder / "bimtek_sesi.csv", sesi)
    (folder / "dataset.toml").write_text(f"nama = {DATASET_NAME!r}\n", encoding="utf-8")
    return folder


def add_accounts(folder: Path) -> None:
    access.add(folder, "rina", peran="analis", wilayah=["35.27"], nama="Rina", password=PASSWORD)
    access.add(folder, "admin", peran="admin", wilayah=[], nama=ADMIN_NAME, password=PASSWORD)


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.suffix in (".csv", ".toml")
    }


Deployment = tuple[Path, Path, dict[str, str], dict[str, int]]


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Deployment:
    """The hostile dataset, its accounts, and its files' digests and tables' rows as made."""
    root = tmp_path_factory.mktemp("hostile")
    data = hostile_dataset(root / "data")
    add_accounts(root / "akses")
    return data, root / "akses", _digest(data), _rows(data)


def _rows(folder: Path) -> dict[str, int]:
    """Rows per table, read again from the files and from the store; the two agree."""
    fresh = Dataset.open(folder, precomputed=False)
    stored = Dataset.open(folder).query("data_tabel").set_index("tabel")["baris"].to_dict()
    assert {name: source.rows for name, source in fresh.sources.items()} == stored
    return stored


@pytest.fixture
def data(deployment: Deployment, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder, akses_folder, _, _ = deployment
    monkeypatch.setenv("KESIAPAN_DATA", str(folder))
    monkeypatch.setenv(access.AKSES_ENV, str(akses_folder))
    digest = _digest(folder)
    yield folder
    assert _digest(folder) == digest


def _run(target: str, user: str, **params: str) -> AppTest:
    """app.py or a page file, signed in as `user` (what the sign-in form leaves in the session)."""
    at = AppTest.from_file(str(ROOT / target), default_timeout=60)
    signed_in(at.session_state, user)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


MARKDOWN_KINDS = (
    "markdown",
    "caption",
    "error",
    "info",
    "warning",
    "success",
    "subheader",
    "title",
)


def _markdown(at: AppTest) -> list[str]:
    """Every string Streamlit renders as Markdown: text elements and labels."""
    texts = [str(e.value) for kind in MARKDOWN_KINDS for e in at.get(kind)]
    texts += [e.label for e in at.expander]
    texts += [m.label for m in at.metric]
    return texts


def _everything(at: AppTest) -> str:
    parts = _markdown(at) + [f"{m.value} {m.delta}" for m in at.metric]
    parts += [d.value.to_csv() for d in at.dataframe]
    parts += [str(o) for m in at.multiselect for o in m.options]
    return "\n".join(parts)


def _figures(at: AppTest) -> tuple[object, ...]:
    return (
        [(m.label, m.value, m.delta) for m in at.metric],
        [d.value.to_csv() for d in at.dataframe],
    )


def _cleaned(value: str) -> str:
    """The same link with every token that is no area code replaced by a code of no area."""
    tokens = [t.strip() for t in value.split(",") if t.strip()]
    return ",".join(t if SCOPE_CODE.fullmatch(t) else NOWHERE for t in tokens)


def _assert_safe(at: AppTest, value: str) -> None:
    assert not at.exception, [e.message for e in at.exception]
    shown = _everything(at)
    assert not [w for w in BANGKALAN_WORDS if w in shown]
    if len(value) > 1:  # the link's text is never echoed raw (a code is shown as digits only)
        assert not [t for t in _markdown(at) if value in t]


# -- 1. SQL injection -------------------------------------------------------------------------
@pytest.mark.parametrize("value", list(VALUES.values()), ids=list(VALUES))
def test_hostile_link_through_the_app(value: str, data: Path) -> None:
    params = {"kab": value, "kec": value, "desa": value, "tanggal": value}
    at = _run("app.py", "rina", **params)
    _assert_safe(at, value)
    clean = _cleaned(value)
    reference = _run("app.py", "rina", kab=clean, kec=clean, desa=clean, tanggal=clean)
    assert _figures(at) == _figures(reference)
    if NOWHERE in clean and "35.27" not in clean:  # nothing usable: as without a filter
        assert _figures(at) == _figures(_run("app.py", "rina"))
    refused = [e.value for e in at.error if "Wilayah pada tautan" in e.value]
    assert refused and all(re.fullmatch(r"[^'<>*%\x00]*", e) for e in refused)


PAGES = ("overview", "bimtek", "petugas", "supervisi", "data")


@pytest.mark.parametrize("value", list(VALUES.values()), ids=list(VALUES))
@pytest.mark.parametrize("page", PAGES)
def test_hostile_link_through_each_page(page: str, value: str, data: Path) -> None:
    """A page file run on its own takes the filters from the URL as they are: the data layer
    gets them as bound values, finds no area in them, and the page says so."""
    target = f"pages/{page}.py"
    params = {"kab": value, "kec": value, "desa": value, "tanggal": value}
    at = _run(target, "rina", **params)
    _assert_safe(at, value)
    clean = _cleaned(value)
    reference = _run(target, "rina", kab=clean, kec=clean, desa=clean, tanggal=clean)
    assert _figures(at) == _figures(reference)
    if page != "data":  # the Data page shows the dataset whatever the filters
        # The area named by its code, as digits and dots only (shown_code).
        (info,) = [i.value for i in at.info]
        assert re.fullmatch(
            r"Tidak ada wilayah yang cocok dengan filter \(Desa/Kel\. [0-9.\\?, ]+\)\.", info
        )


class _Recording:
    """A DuckDB connection that records every statement its cursors run, with its values."""

    def __init__(self, con: object) -> None:
        self._con = con
        self.calls: list[tuple[str, dict[str, object]]] = []

    def cursor(self) -> _RecordingCursor:
        return _RecordingCursor(self._con.cursor(), self.calls)  # type: ignore[attr-defined]

    def __getattr__(self, name: str) -> object:
        return getattr(self._con, name)


class _RecordingCursor:
    def __init__(self, cursor: object, calls: list[tuple[str, dict[str, object]]]) -> None:
        self._cursor, self._calls = cursor, calls

    def execute(self, sql: str, params: dict[str, object] | None = None) -> object:
        self._calls.append((sql, dict(params or {})))
        return self._cursor.execute(sql, params)  # type: ignore[attr-defined]

    def close(self) -> None:
        self._cursor.close()  # type: ignore[attr-defined]


@pytest.mark.parametrize("value", list(VALUES.values()), ids=list(VALUES))
def test_dataset_query_binds_filter_values(value: str, data: Path) -> None:
    dataset = Dataset.open(data)
    recording = _Recording(dataset._con)
    dataset._con = recording  # type: ignore[assignment]
    scoped = dataset.scoped(("35.27",))
    for name in query_names():
        hostile = {"kabupaten": [value], "kecamatan": [value], "desa": [value]}
        nowhere = {level: [NOWHERE] for level in hostile}
        pd.testing.assert_frame_equal(
            dataset.query(name, **hostile), dataset.query(name, **nowhere)
        )
        pd.testing.assert_frame_equal(
            dataset.query(name, kabupaten=["35.27", value]),
            dataset.query(name, kabupaten=["35.27"]),
        )
        # In the analis's scope a hostile value next to Bangkalan's code finds nothing either.
        outside = scoped.query(name, kabupaten=[value, "35.26"])
        pd.testing.assert_frame_equal(outside, scoped.query(name, kabupaten=[NOWHERE]))
        if "kode_kabupaten" in outside.columns:
            assert set(outside["kode_kabupaten"].dropna()) <= {"35.27"}
    statements = [sql for sql, _ in recording.calls]
    assert len(statements) >= 5 * len(query_names())
    if len(value) > 1:  # '*' and '%' are in SQL anyway (select *)
        assert not [sql for sql in statements if value in sql or "drop table" in sql]
    bound = [params for _, params in recording.calls if value in (params.get("kabupaten") or [])]
    assert len(bound) >= 10  # the value reached DuckDB, as a value


@pytest.mark.parametrize("value", list(VALUES.values()), ids=list(VALUES))
def test_scope_codes_are_checked_before_any_query(value: str, data: Path) -> None:
    dataset = Dataset.open(data)
    with pytest.raises(ValueError, match="kode cakupan wilayah tidak sah"):
        dataset.scoped((value,))
    view = dataset.scoped(("35.27",))
    view.scope = (value,)  # set behind `scoped`'s back: query checks again
    with pytest.raises(ValueError, match="kode cakupan wilayah tidak sah"):
        view.query("ringkasan_total")


@pytest.mark.parametrize("value", list(VALUES.values()), ids=list(VALUES))
def test_report_refuses_a_hostile_area(
    value: str, data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(["report", "--data", str(data), "--area", value, "--format", "json"])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.startswith("kesalahan: kode wilayah '")
    assert "pakai kode kabupaten (35.27), kecamatan (35.27.02) atau desa" in err


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("%", id="persen"),
        pytest.param(VALUES["kutip-or"], id="kutip-or"),
    ],
)
def test_report_command_refuses_a_hostile_area_without_a_traceback(value: str, data: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kesiapan", "report", "--data", str(data), "--area", value],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("kesalahan: kode wilayah")
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_the_dataset_is_intact_after_every_hostile_filter(deployment: Deployment) -> None:
    """Runs after the tests above (file order): reopened, the dataset has the same files and
    the same rows in every table, in its files and in its store."""
    folder, _, digest, rows = deployment
    assert _digest(folder) == digest
    assert _rows(folder) == rows
    assert rows["kpps"] == 37 and rows["supervisi"] == 6


# -- 2. Markup in the data is shown as text ---------------------------------------------------
_HOSTILE_MARKDOWN = re.compile(r"(?<!\\)(<script|<img|\]\(javascript|\*\*tebal|\*\*Data|\*\*Admin)")


def _unescaped(at: AppTest) -> list[str]:
    return [t for t in _markdown(at) if _HOSTILE_MARKDOWN.search(t)]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(
    "view",
    [
        {"desa": "35.27.02.2002,35.27.01.2001,35.27.01.2002"},  # three names in the caption
        {"desa": "35.27.01.2001"},  # Noreh alone: the empty states name it
        {"kec": SRESEH},
    ],
    ids=["tiga-desa", "noreh", "sreseh"],
)
def test_markdown_escapes_values_from_the_data(page: str, view: dict[str, str], data) -> None:
    at = _run("app.py", "admin", **view)
    if page != "overview":
        at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert not _unescaped(at)
    texts = "\n".join(_markdown(at))
    if page == "data":
        assert labels.polos(DATASET_NAME) in texts
    elif "desa" in view:
        assert all(labels.polos(DESA_NAMES[c]) in texts for c in view["desa"].split(","))
    # The sidebar's account line: the account's name is escaped too.
    assert f"Masuk sebagai {labels.polos(ADMIN_NAME)} (Admin)" in texts


@pytest.mark.parametrize(
    ("page", "message"),
    [
        ("bimtek", "Semua KPPS aktif di {} sudah mengikuti Bimtek."),
        ("petugas", "Belum ada KPPS yang berhenti di {} sampai 27 Januari 2024."),
        ("supervisi", "Belum ada kunjungan supervisi di {} sampai 27 Januari 2024."),
    ],
)
def test_empty_states_name_the_area_escaped(page: str, message: str, data: Path) -> None:
    at = _run("app.py", "admin", desa="35.27.01.2001")  # Noreh: no PAW, no visit, all trained
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception
    assert message.format(labels.polos(f"Desa/Kel. {LINK}")) in [i.value for i in at.info]


def test_polos_disarms_what_markdown_acts_on() -> None:
    assert labels.polos(LINK) == r"\[klik\]\(javascript\:alert\(1\)\)"
    assert labels.polos(SCRIPT) == r"\<script\>alert\(1\)\</script\>"
    assert labels.polos("&lt;b&gt; :red[x]") == r"\&lt;b\&gt; \:red\[x\]"
    assert labels.polos("a\r# judul\r\n- daftar\nb") == r"a \# judul \- daftar b"


# -- 3. Formulas in downloads -----------------------------------------------------------------
TRIGGERS = (*FORMULAS, "\tTAB", "\rCR")


def _frame() -> pd.DataFrame:
    names = [*TRIGGERS, *MARKUP, "Moh. Hasan", "a\x01b"]
    return pd.DataFrame(
        {
            "nama": names,
            "kpps_aktif": [-1, *range(len(names) - 1)],
            "cakupan_bimtek": [-0.5, *[0.25] * (len(names) - 1)],
        }
    )


def _scope(dataset_name: str | None = None) -> exports.Scope:
    columns = ["kode_kabupaten", "kabupaten", "provinsi", "kode_kecamatan", "kecamatan"]
    areas = pd.DataFrame(columns=[*columns, "kode_desa", "desa"])
    return exports.Scope(as_of=date(2024, 1, 27), areas=areas, dataset_name=dataset_name)


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_csv_puts_an_apostrophe_before_formulas(data: Path) -> None:
    frame = _frame()
    rows = _csv_rows(exports.csv_bytes(exports.export_frame(frame)))
    assert rows[0] == ["Nama", "KPPS aktif", "Cakupan"]
    names = [r[0] for r in rows[1:]]
    assert names[: len(TRIGGERS)] == ["'" + t for t in TRIGGERS]
    assert names[len(TRIGGERS) :] == [*MARKUP, "Moh. Hasan", "a\x01b"]
    assert [r[1] for r in rows[1:3]] == ["-1", "0"]  # numbers stay numbers, negative too
    assert rows[1][2] == "-0,5"


def _cells(workbook_bytes: bytes) -> list[openpyxl.cell.cell.Cell]:
    workbook = openpyxl.load_workbook(io.BytesIO(workbook_bytes))
    return [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]


def test_xlsx_writes_formulas_as_text(data: Path) -> None:
    frame = _frame()
    cells = _cells(exports.excel(exports.export_frame(frame), "Uji", _scope(FORMULA)))
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    by_value = {c.value: c for c in cells if c.value is not None}
    for text in (*FORMULAS, "\tTAB", *MARKUP):  # (XML reads a lone CR back as LF)
        assert by_value[text].data_type == "s", text
    assert by_value["a\ufffdb"].data_type == "s"  # a control character Excel cannot hold
    assert by_value[-1].data_type == "n" and by_value[-0.5].data_type == "n"
    assert any(str(c.value).endswith(f"· {FORMULA}") for c in cells)  # the dataset's name


def test_downloads_of_the_dataset_keep_its_formulas_as_text(data: Path) -> None:
    """The files a page and the action pack write, from the hostile dataset: member names,
    places, findings and the kecamatan named with a formula."""
    dataset = Dataset.open(data)
    scope = exports.Scope.of(dataset)
    tables = {
        "kpps_aktif_tps": ["nama", "jabatan"],
        "supervisi_kunjungan": ["pengawas", "temuan", "tindak_lanjut"],
        "bimtek_sesi_kehadiran": ["tempat"],
    }
    seen: set[str] = set()
    for name, columns in tables.items():
        files = exports.TableFiles(dataset.query(name), columns, name, scope)
        for cell in _cells(files.xlsx()):
            assert cell.data_type != "f", (name, cell.coordinate, cell.value)
            seen.add(str(cell.value))
        for row in _csv_rows(files.csv()):
            assert not [v for v in row if v.startswith(("=", "+", "-", "@"))], row
            seen.update(row)
    assert {FORMULA, PLUS, AT, MINUS, "'" + FORMULA, "'" + MINUS} <= seen
    with zipfile.ZipFile(io.BytesIO(actions.zip_bytes(actions.collect(dataset, scope)))) as pack:
        cells = [c for name in pack.namelist() for c in _cells(pack.read(name))]
    assert cells and not [c.coordinate for c in cells if c.data_type == "f"]
    assert any(c.value == FORMULA and c.data_type == "s" for c in cells)  # Sreseh's name


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_report_command_keeps_formulas_as_text(fmt: str, data: Path) -> None:
    frame = report.report_table(Dataset.open(data), "kecamatan")
    assert FORMULA in set(frame["kecamatan"])
    written = report.render(frame, fmt)
    if fmt == "xlsx":
        assert not [c.coordinate for c in _cells(written) if c.data_type == "f"]
    else:
        rows = list(csv.reader(io.StringIO(written.decode("utf-8"))))
        assert not [v for row in rows for v in row if v.startswith("=")]


def test_the_rejected_rows_workbook_keeps_formulas_as_text(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    shutil.copytree(MINI, folder, ignore=shutil.ignore_patterns("README.md"))
    upload = tmp_path / "kpps_tambahan.csv"
    upload.write_text(
        "nik,nama,jenis_kelamin,tanggal_lahir,kode_tps,jabatan\n"
        f'352702150591000,"{FORMULA.replace(chr(34), chr(34) * 2)}",L,1991-05-15,'
        "3527022001002,anggota\n",
        encoding="utf-8",
    )
    preview = importer.prepare(
        folder, [import_uploads.Upload(upload, upload.name)], mode="perbarui"
    )
    try:
        assert preview.files[0].rows_rejected == 1
        cells = _cells(preview.rejects_xlsx(0))
    finally:
        preview.close()
    assert any(c.value == FORMULA for c in cells)
    assert not [c.coordinate for c in cells if c.data_type == "f"]
