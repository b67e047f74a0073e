-- Readiness summary (contract §2) per kecamatan in scope, as of $as_of.
-- $as_of: the date D; $kabupaten, $kecamatan, $desa: lists of codes, NULL = no filter.
-- $cakupan: the user's area scope (codes of any level; NULL = unrestricted, empty = nothing).
-- Every figure of ringkasan_area (queries/macros/ringkasan_area.sql) but those named below;
-- kecamatan_dikunjungi is the whole view's, not one area's.
select
    kode_area as kode_kecamatan,
    nama_area as kecamatan,
    * exclude (
        kode_area,
        nama_area,
        kode_kecamatan,
        kecamatan,
        jumlah_kecamatan,
        kecamatan_dikunjungi
    )
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
