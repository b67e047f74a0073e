-- Every TPS at as_of: seats, active and trained members, ketua, and its status (contract §2).
create or replace macro tps_status(as_of) as table
    with

    anggota_aktif as (
        select
            a.kode_tps,
            count(*) as kpps_aktif,
            count(t.nik) as kpps_terlatih,
            bool_or(a.jabatan = 'ketua') as ada_ketua
        from kpps_aktif(as_of) as a
        left join nik_terlatih(as_of) as t on a.nik = t.nik
        group by a.kode_tps
    ),

    per_tps as (
        select
            t.kode_tps,
            t.nomor_tps,
            t.kode_desa,
            t.kebutuhan_kpps,
            coalesce(a.kpps_aktif, 0) as kpps_aktif,
            coalesce(a.kpps_terlatih, 0) as kpps_terlatih,
            coalesce(a.ada_ketua, false) as ada_ketua
        from tps as t
        left join anggota_aktif as a on t.kode_tps = a.kode_tps
    )

    select
        *,
        greatest(kebutuhan_kpps - kpps_aktif, 0) as kursi_kosong,
        case
            when kpps_aktif < kebutuhan_kpps then 'kurang_petugas'
            when not ada_ketua then 'tanpa_ketua'
            when kpps_terlatih < kpps_aktif then 'belum_bimtek'
            else 'siap'
        end as status
    from per_tps
