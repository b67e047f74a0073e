-- The roster rows a replacement can involve: members who stopped, and members appointed in
-- the same TPS on or after its first stop.
create or replace macro kpps_paw() as table
    with b as (
        select
            kode_tps,
            min(tanggal_berhenti) as tanggal
        from kpps_tps()
        where tanggal_berhenti is not null
        group by kode_tps
    )

    select k.*
    from kpps_tps() as k
    inner join b on k.kode_tps = b.kode_tps
    where k.tanggal_berhenti is not null or k.tanggal_sk >= b.tanggal
