-- Every TPS at as_of, read from its precomputed history (the state with mulai <= D < sampai).
create or replace macro tps_status(as_of) as table
    select
        r.kode_tps,
        r.nomor_tps,
        r.kode_desa,
        r.kebutuhan_kpps,
        r.kpps_aktif,
        r.kpps_terlatih,
        r.ada_ketua,
        r.kursi_kosong,
        r.status
    from tps_riwayat as r
    where r.mulai <= as_of and (r.sampai is null or r.sampai > as_of)
