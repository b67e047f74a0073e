-- Every desa with TPS at as_of: the sums of its TPS's figures (straight from the tables).
create or replace macro desa_status(as_of) as table
    select
        s.kode_desa,
        count(*) as tps,
        sum(s.kebutuhan_kpps) as kebutuhan_kpps,
        sum(s.kpps_aktif) as kpps_aktif,
        sum(s.kursi_kosong) as kursi_kosong,
        sum(s.kpps_terlatih) as kpps_terlatih,
        count(*) filter (where s.status = 'siap') as tps_siap,
        count(*) filter (where s.status = 'kurang_petugas') as tps_kurang_petugas,
        count(*) filter (where s.status = 'tanpa_ketua') as tps_tanpa_ketua,
        count(*) filter (where s.status = 'belum_bimtek') as tps_belum_bimtek
    from tps_status(as_of) as s
    group by s.kode_desa
