"""Issue 12 item 3: an operator records attendance only on its own area's sessions; a person of
another area who attended is accepted, recorded as trained elsewhere, seen by that area and
counted in the audit log; the preview never tells whether a NIK exists outside the area."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kesiapan.access import accounts as access
from kesiapan.access import audit
from kesiapan.importer import core as importer
from kesiapan.importer import cross_area
from kesiapan.importer import uploads as import_uploads
from kesiapan.store.dataset import Dataset
from tests.conftest import run_cli
from tests.importer.conftest import BASE, messages

PASSWORD = "sandi-rahasia-2024"
TORJUN, SAMPANG_KEC = ("35.27.02",), ("35.27.03",)
# A Torjun session's roll call naming Abdul Rahman (Torjun), Slamet Riyadi (kecamatan Sampang)
# and a NIK on nobody's roster.
HADIR = (
    "kode_sesi,nik,hadir,nilai_pre,nilai_post\n"
    "BT-352702-01,3527022311900003,ya,50,75\n"
    "BT-352702-01,3527031505880006,ya,60,80\n"
    "BT-352702-01,3527039999990001,ya,,\n"
)
NEUTRAL = (
    "peringatan: hadir.csv, baris {row}, kolom nik: NIK ini tidak ada di daftar KPPS wilayah "
    "Anda; bila ia anggota KPPS wilayah lain, kehadirannya dicatat sebagai Bimtek di luar "
    'wilayahnya dan tampil bagi wilayah itu (tertulis "{nik}")'
)


def _data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(BASE, folder, ignore=shutil.ignore_patterns(".kesiapan-*"))
    return folder


def _upload(tmp_path: Path, text: str = HADIR) -> Path:
    path = tmp_path / "hadir.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_preview_does_not_tell_elsewhere_from_nowhere(tmp_path: Path) -> None:
    data, upload = _data(tmp_path), _upload(tmp_path)
    preview = importer.prepare(
        data, [import_uploads.Upload(upload, upload.name)], mode="perbarui", scope=TORJUN
    )
    try:
        assert messages(preview) == [
            NEUTRAL.format(row=3, nik="3527031505880006"),
            NEUTRAL.format(row=4, nik="3527039999990001"),
        ]
        assert preview.files[0].rows_accepted == 3 and not preview.errors
        assert cross_area.attendance_elsewhere(preview.con) == [
            {
                "kode_sesi": "BT-352702-01",
                "kecamatan_sesi": "35.27.02",
                "kecamatan_anggota": "35.27.03",
                "orang": 1,
            }
        ]
    finally:
        preview.close()
    # Without a scope the checks say what they always said: only the NIK of nobody.
    admin = importer.prepare(data, [import_uploads.Upload(upload, upload.name)], mode="perbarui")
    try:
        assert messages(admin) == [
            "peringatan: hadir.csv, baris 4, kolom nik: NIK tidak ada di daftar KPPS "
            '(tertulis "3527039999990001")'
        ]
    finally:
        admin.close()


def test_a_file_of_mostly_other_areas_is_judged_on_the_own_roster(tmp_path: Path) -> None:
    # Three NIKs of kecamatan Sampang and nowhere, one of Torjun: the same answer as three
    # NIKs of nobody, so that a padded file cannot ask whether one NIK exists.
    text = HADIR.replace("3527031505880006", "3527039999990002") + "BT-352702-01,{nik},ya,,\n"
    for nik in ("3527031505880006", "3527039999990003"):
        upload = _upload(tmp_path, text.format(nik=nik))
        preview = importer.prepare(
            _data(tmp_path / nik), [import_uploads.Upload(upload, upload.name)], scope=TORJUN
        )
        try:
            (refused,) = preview.files[0].refused
            assert refused.pesan.startswith(
                "3 dari 4 NIK di berkas ini tidak ada di daftar KPPS wilayah Anda: "
            ), nik
        finally:
            preview.close()


def test_the_other_area_sees_who_trained_its_member_and_the_log_counts_it(
    tmp_path: Path,
) -> None:
    data, upload = _data(tmp_path), _upload(tmp_path)
    folder = access.akses_folder(data)
    access.add(folder, "ops-torjun", peran="operator", wilayah=list(TORJUN), password=PASSWORD)
    done = run_cli("import", "--data", str(data), str(upload), "--pengguna", "ops-torjun")
    assert done.returncode == 0, done.stderr
    sampang = Dataset.open(data).scoped(SAMPANG_KEC)
    seen = sampang.query("bimtek_sesi_lain")
    assert seen[["nik", "nama", "kode_sesi", "kode_kecamatan_sesi"]].values.tolist() == [
        ["3527031505880006", "Slamet Riyadi", "BT-352702-01", "35.27.02"]
    ]
    assert Dataset.open(data).scoped(TORJUN).query("bimtek_sesi_lain").empty
    (entry,) = [e for e in audit.read(folder) if e["peristiwa"] == audit.IMPOR]
    assert entry["pengguna"] == "ops-torjun"
    assert entry["hadir_wilayah_lain"] == [
        {
            "kode_sesi": "BT-352702-01",
            "kecamatan_sesi": "35.27.02",
            "kecamatan_anggota": "35.27.03",
            "orang": 1,
        }
    ]


def test_attendance_on_another_areas_session_is_an_error_naming_the_row(tmp_path: Path) -> None:
    upload = _upload(tmp_path, HADIR.replace("BT-352702-01,3527031505880006", "BT-352703-01,"
                                             "3527031505880006"))  # fmt: skip
    preview = importer.prepare(
        _data(tmp_path), [import_uploads.Upload(upload, upload.name)], scope=TORJUN
    )
    try:
        assert [str(p) for p in preview.errors] == [
            "hadir.csv, baris 3, kolom kode_sesi: sesi ini untuk kecamatan di luar cakupan akun "
            'Anda (35.27.02) (tertulis "BT-352703-01")'
        ]
    finally:
        preview.close()


def test_two_tps_warning_is_kept_only_inside_the_area(tmp_path: Path) -> None:
    roster = (
        "NIK,Nama Lengkap,L/P,Tgl Lahir,No HP,Kode TPS,Jabatan,Tgl SK\n"
        # Slamet Riyadi serves in kecamatan Sampang; Ahmad Fauzi in Torjun's TPS 3527022002001.
        "3527031505880006,Slamet Riyadi,L,1988-05-15,,3527022001002,KPPS 2,2024-01-10\n"
        "3527020101950005,Ahmad Fauzi,L,1995-01-01,,3527022001002,KPPS 3,2024-01-10\n"
    )
    path = tmp_path / "kpps.csv"
    path.write_text(roster, encoding="utf-8")
    data = _data(tmp_path)
    scoped = importer.prepare(data, [import_uploads.Upload(path, path.name)], scope=TORJUN)
    admin = importer.prepare(data, [import_uploads.Upload(path, path.name)])
    try:
        two = "NIK yang sama aktif di dua TPS"
        assert [p.baris for p in admin.warnings if two in p.pesan] == [2, 3]
        assert [p.baris for p in scoped.warnings if two in p.pesan] == [3]
    finally:
        scoped.close()
        admin.close()


def test_the_data_page_shows_the_members_trained_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT, signed_in

    data = tmp_path / "data"
    shutil.copytree(ROOT / "tests" / "fixtures" / "mini", data)
    folder = tmp_path / "akses"
    access.add(folder, "kamal", peran="analis", wilayah=["35.26"], password=PASSWORD)
    access.add(folder, "sreseh", peran="analis", wilayah=["35.27.01"], password=PASSWORD)
    monkeypatch.setenv("KESIAPAN_DATA", str(data))
    monkeypatch.setenv(access.AKSES_ENV, str(folder))
    for user, names in (("kamal", ["Rudi Hartono", "Sugeng", "Wartini"]), ("sreseh", [])):
        at = AppTest.from_file(str(ROOT / "pages" / "data.py"), default_timeout=60)
        signed_in(at.session_state, user)
        at.run()
        assert not at.exception
        headers = [h.value for h in at.subheader]
        tables = [d.value for d in at.dataframe if "kode_sesi" in d.value.columns]
        if not names:  # the session was Sreseh's, the members are not
            assert "KPPS yang dilatih di sesi kecamatan lain" not in headers and not tables
            continue
        assert "KPPS yang dilatih di sesi kecamatan lain" in headers
        (table,) = tables
        assert table["nama"].tolist() == names
        assert set(table["kode_sesi"]) == {"BT-352701-01"}
        assert all("•" in nik for nik in table["nik"])  # analis: NIK masked
