-- Every KPPS row of a known TPS, with its desa and its first Bimtek ever (any date).
create or replace macro kpps_tps() as table
    with t as (
        select
            kode_tps,
            any_value(kode_desa) as kode_desa
        from tps
        group by kode_tps
    )

    select
        k.*,
        t.kode_desa,
        b.tanggal_bimtek_pertama
    from kpps as k
    inner join t on k.kode_tps = t.kode_tps
    left join nik_terlatih(date '9999-12-31') as b on k.nik = b.nik
