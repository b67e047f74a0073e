-- Readiness summary (contract §2) of the whole area in scope as one row (no row when nothing
-- is in scope), with its number of kecamatan and of kecamatan visited.
-- $as_of: the date D; $kabupaten, $kecamatan, $desa: lists of codes, NULL = no filter.
-- $cakupan: the user's area scope (codes of any level; NULL = unrestricted, empty = nothing).
select
    jumlah_kecamatan as kecamatan,
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
    desa_dikunjungi,
    kecamatan_dikunjungi
from
    ringkasan_area(
        $as_of::date,
        $kabupaten::varchar[],
        $kecamatan::varchar[],
        $desa::varchar[],
        $cakupan::varchar[],
        'total'
    )
