-- Readiness summary (contract §2) per desa/kelurahan in scope, as of $as_of; visits are
-- those naming the desa. $kabupaten, $kecamatan, $desa: lists of codes, NULL = no filter.
-- $cakupan: the user's area scope (codes of any level; NULL = unrestricted, empty = nothing).
-- Every figure of ringkasan_area (queries/macros/ringkasan_area.sql) but those named below:
-- sessions and their visits belong to kecamatan, not to a desa.
select
    kode_kecamatan,
    kecamatan,
    kode_area as kode_desa,
    nama_area as desa,
    * exclude (
        kode_area,
        nama_area,
        kode_kecamatan,
        kecamatan,
        jumlah_kecamatan,
        desa,
        sesi_bimtek,
        sesi_disupervisi,
        desa_dikunjungi,
        kecamatan_dikunjungi
    )
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
