"""Presensi: attendance taken at the Bimtek venue, live, by the session's operator (issue 16)."""

from datetime import date

import streamlit as st

from kesiapan.access import accounts as access
from kesiapan.access import audit
from kesiapan.attendance import checkin
from kesiapan.ui import attendance as presensi
from kesiapan.ui import shared as ui

view = ui.page()
user = view.viewer.pengguna
st.title("Presensi Bimtek")
if not view.boleh(access.PRESENSI):
    view.viewer.catat(audit.DITOLAK, halaman="halaman Presensi")
    st.error(
        "Halaman Presensi hanya untuk petugas sesi Bimtek: akun yang diberi izin presensi oleh "
        "admin untuk kecamatannya.",
        icon=":material/block:",
    )
    st.stop()

found = [s for s in checkin.sessions(view.data) if checkin.markable(user, s)]
if not found:
    ui.empty("Belum ada sesi Bimtek di kecamatan akun ini.")
    st.stop()
session = presensi.choose_session(found, date.today())
roster = checkin.expected(view.data, session)
st.session_state["_presensi_nama"] = dict(zip(roster["nik"], roster["nama"], strict=True))
frame = checkin.attendance(view.data, presensi.writable_journal(), session, roster)
presensi.show_count(frame, session)
presensi.show_message()

cari, pindai, luar, hadir = st.tabs(["Cari", "Pindai kartu", "Kecamatan lain", "Sudah hadir"])
with cari:
    presensi.search_tab(view, session, frame)
with pindai:
    presensi.scan_tab(view, session)
with luar:
    st.caption(
        "KPPS dari kecamatan lain boleh ikut sesi ini bila ada alasannya; kehadirannya ditandai "
        "dan alasannya terlihat di daftar hadir."
    )
    presensi.outside_form(view, session)
with hadir:
    presensi.present_tab(view, session, frame)

with st.expander("Kartu peserta (kode QR)", icon=":material/qr_code_2:"):
    presensi.cards_box(view, session, roster)
