"""Data: which dataset is loaded, its tables and the warnings of the contract's checks."""

import pandas as pd
import streamlit as st

from kesiapan.access import accounts as access
from kesiapan.access import privacy
from kesiapan.contract import labels, schema
from kesiapan.ui import shared as ui

page = ui.page()
config = page.data.config
st.title("Data")
where = f" · folder {labels.polos(page.folder)}" if page.boleh(access.KELOLA) else ""  # admins
st.caption(f"{labels.polos(config.nama or 'Dataset tanpa nama')}{where}")

cols = st.columns(3)
cols[0].metric("Tanggal data terakhir", labels.tanggal(page.data.default_as_of))
cols[1].metric("Hari pemungutan suara", labels.tanggal(config.hari_pemungutan))
window = labels.rentang(config.bimtek_mulai, config.bimtek_selesai)
cols[2].metric("Jadwal Bimtek", window)

st.subheader("Tabel")
tables = page.query("data_tabel")
tables["berkas"] = tables["tabel"].map(
    lambda t: page.data.sources[t].path.name if page.data.sources[t].path else "(tidak ada)"
)
tables["tabel"] = tables["tabel"].map(lambda t: labels.kalimat(schema.TABLES[t].label))
ui.table(tables, ["tabel", "berkas", "baris", "tanggal_awal", "tanggal_akhir"], key="tabel_data")

st.subheader("Hasil pemeriksaan")
problems = page.data.problems
if not problems:
    st.success("Tidak ada galat atau peringatan.", icon=":material/check_circle:")
else:
    errors, warnings = len(page.data.errors), len(page.data.warnings)
    st.caption(
        f"{labels.angka(errors)} galat · {labels.angka(warnings)} peringatan"
        + ("" if page.tampil.pribadi else " · nilai data pribadi disamarkan")
    )
    frame = pd.DataFrame(
        [
            {
                "tingkat": p.tingkat.capitalize(),
                "berkas": p.berkas,
                "baris": p.baris,
                "kolom": p.kolom,
                "nilai": privacy.mask_value(p.kolom, p.nilai, page.tampil),
                "pesan": labels.kalimat(p.pesan),
            }
            for p in problems
        ]
    )
    frame["baris"] = frame["baris"].astype("Int64")
    # On screen a column reads as its header ("Tanggal lahir", not "tanggal_lahir"); the files
    # keep the contract's name, which the person fixing the source file looks for.
    on_screen = frame.assign(kolom=frame["kolom"].map(labels.HEADERS).fillna(frame["kolom"]))
    ui.table(on_screen, list(frame.columns), key="masalah", download=False, cards=ui.problem_cards)
    ui.table_downloads(frame, list(frame.columns), "masalah")

# Issue 12: attendance another area's operator recorded for members of this view.
trained_elsewhere = page.query("bimtek_sesi_lain")
if not trained_elsewhere.empty:
    elsewhere = page.masked(trained_elsewhere)
    st.subheader("KPPS yang dilatih di sesi kecamatan lain")
    st.caption(
        f"{labels.angka(trained_elsewhere['nik'].nunique())} orang tercatat hadir di sesi Bimtek "
        "kecamatan lain (dicatat oleh petugas kecamatan itu); periksa bila ada yang tidak "
        "sesuai."
    )
    columns = ["desa", "nomor_tps", "nama", "nik", "jabatan", "kode_sesi", "tanggal_sesi"]
    ui.table(elsewhere, [*columns, "kode_kecamatan_sesi"], key="sesi_lain")
