"""Reading a file's header and places the way people write them, for the import.

Which contract table a file holds (by its name, else by its columns), which row is its header,
which header means which column (the contract's aliases and the ones real exports use, both
from the column catalogue), and the codes that kecamatan, desa and TPS-number columns stand
for, matched against `wilayah` case-, space- and punctuation-insensitively with Kel./Desa/Kec.
prefixes ignored. The SQL works on the import's tables: `_up_<i>` (the file's text cells
`c0`…, `_baris`, written by kesiapan.importer.reading), `wilayah` (the candidate's, typed) and
`_temuan` (what is wrong, per row, filled by the checks in kesiapan.importer.core and reading).
"""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

import duckdb

from kesiapan.contract import columns, schema, sql
from kesiapan.contract.problems import ERROR

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
# files name places: all from the column catalogue (kesiapan/contract/columns.py).
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
# (kesiapan.importer.sessions matches them to bimtek_sesi).
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


def name_key(kind: str, text: sql.Fragment) -> sql.Fragment:
    """Names compared case-, space- and punctuation-insensitively, without 'Kel.'/'Desa'."""
    stripped = sql.compose(
        "regexp_replace(lower(trim({text})), {prefix}, '')",
        text=text,
        prefix=sql.literal("^" + _PREFIXES[kind]),
    )
    if kind == "desa":
        stripped = sql.compose(
            "regexp_replace({s}, {island}, 'pulau ')", s=stripped, island=sql.literal(_ISLAND)
        )
    return sql.compose(
        "nullif(regexp_replace({s}, '[^\\p{{L}}\\p{{N}}]+', '', 'g'), '')", s=stripped
    )


def serial_date(text: sql.Fragment) -> sql.Fragment:
    """An Excel day number (45315; 45315.35 with a time of day) in a date column, as the date
    it stands for."""
    number = sql.compose("cast(split_part(trim({text}), '.', 1) as integer)", text=text)
    low, high = EXCEL_SERIAL_RANGE
    return sql.compose(
        "case when regexp_full_match(trim({text}), '[0-9]{{5}}(\\.[0-9]+)?') "
        "and {number} between {low} and {high} "
        "then strftime(date '1899-12-30' + {number}, '%Y-%m-%d') else {text} end",
        text=text,
        number=number,
        low=low,
        high=high,
    )


def tps_number(text: sql.Fragment) -> sql.Fragment:
    """'TPS 001', '001', '1' → '1'; NULL when it is no TPS number."""
    return sql.compose(
        "nullif(regexp_extract(lower(trim({text})), {pattern}, 1), '')",
        text=text,
        pattern=sql.literal(_TPS_NUMBER),
    )


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
    text = {
        k: sql.compose("nullif(trim({cell}), '')", cell=sql.ident("u", f"c{p}"))
        for k, p in found.items()
    }
    null = sql.compose("cast(null as varchar)")
    kab = text.get("kabupaten", null)
    kec = text.get("kecamatan", null)
    desa = text.get("desa", null)
    need_kec = "kode_kecamatan" in derived or (
        "kecamatan" in found and ("kode_desa" in derived or "kode_tps" in derived)
    )
    need_desa = "kode_desa" in derived or ("kode_tps" in derived and "kode_desa" not in found)
    names, up = sql.ident(f"_nama_{i}"), sql.ident(f"_up_{i}")
    kec_table, desa_table = sql.ident(f"_kec_{i}"), sql.ident(f"_desa_{i}")
    con.execute(
        sql.compose(
            "create or replace temp table {names} as select u._baris, "
            "{kab} as kab, {kec} as kec, {desa} as desa, {kode_kec} as kode_kec_tulis, "
            "{kode_desa} as kode_desa_tulis, "
            "{k_kab} as k_kab, {k_kec} as k_kec, {k_desa} as k_desa from {up} as u",
            names=names,
            kab=kab,
            kec=kec,
            desa=desa,
            kode_kec=text.get("kode_kecamatan", null),
            kode_desa=text.get("kode_desa", null),
            k_kab=name_key("kabupaten", kab),
            k_kec=name_key("kecamatan", kec),
            k_desa=name_key("desa", desa),
            up=up,
        )
    )
    con.execute(
        sql.compose(
            "create or replace temp table _w as select kode_kabupaten, kabupaten, "
            "kode_kecamatan, kecamatan, kode_desa, desa, {k_kab} as k_kab, {k_kec} as k_kec, "
            "{k_desa} as k_desa from wilayah where kode_desa is not null",
            k_kab=name_key("kabupaten", sql.ident("kabupaten")),
            k_kec=name_key("kecamatan", sql.ident("kecamatan")),
            k_desa=name_key("desa", sql.ident("desa")),
        )
    )
    # Kecamatan by name (and kabupaten, when given), once per distinct spelling.
    scoped = bool(
        con.execute(
            "select count(*) from duckdb_tables() where table_name = '_akun_cakupan'"
        ).fetchall()[0][0]
    )

    def in_scope(code: str) -> sql.Fragment:
        if not scoped:
            return sql.compose("false")
        return sql.compose("_dalam_cakupan({code})", code=sql.ident("w", code))

    con.execute(
        sql.compose(
            "create or replace temp table {kec_table} as select n.k_kab, n.k_kec, "
            "count(distinct w.kode_kecamatan) as jumlah, min(w.kode_kecamatan) as kode, "
            "min(w.kecamatan) as nama, "
            "string_agg(distinct w.kabupaten, ', ' order by w.kabupaten) as di, "
            "count(distinct w.kode_kecamatan) filter (where {inside}) as jumlah_cakupan, "
            "min(w.kode_kecamatan) filter (where {inside}) as kode_cakupan, "
            "cast(null as varchar) as saran "
            "from (select distinct k_kab, k_kec from {names} where k_kec is not null) as n "
            "left join _w as w on w.k_kec = n.k_kec and (n.k_kab is null or w.k_kab = n.k_kab) "
            "group by n.k_kab, n.k_kec",
            kec_table=kec_table,
            inside=in_scope("kode_kecamatan"),
            names=names,
        )
    )
    # A name found in several places is settled by the account's own area when only one of
    # them lies inside it.
    settle = (
        "update {t} set jumlah = 1, kode = kode_cakupan where jumlah > 1 and jumlah_cakupan = 1"
    )
    con.execute(sql.compose(settle, t=kec_table))
    suggest = "update {t} as n set saran = {closest} where jumlah = 0"
    closest = _closest(
        "kecamatan", sql.compose("n.k_kec"), sql.compose("n.k_kab is null or s.k_kab = n.k_kab")
    )
    con.execute(sql.compose(suggest, t=kec_table, closest=closest))
    con.execute(
        sql.compose(
            "create or replace temp table {desa_table} as select n.k_kab, n.k_kec, n.kode_kec, "
            "n.k_desa, count(distinct w.kode_desa) as jumlah, min(w.kode_desa) as kode, "
            "string_agg(distinct w.kecamatan, ', ' order by w.kecamatan) as di, "
            "count(distinct w.kode_desa) filter (where {inside}) as jumlah_cakupan, "
            "min(w.kode_desa) filter (where {inside}) as kode_cakupan, "
            "cast(null as varchar) as saran from ("
            "select distinct n.k_kab, n.k_kec, coalesce(n.kode_kec_tulis, k.kode) as kode_kec, "
            "n.k_desa from {names} as n left join {kec_table} as k on k.k_kec = n.k_kec "
            "and k.k_kab is not distinct from n.k_kab and k.jumlah = 1 "
            "where n.k_desa is not null) as n left join _w as w on w.k_desa = n.k_desa "
            "and (n.kode_kec is null or w.kode_kecamatan = n.kode_kec) "
            "and (n.k_kab is null or w.k_kab = n.k_kab) "
            "group by n.k_kab, n.k_kec, n.kode_kec, n.k_desa",
            desa_table=desa_table,
            inside=in_scope("kode_desa"),
            names=names,
            kec_table=kec_table,
        )
    )
    con.execute(sql.compose(settle, t=desa_table))
    closest = _closest(
        "desa",
        sql.compose("n.k_desa"),
        sql.compose("n.kode_kec is null or s.kode_kecamatan = n.kode_kec"),
    )
    con.execute(sql.compose(suggest, t=desa_table, closest=closest))
    nomor = text.get("nomor_tps", null)
    places = sql.ident(f"_tempat_{i}")
    con.execute(
        sql.compose(
            "create or replace temp table {places} as select n._baris, "
            "case when k.jumlah = 1 then k.kode end as kode_kecamatan, "
            "coalesce(n.kode_desa_tulis, case when d.jumlah = 1 then d.kode end) as kode_desa, "
            "{nomor} as nomor, {nomor_angka} as nomor_angka, n.kab, n.kec, n.desa, "
            "k.jumlah as kec_jumlah, k.di as kec_di, d.jumlah as desa_jumlah, d.di as desa_di, "
            "k.saran as kec_saran, d.saran as desa_saran "
            "from {names} as n inner join {up} as u on u._baris = n._baris "
            "left join {kec_table} as k on k.k_kec = n.k_kec "
            "and k.k_kab is not distinct from n.k_kab "
            "left join {desa_table} as d on d.k_desa = n.k_desa and d.k_kab is not distinct from "
            "n.k_kab and d.k_kec is not distinct from n.k_kec "
            "and d.kode_kec is not distinct from coalesce(n.kode_kec_tulis, "
            "case when k.jumlah = 1 then k.kode end)",
            places=places,
            nomor=nomor,
            nomor_angka=tps_number(nomor),
            names=names,
            up=up,
            kec_table=kec_table,
            desa_table=desa_table,
        )
    )
    # (column, the value shown, when it fails, the message), all SQL written here: no values.
    failures: list[tuple[str, str, sql.Fragment, sql.Fragment] | None] = []
    required = sql.compose("'wajib diisi'")
    if need_kec:
        where_kab = (
            sql.compose("' di kabupaten ' || kab")
            if "kabupaten" in found
            else sql.compose("': tidak ada di wilayah'")
        )
        failures += [
            ("kecamatan", "kec", sql.compose("kec is null"), required)
            if "kode_kecamatan" in derived
            else None,
            (
                "kecamatan",
                "kec",
                sql.compose("kec is not null and kec_jumlah = 0"),
                sql.compose(
                    "'nama kecamatan tidak dikenal' || {where_kab} || {suggestion}",
                    where_kab=where_kab,
                    suggestion=_suggest("kec_saran"),
                ),
            ),
            (
                "kecamatan",
                "kec",
                sql.compose("kec_jumlah > 1"),
                sql.compose(
                    "'nama kecamatan ambigu: ada di ' || kec_jumlah || ' kabupaten (' || kec_di "
                    "|| '); tambahkan kolom kabupaten'"
                ),
            ),
        ]
    if need_desa:
        unknown_desa = (
            sql.compose("'nama desa/kelurahan tidak dikenal di kecamatan ' || kec")
            if "kecamatan" in found
            else sql.compose("'nama desa/kelurahan tidak dikenal: tidak ada di wilayah'")
        )
        failures += [
            ("desa", "desa", sql.compose("desa is null and kode_desa is null"), required)
            if "kode_tps" in derived
            or ("kode_desa" in derived and schema.TABLES[name].column("kode_desa").value_required)
            else None,
            (
                "desa",
                "desa",
                sql.compose(
                    "desa is not null and desa_jumlah = 0 and (kec is null or kec_jumlah = 1)"
                ),
                sql.compose(
                    "{unknown} || {suggestion}",
                    unknown=unknown_desa,
                    suggestion=_suggest("desa_saran"),
                ),
            ),
            (
                "desa",
                "desa",
                sql.compose("desa_jumlah > 1 and (kec is null or kec_jumlah = 1)"),
                sql.compose(
                    "'nama desa/kelurahan ambigu: ada di ' || desa_jumlah || ' tempat (kecamatan ' "
                    "|| desa_di || '); tambahkan kolom kecamatan'"
                )
                if "kecamatan" not in found
                else sql.compose(
                    "'nama desa/kelurahan ambigu: ada ' || desa_jumlah || ' desa/kelurahan "
                    "bernama sama di kecamatan ini; pakai kolom kode_desa'"
                ),
            ),
        ]
    if "kode_tps" in derived:
        failures += [
            (
                "nomor_tps",
                "nomor",
                sql.compose("nomor is null and kode_desa is not null"),
                required,
            ),
            (
                "nomor_tps",
                "nomor",
                sql.compose(
                    "nomor is not null and nomor_angka is null "
                    "and not regexp_full_match(nomor, '[0-9]{{13}}')"
                ),
                sql.compose(
                    "'nomor TPS tidak dapat dibaca; tulis angkanya saja, misalnya 1 atau 001'"
                ),
            ),
        ]
    for failure in failures:
        if failure is None:
            continue
        column, value, condition, message = failure
        con.execute(
            sql.compose(
                "insert into _temuan select {round_}, $galat, $tabel, $kolom, "
                "{message}, _baris + {offset}, {value}, nextval('_urut') from {places} "
                "where {condition} order by _baris",
                round_=round_,
                message=message,
                offset=offset,
                value=sql.ident(value),
                places=places,
                condition=condition,
            ),
            {"galat": ERROR, "tabel": name, "kolom": column},
        )


SIMILAR_NAME = 0.85  # jaro_winkler_similarity of name keys above which a name is suggested


def _suggest(column: str) -> sql.Fragment:
    """The suggestion added to a message ("; mungkin maksudnya 'Torjun'?"), empty without one."""
    return sql.compose(
        "coalesce('; mungkin maksudnya ''' || {c} || '''?', '')", c=sql.ident(column)
    )


def _closest(kind: str, key: sql.Fragment, where: sql.Fragment) -> sql.Fragment:
    """The real name (of `_w` as s) nearest to `key`, when one is near enough."""
    own = sql.ident("s", {"kecamatan": "k_kec", "desa": "k_desa"}[kind])
    return sql.compose(
        "(select arg_max({name}, jaro_winkler_similarity({own}, {key})) from _w as s "
        "where ({where}) and jaro_winkler_similarity({own}, {key}) >= {similar})",
        name=sql.ident("s", kind),
        own=own,
        key=key,
        where=where,
        similar=sql.literal(SIMILAR_NAME),
    )


def blank_mark_absent(mark: sql.Fragment, nik: sql.Fragment) -> sql.Fragment:
    """Contract §3: in a daftar hadir an empty mark beside a listed name means absent."""
    return sql.compose(
        "case when nullif(trim({mark}), '') is null and nullif(trim({nik}), '') is not null "
        "then 'tidak' else {mark} end",
        mark=mark,
        nik=nik,
    )


def column_expression(
    table: str, derived: dict[str, str], column: schema.Column, found: dict[str, int]
) -> sql.Fragment:
    """The text of one contract column for the rows of one file (`u`: its `_up_<i>`, `p`: its
    `_tempat_<i>`)."""
    if column.name in found:
        value = sql.ident("u", f"c{found[column.name]}")
        if column.kind == schema.DATE:
            value = serial_date(value)
        if table == "tps" and column.name == "nomor_tps":
            value = sql.compose("coalesce({n}, {v})", n=tps_number(value), v=value)
        if table == "bimtek_hadir" and column.name == "hadir" and "nik" in found:
            value = blank_mark_absent(value, sql.ident("u", f"c{found['nik']}"))
        return value
    if column.name == "kode_tps" and column.name in derived:
        return sql.compose(
            "case when regexp_full_match(p.nomor, '[0-9]{{13}}') then p.nomor "
            "when p.kode_desa is not null and p.nomor_angka is not null then "
            "replace(p.kode_desa, '.', '') || lpad(p.nomor_angka, 3, '0') end"
        )
    if column.name == "kode_sesi" and column.name in derived:
        return sql.compose("ss.kode_sesi")  # the session matched by kesiapan.importer.sessions
    if column.name in derived:
        return sql.ident("p", column.name)
    if column.name in combined(table, found):
        cell = sql.ident("u", f"c{found[combined(table, found)[column.name]]}")
        text = sql.compose("trim({cell})", cell=cell)
        # The date at the end ("SAMPANG, 05-01-1994"), else what follows the first comma.
        date_part = sql.compose(
            "coalesce(nullif(regexp_extract({text}, {date_at_end}, 1), ''), "
            "nullif(trim(regexp_replace({text}, '^[^,]*,', '')), ''), {text})",
            text=text,
            date_at_end=sql.literal(_DATE_AT_END),
        )
        return serial_date(date_part)
    return sql.compose("cast(null as varchar)")
