"""Committing a preview: a new dataset version, written and switched to.

`commit(preview, …)` writes the changed tables as Parquet (per kabupaten when the
dataset is stored so), shares the rest with the live version, keeps the originals and
the rejected rows (owner-only), checks again that no row outside the account's scope
changed, records who did what, and switches (`kesiapan.store.versions`). A preview
whose kabupaten changed meanwhile is refused (`StalePreview`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

from kesiapan.access import private
from kesiapan.contract import schema, sql
from kesiapan.importer import core as importer
from kesiapan.importer import scope_rules as import_scope_rules
from kesiapan.importer import uploads as import_uploads
from kesiapan.store import dataset as store
from kesiapan.store import partitions, versions

REJECTS_STEM_MAX = 60  # characters of the uploaded name kept in a rejects file's name


def commit(
    preview: importer.Preview,
    drop_errors: bool,
    who: str,
    progress: import_uploads.Progress | None = None,
    *,
    confirm_removal: bool = False,
    waiting: Callable[[str], None] | None = None,
) -> importer.CommitResult:
    """Write the candidate as the new live version (see the module docstring); refused when it
    would remove stored rows without `confirm_removal`. `waiting` is told when the commit
    waits for another import into the same kabupaten (issue 18)."""
    report_progress = progress or (lambda fraction, text: None)
    reason = preview.refusal(drop_errors, confirm_removal)
    if reason:
        raise importer.ImportRefused(reason)
    who = who.strip()
    if not who:
        raise importer.ImportRefused("isi nama petugas yang mengimpor")
    folder = preview.folder
    if preview.touched is not None:
        return _commit_per_kabupaten(preview, drop_errors, who, report_progress, waiting)
    with versions.lock(folder):
        if versions.current(folder) != preview.base_version:
            raise importer.StalePreview(
                "dataset berubah sejak pratinjau dibuat (impor atau pemulihan lain); "
                "periksa ulang berkasnya"
            )
        base_version = versions.adopt_plain(folder, who)
        base = store.resolve_folder(folder) if base_version else None
        name = versions.next_name(folder)
        partial = folder / store.VERSIONS_DIR / f"{versions.TEMP_PREFIX}{name}"
        private.make_dir(partial)  # issue 12: owner-only, whatever the umask
        # Whatever fails from here to the rename (a refusal, a full disk, a bug) takes the half-
        # written version folder and this commit's rejects files with it: the live version stays
        # as it was. A base adopted just above (adopt_plain: the plain folder turned into version
        # 0001) stays: it holds the same data and the next import would adopt it anyway (that
        # import needs a new preview, as the live version is then 0001 instead of none).
        rejects: dict[int, str] = {}
        try:
            report_progress(0.05, "Menyimpan berkas asli")
            originals = _keep_originals(preview)
            versions.checkpoint("asli")
            written = _write_tables(preview, partial, report_progress)
            if preview.scope is not None:
                report_progress(0.9, "Memeriksa data di luar cakupan akun")
                _verify_outside_scope(preview, partial)
            if base is not None:
                for path in base.iterdir():
                    stem = path.stem.lower()
                    if (
                        path.is_file()
                        and not path.name.startswith(".")
                        and path.name != versions.RECORD_FILE
                        and stem not in written
                    ):
                        versions.link_or_copy(path, partial / path.name)
                    elif path.is_dir() and path.name in store.PARTITIONED and stem not in written:
                        versions.link_tree(path, partial / path.name)
            if drop_errors:
                _write_rejects(preview, folder, name, rejects)
            record = _record(preview, name, base_version, who, originals, rejects)
            private.write_text(
                partial / versions.RECORD_FILE, json.dumps(record, ensure_ascii=False, indent=1)
            )
            private.restrict_tree(partial)  # DuckDB writes the tables with the umask's mode
            versions.fsync_tree(partial)
            versions.checkpoint("versi_lengkap")
            os.rename(partial, folder / store.VERSIONS_DIR / name)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            for path in rejects.values():  # named after a version that never came
                (folder / path).unlink(missing_ok=True)
            raise
        versions.fsync_dir(folder / store.VERSIONS_DIR)
        versions.checkpoint("sebelum_current")
        versions.switch(folder, name)
        versions.checkpoint("setelah_current")
        versions.append_history(folder, record)
    report_progress(1.0, f"Versi {name} aktif")
    return importer.CommitResult(name, base_version, [folder / p for p in rejects.values()], record)


def _commit_per_kabupaten(
    preview: importer.Preview,
    drop_errors: bool,
    who: str,
    progress: import_uploads.Progress,
    waiting: Callable[[str], None] | None,
) -> importer.CommitResult:
    """Issue 18: write only the kabupaten the upload's rows belong to, next to the live
    version's other files (hard links), as a new whole version. Imports into other kabupaten
    go on at the same time; one into the same kabupaten waits for this one, and then finds
    its preview stale (`StalePreview`: prepare again, on the data this import left)."""
    assert preview.touched is not None
    folder = preview.folder
    touched = {name: preview.touched[name] for name in preview.tables}
    codes = sorted({code for parts in touched.values() for code in parts})
    with (
        partitions.kabupaten_locks(folder, codes, waiting),
        versions.lock(folder, shared=True),
    ):
        _check_fresh(preview, touched)
        # A version folder half written by an import into the same first kabupaten that died:
        # its lock is ours now, so nobody is writing it any more.
        for dead in (folder / store.VERSIONS_DIR).glob(f"{versions.TEMP_PREFIX}*-{codes[0]}"):
            shutil.rmtree(dead, ignore_errors=True)
        staging = folder / store.VERSIONS_DIR / f"{versions.TEMP_PREFIX}{os.getpid()}-{codes[0]}"
        private.make_dir(staging)
        rejects: dict[int, str] = {}
        try:
            progress(0.05, "Menyimpan berkas asli")
            originals = _keep_originals(preview)
            versions.checkpoint("asli")
            for step, (name, parts) in enumerate(touched.items()):
                progress(
                    0.1 + 0.7 * step / len(touched), f"Menulis tabel {name} ({', '.join(parts)})"
                )
                _write_partitions(preview, name, staging / name, parts)
                versions.checkpoint("versi_sebagian")
            if preview.scope is not None:
                progress(0.85, "Memeriksa data di luar cakupan akun")
                _verify_outside_scope(preview, staging, touched)
            with versions.switch_lock(folder):
                live = store.resolve_folder(folder)
                _check_fresh(preview, touched)
                name = versions.next_name(folder)
                if drop_errors:
                    _write_rejects(preview, folder, name, rejects)
                written: dict[str, set[Path]] = {}
                for table, parts in touched.items():
                    written[table] = {
                        partitions.partition_path(Path(), code).relative_to(Path())
                        for code in parts
                    }
                for path in live.iterdir():
                    if path.is_dir() and path.name in store.PARTITIONED:
                        versions.link_tree(path, staging / path.name, written.get(path.name))
                    elif (
                        path.is_file()
                        and not path.name.startswith(".")
                        and path.name != versions.RECORD_FILE
                    ):
                        versions.link_or_copy(path, staging / path.name)
                record = _record(preview, name, live.name, who, originals, rejects)
                record["partisi"] = touched
                private.write_text(
                    staging / versions.RECORD_FILE,
                    json.dumps(record, ensure_ascii=False, indent=1),
                )
                private.restrict_tree(staging)
                versions.fsync_tree(staging)
                versions.checkpoint("versi_lengkap")
                os.rename(staging, folder / store.VERSIONS_DIR / name)
                versions.fsync_dir(folder / store.VERSIONS_DIR)
                versions.checkpoint("sebelum_current")
                versions.switch(folder, name)
                versions.checkpoint("setelah_current")
                versions.append_history(folder, record)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            for path in rejects.values():
                (folder / path).unlink(missing_ok=True)
            raise
    # The new version is live (the locks are free for the next office); its store is built
    # here from the previous version's, as the dashboard's next open would, so that the open
    # only attaches it: one process from the command to the figure (issue 18).
    progress(0.95, f"Versi {name} aktif; menyiapkan tabel praolah")
    store.build_store_after_import(folder / store.VERSIONS_DIR / name)
    progress(1.0, f"Versi {name} aktif")
    return importer.CommitResult(name, live.name, [folder / p for p in rejects.values()], record)


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    return info.st_dev, info.st_ino


def _check_fresh(preview: importer.Preview, touched: dict[str, list[str]]) -> None:
    """StalePreview unless the live version still holds exactly what the preview read: the
    same files (versions share unchanged files, so the same inodes) for the whole tables, the
    settings and the kabupaten it writes."""
    base = preview.base_folder
    assert base is not None
    live = store.resolve_folder(preview.folder)
    if live == base:
        return
    read = [p.name for p in base.iterdir() if p.is_file() and p.name != versions.RECORD_FILE]
    read += [p.name for p in live.iterdir() if p.is_file() and p.name != versions.RECORD_FILE]
    changed = sorted({n for n in read if _identity(base / n) != _identity(live / n)})
    for table, parts in touched.items():
        for code in parts:
            spot = partitions.partition_path(Path(table), code)
            if _identity(base / spot) != _identity(live / spot):
                changed.append(f"{table} kabupaten {code}")
    if changed:
        raise importer.StalePreview(
            "data yang dibaca pratinjau ini sudah diubah impor lain sejak pratinjau dibuat "
            f"({', '.join(changed)}); periksa ulang berkasnya"
        )


def _keep_originals(preview: importer.Preview) -> dict[int, str]:
    """Each uploaded file byte for byte, named by its sha256 (the same file is kept once)."""
    target = preview.folder / versions.ORIGINALS_DIR
    private.make_dir(target)
    kept = {}
    for report, upload in zip(preview.files, preview.uploads, strict=True):
        name = f"{report.sha256}{report.suffix}"
        path = target / name
        if not path.exists():
            partial = target / f".{name}.{os.getpid()}.tmp"
            private.copy_file(upload.path, partial)
            versions.fsync_file(partial)
            os.replace(partial, path)
        kept[report.index] = f"{versions.ORIGINALS_DIR}/{name}"
    versions.fsync_dir(target)
    return kept


def _write_tables(
    preview: importer.Preview, partial: Path, progress: import_uploads.Progress
) -> set[str]:
    """The candidate's tables into the new version: one Parquet file each, or for the big
    tables of a dataset worth splitting, one per kabupaten (issue 18; `partitions.wanted`)."""
    split = _split_wanted(preview)
    for step, name in enumerate(preview.tables):
        progress(0.1 + 0.8 * step / len(preview.tables), f"Menulis tabel {name}")
        if split and name in store.PARTITIONED:
            _write_partitions(preview, name, partial / name, None)
        else:
            # The candidate as it stands: current rows kept, new rows less the rejected ones.
            # (COPY takes no parameter for its file: the path goes in as a literal.)
            statement = sql.compose(
                "copy (select {columns} from {candidate} order by _letak) to {path} "
                "(format parquet)",
                columns=sql.join(sql.ident(c.name) for c in schema.TABLES[name].columns),
                candidate=sql.ident(f"_calon_{name}"),
                path=sql.literal(partial / f"{name}.parquet"),
            )
            preview.con.execute(statement)
        versions.checkpoint("versi_sebagian")
    written = set(preview.tables)
    if split and preview.base_folder is not None:
        # The first version written per kabupaten: the big tables the import did not change
        # are split too, from the rows `prepare` read.
        for name in store.PARTITIONED:
            if name not in written and not (preview.base_folder / name).is_dir():
                _write_partitions(preview, name, partial / name, None, source=f"_basis_{name}")
                written.add(name)
    return written


def _split_wanted(preview: importer.Preview) -> bool:
    """Whether the version written keeps the big tables per kabupaten."""
    con = preview.con
    (rows,) = con.execute("select count(*) from kpps").fetchone()
    (kabupaten,) = con.execute(
        "select count(distinct left(kode_kecamatan, 5)) from wilayah"
    ).fetchone()
    # The live version's settings: a plain folder's files have just moved into version 0001.
    live = store.resolve_folder(preview.folder)
    return partitions.wanted(live, int(rows), int(kabupaten))


def _write_partitions(
    preview: importer.Preview,
    name: str,
    target: Path,
    parts: list[str] | None,
    source: str | None = None,
) -> None:
    """`target/kab=<code>/data_0.parquet` for every kabupaten of the candidate (only `parts`
    when given), rows in the candidate's order, as text like every stored table."""
    table = schema.TABLES[name]
    source = source or f"_calon_{name}"
    keep = sql.compose("" if parts is None else " where _kab in (select unnest($parts))")
    private.make_dir(target)
    statement = sql.compose(
        "copy (select {columns}, _kab from ({kab_of}){keep} order by {order}) to {path} "
        "(format parquet, partition_by (_kab), overwrite_or_ignore)",
        keep=keep,
        columns=sql.join(sql.ident(c.name) for c in table.columns),
        kab_of=partitions.row_kabupaten(name, source),
        order=sql.ident("_letak" if source.startswith("_calon") else "_baris"),
        path=sql.literal(target),
    )
    preview.con.execute(statement, {"parts": parts} if parts is not None else None)
    # DuckDB names the folders after the column (`_kab=35.27`); the layout says `kab=35.27`.
    for folder in sorted(target.glob("_kab=*")):
        folder.rename(target / f"{store.PARTITION_KEY}={folder.name.split('=', 1)[1]}")


def _verify_outside_scope(
    preview: importer.Preview, partial: Path, touched: dict[str, list[str]] | None = None
) -> None:
    """Defence in depth: each table written must hold every row of the base version outside the
    scope (or of unknown area) unchanged, and no other such row; ImportRefused otherwise. The
    base is the snapshot `prepare` read (`commit` has checked that the version is still live);
    the candidate is read back from the files just written, areas looked up in each side's own
    TPS and sessions."""
    assert preview.scope is not None
    con = preview.con
    for name in preview.tables:
        path = partial / f"{name}.parquet"
        if (partial / name).is_dir():  # stored per kabupaten (issue 18)
            path = partial / name / "*" / store.PARTITION_FILE
        con.execute(
            sql.compose(
                "create or replace table {control} as select row_number() over () "
                "as _baris, * from read_parquet({path}, hive_partitioning = false)",
                control=sql.ident(f"_kontrol_{name}"),
                path=sql.literal(path),
            )
        )

    def written(table: str) -> sql.Fragment:
        return sql.ident(f"_kontrol_{table}" if table in preview.tables else f"_basis_{table}")

    differing = []
    for name in preview.tables:
        cols = sql.join(sql.ident(c.name) for c in schema.TABLES[name].columns)
        candidate = import_scope_rules.scope_sql(
            name,
            import_uploads.typed_rows(name, sql.ident(f"_kontrol_{name}")),
            import_uploads.typed_rows("tps", written("tps")),
            import_uploads.typed_rows("bimtek_sesi", written("bimtek_sesi")),
        )
        basis = f"_basis_{name}"
        if touched is not None:
            # Only the kabupaten written: the other rows `prepare` read are not rewritten.
            blocks = [store.part_number(c) for c in touched[name]]
            con.execute(
                sql.compose(
                    "create or replace table {written_basis} as select * from {basis} "
                    "where (_baris + {offset}) // {stride} in ({blocks})",
                    written_basis=sql.ident(f"_basis_tulis_{name}"),
                    basis=sql.ident(basis),
                    offset=importer.BASE_OFFSET,
                    stride=store.PART_STRIDE,
                    blocks=sql.join(blocks) if blocks else sql.literal(None),
                )
            )
            basis = f"_basis_tulis_{name}"
        sides = {
            "b": (sql.ident(basis), import_scope_rules.base_scope_sql(name, basis)),
            "c": (sql.ident(f"_kontrol_{name}"), candidate),
        }
        outside = {
            key: sql.compose(
                "select {cols} from {source} where _baris not in (select _baris from "
                "({scope}) where luar is null and tak_tentu is null)",
                cols=cols,
                source=source,
                scope=scope,
            )
            for key, (source, scope) in sides.items()
        }
        differ = sql.compose(
            "select count(*) from (({b} except all {c}) union all ({c} except all {b}))",
            b=outside["b"],
            c=outside["c"],
        )
        (count,) = con.execute(differ).fetchall()[0]
        if count:
            differing.append(f"{name} ({count:,} baris)".replace(",", "."))
    if differing:
        raise importer.ImportRefused(
            "impor dibatalkan dan dataset tidak diubah: data di luar cakupan akun Anda "
            f"({import_scope_rules.scope_text(preview.scope)}) akan berubah di tabel "
            f"{', '.join(differing)}; "
            "laporkan kejadian ini kepada admin"
        )


def _write_rejects(
    preview: importer.Preview, folder: Path, version: str, written: dict[int, str]
) -> None:
    """Each file's rejected rows as rejects/<version>-<stem>-ditolak.xlsx, entered in `written`
    (file index → path in the dataset folder) as soon as it is there, so that a failing commit
    can take them away again."""
    target = folder / versions.REJECTS_DIR
    for report in preview.files:
        if not report.rows_rejected:
            continue
        private.make_dir(target)
        # The uploaded name is only a hint here: ASCII letters, digits, '.', '-' and '_', cut
        # short (a 300-character name is no file name); a second file of the same stem is
        # numbered rather than overwriting the first.
        stem = re.sub(r"[^\w.-]+", "_", Path(report.name).stem, flags=re.ASCII)
        stem = stem[:REJECTS_STEM_MAX] or "berkas"
        name = f"{version}-{stem}-ditolak.xlsx"
        if f"{versions.REJECTS_DIR}/{name}" in written.values():
            name = f"{version}-{stem}-{report.index + 1}-ditolak.xlsx"
        partial = target / f".{name}.tmp"
        try:
            private.write_bytes(partial, preview.rejects_xlsx(report.index))
            versions.fsync_file(partial)
            os.replace(partial, target / name)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        written[report.index] = f"{versions.REJECTS_DIR}/{name}"
    if written:
        versions.fsync_dir(target)


def _record(
    preview: importer.Preview,
    name: str,
    base_version: str | None,
    who: str,
    originals: dict[int, str],
    rejects: dict[int, str],
) -> dict[str, object]:
    files = []
    for report in preview.files:
        files.append(
            {
                "nama": report.name,
                "sha256": report.sha256,
                "ukuran": report.size,
                "asli": originals[report.index],
                "tabel": report.table,
                "lembar": report.sheet,
                **({"lembar_dibaca": list(report.sheets_used)} if report.sheets_used else {}),
                "baris_judul": report.header_row,
                "baris_dibaca": report.rows_read,
                "baris_diterima": report.rows_accepted,
                "baris_ditolak": report.rows_rejected,
                "tentang": report.about,
                "ditambah": report.added,
                "diubah": report.changed,
                "tetap": report.unchanged,
                "dihapus": report.removed,
                "tolakan": rejects.get(report.index),
            }
        )
    record: dict[str, object] = {
        "versi": name,
        "aksi": "impor",
        "waktu": versions.now(),
        "oleh": who,
        "dasar": base_version,
        "cara": preview.mode,
    }
    if preview.scope is not None:
        # Only with a scope: an unrestricted import's record stays as it always was.
        record["cakupan"] = list(preview.scope)
    record["berkas"] = files
    return record
