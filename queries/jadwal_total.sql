-- Expected by date (docs/jadwal.md) for the whole scope at $as_of: seats held and to come,
-- targets, gap and status_jadwal. $kabupaten, $kecamatan, $desa: lists of codes, NULL = no
-- filter. $cakupan: the area scope (codes of any level; NULL = unrestricted, empty = nothing).
select
    kode_area,
    kpps_aktif,
    kpps_terlatih,
    sesi_jatuh_tempo,
    sesi_mendatang,
    kursi_sampai_d,
    kursi_mendatang,
    target_terlatih,
    target_akhir,
    selisih_jadwal,
    tanpa_kursi,
    sesi_tambahan,
    tanggal_sesi_berikutnya,
    tanggal_sesi_terakhir,
    status_jadwal
from
    jadwal_area(
        $as_of::date,
        $kabupaten::varchar[],
        $kecamatan::varchar[],
        $desa::varchar[],
        $cakupan::varchar[],
        'total'
    )
order by kode_area
