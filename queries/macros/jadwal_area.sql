-- Expected by date D (docs/jadwal.md) for every area of one level ('kabupaten', 'kecamatan' or
-- 'total'): the seats of its kecamatan's sessions dated <= D and after D, the KPPS who could
-- have been trained by D (target_terlatih) and by the end of the schedule (target_akhir), the
-- untrained no remaining seat can take (tanpa_kursi) and the status. Seats never cross
-- kecamatan: each kecamatan's figures are taken first, then summed. A session without
-- capacity counts its present members once held and no seats before. cakupan: the area scope.
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
                else w.kode_kecamatan
            end as kode_area
        from wilayah_dipilih(pilih_kabupaten, pilih_kecamatan, pilih_desa, cakupan) as w
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
            min(s.tanggal) filter (where s.tanggal > as_of) as tanggal_sesi_berikutnya,
            max(s.tanggal) as tanggal_sesi_terakhir
        from bimtek_sesi as s
        left join sesi_hadir() as h on s.kode_sesi = h.kode_sesi
        where s.kode_kecamatan in (select d.kode_kecamatan from dipilih as d)
        group by s.kode_kecamatan
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
            least(k.kpps_aktif, coalesce(c.kursi_sampai_d, 0)) as target_terlatih,
            least(
                k.kpps_aktif, coalesce(c.kursi_sampai_d, 0) + coalesce(c.kursi_mendatang, 0)
            ) as target_akhir,
            greatest(
                k.kpps_aktif - k.kpps_terlatih - coalesce(c.kursi_mendatang, 0), 0
            ) as tanpa_kursi
        from kpps_per_kecamatan as k
        left join kursi_per_kecamatan as c on k.kode_kecamatan = c.kode_kecamatan
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
            cast(sum(target_terlatih) as bigint) as target_terlatih,
            cast(sum(target_akhir) as bigint) as target_akhir,
            cast(sum(tanpa_kursi) as bigint) as tanpa_kursi,
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
