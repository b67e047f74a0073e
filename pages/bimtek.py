"""Cakupan Bimtek: coverage per area, the training curve, sessions and who still needs training."""

import streamlit as st

from kesiapan.contract import labels, theme
from kesiapan.outputs import actions, charts
from kesiapan.ui import shared as ui
from kesiapan.ui import tables

MAX_SESSIONS_CHARTED = 40  # beyond this one bar per session no longer reads
MAX_NAMES_SHOWN = tables.MAX_NAMES_SHOWN

page, row = ui.start("Cakupan Bimtek")
since, before = page.previous()
untrained_now = row.kpps_aktif - row.kpps_terlatih
cols = st.columns(3)
ui.headline(
    cols[0],
    "KPPS terlatih",
    row.kpps_terlatih,
    row.kpps_aktif,
    "KPPS aktif",
    before=None if before is None else before.kpps_terlatih,
    since=since,
)
ui.headline(
    cols[1],
    "Belum Bimtek",
    untrained_now,
    row.kpps_aktif,
    "KPPS",
    before=None if before is None else before.kpps_aktif - before.kpps_terlatih,
    since=since,
)
cols[2].metric("Sesi Bimtek terlaksana", labels.angka(row.sesi_bimtek), border=True)

schedule = page.query("jadwal_total").iloc[0]
st.info(actions.plan_sentence(schedule, page.filters.as_of), icon=":material/event:")

summary, name_col, code_col, level = page.areas_summary()
st.subheader(f"Cakupan per {level} terhadap sasaran jadwal")
st.caption(f"{theme.SCHEDULE_CAPTION} {theme.AREAS_ORDER_TEXT} Klik batang untuk merinci.")
ui.drill_from_chart(
    ui.figure(charts.coverage_by_area, summary, name_col, code_col), "cakupan", level
)

st.subheader("Perkembangan KPPS terlatih")
curve = page.query("bimtek_kumulatif")
if curve.empty:
    ui.empty(f"Belum ada sesi Bimtek sampai {labels.tanggal(page.filters.as_of)}.")
else:
    config = page.data.config
    figure = ui.figure(
        charts.bimtek_curve,
        curve,
        config.bimtek_mulai,
        config.bimtek_selesai,
        page.filters.as_of,
        hari_pemungutan=config.hari_pemungutan,
        expected=page.query("jadwal_harian"),
    )
    ui.chart(figure, key="kurva", theme=None)

st.subheader("Sesi Bimtek: kehadiran, kapasitas dan rencana")
sessions = page.query("bimtek_sesi_kehadiran")
if sessions.empty:
    ui.empty(f"Belum ada sesi Bimtek di {labels.polos(page.area_name())}.")
else:
    sessions = ui.sessions_planned(page)  # once per answer, for every session
    if len(sessions) <= MAX_SESSIONS_CHARTED:
        ui.chart(ui.figure(charts.sessions_capacity, sessions), key="sesi", theme=None)
    else:
        ui.chart(
            ui.figure(charts.sessions_by_day, page.query("bimtek_sesi_harian")),
            key="sesi_harian",
            theme=None,
        )
        st.caption(
            f"{labels.angka(len(sessions))} sesi, dijumlah per hari: pilih satu kecamatan untuk "
            "grafik per sesi."
        )
    with st.expander(
        f"Daftar {labels.angka(len(sessions))} sesi (urut tanggal)",
        expanded=len(sessions) > MAX_SESSIONS_CHARTED,
    ):
        st.caption(
            "Sesi yang belum berlangsung belum punya kehadiran; rencana peserta: KPPS belum "
            "Bimtek kecamatannya yang mendapat kursi di sesi itu, sesi terdekat lebih dulu."
        )
        tables.sessions(page).show()

if page.single_kecamatan or page.filters.desa:
    st.subheader("Per TPS")
    st.caption(theme.TPS_ORDER_TEXT)
    tables.tps(page).show()

st.subheader("KPPS yang belum mengikuti Bimtek")
untrained = tables.untrained(page)
if untrained.frame.empty:
    where, when = labels.polos(page.area_name()), labels.tanggal(page.filters.as_of)
    ui.empty(
        f"Semua KPPS aktif di {where} sudah mengikuti Bimtek."
        if row.kpps_aktif
        else f"Belum ada KPPS aktif di {where} pada {when}."
    )
else:
    more = "unduhan berisi" if page.single_kecamatan else "pilih kecamatan, atau unduh, untuk"
    shown = (
        ""
        if untrained_now <= MAX_NAMES_SHOWN
        else f" · {labels.angka(MAX_NAMES_SHOWN)} pertama ditampilkan; {more} daftar lengkapnya"
    )
    masked = page.tampil.note
    st.caption(
        f"{labels.angka(untrained_now)} orang{shown}, urut TPS · sesi rencana: kursi sesi "
        "mendatang kecamatannya, ketua lebih dulu" + (f" · {masked}" if masked else "")
    )
    untrained.show()
