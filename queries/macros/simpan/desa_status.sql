-- Every desa with TPS at as_of, read from its precomputed history, with the members the live
-- journal's marks train and the TPS they make ready (tps_tambahan, issue 16).
create or replace macro desa_status(as_of) as table
    with

    tambahan as (
        select
            t.kode_desa,
            sum(t.terlatih_baru) as terlatih_baru,
            count(*) filter (where t.status = 'siap' and t.status_lama <> 'siap') as siap_baru
        from tps_tambahan(as_of) as t
        group by t.kode_desa
    )

    select
        r.kode_desa,
        r.tps,
        r.kebutuhan_kpps,
        r.kpps_aktif,
        r.kursi_kosong,
        r.kpps_terlatih + cast(coalesce(t.terlatih_baru, 0) as bigint) as kpps_terlatih,
        r.tps_siap + coalesce(t.siap_baru, 0) as tps_siap,
        r.tps_kurang_petugas,
        r.tps_tanpa_ketua,
        r.tps_belum_bimtek - coalesce(t.siap_baru, 0) as tps_belum_bimtek
    from desa_riwayat as r
    left join tambahan as t on r.kode_desa = t.kode_desa
    where r.mulai <= as_of and (r.sampai is null or r.sampai > as_of)
