-- Readiness summary (contract §2) per desa/kelurahan in scope, as of $as_of; visits are
-- those naming the desa. $kabupaten, $kecamatan, $desa: lists of codes, NULL = no filter.
-- $cakupan: the user's area scope (codes of any level; NULL = unrestricted, empty = nothing).
select
    kode_kecamatan,
    kecamatan,
    kode_area as kode_desa,
    nama_area as desa,
    tps,
    kebutuhan_kpps,
    kpps_aktif,
    kursi_kosong,
    kpps_terlatih,
    cakupan_bimtek,
    tps_siap,
    tps_kurang_petugas,
    tps_tanpa_ketua,
    tps_belum_bimtek,
    kunjungan_supervisi
from
    ringkasan_area(
        $as_of::date,
        $kabupaten::varchar[],
        $kecamatan::varchar[],
        $desa::varchar[],
        $cakupan::varchar[],
        'desa'
    )
order by kode_desa
