-- Members present on the imported paper lists (bimtek_hadir) of the sessions of the kecamatan
-- in scope, one row per session and NIK (issue 16: the Presensi page shows them as present
-- already). $kabupaten, $kecamatan, $desa: lists of codes, NULL = no filter. $cakupan: the
-- user's area scope (codes of any level; NULL = unrestricted, empty = nothing).
with

kecamatan_dipilih as (
    select distinct kode_kecamatan
    from wilayah_dipilih(
        $kabupaten::varchar[], $kecamatan::varchar[], $desa::varchar[], $cakupan::varchar[]
    )
)

select distinct
    h.kode_sesi,
    h.nik
from bimtek_hadir as h
inner join bimtek_sesi as s on h.kode_sesi = s.kode_sesi
inner join kecamatan_dipilih as k on s.kode_kecamatan = k.kode_kecamatan
where h.hadir and h.nik is not null
order by h.kode_sesi, h.nik
