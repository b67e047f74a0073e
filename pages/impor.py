"""Impor Data: files people receive, checked and previewed, then saved as a new version."""

import streamlit as st

from kesiapan.access import accounts as access
from kesiapan.access import audit
from kesiapan.contract import labels
from kesiapan.importer import core as importer
from kesiapan.importer import cross_area
from kesiapan.importer import writing as import_writing
from kesiapan.store import versions
from kesiapan.ui import import_screen, signin
from kesiapan.ui import shared as ui

page = ui.page()
folder = ui.data_folder()
st.title("Impor Data")
if versions.is_bundled_sample(folder):
    ui.empty(
        "Dataset contoh bawaan (data/sample) tidak diubah oleh impor. Salin dulu ke folder lain "
        "lalu jalankan dasbor dengan KESIAPAN_DATA=folder-itu untuk mengimpor."
    )
    st.stop()
signin.require(page.viewer, access.IMPOR, "halaman Impor Data")
user, scope = page.viewer.pengguna, page.data.scope
limit = st.get_option("server.maxUploadSize")
st.caption(
    "Muat berkas CSV atau Excel (daftar KPPS dari SIAKBA, daftar hadir Bimtek dari PPK, catatan "
    "supervisi, …) ke dataset. Tidak ada yang disimpan sebelum pratinjau diperiksa; setiap "
    f"impor menjadi versi baru yang bisa dipulihkan. Batas ukuran per berkas {limit} MB "
    "(setelan server.maxUploadSize di .streamlit/config.toml)."
)
if message := st.session_state.pop(import_screen.MESSAGE_KEY, None):
    st.success(message, icon=":material/check_circle:")

who = f"{user.nama} ({user.username})"  # written into the version's history record
if scope is not None:
    st.info(
        f"Akun Anda hanya dapat mengubah data {signin.scope_words(user, page.areas)}: baris di "
        "luar wilayah itu ditolak, dan data wilayah lain tetap seperti sekarang.",
        icon=":material/shield:",
    )

st.subheader("Berkas")
round_ = st.session_state.setdefault(import_screen.UPLOADER_KEY, 0)
files = st.file_uploader(
    "Berkas CSV, Excel (.xlsx) atau Parquet",
    accept_multiple_files=True,
    key=f"impor_berkas_{round_}",
)
left, right = st.columns(2)
table = left.selectbox(
    "Tabel tujuan",
    import_screen.TABLE_CHOICES,
    format_func=import_screen.table_label,
    key="impor_tabel",
)
# Replacing a whole table is an administrator's choice (contract §5).
modes = [m for m in importer.MODES if m != importer.REPLACE_TABLE or page.boleh(access.KELOLA)]
mode = right.radio(
    "Cara memuat",
    modes,
    format_func=import_screen.mode_label,
    key="impor_cara",
    help=import_screen.MODES_HELP,
)
if not files:
    import_screen.forget_preview()
    ui.empty("Pilih satu berkas atau lebih; pratinjau muncul setelah berkas dibaca.")
else:
    sheets = {}
    for f in files:
        choice = st.session_state.get(f"impor_lembar_{f.name}")
        if choice:
            sheets[f.name] = choice
    preview = import_screen.current_preview(folder, files, table, mode, sheets, scope)
    for f in preview.files:
        if f.needs_sheet or f.name in sheets:
            st.selectbox(
                f"Lembar yang dibaca dari {labels.polos(f.name)}",
                f.sheets,
                index=None,
                placeholder="Pilih lembar",
                key=f"impor_lembar_{f.name}",
            )
    st.subheader("Pratinjau")
    if redone := import_screen.preview_redone():
        st.warning(redone, icon=":material/sync_problem:")
    import_screen.draw_preview(preview, page.tampil, page)
    confirmed = import_screen.draw_removals(
        preview, page.tampil, lambda key: import_screen.changes_download(preview, page, key)
    )
    if not preview.rows_removed and any(f.changed for f in preview.files):
        import_screen.changes_download(preview, page, "impor_unduh_ubah")
    drop = False
    if preview.rejected_rows and not preview.blocking:
        drop = st.checkbox(
            f"Buang {preview.rejected_rows} baris bergalat dan simpan sisanya (baris yang "
            "dibuang disimpan di berkas tolakan; data yang tersimpan tidak terhapus karenanya)",
            key="impor_buang",
        )
    reason = preview.refusal(drop, confirmed)
    clicked = st.button(
        "Simpan sebagai versi baru",
        type="primary",
        disabled=bool(reason),
        key="impor_simpan",
        icon=":material/save:",
    )
    if clicked and not redone:  # a preview made again is looked at before it is saved
        bar = st.progress(0.0, text="Menyimpan…")
        elsewhere = cross_area.attendance_elsewhere(preview.con)  # for the audit log
        try:
            result = import_writing.commit(
                preview,
                drop,
                who,
                lambda f, t: bar.progress(f, text=t),
                confirm_removal=confirmed,
            )
        except importer.StalePreview:
            bar.empty()
            import_screen.redo_preview()
        except (importer.ImportRefused, versions.VersionError) as exc:
            bar.empty()
            st.error(f"Tidak disimpan: {labels.polos(str(exc))}.", icon=":material/block:")
        else:
            page.viewer.catat(
                audit.IMPOR,
                versi=result.version,
                berkas=[f.name for f in preview.files],
                cara=mode,
                dihapus=preview.rows_removed,
                cakupan=list(scope) if scope is not None else None,
                hadir_wilayah_lain=elsewhere or None,
            )
            import_screen.forget_preview()
            st.session_state[import_screen.UPLOADER_KEY] += 1
            st.session_state[import_screen.MESSAGE_KEY] = import_screen.saved_message(
                preview, result
            )
            st.rerun()
    if reason:
        st.caption(f"Belum dapat disimpan: {labels.polos(reason)}.")

st.subheader("Versi dataset")
# A restore swaps the whole dataset: only for accounts without an area limit.
wanted = import_screen.draw_versions(folder, who, may_restore=scope is None)
if wanted and scope is None:
    try:
        before = versions.restore(folder, wanted, who)
    except versions.VersionError as exc:
        st.error(f"Tidak dipulihkan: {labels.polos(str(exc))}.", icon=":material/block:")
    else:
        page.viewer.catat(audit.PULIHKAN, versi=wanted, sebelumnya=before)
        import_screen.forget_preview()
        st.session_state[import_screen.MESSAGE_KEY] = (
            f"Versi {wanted} aktif lagi (sebelumnya {before}); dasbor kini memakai versi ini."
        )
        st.rerun()
