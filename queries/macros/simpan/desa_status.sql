-- Every desa with TPS at as_of, read from its precomputed history.
create or replace macro desa_status(as_of) as table
    select
        r.kode_desa,
        r.tps,
        r.kebutuhan_kpps,
        r.kpps_aktif,
        r.kursi_kosong,
        r.kpps_terlatih,
        r.tps_siap,
        r.tps_kurang_petugas,
        r.tps_tanpa_ketua,
        r.tps_belum_bimtek
    from desa_riwayat as r
    where r.mulai <= as_of and (r.sampai is null or r.sampai > as_of)
