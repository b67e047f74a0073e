"""What an import would do, in words and tables for people: the page, the command line and the
list of changes people download. No Streamlit here (kesiapan.ui.import_screen draws these).

Personal data is masked by the viewer's `privacy.Tampil`, as everywhere (contract §4): the rows
to be removed and the values to be changed are the stored data of real people.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pandas as pd

from kesiapan.access import privacy, private
from kesiapan.contract import labels, schema
from kesiapan.importer import core as importer
from kesiapan.importer import uploads as import_uploads
from kesiapan.outputs import exports

CHANGES_TITLE = "Perubahan yang akan disimpan"


def outcome(report: import_uploads.FileReport) -> str:
    """'1 baris baru · 1 diperbarui · 3 tetap sama · 2 akan dihapus'."""
    parts = [
        f"{labels.angka(report.added)} baris baru",
        f"{labels.angka(report.changed)} diperbarui",
        f"{labels.angka(report.unchanged)} tetap sama",
    ]
    if report.removed:
        parts.append(f"{labels.angka(report.removed)} akan dihapus")
    return " · ".join(parts)


# Columns a file may have besides the contract's (import_columns): places, a session's date.
EXTRA_LABELS = {
    "tempat_tanggal_lahir": "Tempat, tanggal lahir",
    "tanggal_lahir": "Tanggal lahir",
    "nilai_pre": "Nilai pre-test",
    "nilai_post": "Nilai post-test",
    "jumlah_dpt": "Jumlah DPT",
    "nomor_tps": "Nomor TPS",
    "baris": "Baris",
    "lembar": "Lembar",
}


def column_label(column: str | None) -> str:
    """A contract column in the words people read ('kode_tps' → 'Kode TPS'); '' for none."""
    if not column:
        return ""
    return EXTRA_LABELS.get(column) or exports.header(column)


def changed_text(report: import_uploads.FileReport) -> str:
    """'No. HP 3, Jabatan 1'."""
    return ", ".join(
        f"{column_label(c)} {labels.angka(n)}" for c, n in report.changed_columns.items()
    )


def mode_text(mode: str, table: str | None) -> str:
    """The chosen way of loading, in the words of the file's table."""
    if mode == importer.REPLACE_PART and table in importer.PART_WORDS:
        return f"ganti {importer.PART_WORDS[table]}"
    if mode == importer.REPLACE_PART:
        label = schema.TABLES[table].label if table in schema.TABLES else "tabel ini"
        return f"{importer.MODES[importer.UPDATE]}: setiap baris {label} dikenali dari kodenya"
    return importer.MODES[mode]


def sheets_text(report: import_uploads.FileReport) -> str:
    """'lembar Torjun dan Kara, dibaca sebagai satu tabel' / 'lembar Daftar KPPS'; empty for a
    file without sheets."""
    if len(report.sheets_used) > 1:
        *rest, last = report.sheets_used
        return f"lembar {', '.join(rest)} dan {last}, dibaca sebagai satu tabel"
    return f"lembar {report.sheet}" if report.sheet else ""


def skipped_text(report: import_uploads.FileReport) -> str:
    """'lembar yang dilewati: Petunjuk (tidak berisi tabel yang dikenali), REKAP (…)'."""
    if not report.sheets_skipped:
        return ""
    listed = ", ".join(f"{name} ({why})" for name, why in report.sheets_skipped)
    return f"lembar yang dilewati: {listed}"


def reading_lines(report: import_uploads.FileReport) -> list[str]:
    """How the file was read, one sentence each: the reader's own notes, the codes made from
    place names, and the columns it lacks (kept as stored in the rows it updates)."""
    lines = list(getattr(report, "readings", []))
    if skipped_text(report):
        lines.insert(0, skipped_text(report))
    written = {column: header for header, column in report.columns.items()}
    places = {c: p for c, p in report.derived.items() if c != "kode_sesi"}
    if places:
        made = ", ".join(
            f"{column_label(code)} dari kolom '{written.get(place, column_label(place))}'"
            for code, place in places.items()
        )
        lines.append(f"disusun dari nama wilayah: {made}")
    if report.kept_columns and (report.changed or report.unchanged):
        kept = ", ".join(column_label(c) for c in report.kept_columns)
        lines.append(
            f"kolom yang tidak ada di berkas ({kept}) tidak diubah pada baris yang sudah ada"
        )
    return lines


def _shown(column: str, value: object, tampil: privacy.Tampil) -> object:
    """A stored value as a person reads it: dates in words, truth as Ya/Tidak, codes kept as
    text, personal data masked."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        text = labels.tanggal(value)
        return privacy.mask_value(column, text, tampil) if column == "tanggal_lahir" else text
    if isinstance(value, bool):
        return exports.YES if value else exports.NO
    if isinstance(value, float):
        value = int(value) if value.is_integer() else str(value).replace(".", ",")
    return privacy.mask_value(column, str(value), tampil)


def removal_display(preview: importer.Preview, table: str, tampil: privacy.Tampil) -> pd.DataFrame:
    """The stored rows the import would remove, with Indonesian headers, masked."""
    frame = preview.removal_frame(table)
    columns = [c.name for c in schema.TABLES[table].columns]
    out = pd.DataFrame({column_label(c): [_shown(c, v, tampil) for v in frame[c]] for c in columns})
    return out.loc[:, [h for h in out.columns if (out[h] != "").any()] or list(out.columns)]


def _values(frame: pd.DataFrame, side: str, tampil: privacy.Tampil) -> list[object]:
    return [_shown(c, v, tampil) for c, v in zip(frame["kolom"], frame[side], strict=True)]


def changes_display(preview: importer.Preview, table: str, tampil: privacy.Tampil) -> pd.DataFrame:
    """One row per value the import would change: where it comes from (file, row), whose row
    it is (its identity), the column, before and after; masked."""
    frame = preview.changes_frame(table)
    key = [k for k in importer.IDENTITY[table] if k in frame.columns]
    out = pd.DataFrame(
        {
            "Berkas": frame["berkas"],
            "Baris": frame["baris"].astype(int) if len(frame) else frame["baris"],
            **{column_label(k): [_shown(k, v, tampil) for v in frame[k]] for k in key},
            "Kolom": [column_label(c) for c in frame["kolom"]],
            "Sebelum": _values(frame, "sebelum", tampil),
            "Sesudah": _values(frame, "sesudah", tampil),
        }
    )
    return out


def changes_workbook(preview: importer.Preview, tampil: privacy.Tampil) -> bytes:
    """Every row to be removed and every value to be changed, one sheet per table and kind."""
    workbook = exports.new_workbook()
    note = [tampil.note] if tampil.note else []
    for table in preview.tables:
        removed = removal_display(preview, table, tampil)
        if len(removed):
            exports.add_table_sheet(
                workbook,
                f"Dihapus {table}",
                removed,
                f"Baris {table} yang akan dihapus ({labels.angka(len(removed))})",
                [f"Cara memuat: {mode_text(preview.mode, table)}", *note],
            )
        changed = changes_display(preview, table, tampil)
        if len(changed):
            exports.add_table_sheet(
                workbook,
                f"Diubah {table}",
                changed,
                f"Nilai {table} yang akan diubah ({labels.angka(len(changed))})",
                [f"Cara memuat: {mode_text(preview.mode, table)}", *note],
            )
    if not workbook.sheetnames:  # type: ignore[attr-defined]
        exports.add_table_sheet(
            workbook,
            "Perubahan",
            pd.DataFrame({"Keterangan": []}),
            CHANGES_TITLE,
            [],
            "Tidak ada baris yang dihapus atau diubah: impor ini hanya menambah baris baru.",
        )
    return exports.workbook_bytes(workbook)


def changes_csv(preview: importer.Preview, tampil: privacy.Tampil) -> bytes:
    """The same list as one CSV: a column `Perubahan` says removed or changed."""
    parts = []
    for table in preview.tables:
        removed = removal_display(preview, table, tampil)
        if len(removed):
            removed.insert(0, "Tabel", table)
            removed.insert(0, "Perubahan", "dihapus")
            parts.append(removed)
        changed = changes_display(preview, table, tampil)
        if len(changed):
            changed.insert(0, "Tabel", table)
            changed.insert(0, "Perubahan", "diubah")
            parts.append(changed)
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame({"Perubahan": []})
    return exports.csv_bytes(frame.fillna(""))


def write_changes(preview: importer.Preview, tampil: privacy.Tampil, path: Path) -> None:
    """The list of changes as `path` (.csv, else Excel), owner-only: it names people."""
    data = (
        changes_csv(preview, tampil)
        if path.suffix.lower() == ".csv"
        else changes_workbook(preview, tampil)
    )
    private.write_bytes(path, data)
