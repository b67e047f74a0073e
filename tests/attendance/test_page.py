"""The Presensi page in AppTest on a copy of the Sampang sample: the operator's session list,
search, one-tap mark and undo, the count against capacity; the refusal for other accounts."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kesiapan.access import accounts as access
from kesiapan.store import journal
from tests.conftest import ROOT, copy_sample, signed_in

PASSWORD = "sandi-rahasia-2024"
SESSION = "BT-352702-03"  # Torjun, 26 Januari 2024, capacity 200


@pytest.fixture
def deployment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, backend: str) -> Path:
    data = copy_sample(tmp_path / "sample")  # with the sample's store: not built again
    folder = tmp_path / "akses"
    monkeypatch.setenv("KESIAPAN_DATA", str(data))
    monkeypatch.setenv(access.AKSES_ENV, str(folder))
    access.add(
        folder,
        "sari",
        peran="operator",
        wilayah=["35.27.02"],
        password=PASSWORD,
        izin_tambahan=[access.PRESENSI],
    )
    access.add(folder, "kom", peran="komisioner", wilayah=["35.27.02"], password=PASSWORD)
    return data


def _page(user: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / "presensi.py"), default_timeout=90)
    signed_in(at.session_state, user)
    return at.run()


def test_the_operator_marks_and_undoes_in_one_tap(deployment: Path) -> None:
    at = _page("sari")
    assert not at.exception
    box = at.selectbox(key="presensi_sesi")
    assert len(box.options) == 6  # Torjun's six sessions, none of another kecamatan
    at = box.select(SESSION).run()
    (count,) = [m for m in at.metric if m.label == "Hadir di sesi ini"]
    present = int(count.value.replace(".", ""))
    assert count.delta == "dari 200 kursi"
    at = at.text_input(key="presensi_cari").input("siti").run()
    buttons = [b for b in at.button if b.key and b.key.startswith("cari_hadir_")]
    assert buttons, "no member to mark"
    nik = buttons[0].key.removeprefix("cari_hadir_")
    at = buttons[0].click().run()
    assert not at.exception
    assert any("dicatat hadir" in s.value for s in at.success)
    (count,) = [m for m in at.metric if m.label == "Hadir di sesi ini"]
    assert int(count.value.replace(".", "")) == present + 1
    jurnal = journal.open_journal(deployment)
    (record,) = jurnal.records()
    assert (record.pengguna, record.kode_sesi, record.nik, record.aksi) == (
        "sari",
        SESSION,
        nik,
        journal.HADIR,
    )
    at = at.button(key=f"cari_batal_{nik}").click().run()
    assert any("dibatalkan" in w.value for w in at.warning)
    assert [r.aksi for r in jurnal.records()] == [journal.HADIR, journal.BATAL]
    (count,) = [m for m in at.metric if m.label == "Hadir di sesi ini"]
    assert int(count.value.replace(".", "")) == present
    # NIKs on screen are masked for an operator (no data_pribadi permission).
    shown = "\n".join(c.value for c in at.caption) + "\n".join(m.value for m in at.markdown)
    assert nik not in shown
    jurnal.close()


def test_other_accounts_are_refused_and_see_no_session(deployment: Path) -> None:
    at = _page("kom")
    assert not at.exception
    assert "Halaman Presensi hanya untuk petugas sesi Bimtek" in at.error[0].value
    assert not at.selectbox and not at.button
