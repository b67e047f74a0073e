"""Reading office files: one uploaded file into `_up_<i>` (its text rows and `_baris`).

Which sheet of a workbook holds the table (`_choose_sheet`), where its header is (one
or two rows), the layout rows to skip (titles, footers, signatures), the notes about
its headers, the rows of every file of a table gathered as one (`uploaded_rows`), and
the Bimtek sessions a daftar hadir names in its title. The bytes themselves are read by
`upload_reader`; the columns are recognised by `kesiapan.importer.columns`.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import duckdb

from kesiapan.contract import schema, sql
from kesiapan.contract.problems import ERROR, WARNING, Problem
from kesiapan.importer import columns as import_columns
from kesiapan.importer import sessions as import_sessions
from kesiapan.importer import upload_reader
from kesiapan.importer import uploads as import_uploads
from kesiapan.store import dataset as store

MAX_SHEETS = import_uploads.STRIDE // import_uploads.SHEET_STRIDE - 1


# -- reading each file -------------------------------------------------------------------------
def read_file(
    con: duckdb.DuckDBPyConnection,
    report: import_uploads.FileReport,
    upload: import_uploads.Upload,
    forced_table: str | None,
    sheet: str | None,
    work: Path,
    progress: import_uploads.Progress,
) -> None:
    name = upload.name
    try:
        source = upload_reader.open_source(upload.path, name)
    except upload_reader.ReadError as exc:
        report.fatal.append(Problem(ERROR, name, None, None, None, str(exc)))
        return
    report.kind, report.sheets = source.kind, source.sheets
    # The stored original's suffix: the kind read from the content, never the uploaded name's
    # (which may be 300 characters long or hold a NUL or a newline).
    report.suffix = f".{source.kind}"
    report.notes += [Problem(WARNING, name, None, None, None, note) for note in source.notes]
    by_name = import_columns.tables_by_name(name)
    candidates = [forced_table] if forced_table else (by_name or list(schema.TABLE_NAMES))
    try:
        chosen, rows, more = _choose_sheet(source, sheet, candidates, report)
    except upload_reader.ReadError as exc:
        report.fatal.append(Problem(ERROR, name, None, None, None, str(exc)))
        return
    if report.fatal:
        return
    report.sheet = chosen
    if not rows:
        where = f"lembar '{chosen}'" if chosen else "berkas ini"
        report.fatal.append(Problem(ERROR, name, None, None, None, f"{where} tidak berisi data"))
        return
    foreign = import_columns.foreign_form(rows)
    if foreign is not None and not forced_table:
        report.fatal.append(Problem(ERROR, name, foreign[0], None, None, foreign[1]))
        return
    table, header_row, headers, problem = import_columns.find_header(rows, candidates)
    if table is None:
        report.fatal.append(Problem(ERROR, name, None, None, None, str(problem)))
        return
    report.table, report.header_row = table, header_row
    _two_row_reading(report, rows, header_row, headers)
    while headers and not headers[-1].strip():
        headers = headers[:-1]
    report.headers = headers
    matching = import_columns.matching_table(table)
    found = schema.match_headers(matching, headers)
    report.derived = import_columns.derivable(table, found)
    report.titles = [_title(chosen, rows, header_row, headers)] + [
        _title(n, more_rows, r, h) for n, r, h, more_rows in more
    ]
    named = "kode_sesi" in found or "kode_sesi" in report.derived
    if table == "bimtek_hadir" and not named and any(text for _, text in report.titles):
        report.derived["kode_sesi"] = "judul"  # a session named in the sheet's title
    report.columns = {headers[p]: c for c, p in sorted(found.items(), key=lambda i: i[1])}
    report.unused = [h for i, h in enumerate(headers) if h.strip() and i not in found.values()]
    _header_notes(report, matching, found)
    if report.fatal:
        return
    numeric = {found["nik"]} if "nik" in found else set()
    # Each sheet read on its own (its header row, its layout rows), then one table.
    sheets = [(chosen, header_row)] + [(n, r) for n, r, _, _ in more]
    if more:
        report.sheets_used = tuple(n for n, _ in sheets if n is not None)
    targets = []
    for k, (sheet_name, sheet_header) in enumerate(sheets):
        target = f"_up_{report.index}" if not more else f"_up_{report.index}_lembar{k}"
        try:
            read = upload_reader.load(
                con,
                target,
                source,
                sheet_name,
                sheet_header,
                len(headers),
                numeric,
                work,
                lambda f, text: progress(f, f"{text} {name}"),
            )
        except upload_reader.ReadError as exc:  # damaged, or a record too long, below the top
            report.fatal.append(Problem(ERROR, name, None, None, None, str(exc)))
            return
        where = f"lembar {sheet_name}: " if more else ""
        report.rows_read += read - _skip_layout_rows(con, report, found, target, where)
        targets.append(target)
    if more:
        columns = sql.join(
            sql.ident(c) for c in [*(f"c{i}" for i in range(len(headers))), "_lebih", "_angka"]
        )
        sheets_sql = sql.join(
            (
                sql.compose(
                    "select _baris + {shift} as _baris, {columns} from {t}",
                    shift=k * import_uploads.SHEET_STRIDE,
                    columns=columns,
                    t=sql.ident(t),
                )
                for k, t in enumerate(targets)
            ),
            " union all ",
        )
        con.execute(
            sql.compose(
                "create or replace table {up} as {sheets}",
                up=sql.ident(f"_up_{report.index}"),
                sheets=sheets_sql,
            )
        )
    report.description = source.describe()
    if report.rows_read == 0:
        report.fatal.append(
            Problem(
                ERROR,
                name,
                header_row,
                None,
                None,
                "tidak ada baris data di bawah baris judul",
            )
        )


def _title(
    sheet: str | None, rows: list[tuple[int, list[str]]], header_row: int, headers: list[str]
) -> tuple[int | None, str]:
    """(row, text) of a sheet's name and the rows above its header (above both rows of a
    two-row header); the row is the first title row that holds a date, else the first."""
    top = header_row - 1 if dict(rows).get(header_row) != headers else header_row
    lines = [(n, " ".join(c.strip() for c in cells if c.strip())) for n, cells in rows if n < top]
    lines = [(n, text) for n, text in lines if text]
    dated = [n for n, text in lines if import_sessions.title_dates(text)]
    row = dated[0] if dated else (lines[0][0] if lines else None)
    text = " | ".join(([sheet] if sheet else []) + [t for _, t in lines])
    return row, text


def located(report: import_uploads.FileReport, number: int) -> tuple[str, int]:
    """(where, row) of a row number of `report`'s file: the file's name, with its sheet when
    the file was read sheet by sheet, and the row a spreadsheet shows."""
    if len(report.sheets_used) > 1:
        k, row = divmod(number, import_uploads.SHEET_STRIDE)
        return f"{report.name} (lembar {report.sheets_used[k]})", row
    return report.name, number


def _two_row_reading(
    report: import_uploads.FileReport,
    rows: list[tuple[int, list[str]]],
    header_row: int,
    headers: list[str],
) -> None:
    """Say so when the header was read from two rows (import_columns.two_row_headers)."""
    by_number = dict(rows)
    if by_number.get(header_row) == headers:
        return
    top = by_number.get(header_row - 1, [])
    bottom = by_number.get(header_row, [])
    groups = []
    for i, over in enumerate(top):
        if not over.strip() or i >= len(bottom) or not bottom[i].strip():
            continue
        under = [bottom[i]]
        for j in range(i + 1, len(bottom)):
            if (j < len(top) and top[j].strip()) or not bottom[j].strip():
                break
            under.append(bottom[j])
        groups.append(f"'{over.strip()}' di atas " + ", ".join(f"'{u.strip()}'" for u in under))
    text = (
        f"judul kolom tersusun dua baris (baris {header_row - 1}–{header_row}) dan dibaca bersama"
    )
    report.readings.append(text + (f": {'; '.join(groups)}" if groups else ""))


# Rows of a workbook's layout, not of the table: the column-number row under the header
# ("(1) (2) (3) …"), totals, and the signature block at the foot ("Mengetahui", "Ketua PPK",
# "Sampang, 25 Januari 2024", "( nama )", "NIP. …"). They are skipped when the row's key column
# (the NIK, a code, the visitor) holds no value; a row with one is always data.
_COLUMN_NUMBER = r"^\(?[0-9]{1,2}\)?$"


_FOOTER = (
    r"^(jumlah|total|sub ?total|grand total|mengetahui|menyetujui|ttd\.?|\(ttd\)|tanda tangan"
    r"|dibuat oleh|diperiksa oleh|nip\.?( .*)?|ketua( .*)?|sekretaris( .*)?|\(.*\)"
    r"|[a-z .'-]+, *[0-9]{1,2}[ ./-]+[a-z0-9]+[ ./-]+[0-9]{4})$"
)


_KEY_COLUMNS = {
    "kpps": ("nik",),
    "bimtek_hadir": ("nik",),
    "tps": ("kode_tps", "nomor_tps"),
    "bimtek_sesi": ("kode_sesi",),
    "supervisi": ("pengawas",),
    "wilayah": ("kode_desa", "desa"),
}


LAYOUT_SHOWN = 6  # row numbers named in the preview's sentence about skipped rows


def _row_numbers(rows: list[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:LAYOUT_SHOWN])
    return shown + (f" dan {len(rows) - LAYOUT_SHOWN} lain" if len(rows) > LAYOUT_SHOWN else "")


def _skip_layout_rows(
    con: duckdb.DuckDBPyConnection,
    report: import_uploads.FileReport,
    found: dict[str, int],
    target: str,
    where: str = "",
) -> int:
    """Take the layout rows out of `target` (one sheet's rows) and say so in
    `report.readings`, each sentence after `where`; how many."""
    assert report.table is not None
    keys = [k for k in _KEY_COLUMNS[report.table] if k in found]
    if not keys:
        return 0
    cells = [sql.ident(f"c{i}") for i in range(len(report.headers))]

    def no_value(key: str) -> sql.Fragment:
        cell = sql.ident(f"c{found[key]}")
        if key == "nik":  # a signature block may run into the NIK column: no NIK has words
            return sql.compose(
                "not regexp_full_match(regexp_replace(coalesce({cell}, ''), '[\\s''\"]', '', "
                "'g'), '[0-9]{{12,}}')",
                cell=cell,
            )
        return sql.compose(
            "(nullif(trim({cell}), '') is null or regexp_full_match(lower(trim({cell})), $footer))",
            cell=cell,
        )

    def each(template: str, separator: str) -> sql.Fragment:
        return sql.join((sql.compose(template, c=c) for c in cells), separator)

    skipped, table = sql.ident(f"_lewat_{target}"), sql.ident(target)
    found_rows = con.execute(
        sql.compose(
            "select _baris, case when ({numbers}) and {filled} >= 3 "
            "and _baris <= {first} + 1 then 'nomor' else 'kaki' end from {t} "
            "where ({blank_key}) and ((({numbers}) and {filled} >= 3 and _baris <= {first} + 1) "
            "or {footer} or _baris > (select min(t._baris) from {t} as t "
            "where {footer})) order by _baris",
            numbers=each(
                "(nullif(trim({c}), '') is null or regexp_full_match(trim({c}), $number))", " and "
            ),
            filled=each("(nullif(trim({c}), '') is not null)::int", " + "),
            first=sql.compose("(select min(_baris) from {t})", t=table),
            t=table,
            blank_key=sql.join((no_value(k) for k in keys), " and "),
            footer=each("regexp_full_match(lower(trim({c})), $footer)", " or "),
        ),
        {"number": _COLUMN_NUMBER, "footer": _FOOTER},
    ).fetchall()
    if not found_rows:
        return 0
    con.execute(
        sql.compose(
            "create or replace temp table {skipped} as select unnest($rows) as baris",
            skipped=skipped,
        ),
        {"rows": [int(r) for r, _ in found_rows]},
    )
    kind = {k for _, k in found_rows}
    kept = sql.ident(f"{target}_isi")
    con.execute(
        sql.compose(
            "create or replace table {kept} as select * from {t} "
            "where _baris not in (select baris from {skipped})",
            kept=kept,
            t=table,
            skipped=skipped,
        )
    )
    (kind_of,) = con.execute(
        "select table_type from information_schema.tables where table_name = $n", {"n": target}
    ).fetchall()[0]
    drop = "drop view {t}" if kind_of == "VIEW" else "drop table {t}"
    con.execute(sql.compose(drop, t=table))
    con.execute(sql.compose("alter table {kept} rename to {t}", kept=kept, t=table))
    numbered = [r for r, k in found_rows if k == "nomor"]
    foot = [r for r, k in found_rows if k == "kaki"]
    if "nomor" in kind:
        report.readings.append(
            f"{where}baris {_row_numbers(numbered)} berisi nomor kolom (1), (2), … dan dilewati"
        )
    if foot:
        report.readings.append(
            f"{where}baris {_row_numbers(foot)} dibaca sebagai kaki tabel (jumlah, tanggal, "
            "tanda tangan) dan dilewati"
        )
    return len(found_rows)


# A sheet that sums up the others ("REKAP", "Rekapitulasi Kecamatan"): read, it would count
# every member twice.
SUMMARY_SHEET = re.compile(
    r"^\W*(rekap|rekapitulasi|ringkasan|resume|jumlah|total|summary)\b", re.IGNORECASE
)


def _choose_sheet(
    source: upload_reader.Source,
    sheet: str | None,
    candidates: list[str],
    report: import_uploads.FileReport,
) -> tuple[str | None, list[tuple[int, list[str]]], list[tuple[str, int, list[str], list]]]:
    """The sheet to read (asked for, the only one, or the only one holding a table) and its
    first rows; with one sheet per desa or session, the other sheets of the same header too,
    as (name, header row, headers, first rows). Says in `report.sheets_skipped` why a sheet is
    left out."""
    if source.kind != "xlsx":
        return None, upload_reader.peek(source), []
    if sheet is not None or len(source.sheets) == 1:
        chosen = sheet if sheet is not None else source.sheets[0]
        return chosen, upload_reader.peek(source, chosen), []
    fitting, first_filled = [], None
    for name in source.sheets:
        rows = upload_reader.peek(source, name)
        if rows and first_filled is None:
            first_filled = (name, rows)
        headers = rows + import_columns.two_row_headers(rows)
        if not any(import_columns.score(t, cells)[0] for t in candidates for _, cells in headers):
            report.sheets_skipped.append(
                (name, "kosong" if not rows else "tidak berisi tabel yang dikenali")
            )
            continue
        table, header_row, headers, _ = import_columns.find_header(rows, candidates)
        key = (table, tuple(schema.header_key(h) for h in headers))
        while key[1] and not key[1][-1]:
            key = (table, key[1][:-1])
        fitting.append((name, rows, key, header_row, headers))
    summaries = [f for f in fitting if SUMMARY_SHEET.match(f[0])]
    if len(summaries) < len(fitting):
        report.sheets_skipped += [(f[0], "lembar rekap, bukan daftar") for f in summaries]
        fitting = [f for f in fitting if f not in summaries]
    groups: dict[object, list] = {}
    for item in fitting:
        groups.setdefault(item[2], []).append(item)
    sizes = sorted((len(g) for g in groups.values()), reverse=True)
    if len(groups) == 1 or (len(groups) > 1 and sizes[0] > sizes[1] and sizes[0] > 1):
        group = max(groups.values(), key=len)
        for item in fitting:
            if item not in group:
                report.sheets_skipped.append((item[0], "judul kolomnya berbeda dari lembar lain"))
        order = {name: i for i, name in enumerate(source.sheets)}
        report.sheets_skipped.sort(key=lambda skipped: order[skipped[0]])
        if len(group) > MAX_SHEETS:
            raise upload_reader.ReadError(
                f"berkas ini punya {len(group)} lembar dengan judul kolom yang sama; paling banyak "
                f"{MAX_SHEETS} lembar dibaca sekaligus: pecah berkasnya"
            )
        first, *more = group
        return first[0], first[1], [(n, r, h, rows) for n, rows, _, r, h in more]
    if len(groups) > 1:
        report.needs_sheet = True
        names = ", ".join(f[0] for f in fitting)
        report.fatal.append(
            Problem(
                ERROR,
                report.name,
                None,
                None,
                None,
                f"berkas ini punya beberapa lembar berisi tabel yang berbeda ({names}); pilih "
                "satu lembar",
            )
        )
        return None, [], []
    report.sheets_skipped = []
    if first_filled:
        return first_filled[0], first_filled[1], []
    return source.sheets[0], [], []


def _header_notes(
    report: import_uploads.FileReport, matching: schema.Table, found: dict[str, int]
) -> None:
    """Missing required columns (fatal) and columns named twice (a warning)."""
    made = {**report.derived, **import_columns.combined(matching.name, found)}
    for problem in store.header_problems(matching, report.name, report.headers):
        if problem.kolom in made:
            continue
        message = problem.pesan
        if problem.kolom == "kode_tps" and ("desa" in found or "kode_desa" in found):
            message += (
                "; untuk menyusunnya dari nama wilayah perlu juga kolom nomor TPS (No TPS atau TPS)"
            )
        elif problem.kolom == "kode_tps" and "nomor_tps" in found:
            message += (
                "; untuk menyusunnya dari nomor TPS perlu juga kolom desa/kelurahan "
                "(atau kode_desa)"
            )
        report.fatal.append(dataclasses.replace(problem, baris=report.header_row, pesan=message))
    keys = {}
    for column in matching.columns:
        for alias in (column.name, *column.aliases):
            keys.setdefault(schema.header_key(alias), column.name)
    for position, header in enumerate(report.headers):
        column = keys.get(schema.header_key(header))
        if column is not None and found.get(column) != position:
            first = report.headers[found[column]]
            report.notes.append(
                Problem(
                    WARNING,
                    report.name,
                    report.header_row,
                    column,
                    header,
                    f"kolom ini diabaikan: {column} sudah dibaca dari kolom '{first}'",
                )
            )


# -- from text to the contract's columns ----------------------------------------------------------
def uploaded_rows(
    con: duckdb.DuckDBPyConnection, reports: list[import_uploads.FileReport], table: str
) -> None:
    """`_unggah_<table>`: the rows of every file for `table` in the contract's columns."""
    parts = []
    for report in reports:
        found = schema.match_headers(import_columns.matching_table(table), report.headers)
        places = {c: p for c, p in report.derived.items() if c != "kode_sesi"}
        uses_places = bool(places)
        if uses_places:
            import_columns.resolve_places(
                con,
                report.index,
                table,
                report.headers,
                places,
                report.index * import_uploads.STRIDE,
                import_uploads.READER_ROUND,
            )
        columns = [
            sql.compose(
                "{value} as {c}",
                value=import_columns.column_expression(table, report.derived, c, found),
                c=sql.ident(c.name),
            )
            for c in schema.TABLES[table].columns
        ]
        shown = {"nomor_tps": "nomor", "desa": "desa", "kecamatan": "kec"}
        origin = [
            sql.compose(
                "{place} as {origin}",
                place=sql.ident("p", shown[place]),
                origin=sql.ident(f"_asal_{code}"),
            )
            for code, place in places.items()
        ]
        origin += [
            sql.compose("cast(null as varchar) as {origin}", origin=sql.ident(f"_asal_{code}"))
            for code in import_columns.DERIVED_FROM
            if code not in report.derived
        ]
        joins = []
        if uses_places:
            joins.append(
                sql.compose(
                    " left join {places} as p on p._baris = u._baris",
                    places=sql.ident(f"_tempat_{report.index}"),
                )
            )
        if "kode_sesi" in report.derived:
            joins.append(
                sql.compose(
                    " left join {sessions} as ss on ss._baris = u._baris",
                    sessions=sql.ident(f"_sesi_{report.index}"),
                )
            )
        parts.append(
            sql.compose(
                "select u._baris + {shift} as _baris, {columns}, "
                "u._lebih, u._angka, {origin} from {up} as u{joins}",
                shift=report.index * import_uploads.STRIDE,
                columns=sql.join(columns),
                origin=sql.join(origin),
                up=sql.ident(f"_up_{report.index}"),
                joins=sql.join(joins, ""),
            )
        )
    con.execute(
        sql.compose(
            "create or replace view {view} as {parts}",
            view=sql.ident(f"_unggah_{table}"),
            parts=sql.join(parts, " union all "),
        )
    )


UNREADABLE_SESSION_DATE = (
    "tanggal sesi tidak dapat dibaca; tulis sebagai DD/MM/YYYY atau 25 Januari 2024"
)


def find_sessions(
    con: duckdb.DuckDBPyConnection,
    reports: list[import_uploads.FileReport],
    by_table: dict[str, list[int]],
    scope: tuple[str, ...] | None,
) -> None:
    """`_sesi_<i>` (_baris, kode_sesi) for each daftar hadir without a session-code column:
    the session its rows' date and venue, or its sheet's title, name (import_sessions). A row
    that fits no session or several is an error of its date; a title that does is an error of
    the file, which is then not read further."""
    sessions = import_sessions.load(con)
    for i in list(by_table["bimtek_hadir"]):
        report = reports[i]
        source = report.derived.get("kode_sesi")
        if source is None:
            continue
        found = schema.match_headers(import_columns.matching_table("bimtek_hadir"), report.headers)
        null = sql.compose("null")
        cells = {
            c: sql.compose("nullif(trim({cell}), '')", cell=sql.ident(f"c{found[c]}"))
            for c in ("tanggal", "tempat", "kecamatan")
            if c in found
        }
        day = store.typed_expression(
            schema.Column("tanggal", schema.DATE),
            import_columns.serial_date(cells["tanggal"]) if "tanggal" in cells else null,
        )
        rows_of_file = sql.ident(f"_sesi_baris_{i}")
        con.execute(
            sql.compose(
                "create or replace temp table {rows} as select _baris, "
                "_baris // {stride} as k, {written} as tertulis, "
                "{day} as tgl, {venue} as tempat, {kec} as kec from {up}",
                rows=rows_of_file,
                stride=import_uploads.SHEET_STRIDE,
                written=cells.get("tanggal", null),
                day=sql.trusted(day),
                venue=cells.get("tempat", null),
                kec=cells.get("kecamatan", null),
                up=sql.ident(f"_up_{i}"),
            )
        )
        combos = con.execute(
            sql.compose(
                "select distinct k, tertulis, tgl, tempat, kec from {rows} order by all",
                rows=rows_of_file,
            )
        ).fetchall()
        results, refused = [], []
        for k, written, day_value, venue, kec in combos:
            row, title = report.titles[k] if k < len(report.titles) else (None, "")
            if source == "tanggal" and written is not None and day_value is None:
                results.append((k, written, venue, kec, None, UNREADABLE_SESSION_DATE))
                continue
            code, why = import_sessions.resolve(sessions, day_value, venue, kec, title, scope)
            if why is not None and source == "judul":
                where, _ = located(report, k * import_uploads.SHEET_STRIDE)
                refused.append(
                    Problem(ERROR, where, row or report.header_row, "kode_sesi", None, why)
                )
            results.append((k, written, venue, kec, code, why))
        if refused:
            report.fatal += refused
            by_table["bimtek_hadir"].remove(i)
            continue
        outcome, sessions_of_rows = sql.ident(f"_sesi_hasil_{i}"), sql.ident(f"_sesi_{i}")
        con.execute(
            sql.compose(
                "create or replace temp table {outcome} (k bigint, tertulis varchar, "
                "tempat varchar, kec varchar, kode_sesi varchar, pesan varchar)",
                outcome=outcome,
            )
        )
        if results:
            con.executemany(
                sql.compose("insert into {outcome} values (?, ?, ?, ?, ?, ?)", outcome=outcome),
                results,
            )
        con.execute(
            sql.compose(
                "create or replace temp table {sessions} as select b._baris, h.kode_sesi, "
                "h.pesan, b.tertulis from {rows} as b left join {outcome} as h on h.k = b.k "
                "and h.tertulis is not distinct from b.tertulis and h.tempat is not distinct "
                "from b.tempat and h.kec is not distinct from b.kec",
                sessions=sessions_of_rows,
                rows=rows_of_file,
                outcome=outcome,
            )
        )
        column = "tanggal" if source == "tanggal" else "kode_sesi"
        con.execute(
            sql.compose(
                "insert into _temuan select {round_}, $galat, 'bimtek_hadir', $kolom, pesan, "
                "_baris + {offset}, tertulis, nextval('_urut') from {sessions} "
                "where pesan is not null order by _baris",
                round_=import_uploads.READER_ROUND,
                offset=i * import_uploads.STRIDE,
                sessions=sessions_of_rows,
            ),
            {"galat": ERROR, "kolom": column},
        )
        matched = sorted({code for *_, code, _ in results if code})
        if matched:
            named = {s.code: s for s in sessions}
            where = (
                "judul"
                if source == "judul"
                else "tanggal" + (" dan tempat" if "tempat" in cells else "")
            )
            report.readings.append(
                f"kode sesi tidak ada di berkas; sesi dikenali dari {where}: "
                + "; ".join(named[c].words() for c in matched)
            )
    if not by_table["bimtek_hadir"]:
        del by_table["bimtek_hadir"]


def within_upload_limit(size: int) -> bool:
    """Whether a file of `size` bytes is within upload_reader's limit (KESIAPAN_MAKS_UNGGAH_MB);
    False for an invalid setting too (`open_source` then says what is wrong with it)."""
    try:
        return size <= upload_reader.upload_limit_mb() * upload_reader.MB
    except upload_reader.ReadError:
        return False
