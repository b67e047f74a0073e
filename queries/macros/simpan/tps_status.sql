-- Every TPS at as_of, read from its precomputed history (the state with mulai <= D < sampai),
-- with the members the live journal's marks train (tps_tambahan, issue 16).
create or replace macro tps_status(as_of) as table
    select
        r.kode_tps,
        r.nomor_tps,
        r.kode_desa,
        r.kebutuhan_kpps,
        r.kpps_aktif,
        r.kpps_terlatih + coalesce(t.terlatih_baru, 0) as kpps_terlatih,
        r.ada_ketua,
        r.kursi_kosong,
        coalesce(t.status, r.status) as status
    from tps_riwayat as r
    left join tps_tambahan(as_of) as t on r.kode_tps = t.kode_tps
    where r.mulai <= as_of and (r.sampai is null or r.sampai > as_of)
