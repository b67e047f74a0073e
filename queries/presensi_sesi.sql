-- Bimtek sessions of the kecamatan in scope, for taking attendance at the venue (issue 16).
-- $kabupaten, $kecamatan, $desa: lists of codes, NULL = no filter. $cakupan: the user's area
-- scope (codes of any level; NULL = unrestricted, empty = nothing).
with

kecamatan_dipilih as (
    select distinct
        kode_kecamatan,
        kecamatan
    from wilayah_dipilih(
        $kabupaten::varchar[], $kecamatan::varchar[], $desa::varchar[], $cakupan::varchar[]
    )
)

select
    s.kode_sesi,
    s.kode_kecamatan,
    k.kecamatan,
    s.tanggal,
    s.tempat,
    s.kapasitas
from bimtek_sesi as s
inner join kecamatan_dipilih as k on s.kode_kecamatan = k.kode_kecamatan
order by s.tanggal, s.kode_sesi
