-- Readiness summary (contract §2) per kecamatan in scope, as of $as_of.
-- $as_of: the date D; $kabupaten, $kecamatan, $desa: lists of codes, NULL = no filter.
-- $cakupan: the user's area scope (codes of any level; NULL = unrestricted, empty = nothing).
select
    kode_area as kode_kecamatan,
    nama_area as kecamatan,
    desa,
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
    sesi_bimtek,
    kunjungan_supervisi,
    sesi_disupervisi,
    desa_dikunjungi
from
    ringkasan_area(
        $as_of::date,
        $kabupaten::varchar[],
        $kecamatan::varchar[],
        $desa::varchar[],
        $cakupan::varchar[],
        'kecamatan'
    )
order by kode_kecamatan
