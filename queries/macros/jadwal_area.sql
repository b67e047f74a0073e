-- Expected by date D (docs/jadwal.md) for every area of one level ('desa', 'kecamatan',
-- 'kabupaten' or 'total'): the seats of its kecamatan's sessions dated <= D and after D, the
-- KPPS who could have been trained by D (target_terlatih) and by the end of the schedule
-- (target_akhir), the untrained no remaining seat can take (tanpa_kursi), the sessions to add
-- and the status. Seats never cross kecamatan: each kecamatan's figures are taken first, then
-- summed. A session without capacity counts its present members once held and no seats
-- before. Where only some desa of a kecamatan are selected (a desa filter, a desa scope, the
-- desa level) they get their share of its targets and its capacity plan's verdict
-- (macros/rencana_bimtek.sql), so a desa reads the same under every filter.
create or replace macro jadwal_area(
    as_of, pilih_kabupaten, pilih_kecamatan, pilih_desa, cakupan, tingkat
) as table
    with

    dipilih as (
        select
            w.*,
            case tingkat
                when 'total' then 'total'
                when 'kabupaten' then w.kode_kabupaten
                when 'kecamatan' then w.kode_kecamatan
                else w.kode_desa
            end as kode_area
        from wilayah_dipilih(pilih_kabupaten, pilih_kecamatan, pilih_desa, cakupan) as w
    ),

    kecamatan_dipilih as (
        select
            d.kode_kecamatan,
            -- Whole: every desa of the kecamatan selected, in one area.
            count(*) = (
                select count(*) from wilayah as w
                where w.kode_kecamatan = d.kode_kecamatan
            ) and tingkat <> 'desa' as utuh
        from dipilih as d
        group by d.kode_kecamatan
    ),

    kpps_seluruh_kecamatan as (
        select
            w.kode_kecamatan,
            cast(sum(s.kpps_aktif) as bigint) as kpps_aktif
        from desa_status(as_of) as s
        inner join wilayah as w on s.kode_desa = w.kode_desa
        where
            w.kode_kecamatan in (
                select k.kode_kecamatan from kecamatan_dipilih as k
                where not k.utuh
            )
        group by w.kode_kecamatan
    ),

    kpps_per_kecamatan as (
        select
            d.kode_area,
            d.kode_kecamatan,
            cast(sum(s.kpps_aktif) as bigint) as kpps_aktif,
            cast(sum(s.kpps_terlatih) as bigint) as kpps_terlatih
        from desa_status(as_of) as s
        inner join dipilih as d on s.kode_desa = d.kode_desa
        group by d.kode_area, d.kode_kecamatan
    ),

    kursi_per_kecamatan as (
        select
            s.kode_kecamatan,
            count(*) filter (where s.tanggal <= as_of) as sesi_jatuh_tempo,
            count(*) filter (where s.tanggal > as_of) as sesi_mendatang,
            cast(coalesce(sum(coalesce(s.kapasitas, h.hadir, 0)) filter (
                where s.tanggal <= as_of
            ), 0) as bigint) as kursi_sampai_d,
            cast(coalesce(sum(coalesce(s.kapasitas, 0)) filter (
                where s.tanggal > as_of
            ), 0) as bigint) as kursi_mendatang,
            round(avg(s.kapasitas)) as kapasitas_rata,
            min(s.tanggal) filter (where s.tanggal > as_of) as tanggal_sesi_berikutnya,
            max(s.tanggal) as tanggal_sesi_terakhir
        from bimtek_sesi as s
        left join sesi_hadir() as h on s.kode_sesi = h.kode_sesi
        where s.kode_kecamatan in (select k.kode_kecamatan from kecamatan_dipilih as k)
        group by s.kode_kecamatan
    ),

    tanpa_kursi_per_desa as (
        -- The capacity plan only where a kecamatan is not whole: for a whole one its count
        -- is the untrained less the seats ahead, without placing anyone.
        select
            r.kode_desa,
            count(*) as tanpa_kursi
        from
            rencana_bimtek(
                as_of,
                (
                    select coalesce(list(k.kode_kecamatan), [])
                    from kecamatan_dipilih as k
                    where not k.utuh
                )
            ) as r
        where r.kode_sesi is null
        group by r.kode_desa
    ),

    tanpa_kursi_sebagian as (
        select
            d.kode_area,
            d.kode_kecamatan,
            cast(sum(t.tanpa_kursi) as bigint) as tanpa_kursi
        from tanpa_kursi_per_desa as t
        inner join dipilih as d on t.kode_desa = d.kode_desa
        group by d.kode_area, d.kode_kecamatan
    ),

    per_kecamatan as (
        select
            k.kode_area,
            k.kpps_aktif,
            k.kpps_terlatih,
            coalesce(c.sesi_jatuh_tempo, 0) as sesi_jatuh_tempo,
            coalesce(c.sesi_mendatang, 0) as sesi_mendatang,
            coalesce(c.kursi_sampai_d, 0) as kursi_sampai_d,
            coalesce(c.kursi_mendatang, 0) as kursi_mendatang,
            c.tanggal_sesi_berikutnya,
            c.tanggal_sesi_terakhir,
            -- A whole kecamatan: min(active, seats). Part of one: its share of the
            -- kecamatan's, in proportion to its active KPPS (the same when whole).
            least(k.kpps_aktif, cast(round(
                k.kpps_aktif * coalesce(c.kursi_sampai_d, 0)
                / nullif(coalesce(a.kpps_aktif, k.kpps_aktif), 0)
            ) as bigint)) as target_terlatih,
            least(k.kpps_aktif, cast(round(
                k.kpps_aktif * (coalesce(c.kursi_sampai_d, 0) + coalesce(c.kursi_mendatang, 0))
                / nullif(coalesce(a.kpps_aktif, k.kpps_aktif), 0)
            ) as bigint)) as target_akhir,
            case
                when u.utuh
                    then greatest(
                        k.kpps_aktif - k.kpps_terlatih - coalesce(c.kursi_mendatang, 0), 0
                    )
                else coalesce(t.tanpa_kursi, 0)
            end as tanpa_kursi,
            -- A kecamatan's own sessions give the size of one more; without any with a
            -- capacity, the dataset's.
            coalesce(
                c.kapasitas_rata,
                (select round(avg(s.kapasitas)) from bimtek_sesi as s)
            ) as kapasitas_rata
        from kpps_per_kecamatan as k
        inner join kecamatan_dipilih as u on k.kode_kecamatan = u.kode_kecamatan
        left join kursi_per_kecamatan as c on k.kode_kecamatan = c.kode_kecamatan
        left join kpps_seluruh_kecamatan as a on k.kode_kecamatan = a.kode_kecamatan
        left join tanpa_kursi_sebagian as t
            on k.kode_area = t.kode_area and k.kode_kecamatan = t.kode_kecamatan
    ),

    per_area as (
        select
            kode_area,
            cast(sum(kpps_aktif) as bigint) as kpps_aktif,
            cast(sum(kpps_terlatih) as bigint) as kpps_terlatih,
            cast(sum(sesi_jatuh_tempo) as bigint) as sesi_jatuh_tempo,
            cast(sum(sesi_mendatang) as bigint) as sesi_mendatang,
            cast(sum(kursi_sampai_d) as bigint) as kursi_sampai_d,
            cast(sum(kursi_mendatang) as bigint) as kursi_mendatang,
            cast(sum(coalesce(target_terlatih, 0)) as bigint) as target_terlatih,
            cast(sum(coalesce(target_akhir, 0)) as bigint) as target_akhir,
            cast(sum(tanpa_kursi) as bigint) as tanpa_kursi,
            -- NULL: sessions are missing but no session anywhere has a capacity to size them.
            case
                when not bool_or(tanpa_kursi > 0 and kapasitas_rata is null)
                    then cast(sum(
                        case
                            when tanpa_kursi > 0 then ceil(tanpa_kursi / kapasitas_rata)
                            else 0
                        end
                    ) as bigint)
            end as sesi_tambahan,
            min(tanggal_sesi_berikutnya) as tanggal_sesi_berikutnya,
            max(tanggal_sesi_terakhir) as tanggal_sesi_terakhir
        from per_kecamatan
        group by kode_area
    )

    select
        *,
        greatest(target_terlatih - kpps_terlatih, 0) as selisih_jadwal,
        -- The order of the rules is their severity (docs/jadwal.md); 0.80 is the share of the
        -- seats held so far that counts as on schedule (theme.COVERAGE_RED_BELOW).
        case
            when kpps_terlatih >= kpps_aktif then 'sesuai jadwal'
            when tanpa_kursi > 0 then 'jadwal tidak cukup'
            when sesi_jatuh_tempo = 0 then 'belum dijadwalkan'
            when kpps_terlatih < 0.80 * target_terlatih then 'tertinggal dari jadwal'
            else 'sesuai jadwal'
        end as status_jadwal
    from per_area
