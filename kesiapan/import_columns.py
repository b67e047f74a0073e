"""Reading a file's header and places the way people write them, for the import.

Which contract table a file holds (by its name, else by its columns), which row is its header,
which header means which column (the contract's aliases and the ones real exports use, both
from the column catalogue), and the codes that kecamatan, desa and TPS-number columns stand
for, matched against `wilayah` case-, space- and punctuation-insensitively with Kel./Desa/Kec.
prefixes ignored. The SQL works on the tables of kesiapan.importer: `_up_<i>` (the file's text cells
`c0`…, `_baris`), `wilayah` (the candidate's, typed) and `_temuan` (what is wrong, per row).
"""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

import duckdb

from kesiapan import columns, schema
from kesiapan.problems import ERROR

EXCEL_SERIAL_RANGE = (20_000, 80_000)  # 1954-10-03 … 2119-01-10 as Excel day numbers

# Words in a file name that say which table it holds ("Daftar KPPS Kec Torjun.xlsx").
NAME_WORDS: dict[str, tuple[str, ...]] = {
    "wilayah": ("wilayah",),
    "tps": ("tps",),
    "kpps": ("kpps", "petugas", "siakba"),
    "bimtek_sesi": ("sesi", "jadwal"),
    "bimtek_hadir": ("hadir", "kehadiran", "absensi", "presensi", "absen"),
    "supervisi": ("supervisi", "monitoring", "monev", "kunjungan"),
}
# Headers met in real exports beyond the contract's own aliases, per table and column, and how
# files name places: all from the column catalogue (kesiapan/columns.py).
EXTRA_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    table: {
        c.name: columns.file_aliases(table, c.name)
        for c in schema.TABLES[table].columns
        if columns.file_aliases(table, c.name)
    }
    for table in schema.TABLE_NAMES
}
PLACE_ALIASES: dict[str, tuple[str, ...]] = {
    place: columns.entry(place).place_aliases
    for place in ("kabupaten", "kecamatan", "desa", "kode_desa", "nomor_tps")
}
# A combined place and birth date ("SAMPANG, 05-01-1994"): its date is the member's birth date.
BIRTH_PLACE_DATE = "tempat_tanggal_lahir"
BIRTH_PLACE_DATE_ALIASES = columns.file_aliases("kpps", BIRTH_PLACE_DATE)
_DATE_AT_END = (
    "([0-9]{1,2}[-/. ][0-9]{1,2}[-/. ][0-9]{4}|[0-9]{4}-[0-9]{2}-[0-9]{2}"
    "|[0-9]{1,2}[\\s.-]+\\p{L}+\\.?[\\s.-]+[0-9]{4})\\s*$"
)
# A daftar hadir without a session code: the session's date, venue and kecamatan, per row
# (kesiapan.import_sessions matches them to bimtek_sesi).
SESSION_COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
    (c, columns.file_aliases("bimtek_hadir", c)) for c in ("tanggal", "tempat", "kecamatan")
)
PLACE_COLUMNS: dict[str, tuple[str, ...]] = {
    "kpps": ("kabupaten", "kecamatan", "desa", "kode_desa", "nomor_tps"),
    "tps": ("kabupaten", "kecamatan", "desa"),
    "bimtek_sesi": ("kabupaten", "kecamatan"),
    "supervisi": ("kabupaten", "kecamatan", "desa"),
}
# A code made from names: the place column whose value is shown when the code is wrong.
DERIVED_FROM = {"kode_tps": "nomor_tps", "kode_desa": "desa", "kode_kecamatan": "kecamatan"}
_PREFIXES = {
    "kabupaten": r"(kabupaten|kab)\b\.?\s*",
    "kecamatan": r"(kecamatan|kec)\b\.?\s*",
    "desa": r"(desa|kelurahan|kel|ds)\b\.?\s*",
}
# "P. Mandangin" is "Pulau Mandangin".
_ISLAND = r"^(p\.\s*|p\s+|pulau\s+)"
_TPS_NUMBER = r"^(?:tps\s*\.?\s*(?:no\.?\s*)?)?0*([0-9]{1,3})$"


def matching_table(name: str) -> schema.Table:
    """The contract table with the extra aliases and the place-name columns, for matching."""
    table = schema.TABLES[name]
    extra = EXTRA_ALIASES.get(name, {})
    columns = [
        dataclasses.replace(c, aliases=(*c.aliases, *extra.get(c.name, ()))) for c in table.columns
    ]
    for place in PLACE_COLUMNS.get(name, ()):
        columns.append(schema.Column(place, schema.TEXT, False, False, PLACE_ALIASES[place]))
    if name == "kpps":
        columns.append(
            schema.Column(BIRTH_PLACE_DATE, schema.TEXT, False, False, BIRTH_PLACE_DATE_ALIASES)
        )
    if name == "bimtek_hadir":
        columns += [schema.Column(c, schema.TEXT, False, False, a) for c, a in SESSION_COLUMNS]
    return dataclasses.replace(table, columns=tuple(columns))


def combined(name: str, found: dict[str, int]) -> dict[str, str]:
    """Contract columns read out of a combined column: column → combined column."""
    if name == "kpps" and "tanggal_lahir" not in found and BIRTH_PLACE_DATE in found:
        return {"tanggal_lahir": BIRTH_PLACE_DATE}
    return {}


def derivable(name: str, found: dict[str, int]) -> dict[str, str]:
    """Code columns missing from the header that place names can supply: code → place column."""
    derived: dict[str, str] = {}
    if (
        name in ("bimtek_sesi", "supervisi")
        and "kode_kecamatan" not in found
        and "kecamatan" in found
    ):
        derived["kode_kecamatan"] = "kecamatan"
    if name in ("tps", "supervisi") and "kode_desa" not in found and "desa" in found:
        derived["kode_desa"] = "desa"
    has_desa = "desa" in found or "kode_desa" in found or "kode_desa" in derived
    if name in ("kpps", "tps") and "kode_tps" not in found and "nomor_tps" in found and has_desa:
        derived["kode_tps"] = "nomor_tps"
    if name == "bimtek_hadir" and "kode_sesi" not in found and "tanggal" in found:
        derived["kode_sesi"] = "tanggal"  # the session of that date (and venue)
    return derived


def score(name: str, cells: list[str]) -> tuple[bool, int, dict[str, int]]:
    found = schema.match_headers(matching_table(name), cells)
    derived = derivable(name, found)
    required = [c.name for c in schema.TABLES[name].columns if c.header_required]
    derived = {**derived, **combined(name, found)}
    if name == "bimtek_hadir":
        derived.setdefault("kode_sesi", "judul")  # a daftar hadir may name its session above
    satisfied = all(c in found or c in derived for c in required)
    return satisfied, len(found), found


def tables_by_name(file_name: str) -> list[str]:
    key = schema.header_key(Path(file_name).stem)
    if key in schema.TABLES:
        return [key]
    words = set(key.split("_"))
    return [t for t, names in NAME_WORDS.items() if words & set(names)]


# Files people send that are plainly something else: (what it is, headers that give it away).
FOREIGN_FORMS = (
    (
        "ekspor Google Form (survei lain), bukan tabel kontrak",
        ("timestamp", "stempel waktu", "email address", "alamat email", "cap waktu"),
    ),
    (
        "formulir usulan PAW (pergantian antarwaktu), bukan daftar KPPS: catat anggota yang "
        "berhenti dengan tanggal_berhenti dan penggantinya sebagai baris baru di daftar KPPS",
        ("nama yang diganti", "nama pengganti", "nama kpps yang diganti", "usulan paw"),
    ),
)


def foreign_form(rows: list[tuple[int, list[str]]]) -> tuple[int, str] | None:
    """(row, message) when the first rows show a file that is no contract table at all."""
    for number, cells in rows:
        keys = {schema.header_key(c).replace("_", " ") for c in cells if c and c.strip()}
        for what, signs in FOREIGN_FORMS:
            hit = sorted(keys & set(signs))
            if hit:
                return number, (
                    f"berkas ini tampaknya {what} (kolom '{hit[0]}'); tidak dibaca sebagai "
                    f"tabel mana pun ({', '.join(schema.TABLE_NAMES)})"
                )
    return None


def two_row_headers(rows: list[tuple[int, list[str]]]) -> list[tuple[int, list[str]]]:
    """A header over two rows (`PENEMPATAN` merged over `DESA` / `TPS`, `NO`, `NAMA` merged
    down over both): per column the lower row's cell, else the upper one's (a merged cell's
    value sits in its first cell, the others read empty). Numbered by the lower row."""
    pairs = []
    for (top_number, top), (number, bottom) in itertools.pairwise(rows):
        if number != top_number + 1:
            continue
        width = max(len(top), len(bottom))
        top = top + [""] * (width - len(top))
        bottom = bottom + [""] * (width - len(bottom))
        pairs.append((number, [b if b.strip() else t for t, b in zip(top, bottom, strict=True)]))
    return pairs


def find_header(
    rows: list[tuple[int, list[str]]], candidates: list[str]
) -> tuple[str | None, int, list[str], str | None]:
    """(table, header row, headers, problem) for the best matching row among the first ones."""
    scored = []
    for table in candidates:
        singles = {}
        for number, cells in rows:
            satisfied, matched, _ = score(table, cells)
            singles[number] = matched
            scored.append((satisfied, matched, -number, table, number, cells))
        for number, cells in two_row_headers(rows):
            satisfied, matched, _ = score(table, cells)
            # Only when the two rows together name more columns than either alone.
            if matched > max(singles.get(number - 1, 0), singles.get(number, 0)):
                scored.append((satisfied, matched, -number, table, number, cells))
    if not scored:
        return None, 0, [], "tidak ada baris judul yang dapat dibaca"
    scored.sort(key=lambda s: (s[0], s[1], s[2]), reverse=True)
    best = scored[0]
    if best[0]:
        rivals = [s for s in scored if s[0] and s[3] != best[3] and s[1] == best[1]]
        if rivals:
            names = " dan ".join(sorted({best[3], rivals[0][3]}))
            return (
                None,
                0,
                [],
                (f"tabel tidak dapat dipastikan: kolomnya cocok dengan {names}; pilih tabelnya"),
            )
        return best[3], best[4], best[5], None
    if len(candidates) == 1 or best[1] >= 3:
        return best[3], best[4], best[5], None  # its missing columns are reported
    return (
        None,
        0,
        [],
        (
            "tabel tidak dapat dikenali: nama berkas dan judul kolomnya tidak cocok dengan tabel "
            f"mana pun ({', '.join(schema.TABLE_NAMES)}); pilih tabelnya"
        ),
    )


def name_key(kind: str, text: str) -> str:
    """Names compared case-, space- and punctuation-insensitively, without 'Kel.'/'Desa'."""
    stripped = f"regexp_replace(lower(trim({text})), '^{_PREFIXES[kind]}', '')"
    if kind == "desa":
        stripped = f"regexp_replace({stripped}, '{_ISLAND}', 'pulau ')"
    return f"nullif(regexp_replace({stripped}, '[^\\p{{L}}\\p{{N}}]+', '', 'g'), '')"


def serial_date(text: str) -> str:
    """An Excel day number (45315; 45315.35 with a time of day) in a date column, as the date
    it stands for."""
    number = f"cast(split_part(trim({text}), '.', 1) as integer)"
    low, high = EXCEL_SERIAL_RANGE
    return (
        f"case when regexp_full_match(trim({text}), '[0-9]{{5}}(\\.[0-9]+)?') "
        f"and {number} between {low} and {high} "
        f"then strftime(date '1899-12-30' + {number}, '%Y-%m-%d') else {text} end"
    )


def tps_number(text: str) -> str:
    """'TPS 001', '001', '1' → '1'; NULL when it is no TPS number."""
    return f"nullif(regexp_extract(lower(trim({text})), '{_TPS_NUMBER}', 1), '')"


def resolve_places(
    con: duckdb.DuckDBPyConnection,
    i: int,
    name: str,
    headers: list[str],
    derived: dict[str, str],
    offset: int,
    round_: int,
) -> None:
    """`_tempat_<i>`: the codes the place names of file i stand for; every name that fails
    goes to `_temuan` (round `round_`) as an error of row `_baris + offset`."""
    found = schema.match_headers(matching_table(name), headers)
    col = {k: f"u.c{p}" for k, p in found.items()}
    text = {k: f"nullif(trim({v}), '')" for k, v in col.items()}
    kab = text.get("kabupaten", "cast(null as varchar)")
    kec = text.get("kecamatan", "cast(null as varchar)")
    desa = text.get("desa", "cast(null as varchar)")
    kode_kec_given = text.get("kode_kecamatan", "cast(null as varchar)")
    kode_desa_given = text.get("kode_desa", "cast(null as varchar)")
    need_kec = "kode_kecamatan" in derived or (
        "kecamatan" in found and ("kode_desa" in derived or "kode_tps" in derived)
    )
    need_desa = "kode_desa" in derived or ("kode_tps" in derived and "kode_desa" not in found)
    con.execute(
        f"create or replace temp table _nama_{i} as select u._baris, "  # noqa: S608
        f"{kab} as kab, {kec} as kec, {desa} as desa, {kode_kec_given} as kode_kec_tulis, "
        f"{kode_desa_given} as kode_desa_tulis, "
        f"{name_key('kabupaten', kab)} as k_kab, {name_key('kecamatan', kec)} as k_kec, "
        f"{name_key('desa', desa)} as k_desa from _up_{i} as u"
    )
    con.execute(
        "create or replace temp table _w as select kode_kabupaten, kabupaten, kode_kecamatan, "  # noqa: S608
        f"kecamatan, kode_desa, desa, {name_key('kabupaten', 'kabupaten')} as k_kab, "
        f"{name_key('kecamatan', 'kecamatan')} as k_kec, {name_key('desa', 'desa')} as k_desa "
        "from wilayah where kode_desa is not null"
    )
    # Kecamatan by name (and kabupaten, when given), once per distinct spelling.
    scoped = bool(
        con.execute(
            "select count(*) from duckdb_tables() where table_name = '_akun_cakupan'"
        ).fetchall()[0][0]
    )
    in_scope = "_dalam_cakupan(w.{code})" if scoped else "false"
    con.execute(
        f"create or replace temp table _kec_{i} as select n.k_kab, n.k_kec, "  # noqa: S608
        "count(distinct w.kode_kecamatan) as jumlah, min(w.kode_kecamatan) as kode, "
        "min(w.kecamatan) as nama, string_agg(distinct w.kabupaten, ', ' order by w.kabupaten) "
        "as di, count(distinct w.kode_kecamatan) filter (where "
        f"{in_scope.format(code='kode_kecamatan')}) as jumlah_cakupan, "
        "min(w.kode_kecamatan) filter (where "
        f"{in_scope.format(code='kode_kecamatan')}) as kode_cakupan, "
        "cast(null as varchar) as saran "
        f"from (select distinct k_kab, k_kec from _nama_{i} where k_kec is not null) as n "
        "left join _w as w on w.k_kec = n.k_kec and (n.k_kab is null or w.k_kab = n.k_kab) "
        "group by n.k_kab, n.k_kec"
    )
    # A name found in several places is settled by the account's own area when only one of
    # them lies inside it.
    con.execute(
        f"update _kec_{i} set jumlah = 1, kode = kode_cakupan "  # noqa: S608
        "where jumlah > 1 and jumlah_cakupan = 1"
    )
    suggest = _closest("kecamatan", "n.k_kec", "n.k_kab is null or s.k_kab = n.k_kab")
    con.execute(f"update _kec_{i} as n set saran = {suggest} where jumlah = 0")  # noqa: S608
    con.execute(
        f"create or replace temp table _desa_{i} as select n.k_kab, n.k_kec, n.kode_kec, "  # noqa: S608
        "n.k_desa, count(distinct w.kode_desa) as jumlah, min(w.kode_desa) as kode, "
        "string_agg(distinct w.kecamatan, ', ' order by w.kecamatan) as di, "
        f"count(distinct w.kode_desa) filter (where {in_scope.format(code='kode_desa')}) "
        f"as jumlah_cakupan, min(w.kode_desa) filter (where {in_scope.format(code='kode_desa')})"
        " as kode_cakupan, "
        "cast(null as varchar) as saran from ("
        "select distinct n.k_kab, n.k_kec, coalesce(n.kode_kec_tulis, k.kode) as kode_kec, "
        f"n.k_desa from _nama_{i} as n left join _kec_{i} as k on k.k_kec = n.k_kec "
        "and k.k_kab is not distinct from n.k_kab and k.jumlah = 1 "
        "where n.k_desa is not null) as n left join _w as w on w.k_desa = n.k_desa "
        "and (n.kode_kec is null or w.kode_kecamatan = n.kode_kec) "
        "and (n.k_kab is null or w.k_kab = n.k_kab) "
        "group by n.k_kab, n.k_kec, n.kode_kec, n.k_desa"
    )
    con.execute(
        f"update _desa_{i} set jumlah = 1, kode = kode_cakupan "  # noqa: S608
        "where jumlah > 1 and jumlah_cakupan = 1"
    )
    suggest = _closest("desa", "n.k_desa", "n.kode_kec is null or s.kode_kecamatan = n.kode_kec")
    con.execute(f"update _desa_{i} as n set saran = {suggest} where jumlah = 0")  # noqa: S608
    nomor = text.get("nomor_tps", "cast(null as varchar)")
    con.execute(
        f"create or replace temp table _tempat_{i} as select n._baris, "  # noqa: S608
        "case when k.jumlah = 1 then k.kode end as kode_kecamatan, "
        "coalesce(n.kode_desa_tulis, case when d.jumlah = 1 then d.kode end) as kode_desa, "
        f"{nomor} as nomor, {tps_number(nomor)} as nomor_angka, n.kab, n.kec, n.desa, "
        "k.jumlah as kec_jumlah, k.di as kec_di, d.jumlah as desa_jumlah, d.di as desa_di, "
        "k.saran as kec_saran, d.saran as desa_saran "
        f"from _nama_{i} as n inner join _up_{i} as u on u._baris = n._baris "
        f"left join _kec_{i} as k on k.k_kec = n.k_kec and k.k_kab is not distinct from n.k_kab "
        f"left join _desa_{i} as d on d.k_desa = n.k_desa and d.k_kab is not distinct from "
        "n.k_kab and d.k_kec is not distinct from n.k_kec "
        "and d.kode_kec is not distinct from coalesce(n.kode_kec_tulis, "
        "case when k.jumlah = 1 then k.kode end)"
    )
    failures = []
    if need_kec:
        where_kab = (
            "' di kabupaten ' || kab" if "kabupaten" in found else "': tidak ada di wilayah'"
        )
        failures += [
            ("kecamatan", "kec", "kec is null", "'wajib diisi'")
            if "kode_kecamatan" in derived
            else None,
            (
                "kecamatan",
                "kec",
                "kec is not null and kec_jumlah = 0",
                f"'nama kecamatan tidak dikenal' || {where_kab} || "
                + _SUGGEST.format(c="kec_saran"),
            ),
            (
                "kecamatan",
                "kec",
                "kec_jumlah > 1",
                "'nama kecamatan ambigu: ada di ' || kec_jumlah || ' kabupaten (' || kec_di || "
                "'); tambahkan kolom kabupaten'",
            ),
        ]
    if need_desa:
        unknown_desa = (
            "'nama desa/kelurahan tidak dikenal di kecamatan ' || kec"
            if "kecamatan" in found
            else "'nama desa/kelurahan tidak dikenal: tidak ada di wilayah'"
        )
        ok_kec = "(kec is null or kec_jumlah = 1)"
        failures += [
            ("desa", "desa", "desa is null and kode_desa is null", "'wajib diisi'")
            if "kode_tps" in derived
            or ("kode_desa" in derived and schema.TABLES[name].column("kode_desa").value_required)
            else None,
            (
                "desa",
                "desa",
                f"desa is not null and desa_jumlah = 0 and {ok_kec}",
                f"{unknown_desa} || {_SUGGEST.format(c='desa_saran')}",
            ),
            (
                "desa",
                "desa",
                f"desa_jumlah > 1 and {ok_kec}",
                "'nama desa/kelurahan ambigu: ada di ' || desa_jumlah || ' tempat (kecamatan ' "
                "|| desa_di || '); tambahkan kolom kecamatan'"
                if "kecamatan" not in found
                else "'nama desa/kelurahan ambigu: ada ' || desa_jumlah || ' desa/kelurahan "
                "bernama sama di kecamatan ini; pakai kolom kode_desa'",
            ),
        ]
    if "kode_tps" in derived:
        failures += [
            ("nomor_tps", "nomor", "nomor is null and kode_desa is not null", "'wajib diisi'"),
            (
                "nomor_tps",
                "nomor",
                "nomor is not null and nomor_angka is null "
                "and not regexp_full_match(nomor, '[0-9]{13}')",
                "'nomor TPS tidak dapat dibaca; tulis angkanya saja, misalnya 1 atau 001'",
            ),
        ]
    for failure in failures:
        if failure is None:
            continue
        column, value, condition, message = failure
        con.execute(
            f"insert into _temuan select {round_}, $galat, $tabel, $kolom, "  # noqa: S608
            f"{message}, _baris + {offset}, {value}, nextval('_urut') from _tempat_{i} "
            f"where {condition} order by _baris",
            {"galat": ERROR, "tabel": name, "kolom": column},
        )


SIMILAR_NAME = 0.85  # jaro_winkler_similarity of name keys above which a name is suggested
_SUGGEST = "coalesce('; mungkin maksudnya ''' || {c} || '''?', '')"


def _closest(kind: str, key: str, where: str) -> str:
    """The real name (of `_w` as s) nearest to `key`, when one is near enough."""
    own = {"kecamatan": "s.k_kec", "desa": "s.k_desa"}[kind]
    return (
        f"(select arg_max(s.{kind}, jaro_winkler_similarity({own}, {key})) from _w as s "  # noqa: S608
        f"where ({where}) and jaro_winkler_similarity({own}, {key}) >= {SIMILAR_NAME})"
    )


def blank_mark_absent(mark: str, nik: str) -> str:
    """Contract §3: in a daftar hadir an empty mark beside a listed name means absent."""
    return (
        f"case when nullif(trim({mark}), '') is null and nullif(trim({nik}), '') is not null "
        f"then 'tidak' else {mark} end"
    )


def column_expression(
    table: str, derived: dict[str, str], column: schema.Column, found: dict[str, int]
) -> str:
    """The text of one contract column for the rows of one file (`u`: its `_up_<i>`, `p`: its
    `_tempat_<i>`)."""
    if column.name in found:
        value = f"u.c{found[column.name]}"
        if column.kind == schema.DATE:
            value = serial_date(value)
        if table == "tps" and column.name == "nomor_tps":
            value = f"coalesce({tps_number(value)}, {value})"
        if table == "bimtek_hadir" and column.name == "hadir" and "nik" in found:
            value = blank_mark_absent(value, f"u.c{found['nik']}")
        return value
    if column.name == "kode_tps" and column.name in derived:
        return (
            "case when regexp_full_match(p.nomor, '[0-9]{13}') then p.nomor "
            "when p.kode_desa is not null and p.nomor_angka is not null then "
            "replace(p.kode_desa, '.', '') || lpad(p.nomor_angka, 3, '0') end"
        )
    if column.name == "kode_sesi" and column.name in derived:
        return "ss.kode_sesi"  # the session matched by kesiapan.import_sessions
    if column.name in derived:
        return f"p.{column.name}"
    if column.name in combined(table, found):
        text = f"trim(u.c{found[combined(table, found)[column.name]]})"
        # The date at the end ("SAMPANG, 05-01-1994"), else what follows the first comma.
        date_part = (
            f"coalesce(nullif(regexp_extract({text}, '{_DATE_AT_END}', 1), ''), "
            f"nullif(trim(regexp_replace({text}, '^[^,]*,', '')), ''), {text})"
        )
        return serial_date(date_part)
    return "cast(null as varchar)"
