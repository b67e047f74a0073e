"""Cakupan Bimtek: coverage per area, the training curve, sessions and who still needs training."""

import streamlit as st

from kesiapan import charts, labels, ui

MAX_SESSIONS_CHARTED = 40  # beyond this one bar per session no longer reads
MAX_NAMES_SHOWN = 1000  # a national list has hundreds of thousands; nobody reads past this

page, row = ui.start("Cakupan Bimtek")
cols = st.columns(3)
ui.headline(cols[0], "KPPS terlatih", row.kpps_terlatih, row.kpps_aktif, "KPPS aktif")
ui.headline(cols[1], "Belum Bimtek", row.kpps_aktif - row.kpps_terlatih, row.kpps_aktif, "KPPS")
cols[2].metric("Sesi Bimtek terlaksana", labels.angka(row.sesi_bimtek), border=True)

summary, name_col, code_col, level = page.areas_summary()
st.subheader(f"Cakupan per {level}")
st.caption("Klik batang untuk melihat wilayah itu lebih rinci.")
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
    )
    st.plotly_chart(figure, key="kurva", theme=None)

st.subheader("Sesi Bimtek: kehadiran dan kapasitas")
sessions = page.query("bimtek_sesi_kehadiran")
if sessions.empty:
    ui.empty(f"Belum ada sesi Bimtek di {labels.polos(page.area_name())}.")
else:
    if len(sessions) <= MAX_SESSIONS_CHARTED:
        st.plotly_chart(ui.figure(charts.sessions_capacity, sessions), key="sesi", theme=None)
    else:
        st.caption(
            f"{labels.angka(len(sessions))} sesi: pilih satu kecamatan di samping untuk melihat "
            "grafik per sesi."
        )
    with st.expander(
        f"Daftar {labels.angka(len(sessions))} sesi", expanded=len(sessions) > MAX_SESSIONS_CHARTED
    ):
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
            ],
            key="tabel_sesi",
        )

if page.single_kecamatan or page.filters.desa:
    st.subheader("Per TPS")
    tps = page.query("tps_status")
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
    )

st.subheader("KPPS yang belum mengikuti Bimtek")
untrained = page.masked(page.query("kpps_belum_bimtek", batas=MAX_NAMES_SHOWN))
if untrained.empty:
    ui.empty(f"Semua KPPS aktif di {labels.polos(page.area_name())} sudah mengikuti Bimtek.")
else:
    columns = [
        "kecamatan",
        "desa",
        "nomor_tps",
        "nama",
        "nik",
        "jabatan",
        "jenis_kelamin",
        "kali_absen",
        "no_hp",
    ]
    total_untrained = row.kpps_aktif - row.kpps_terlatih
    shown = (
        ""
        if total_untrained <= MAX_NAMES_SHOWN
        else f" · {labels.angka(MAX_NAMES_SHOWN)} pertama ditampilkan; pilih kecamatan untuk "
        "daftar lengkapnya"
    )
    masked = page.tampil.note
    st.caption(f"{labels.angka(total_untrained)} orang{shown}" + (f" · {masked}" if masked else ""))
    ui.table(untrained, columns, key="belum_bimtek")
