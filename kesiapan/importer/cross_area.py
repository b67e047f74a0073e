"""Attendance across areas (issue 12, item 3).

An operator records attendance only on sessions of its own area (the importer's scope rules
make any other session an error naming the row). A person from another area who attended such
a session is accepted, and then:

- the preview never tells whether that person is on another area's roster: every NIK that is
  not on the roster of the operator's own area gets the same warning, whether it is nowhere or
  elsewhere (`neutral_warnings`, `visible_roster`);
- the audit record of the import counts them, per session and per area of the members
  (`attendance_elsewhere`);
- the member's own area sees who trained them, in which session (queries/bimtek_sesi_lain.sql,
  on the Cakupan Bimtek page).

Works on an import's DuckDB connection (kesiapan.importer.core); no Streamlit here.
"""

from __future__ import annotations

import duckdb

from kesiapan.contract.problems import WARNING

NOT_ON_ROSTER = "NIK tidak ada di daftar KPPS"  # kesiapan.store.checks' words
NOT_IN_AREA = (
    "NIK ini tidak ada di daftar KPPS wilayah Anda; bila ia anggota KPPS wilayah lain, "
    "kehadirannya dicatat sebagai Bimtek di luar wilayahnya dan tampil bagi wilayah itu"
)
TWO_TPS = "NIK yang sama aktif di dua TPS pada waktu yang sama"  # kesiapan.store.checks' words


def visible_roster(con: duckdb.DuckDBPyConnection, scoped: bool) -> None:
    """`_kpps_terlihat`: the roster rows the importing account may know of (with a scope, those
    of TPS inside it; the import's `_dalam_cakupan` macro)."""
    if not scoped:
        con.execute("create or replace temp view _kpps_terlihat as select * from kpps")
        return
    con.execute(
        "create or replace temp view _kpps_terlihat as select k.* from kpps as k "
        "inner join tps as t on k.kode_tps = t.kode_tps where _dalam_cakupan(t.kode_desa)"
    )


def neutral_warnings(con: duckdb.DuckDBPyConnection, round_: int, scoped: bool) -> None:
    """With a scope, the checks' "NIK not on the roster" warnings of this round become "not on
    your area's roster" for every uploaded attendance row whose NIK is not on the area's
    roster (nowhere or elsewhere alike), and "the same NIK active in two TPS" is kept only
    where both TPS lie in the scope."""
    visible_roster(con, scoped)
    if not scoped:
        return
    con.execute(
        "delete from _temuan where putaran = $r and tabel = 'bimtek_hadir' and pesan = $old",
        {"r": round_, "old": NOT_ON_ROSTER},
    )
    con.execute(
        "insert into _temuan select $r, $level, 'bimtek_hadir', 'nik', $new, h._baris, h.nik, "
        "nextval('_urut') from bimtek_hadir as h where h._baris >= 0 and h.nik is not null "
        "and not exists (select 1 from _kpps_terlihat as k where k.nik = h.nik) "
        "order by h._baris",
        {"r": round_, "level": WARNING, "new": NOT_IN_AREA},
    )
    # The flagged row is the later one (an uploaded row); its twin outside the scope is a
    # row the account must not learn of.
    con.execute(
        "delete from _temuan as f where putaran = $r and tabel = 'kpps' and pesan = $two "
        "and not exists (select 1 from kpps as a inner join _kpps_terlihat as v "
        "on a._baris = v._baris where a.nik = f.nilai and a._baris <> f.baris)",
        {"r": round_, "two": TWO_TPS},
    )


def roster_words(con: duckdb.DuckDBPyConnection) -> str:
    """ "daftar KPPS", or "daftar KPPS wilayah Anda" in an import with a scope (the roster a
    NIK is matched against there, `_kpps_terlihat`)."""
    (scoped,) = con.execute(
        "select count(*) from duckdb_tables() where table_name = '_akun_cakupan'"
    ).fetchall()[0]
    return "daftar KPPS wilayah Anda" if scoped else "daftar KPPS"


def attendance_elsewhere(con: duckdb.DuckDBPyConnection) -> list[dict[str, object]]:
    """Uploaded roll calls, not rejected, marking present a member whose TPS lies in another
    kecamatan than the session's: per session and members' kecamatan, the number of people,
    for the import's audit record. Empty when the import has no attendance."""
    try:
        rows = con.execute(
            "select h.kode_sesi, s.kode_kecamatan, w.kode_kecamatan, count(distinct h.nik) "
            "from bimtek_hadir as h "
            "inner join bimtek_sesi as s on h.kode_sesi = s.kode_sesi "
            "inner join kpps as k on h.nik = k.nik "
            "inner join tps as t on k.kode_tps = t.kode_tps "
            "inner join wilayah as w on t.kode_desa = w.kode_desa "
            "where h._baris >= 0 and h.hadir "
            "and ('bimtek_hadir', h._baris) not in (select (tabel, baris) from _tolak) "
            "and w.kode_kecamatan is distinct from s.kode_kecamatan "
            "group by all order by all"
        ).fetchall()
    except duckdb.Error:
        return []
    return [
        {"kode_sesi": sesi, "kecamatan_sesi": own, "kecamatan_anggota": theirs, "orang": n}
        for sesi, own, theirs, n in rows
    ]
