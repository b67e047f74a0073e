-- Every KPPS row of a known TPS, with its desa (any date).
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
        t.kode_desa
    from kpps as k
    inner join t on k.kode_tps = t.kode_tps
