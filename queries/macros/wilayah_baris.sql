-- The area of every row of the six input tables, for the import checks' problems (a scoped
-- view lists only those in its scope): tabel, _baris (the file row) and kode_wilayah, the desa
-- of the row or, when only that is known, its kecamatan. kpps rows via their TPS, bimtek_hadir
-- via its session; NULL when the row names nothing that can be placed (an unknown TPS or
-- session, or a code whose duplicate rows disagree).
create or replace macro wilayah_baris() as table
    with

    tps_desa as (
        select
            kode_tps,
            case when count(distinct kode_desa) = 1 then min(kode_desa) end as kode_desa
        from tps
        where kode_tps is not null
        group by kode_tps
    ),

    sesi_kecamatan as (
        select
            kode_sesi,
            case
                when count(distinct kode_kecamatan) = 1 then min(kode_kecamatan)
            end as kode_kecamatan
        from bimtek_sesi
        where kode_sesi is not null
        group by kode_sesi
    )

    select
        'wilayah' as tabel,
        w._baris,
        coalesce(w.kode_desa, w.kode_kecamatan) as kode_wilayah
    from wilayah as w
    union all
    select
        'tps' as tabel,
        t._baris,
        t.kode_desa as kode_wilayah
    from tps as t
    union all
    select
        'kpps' as tabel,
        k._baris,
        d.kode_desa as kode_wilayah
    from kpps as k
    left join tps_desa as d on k.kode_tps = d.kode_tps
    union all
    select
        'bimtek_sesi' as tabel,
        s._baris,
        s.kode_kecamatan as kode_wilayah
    from bimtek_sesi as s
    union all
    select
        'bimtek_hadir' as tabel,
        h._baris,
        s.kode_kecamatan as kode_wilayah
    from bimtek_hadir as h
    left join sesi_kecamatan as s on h.kode_sesi = s.kode_sesi
    union all
    select
        'supervisi' as tabel,
        v._baris,
        coalesce(v.kode_desa, v.kode_kecamatan) as kode_wilayah
    from supervisi as v
