"""Impor Data: files people receive, checked and previewed, then saved as a new version."""

import streamlit as st

from kesiapan import import_ui, importer, ui, versions

folder = ui.data_folder()
st.title("Impor Data")
limit = st.get_option("server.maxUploadSize")
st.caption(
    "Muat berkas CSV atau Excel (daftar KPPS dari SIAKBA, daftar hadir Bimtek dari PPK, catatan "
    "supervisi, …) ke dataset. Tidak ada yang disimpan sebelum pratinjau diperiksa; setiap "
    f"impor menjadi versi baru yang bisa dipulihkan. Batas ukuran per berkas {limit} MB "
    "(setelan server.maxUploadSize di .streamlit/config.toml)."
)
if message := st.session_state.pop(import_ui.MESSAGE_KEY, None):
    st.success(message, icon=":material/check_circle:")

who = st.text_input("Nama petugas", key="impor_petugas", placeholder="dicatat di riwayat impor")
if versions.is_bundled_sample(folder):
    ui.empty(
        "Dataset contoh bawaan (data/sample) tidak diubah oleh impor. Salin dulu ke folder lain "
        "lalu jalankan dasbor dengan KESIAPAN_DATA=folder-itu untuk mengimpor."
    )
    st.stop()

st.subheader("Berkas")
round_ = st.session_state.setdefault(import_ui.UPLOADER_KEY, 0)
files = st.file_uploader(
    "Berkas CSV, Excel (.xlsx) atau Parquet",
    accept_multiple_files=True,
    key=f"impor_berkas_{round_}",
)
left, right = st.columns(2)
table = left.selectbox(
    "Tabel tujuan", import_ui.TABLE_CHOICES, format_func=import_ui.table_label, key="impor_tabel"
)
mode = right.radio(
    "Cara memuat", list(importer.MODES), format_func=importer.MODES.get, key="impor_cara"
)
if not files:
    import_ui.forget_preview()
    ui.empty("Pilih satu berkas atau lebih; pratinjau muncul setelah berkas dibaca.")
else:
    sheets = {}
    for f in files:
        choice = st.session_state.get(f"impor_lembar_{f.name}")
        if choice:
            sheets[f.name] = choice
    preview = import_ui.current_preview(folder, files, table, mode, sheets)
    for f in preview.files:
        if f.needs_sheet or f.name in sheets:
            st.selectbox(
                f"Lembar yang dibaca dari {f.name}",
                f.sheets,
                index=None,
                placeholder="Pilih lembar",
                key=f"impor_lembar_{f.name}",
            )
    st.subheader("Pratinjau")
    import_ui.draw_preview(preview)
    drop = False
    if preview.rejected_rows and not preview.blocking:
        drop = st.checkbox(
            f"Buang {preview.rejected_rows} baris bergalat dan simpan sisanya (baris yang "
            "dibuang disimpan di berkas tolakan)",
            key="impor_buang",
        )
    reason = preview.refusal(drop) or (None if who.strip() else "isi nama petugas dulu")
    if st.button(
        "Simpan sebagai versi baru",
        type="primary",
        disabled=bool(reason),
        key="impor_simpan",
        icon=":material/save:",
    ):
        bar = st.progress(0.0, text="Menyimpan…")
        try:
            result = importer.commit(preview, drop, who, lambda f, t: bar.progress(f, text=t))
        except (importer.ImportRefused, versions.VersionError) as exc:
            bar.empty()
            st.error(f"Tidak disimpan: {exc}.", icon=":material/block:")
        else:
            import_ui.forget_preview()
            st.session_state[import_ui.UPLOADER_KEY] += 1
            st.session_state[import_ui.MESSAGE_KEY] = (
                f"Tersimpan sebagai versi {result.version}; dasbor kini memakai versi ini."
            )
            st.rerun()
    if reason:
        st.caption(f"Belum dapat disimpan: {reason}.")

st.subheader("Versi dataset")
wanted = import_ui.draw_versions(folder, who.strip())
if wanted:
    try:
        before = versions.restore(folder, wanted, who.strip())
    except versions.VersionError as exc:
        st.error(f"Tidak dipulihkan: {exc}.", icon=":material/block:")
    else:
        import_ui.forget_preview()
        st.session_state[import_ui.MESSAGE_KEY] = (
            f"Versi {wanted} aktif lagi (sebelumnya {before}); dasbor kini memakai versi ini."
        )
        st.rerun()
