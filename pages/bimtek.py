"""Cakupan Bimtek: coverage per area, the training curve, sessions and who still needs training."""

import pandas as pd
import streamlit as st

from kesiapan.contract import columns as catalogue
from kesiapan.contract import labels, theme
from kesiapan.outputs import actions, charts
from kesiapan.ui import shared as ui

MAX_SESSIONS_CHARTED = 40  # beyond this one bar per session no longer reads
MAX_NAMES_SHOWN = 1000  # a national list has hundreds of thousands; nobody reads past this


def _no_seat_named(untrained: pd.DataFrame) -> pd.DataFrame:
    return untrained.assign(sesi_rencana=untrained["sesi_rencana"].fillna(actions.NO_SEAT))


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
        ui.table(
            sessions,
            [
                "tanggal",
                "kode_sesi",
                "kecamatan",
                "tempat",
                "kapasitas",
                "keadaan_sesi",
                "hadir",
                "tidak_hadir",
                "keterisian",
                "disupervisi",
                "ditempatkan",
                "kursi_sisa",
            ],
            key="tabel_sesi",
        )

if page.single_kecamatan or page.filters.desa:
    st.subheader("Per TPS")
    st.caption(theme.TPS_ORDER_TEXT)
    tps = ui.derived("tps_terburuk_dulu", theme.worst_first_tps, page.query("tps_status"))
    ui.table(
        tps,
        [
            "desa",
            "nomor_tps",
            "kode_tps",
            "kpps_aktif",
            "kpps_terlatih",
            "kebutuhan_kpps",
            "ada_ketua",
            "status",
        ],
        key="tabel_tps",
        cards=ui.tps_cards,
    )

st.subheader("KPPS yang belum mengikuti Bimtek")
untrained = page.masked(page.query("rencana_bimtek", batas=MAX_NAMES_SHOWN))
if untrained.empty:
    where, when = labels.polos(page.area_name()), labels.tanggal(page.filters.as_of)
    ui.empty(
        f"Semua KPPS aktif di {where} sudah mengikuti Bimtek."
        if row.kpps_aktif
        else f"Belum ada KPPS aktif di {where} pada {when}."
    )
else:
    untrained = ui.derived("tanpa_kursi_sesi", _no_seat_named, untrained)
    columns = catalogue.listed(
        [
            "kecamatan",
            "desa",
            "nomor_tps",
            "nama",
            "nik",
            "jabatan",
            "kali_absen",
            "sesi_rencana",
            "tanggal_sesi_rencana",
            "no_hp",
        ]
    )
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
    ui.table(untrained, columns, key="belum_bimtek", cards=ui.untrained_cards)
