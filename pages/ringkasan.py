"""Ringkasan: headline readiness figures and the kecamatan table."""

import streamlit as st

from kesiapan import labels, ui

folder = str(ui.data_folder())
data = ui.dataset(folder)
as_of = st.session_state.get("as_of", data.default_as_of)

st.title("Ringkasan kesiapan KPPS")
countdown = labels.hitung_mundur(as_of, data.config.hari_pemungutan)
st.caption(
    f"Posisi {labels.tanggal(as_of)}"
    + (f" · {countdown} menuju hari pemungutan suara" if countdown else "")
)

if data.errors:
    st.error(f"Dataset memuat {labels.angka(len(data.errors))} galat; angka bisa tidak lengkap.")

total = ui.query(folder, "ringkasan_kabupaten", as_of)
if total.empty:
    st.info("Belum ada wilayah di dataset ini.")
    st.stop()

row = total.sum(numeric_only=True)
cols = st.columns(4)
cols[0].metric("TPS siap", labels.dari(row.tps_siap, row.tps, "TPS"))
cols[1].metric("KPPS terlatih", labels.dari(row.kpps_terlatih, row.kpps_aktif, "KPPS"))
cols[2].metric("Kursi kosong", labels.dari(row.kursi_kosong, row.kebutuhan_kpps, "kursi"))
cols[3].metric("Sesi disupervisi", labels.dari(row.sesi_disupervisi, row.sesi_bimtek, "sesi"))

table = ui.query(folder, "ringkasan_kecamatan", as_of)
st.subheader("Per kecamatan")
st.dataframe(
    table[
        [
            "kecamatan",
            "tps",
            "tps_siap",
            "kpps_aktif",
            "kpps_terlatih",
            "cakupan_bimtek",
            "kursi_kosong",
            "kunjungan_supervisi",
        ]
    ],
    hide_index=True,
    column_config={
        "kecamatan": "Kecamatan",
        "tps": st.column_config.NumberColumn("TPS", format="localized"),
        "tps_siap": st.column_config.NumberColumn("TPS siap", format="localized"),
        "kpps_aktif": st.column_config.NumberColumn("KPPS aktif", format="localized"),
        "kpps_terlatih": st.column_config.NumberColumn("KPPS terlatih", format="localized"),
        "cakupan_bimtek": st.column_config.ProgressColumn(
            "Cakupan Bimtek", format="percent", min_value=0, max_value=1
        ),
        "kursi_kosong": st.column_config.NumberColumn("Kursi kosong", format="localized"),
        "kunjungan_supervisi": st.column_config.NumberColumn("Kunjungan", format="localized"),
    },
)
