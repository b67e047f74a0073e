"""The Impor Data page's pieces: the preview of an import and the list of versions.

Session-state keys (one each, documented here):
- `PREVIEW_KEY`: (signature, importer.Preview, upload folder) of the files on screen; a new
  signature (other files, table, mode, sheet, live version) prepares a new preview.
- `UPLOADER_KEY`: a counter in the uploader's key, so that a commit starts with an empty one.
- `MESSAGE_KEY`: the result of the last commit or restore, shown once after the rerun.
- `STALE_KEY`: set when the preview on screen was made again because another import (another
  office's) changed the data it read; said once, above the new preview (issue 18).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import weakref
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from kesiapan.access import accounts as access
from kesiapan.access import audit, privacy, private
from kesiapan.contract import labels, schema
from kesiapan.importer import core as importer
from kesiapan.importer import report as import_report
from kesiapan.importer import uploads as import_uploads
from kesiapan.store import versions
from kesiapan.ui import signin

PREVIEW_KEY = "_impor_pratinjau"
UPLOADER_KEY = "_impor_unggah_ke"
MESSAGE_KEY = "_impor_pesan"
STALE_KEY = "_impor_basi"
STALE_MESSAGE = (
    "Belum disimpan: data yang dibaca pratinjau sebelumnya sudah diubah oleh impor lain "
    "(misalnya dari kantor lain) sejak pratinjau itu dibuat. Pratinjau di bawah sudah dibuat "
    "ulang dengan data terbaru; periksa lalu simpan lagi."
)
VERSIONS_SHOWN = 12
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TABLE_CHOICES = ("otomatis", *schema.TABLE_NAMES)
MAX_TEMP_NAME = 100  # characters of an upload's name kept in its temporary file's name
MAX_SUFFIX = 10
REMOVALS_SHOWN = 200  # rows to be removed or changed listed on the page; the file has them all


MODE_LABELS = {
    importer.UPDATE: "Tambah dan perbarui (tidak ada yang dihapus)",
    importer.REPLACE_PART: "Ganti isi sesi/TPS yang ada di berkas",
    importer.REPLACE_TABLE: "Ganti seluruh tabel (khusus admin)",
}
MODES_HELP = (
    "**Tambah dan perbarui**: baris baru ditambahkan dan baris yang sudah ada diperbarui "
    "(dikenali dari NIK dan TPS, kode sesi dan NIK, kode TPS, …); tidak ada yang dihapus. "
    "Pakai ini untuk daftar hadir satu sesi, daftar KPPS satu desa, kunjungan satu hari.  \n"
    "**Ganti isi sesi/TPS**: berkas ini daftar lengkap sesi atau TPS yang disebutnya; baris "
    "tersimpan dari sesi/TPS itu yang tidak ada di berkas dihapus (setelah Anda periksa dan "
    "setujui).  \n**Ganti seluruh tabel**: isi tabel diganti isi berkas (khusus admin)."
)


def mode_label(mode: str) -> str:
    return MODE_LABELS[mode]


def saved_message(preview: importer.Preview, result: importer.CommitResult) -> str:
    done = ", ".join(import_report.outcome(f) for f in preview.files if f.ok)
    return f"Tersimpan sebagai versi {result.version} ({done}); dasbor kini memakai versi ini."


def changes_download(preview: importer.Preview, page, key: str) -> None:
    """The full list of rows to be removed and values to be changed, masked for the viewer;
    a list that names people unmasked is written into the audit log when it is made."""
    tampil = page.tampil

    def make() -> bytes:
        data = import_report.changes_workbook(preview, tampil)
        if tampil.nama or tampil.pribadi:
            page.viewer.catat(
                audit.UNDUH,
                berkas="daftar-perubahan-impor.xlsx",
                filter="impor",
                baris=preview.rows_removed + sum(f.changed for f in preview.files),
            )
        return data

    st.download_button(
        "Unduh daftar lengkap perubahan (Excel)",
        signin.guarded(page.viewer, access.IMPOR, "daftar-perubahan-impor.xlsx", make),
        file_name="daftar-perubahan-impor.xlsx",
        mime=XLSX_MIME,
        key=key,
        icon=":material/download:",
        on_click="ignore",
    )


def table_label(choice: str) -> str:
    return "Kenali otomatis" if choice == "otomatis" else schema.table_word(choice)


def _to_disk(files: list) -> tuple[Path, list[import_uploads.Upload]]:
    """The uploaded bytes as files (DuckDB and openpyxl read paths), under their own names."""
    folder = Path(tempfile.mkdtemp(prefix="kesiapan-unggah-"))
    uploads = []
    for number, file in enumerate(files):
        # A name from the browser can be anything: ASCII only, and short enough for any file
        # system (openpyxl wants the suffix kept).
        safe = re.sub(r"[^\w.-]+", "_", file.name, flags=re.ASCII) or "berkas"
        stem, suffix = os.path.splitext(safe)
        suffix = suffix[:MAX_SUFFIX]
        path = folder / f"{number}-{stem[: MAX_TEMP_NAME - len(suffix)]}{suffix}"
        private.write_bytes(path, file.getvalue())
        uploads.append(import_uploads.Upload(path, file.name))
    return folder, uploads


def forget_preview() -> None:
    held = st.session_state.pop(PREVIEW_KEY, None)
    if held:
        _, preview, folder = held
        preview.close()
        shutil.rmtree(folder, ignore_errors=True)


def current_preview(
    folder: Path,
    files: list,
    table: str,
    mode: str,
    sheets: dict[str, str],
    scope: tuple[str, ...] | None = None,
) -> importer.Preview:
    """The preview of these files, prepared once (with a progress bar) and kept; `scope`:
    the importing account's area codes (issue 5), None for an unrestricted one."""
    signature = (
        scope,
        tuple((f.file_id, f.name) for f in files),
        table,
        mode,
        tuple(sorted(sheets.items())),
        versions.current(folder) if folder.is_dir() else None,
    )
    held = st.session_state.get(PREVIEW_KEY)
    if held and held[0] == signature:
        return held[1]
    if held and held[0][:-1] == signature[:-1]:
        # The same files, but the live version moved under the preview on screen.
        st.session_state[STALE_KEY] = STALE_MESSAGE
    forget_preview()
    bar = st.progress(0.0, text="Membaca berkas…")
    upload_folder, uploads = _to_disk(files)
    preview = importer.prepare(
        folder,
        uploads,
        mode=mode,
        table=None if table == "otomatis" else table,
        sheets=sheets,
        progress=lambda fraction, text: bar.progress(min(fraction, 1.0), text=f"{text}…"),
        scope=scope,
    )
    bar.empty()
    # A session that ends without a commit (tab closed) leaves no uploaded bytes behind.
    weakref.finalize(preview, shutil.rmtree, upload_folder, True)
    st.session_state[PREVIEW_KEY] = (signature, preview, upload_folder)
    return preview


def preview_redone() -> str | None:
    """Why the preview on screen was made again just now (once), else None."""
    return st.session_state.pop(STALE_KEY, None)


def redo_preview() -> None:
    """A commit found its preview stale: prepare it again on the new data and say so."""
    forget_preview()
    st.session_state[STALE_KEY] = STALE_MESSAGE
    st.rerun()


def _problem_frame(problems: list, tampil: privacy.Tampil = privacy.BAWAAN) -> pd.DataFrame:
    rows = []
    for p in problems:
        # NIK, phone and birth date (an age warning quotes it) masked for every role, as this
        # list always has (issue 12 added the birth date); names as the role may see them.
        value = privacy.mask_value(p.kolom, p.nilai, privacy.Tampil(nama=tampil.nama))
        rows.append(
            {
                "Berkas": p.berkas,
                "Baris": str(p.baris) if p.baris is not None else "–",
                "Kolom": import_report.column_label(p.kolom),
                "Tertulis": value or "",
                "Pesan": p.pesan,
            }
        )
    return pd.DataFrame(rows, columns=["Berkas", "Baris", "Kolom", "Tertulis", "Pesan"])


def _first_rows(kind: dict[str, object]) -> str:
    """'baris 3, baris 5, …': where a kind of problem was found, the first few rows."""
    rows = [str(r) for r in kind.get("baris") or []]  # type: ignore[attr-defined]
    more = ", …" if int(kind["jumlah"]) > len(rows) else ""  # type: ignore[call-overload]
    return ", ".join(rows) + more if rows else ""


def kinds_markdown(preview: importer.Preview, level: str) -> str:
    """Each kind of problem as one list item, nothing cut off: where, the message, how many
    rows and the first of them."""
    items = []
    for k in preview.kinds:
        if k["tingkat"] != level:
            continue
        where = [labels.polos(str(k["berkas"]))]
        if k["kolom"]:
            where.append(f"kolom {labels.polos(import_report.column_label(str(k['kolom'])))}")
        count = int(k["jumlah"])  # type: ignore[call-overload]
        rows = labels.polos(_first_rows(k))
        if count > 1:
            rows = f"{labels.angka(count)} baris, mulai {rows}"
        item = f"- **{', '.join(where)}**: {labels.polos(str(k['pesan']))}"
        items.append(item + (f" ({rows})" if rows else ""))
    return "\n".join(items)


def _files_frame(preview: importer.Preview) -> pd.DataFrame:
    rows = []
    for f in preview.files:
        rows.append(
            {
                "Berkas": f.name,
                "Tabel": table_label(f.table) if f.table else "–",
                "Tentang": f.about or "–",
                "Dibaca": labels.angka(f.rows_read),
                "Diterima": labels.angka(f.rows_accepted) if f.ok else "–",
                "Ditolak": labels.angka(f.rows_rejected),
                "Baru": labels.angka(f.added),
                "Diperbarui": labels.angka(f.changed),
                "Tetap": labels.angka(f.unchanged),
            }
        )
    return pd.DataFrame(rows)


def changes_text(report: import_uploads.FileReport) -> str:
    """'No. HP 3, Jabatan 1'."""
    return import_report.changed_text(report)


def _problems(
    preview: importer.Preview,
    level: str,
    problems: list,
    key: str,
    tampil: privacy.Tampil = privacy.BAWAAN,
) -> None:
    by_kind, by_row = st.tabs(["Per jenis", "Per baris"])
    with by_kind:
        st.markdown(kinds_markdown(preview, level))
    with by_row:
        frame = _problem_frame(problems, tampil)
        st.dataframe(frame, hide_index=True, width="stretch", key=f"{key}_baris")
        if len(problems) < (preview.error_count if level == "galat" else preview.warning_count):
            st.caption(
                f"Ditampilkan paling banyak {importer.EXAMPLES} baris per jenis; "
                "semua baris yang ditolak ada di berkas Excel di bawah."
            )


def _file_summary(preview: importer.Preview, f: import_uploads.FileReport, tampil) -> None:
    """One file: what it is about, how it was read, what saving it would do."""
    with st.container(border=True):
        table = table_label(f.table) if f.table else "tabel tidak dikenali"
        st.markdown(f"**{labels.polos(f.name)}** → {labels.polos(table)}")
        if not f.ok:
            st.caption("Berkas ini tidak dapat dimuat; lihat galat di bawah.")
            return
        read = [f.description]
        if import_report.sheets_text(f):
            read.append(import_report.sheets_text(f))
        read.append(f"judul kolom di baris {f.header_row}")
        lines = []
        if f.about:
            lines.append(f"Tentang: {f.about}")
        lines.append(f"Dibaca: {', '.join(read)}")
        lines.append(
            f"Baris: {labels.angka(f.rows_read)} dibaca, {labels.angka(f.rows_accepted)} "
            f"diterima, {labels.angka(f.rows_rejected)} ditolak"
        )
        lines.append(f"Jika disimpan: {import_report.outcome(f)}")
        if f.changed_columns:
            lines.append(f"Nilai yang diperbarui, per kolom: {changes_text(f)}")
        st.markdown("  \n".join(labels.polos(line) for line in lines))
        readings = import_report.reading_lines(f)
        if readings:
            st.markdown("\n".join(f"- {labels.polos(line)}" for line in readings))
        with st.expander("Kolom dan contoh baris"):
            mapping = ", ".join(
                f"{labels.polos(h)} → {labels.polos(import_report.column_label(c))}"
                for h, c in f.columns.items()
            )
            st.markdown(f"Kolom: {mapping}.")
            if f.unused:
                st.markdown(f"Kolom yang tidak dipakai: {labels.polos(', '.join(f.unused))}")
            sample = pd.DataFrame(preview.sample_rows(f.index, read=True))
            if not sample.empty:
                st.caption(
                    "Sepuluh baris pertama seperti dibaca (✓ → Ya, KPPS 1 → ketua, tanggal "
                    "dalam kata):"
                )
                shown = privacy.masked(_as_read(sample, f.table), tampil).fillna("")
                shown.columns = [import_report.column_label(c) for c in shown.columns]
                st.dataframe(shown, hide_index=True, width="stretch", key=f"contoh_{f.index}")


def _as_read(sample: pd.DataFrame, table: str | None) -> pd.DataFrame:
    """Values as a person reads them: truth as Ya/Tidak, dates in words (a birth date stays
    as it is, for masking), the rest as read."""
    kinds = {c.name: c.kind for c in schema.TABLES[table].columns} if table else {}
    out = sample.copy()
    for column in out.columns:
        kind = kinds.get(column)
        if kind == schema.BOOL:
            words = {"true": "Ya", "false": "Tidak"}
            out[column] = [words.get(str(v), v) for v in out[column]]
        elif kind == schema.DATE and column != "tanggal_lahir":
            out[column] = [_date_words(v) for v in out[column]]
    return out


def _date_words(value: object) -> object:
    try:
        return labels.tanggal(date.fromisoformat(str(value)))
    except ValueError:
        return value  # unreadable: shown as written (its error says so)


def draw_removals(preview: importer.Preview, tampil, download) -> bool:
    """The rows the import would remove, in a warning nobody can miss, with the full list to
    download; the confirmation checkbox. Returns whether the person confirmed."""
    if not preview.rows_removed:
        return False
    counts = ", ".join(
        f"{labels.angka(n)} baris {table_label(t)}" for t, n in preview.removed_by_table().items()
    )
    st.error(
        f"**Impor ini akan MENGHAPUS {counts} dari data yang tersimpan.** Baris-baris itu "
        f"tidak ada lagi di berkas, dan cara memuat yang dipilih "
        f"({MODE_LABELS[preview.mode].lower()}) menghapusnya. Periksa daftarnya; bila "
        "bukan itu yang dimaksud, pilih **tambah dan perbarui**, yang tidak menghapus apa pun.",
        icon=":material/delete_forever:",
    )
    for table in preview.removed_by_table():
        frame = import_report.removal_display(preview, table, tampil)
        st.caption(
            f"Baris {labels.polos(table_label(table))} yang akan dihapus "
            f"({labels.angka(len(frame))}):"
        )
        st.dataframe(
            frame.head(REMOVALS_SHOWN), hide_index=True, width="stretch", key=f"impor_hapus_{table}"
        )
        if len(frame) > REMOVALS_SHOWN:
            st.caption(
                f"Ditampilkan {labels.angka(REMOVALS_SHOWN)} baris pertama; daftar lengkapnya "
                "ada di berkas unduhan."
            )
    download("impor_unduh_hapus")
    return st.checkbox(
        f"Saya sudah memeriksa daftar ini dan setuju {counts} dihapus",
        key="impor_konfirmasi_hapus",
    )


def draw_changes(preview: importer.Preview, tampil) -> None:
    """The values the import would change, per table (before → after)."""
    for table in preview.tables:
        frame = import_report.changes_display(preview, table, tampil)
        if frame.empty:
            continue
        with st.expander(
            f"Nilai {table_label(table)} yang akan diperbarui ({labels.angka(len(frame))})"
        ):
            st.dataframe(
                frame.head(REMOVALS_SHOWN),
                hide_index=True,
                width="stretch",
                key=f"impor_ubah_{table}",
            )


def draw_preview(preview: importer.Preview, tampil=privacy.BAWAAN, page=None) -> None:
    """Rows read and accepted, what each file is about and what saving would do, the errors
    and warnings, the rejects."""
    cols = st.columns(4)
    cols[0].metric("Baris dibaca", labels.angka(preview.rows_read), border=True)
    cols[1].metric("Baris diterima", labels.angka(preview.rows_accepted), border=True)
    cols[2].metric("Galat", labels.angka(preview.error_count), border=True)
    cols[3].metric("Peringatan", labels.angka(preview.warning_count), border=True)
    st.caption(
        "Perubahan dihitung jika disimpan; baris bergalat tidak ikut disimpan. Kolom yang tidak "
        "dikenal tidak dipakai."
    )
    if len(preview.files) > 1:
        st.dataframe(_files_frame(preview), hide_index=True, width="stretch", key="impor_berkas")
    for f in preview.files:
        _file_summary(preview, f, tampil)
    draw_changes(preview, tampil)
    if preview.errors:
        st.subheader("Galat")
        _problems(preview, "galat", preview.errors, "galat", tampil)
    if preview.warnings:
        st.subheader("Peringatan")
        st.caption("Peringatan tidak menghalangi penyimpanan; baris-barisnya tetap disimpan.")
        _problems(preview, "peringatan", preview.warnings, "peringatan", tampil)
    for f in preview.files:
        if f.rows_rejected:
            st.download_button(
                f"Unduh {labels.angka(f.rows_rejected)} baris yang ditolak dari "
                f"{labels.polos(f.name)} (Excel)",
                rejects_download(preview, f, tampil, page),
                file_name=f"{Path(f.name).stem}-ditolak.xlsx",
                mime=XLSX_MIME,
                key=f"tolakan_{f.index}",
                icon=":material/download:",
            )


def rejects_download(
    preview: importer.Preview, report: import_uploads.FileReport, tampil: privacy.Tampil, page
) -> object:
    """The rejected rows of one file, masked for the viewer; written into the audit log when
    it names people unmasked, and refused when the account may no longer import (issue 12)."""
    name = f"{Path(report.name).stem}-ditolak.xlsx"

    def make() -> bytes:
        data = preview.rejects_xlsx(report.index, tampil)
        if page is not None and (tampil.nama or tampil.pribadi):
            page.viewer.catat(audit.UNDUH, berkas=name, filter="impor", baris=report.rows_rejected)
        return data

    return make if page is None else signin.guarded(page.viewer, access.IMPOR, name, make)


def draw_versions(folder: Path, who: str, may_restore: bool = True) -> str | None:
    """The versions, newest first, each with a restore button; the version asked for."""
    made = versions.versions(folder) if folder.is_dir() else []
    if not made:
        st.info("Belum ada versi: dataset ini belum pernah diimpor.", icon=":material/info:")
        return None
    chosen = None
    for version in made[:VERSIONS_SHOWN]:
        with st.container(border=True):
            text, action = st.columns([5, 1], vertical_alignment="center")
            record = version.record
            status = " · **aktif**" if version.live else ""
            text.markdown(
                f"**Versi {version.name}**{status} · {labels.polos(versions.when(record))} · "
                f"oleh {labels.polos(str(record.get('oleh', '–')))}  \n"
                f"{labels.polos(versions.summary(record))}"
            )
            if not version.live and action.button(
                "Pulihkan",
                key=f"pulihkan_{version.name}",
                disabled=not who or not may_restore,
                help="Aktifkan lagi versi ini"
                if may_restore
                else "Pemulihan mengganti data semua wilayah: hanya untuk akun tanpa batas "
                "wilayah (admin)",
                icon=":material/history:",
            ):
                chosen = version.name
    if len(made) > VERSIONS_SHOWN:
        st.caption(
            f"{labels.angka(len(made) - VERSIONS_SHOWN)} versi yang lebih lama: "
            "lihat `python -m kesiapan versions`."
        )
    return chosen
