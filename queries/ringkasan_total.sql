-- Readiness summary (contract §2) of the whole area in scope as one row (no row when nothing
-- is in scope), with its number of kecamatan and of kecamatan visited.
-- $as_of: the date D; $kabupaten, $kecamatan, $desa: lists of codes, NULL = no filter.
-- $cakupan: the user's area scope (codes of any level; NULL = unrestricted, empty = nothing).
-- Every figure of ringkasan_area (queries/macros/ringkasan_area.sql) but those named below.
select
    jumlah_kecamatan as kecamatan,
    * exclude (
        kode_area,
        nama_area,
        kode_kecamatan,
        kecamatan,
        jumlah_kecamatan
    )
from
    ringkasan_area(
        $as_of::date,
        $kabupaten::varchar[],
        $kecamatan::varchar[],
        $desa::varchar[],
        $cakupan::varchar[],
        'total'
    )
