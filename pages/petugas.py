"""Kekurangan Petugas TPS: TPS by status, the TPS with gaps and their members, replacements."""

import pandas as pd
import streamlit as st

from kesiapan import charts, labels, ui

page, row = ui.start("Kekurangan Petugas TPS")
cols = st.columns(4)
ui.headline(cols[0], "Kurang petugas", row.tps_kurang_petugas, row.tps, "TPS")
ui.headline(cols[1], "Tanpa ketua", row.tps_tanpa_ketua, row.tps, "TPS")
ui.headline(cols[2], "Belum Bimtek", row.tps_belum_bimtek, row.tps, "TPS")
ui.headline(cols[3], "Kursi kosong", row.kursi_kosong, row.kebutuhan_kpps, "kursi")

summary, name_col, code_col, level = page.areas_summary()
st.subheader(f"Status TPS per {level}")
ui.drill_from_chart(ui.figure(charts.status_by_area, summary, name_col, code_col), "status", level)

st.subheader("TPS dengan kursi kosong atau tanpa ketua")
gaps = page.query("tps_kekurangan")


# A fragment: choosing a TPS reruns this part only, not the whole page.
@st.fragment
def gaps_and_members(gaps: pd.DataFrame) -> None:
    if gaps.empty:
        ui.empty(f"Semua TPS di {labels.polos(page.area_name())} lengkap dan punya ketua.")
        return
    st.caption("Terburuk di atas. Pilih satu TPS untuk melihat anggotanya.")
    columns = [
        "kecamatan",
        "desa",
        "nomor_tps",
        "kode_tps",
        "kpps_aktif",
        "kebutuhan_kpps",
        "kursi_kosong",
        "ada_ketua",
        "status",
    ]
    event = ui.table(
        gaps, columns, key="kekurangan", on_select="rerun", selection_mode="single-row"
    )
    if event.selection.rows:
        chosen = gaps.iloc[event.selection.rows[0]]
        members = page.query("kpps_aktif_tps", desa=[chosen.kode_desa])
        members = page.masked(members[members["kode_tps"] == chosen.kode_tps])
        st.markdown(f"**Anggota aktif TPS {chosen.nomor_tps:03d} {labels.polos(chosen.desa)}**")
        if members.empty:
            ui.empty("TPS ini belum punya anggota aktif.")
        else:
            ui.table(
                members,
                ["nama", "nik", "jabatan", "jenis_kelamin", "tanggal_sk", "terlatih"],
                key="anggota",
            )


gaps_and_members(gaps)

st.subheader("Penggantian antar waktu (PAW)")
paw = page.masked(page.query("paw"))
if paw.empty:
    until = labels.tanggal(page.filters.as_of)
    ui.empty(f"Belum ada KPPS yang berhenti di {labels.polos(page.area_name())} sampai {until}.")
else:
    st.plotly_chart(ui.figure(charts.paw_timeline, paw), key="paw", theme=None)
    columns = [
        "tanggal_berhenti",
        "kecamatan",
        "desa",
        "nomor_tps",
        "nama_berhenti",
        "jabatan_berhenti",
        "alasan_berhenti",
        "nama_pengganti",
        "tanggal_sk_pengganti",
        "status",
    ]
    ui.table(paw, columns, key="tabel_paw")
