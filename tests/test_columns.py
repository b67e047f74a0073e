"""The column catalogue (kesiapan/contract/columns.py): every column people can see has an
Indonesian header, a missing one fails loudly, and personal data is masked by its catalogue class on
screen and in every file, for every role that may not see it."""

from __future__ import annotations

import ast
import io
from dataclasses import replace
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from kesiapan.access import accounts as access
from kesiapan.access import privacy
from kesiapan.contract import columns, labels, schema
from kesiapan.importer import columns as import_columns
from kesiapan.outputs import exports
from kesiapan.store import dataset as store
from tests.conftest import SAMPLE

ROOT = Path(__file__).resolve().parent.parent
M = privacy.MASK

# One value per personal-data class, and how a viewer who may not see it reads it (worked out
# from the masking rules: NIK keeps 4 + 4 digits, a phone 4 + 3, a name each word's first
# letter, a birth date nothing).
NIK_VALUE, NIK_MASKED = "3527012001940001", "3527" + M * 8 + "0001"
PHONE_VALUE, PHONE_MASKED = "081234567890", "0812" + M * 5 + "890"
NAME_VALUE, NAME_MASKED = "Fathor Rosyid", "F" + M * 5 + " R" + M * 5
BIRTH_TEXT = "1994-01-20"
VALUES = {
    columns.NIK: (NIK_VALUE, NIK_MASKED),
    columns.PHONE: (PHONE_VALUE, PHONE_MASKED),
    columns.NAME: (NAME_VALUE, NAME_MASKED),
    columns.BIRTH: (BIRTH_TEXT, M * 10),
}
AREAS = pd.DataFrame(
    [("35", "Jawa Timur", "35.27", "Sampang", "35.27.02", "Torjun", "35.27.02.2007", "Dulang")],
    columns=[
        "kode_provinsi",
        "provinsi",
        "kode_kabupaten",
        "kabupaten",
        "kode_kecamatan",
        "kecamatan",
        "kode_desa",
        "desa",
    ],
)
# Columns planted in the catalogue whose names say nothing personal: only their class can
# mask them (a rule by name prefix, as before the catalogue, leaves all four readable).
PLANTED = {
    "ktp_ketua": columns.NIK,
    "kontak_darurat": columns.PHONE,
    "lahir_pada": columns.BIRTH,
    "petugas_pengganti": columns.NAME,
}


@pytest.fixture(scope="module")
def query_columns() -> dict[str, list[str]]:
    """Every column of every query in queries/, run on the sample dataset: column → queries."""
    data = store.Dataset.open(SAMPLE)
    found: dict[str, list[str]] = {}
    for name in store.query_names():
        for column in data.query(name).columns:
            found.setdefault(column, []).append(name)
    return found


def test_every_query_column_has_an_indonesian_header(query_columns: dict[str, list[str]]) -> None:
    assert len(query_columns) >= 90  # the sample runs every query to real rows
    missing = {c: q for c, q in query_columns.items() if columns.get(c) is None}
    assert missing == {}
    for column in query_columns:
        text = labels.header(column)
        assert text != column and "_" not in text and text[0].isupper(), (column, text)
        assert "_" not in exports.header(column), column


def test_every_column_an_import_recognises_has_an_entry() -> None:
    """Rejected rows and check messages are masked by the class of the column they name."""
    for table in schema.TABLE_NAMES:
        for column in import_columns.matching_table(table).columns:
            assert columns.get(column.name) is not None, (table, column.name)


def test_contract_aliases_come_from_the_catalogue() -> None:
    assert schema.TABLES["kpps"].column("nik").aliases == ("no ktp", "no. ktp", "nomor ktp")
    assert import_columns.EXTRA_ALIASES["kpps"]["nik"] == (
        "no nik",
        "nomor nik",
        "nik ktp",
        "nomor induk kependudukan",
    )
    # The same word means different columns in different tables ('keterangan').
    assert "keterangan" in columns.file_aliases("kpps", "alasan_berhenti")
    assert "keterangan" in columns.file_aliases("bimtek_hadir", "hadir")
    assert "keterangan" not in columns.file_aliases("kpps", "hadir")
    found = schema.match_headers(import_columns.matching_table("kpps"), ["No. KTP", "TTL", "Ket"])
    assert found == {"nik": 0, "tempat_tanggal_lahir": 1, "alasan_berhenti": 2}


def test_a_column_without_an_entry_fails_loudly() -> None:
    frame = pd.DataFrame({"kolom_baru": ["x"]})
    for call in (
        lambda: labels.header("kolom_baru"),
        lambda: exports.header("kolom_baru"),
        lambda: privacy.masked(frame),
        lambda: exports.csv_bytes(frame),
    ):
        with pytest.raises(columns.UnknownColumn, match=r"kesiapan/contract/columns\.py"):
            call()


def test_every_table_a_page_shows_has_a_title_and_catalogued_columns() -> None:
    """A table's downloads are titled by TABLE_TITLES[key] when the page gives no title: a
    missing title would name the file after its widget key."""
    from kesiapan.ui import shared as ui

    files = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]
    calls = 0
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "ui"
                and node.func.attr in ("table", "table_downloads")
            ):
                continue
            calls += 1
            kw = {k.arg: k.value for k in node.keywords}
            key = kw["key"] if "key" in kw else node.args[2]
            titled = "title" in kw or isinstance(kw.get("download"), ast.Constant)
            if isinstance(key, ast.Constant) and not titled:
                assert key.value in ui.TABLE_TITLES, f"{path.name}: {key.value}"
            chosen = node.args[1] if len(node.args) > 1 else kw.get("columns")
            if isinstance(chosen, ast.List):
                for item in chosen.elts:
                    if isinstance(item, ast.Constant):
                        assert columns.get(item.value) is not None, f"{path.name}: {item.value}"
    calls += _listed_tables(ui.TABLE_TITLES)
    assert calls >= 12


def _listed_tables(titles: dict[str, str]) -> int:
    """The same for the pages' tables in kesiapan/ui/tables.py (issue 17, round six: the pages
    and the warm-up take them from there): `Listed(view, frame, COLUMNS, "key", ...)`, its
    columns a list there or a list constant of that module. Returns how many it found."""
    path = ROOT / "kesiapan" / "ui" / "tables.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lists = {
        node.targets[0].id: node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and isinstance(node.targets[0], ast.Name)
        and isinstance(node.value, (ast.List, ast.Tuple))
    }
    found = 0
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Listed"):
            continue
        found += 1
        chosen, key = node.args[2], node.args[3]
        assert isinstance(key, ast.Constant) and key.value in titles, f"{path.name}: {key}"
        if isinstance(chosen, ast.Call):  # catalogue.listed(COLUMNS)
            chosen = chosen.args[0]
        if isinstance(chosen, ast.Name):
            chosen = lists[chosen.id]
        assert isinstance(chosen, ast.List), f"{path.name}: {key.value}"
        for item in chosen.elts:
            assert isinstance(item, ast.Constant) and columns.get(item.value) is not None, (
                f"{path.name}: {key.value}"
            )
    return found


def _personal_catalogue() -> dict[str, str]:
    found = {c.name: c.personal for c in columns.CATALOGUE.values() if c.personal}
    assert {"nik", "nik_berhenti", "nik_pengganti", "no_hp", "tanggal_lahir"} <= set(found)
    assert {"nama", "nama_berhenti", "nama_pengganti", "tempat_tanggal_lahir"} <= set(found)
    return found


@pytest.fixture
def planted(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The catalogue's personal columns plus the planted ones: column → class."""
    for name, kind in PLANTED.items():
        entry = columns.ColumnInfo(name, name.replace("_", " ").capitalize(), personal=kind)
        monkeypatch.setitem(columns.CATALOGUE, name, entry)
    return {**_personal_catalogue(), **PLANTED}


def _hidden(tampil: privacy.Tampil, kind: str) -> bool:
    return not tampil.nama if kind == columns.NAME else not tampil.pribadi


def _cells(frame: pd.DataFrame, tampil: privacy.Tampil) -> dict[str, dict[str, object]]:
    """What a viewer reads of each column: on screen, in the CSV and in the Excel download."""
    scope = exports.Scope(as_of=date(2024, 1, 28), areas=AREAS, tampil=tampil)
    files = exports.TableFiles(frame, None, "Uji", scope)
    csv = pd.read_csv(io.BytesIO(files.csv()), sep=";", dtype=str, encoding="utf-8-sig")
    sheet = openpyxl.load_workbook(io.BytesIO(files.xlsx())).active
    rows = [r for r in sheet.iter_rows(values_only=True) if any(v is not None for v in r)]
    header = rows.index(next(r for r in rows if r[0] == exports.header(frame.columns[0])))
    xlsx = dict(zip(rows[header], rows[header + 1], strict=False))
    shown = privacy.masked(frame, tampil)
    return {
        column: {
            "layar": shown[column].iloc[0],
            "csv": csv[exports.header(column)].iloc[0],
            "xlsx": xlsx[exports.header(column)],
            "pesan": privacy.mask_value(column, frame[column].iloc[0], tampil),
            "tolakan": privacy.masked_rows([column], [(frame[column].iloc[0],)], tampil)[0][0],
        }
        for column in frame.columns
    }


@pytest.mark.parametrize("role", sorted(access.PERAN))
def test_personal_columns_are_masked_by_class_everywhere(planted: dict[str, str], role: str):
    tampil = privacy.Tampil(
        nama=access.NAMA in access.PERAN[role], pribadi=access.DATA_PRIBADI in access.PERAN[role]
    )
    frame = pd.DataFrame({c: [VALUES[kind][0]] for c, kind in planted.items()})
    # On screen a birth date is a date; shown masked it is ten dots whatever its form.
    births = [c for c, kind in planted.items() if kind == columns.BIRTH]
    for column, where in _cells(frame, tampil).items():
        kind = planted[column]
        value, masked = VALUES[kind]
        expected = masked if _hidden(tampil, kind) else value
        if column in births and not _hidden(tampil, kind):
            where["xlsx"] = str(where["xlsx"])[:10]  # an unmasked birth date may be a date cell
        assert where == dict.fromkeys(where, expected), (role, column)
    # What each role may see is as the roles say: the test above sees both sides.
    assert (tampil.nama, tampil.pribadi) == {
        "komisioner": (False, False),
        "analis": (True, False),
        "operator": (True, False),
        "admin": (True, True),
    }[role]


def test_the_planted_columns_carry_no_personal_word_in_their_names() -> None:
    """The planted names would slip past any rule by name ('nik', 'nama', 'hp', 'tanggal')."""
    for name in PLANTED:
        assert not any(word in name for word in ("nik", "nama", "hp", "tanggal", "telp"))


def test_a_personal_column_is_masked_whatever_its_header_word(planted: dict[str, str]) -> None:
    """The class travels with the column: renaming the header changes nothing."""
    entry = columns.CATALOGUE["ktp_ketua"]
    columns.CATALOGUE["ktp_ketua"] = replace(entry, header="Nomor kartu")
    frame = pd.DataFrame({"ktp_ketua": [NIK_VALUE]})
    assert privacy.masked(frame)["ktp_ketua"].tolist() == [NIK_MASKED]
    assert privacy.reveals(frame, privacy.Tampil(nama=False, pribadi=True))
    assert not privacy.reveals(frame, privacy.Tampil(nama=True, pribadi=False))


def test_screen_tables_read_the_catalogue_and_fail_on_a_missing_header() -> None:
    """kesiapan/ui/shared.py takes headers, status words and the share/number classes from the
    catalogue: a column without an entry raises instead of showing its raw name."""
    from kesiapan.ui import shared as ui

    frame = pd.DataFrame(
        {
            "tps_nama": ["TPS 001", "TPS 002"],
            "status": ["kurang_petugas", "pengganti_terlatih"],
            "status_jadwal": ["tertinggal dari jadwal", "sesuai jadwal"],
            "cakupan_bimtek": [0.875, None],
            "nomor_tps": [1234, 2],
            "kpps_aktif": [19082, 7],
        }
    )
    config = ui.column_config(frame)
    assert {c: config[c]["label"] for c in frame.columns} == {  # type: ignore[index]
        "tps_nama": "Nama TPS",
        "status": "Status",
        "status_jadwal": "Jadwal",
        "cakupan_bimtek": "Cakupan",
        "nomor_tps": "TPS",
        "kpps_aktif": "KPPS aktif",
    }
    shown = ui.for_display(frame)
    assert shown["status"].tolist() == ["Kurang petugas", "Pengganti sudah Bimtek"]
    assert shown["status_jadwal"].tolist() == ["Tertinggal dari jadwal", "Sesuai jadwal"]
    assert shown["cakupan_bimtek"].tolist() == ["87,5%", "–"]
    texts = ui.display_values(shown, frame)
    # A TPS number reads as its digits; a count of 19.082 with a thousands separator.
    assert set(texts) == {"kpps_aktif"}
    assert texts["kpps_aktif"].tolist() == ["19.082"]
    with pytest.raises(columns.UnknownColumn, match=r"kesiapan/contract/columns\.py"):
        ui.column_config(pd.DataFrame({"kolom_baru": ["x"]}))


def test_a_chosen_list_of_columns_fails_when_made_not_when_downloaded() -> None:
    """The action packs' sheets and the Bimtek page's roster list their columns through
    `columns.listed`: a column without an entry stops the module from loading."""
    from kesiapan.outputs import actions

    assert columns.listed(["nik", "nama"]) == ["nik", "nama"]
    with pytest.raises(columns.UnknownColumn, match=r"'kolom_baru'.*columns\.py"):
        columns.listed(["nik", "kolom_baru"])
    chosen = [*actions.UNTRAINED_COLUMNS, *actions.PAW_COLUMNS, *actions.TPS_COLUMNS]
    assert [exports.header(c) for c in actions.UNTRAINED_COLUMNS] == [
        "Kode TPS", "Nama", "NIK", "Jabatan", "L/P", "No. HP", "Kali absen",
        "Sesi Bimtek rencana", "Tanggal sesi rencana", "Tempat sesi rencana",
    ]  # fmt: skip
    assert all(columns.get(c) is not None for c in chosen)


def test_roles_and_reasons_are_reworded_by_their_class_not_their_name() -> None:
    """A role reads capitalised on screens and in files; a reason for stopping reads as a
    sentence on screens and stays as the office wrote it in files. The catalogue's class
    decides, so a column that merely starts with the same word is left as it is."""
    from kesiapan.ui import shared as ui

    frame = pd.DataFrame(
        {
            "jabatan": ["ketua", "anggota", None],
            "jabatan_berhenti": ["anggota", None, "ketua"],
            "alasan_berhenti": ["mengundurkan diri", "sakit (rawat inap)", None],
            "nama_berhenti": ["anggota baru", "ketua lama", "x"],
        }
    )
    shown = ui.for_display(frame)
    assert shown["jabatan"].tolist() == ["Ketua", "Anggota", "–"]
    assert shown["jabatan_berhenti"].tolist() == ["Anggota", "–", "Ketua"]
    assert shown["alasan_berhenti"].tolist() == ["Mengundurkan diri", "Sakit (rawat inap)", "–"]
    assert shown["nama_berhenti"].tolist() == ["anggota baru", "ketua lama", "x"]
    assert exports._cell("jabatan_berhenti", "ketua") == "Ketua"
    assert exports._cell("alasan_berhenti", "mengundurkan diri") == "mengundurkan diri"
    planted = replace(columns.CATALOGUE["jabatan"], display=columns.AUTO)
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(columns.CATALOGUE, "jabatan", planted)
        assert ui.for_display(frame)["jabatan"].tolist() == ["ketua", "anggota", "–"]
        assert exports._cell("jabatan", "ketua") == "ketua"
