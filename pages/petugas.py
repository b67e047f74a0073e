"""Kekurangan Petugas TPS: TPS by status, the TPS with gaps and their members, replacements."""

import streamlit as st

from kesiapan.contract import labels
from kesiapan.outputs import charts
from kesiapan.ui import shared as ui
from kesiapan.ui import tables

page, row = ui.start("Kekurangan Petugas TPS")
since, before = page.previous()
cols = st.columns(4)
for col, label, part, whole, noun in (
    (cols[0], "Kurang petugas", "tps_kurang_petugas", "tps", "TPS"),
    (cols[1], "Tanpa ketua", "tps_tanpa_ketua", "tps", "TPS"),
    (cols[2], "Belum Bimtek", "tps_belum_bimtek", "tps", "TPS"),
    (cols[3], "Kursi kosong", "kursi_kosong", "kebutuhan_kpps", "kursi"),
):
    was = None if before is None else before[part]
    ui.headline(col, label, row[part], row[whole], noun, before=was, since=since)

summary, name_col, code_col, level = page.areas_summary()
st.subheader(f"Status TPS per {level}")
st.caption("Urutan: TPS bermasalah terbanyak di atas. Klik batang untuk merinci.")
ui.drill_from_chart(ui.figure(charts.status_by_area, summary, name_col, code_col), "status", level)

st.subheader("TPS dengan kursi kosong atau tanpa ketua")
gaps = tables.gaps(page)


# A fragment: choosing a TPS reruns this part only, not the whole page.
@st.fragment
def gaps_and_members(listed: tables.Listed) -> None:
    gaps = listed.frame
    if gaps.empty:
        ui.empty(f"Semua TPS di {labels.polos(page.area_name())} lengkap dan punya ketua.")
        return
    st.caption(
        "Urutan: kursi kosong terbanyak di atas, lalu TPS tanpa ketua. Pilih satu TPS untuk "
        "melihat anggotanya."
    )
    event = listed.show(on_select="rerun", selection_mode="single-row")
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
paw = tables.paw(page)
if paw.frame.empty:
    until = labels.tanggal(page.filters.as_of)
    ui.empty(f"Belum ada KPPS yang berhenti di {labels.polos(page.area_name())} sampai {until}.")
else:
    ui.chart(ui.figure(charts.paw_timeline, paw.frame), key="paw", theme=None)
    st.caption("Urut tanggal berhenti.")
    paw.show()
