-- Each desa's dates of appointments and stops, straight from the roster of known TPS.
create or replace macro tanggal_anggota() as table
    with

    tanggal as (
        select
            t.kode_desa,
            unnest([k.tanggal_sk, k.tanggal_berhenti]) as tanggal
        from kpps as k
        inner join tps as t on k.kode_tps = t.kode_tps
    )

    select distinct
        kode_desa,
        tanggal
    from tanggal
    where tanggal is not null
