-- The TPS whose figures at as_of the live journal's marks change (issue 16): members active at
-- as_of whom only the journal makes trained by then, and the TPS status that follows (more
-- trained members can only turn belum_bimtek into siap). jurnal.tps_riwayat holds the stored
-- history of just those TPS (queries/jurnal/10_tambahan.sql).
create or replace macro tps_tambahan(as_of) as table
    with

    baru as (
        select
            a.kode_tps,
            count(*) as terlatih_baru
        from jurnal.anggota_baru as a
        where
            (a.tanggal_sk is null or a.tanggal_sk <= as_of)
            and (a.tanggal_berhenti is null or a.tanggal_berhenti > as_of)
            and a.tanggal_baru <= as_of
            and (a.tanggal_lama is null or a.tanggal_lama > as_of)
        group by a.kode_tps
    )

    select
        r.kode_tps,
        r.kode_desa,
        b.terlatih_baru,
        r.status as status_lama,
        case
            when
                r.status = 'belum_bimtek' and r.kpps_terlatih + b.terlatih_baru >= r.kpps_aktif
                then 'siap'
            else r.status
        end as status
    from jurnal.tps_riwayat as r
    inner join baru as b on r.kode_tps = b.kode_tps
    where r.mulai <= as_of and (r.sampai is null or r.sampai > as_of)
