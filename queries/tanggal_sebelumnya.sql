-- The day of data before $as_of in scope: the latest date before it on which a member was
-- appointed or stopped, a session of its kecamatan was held or a visit made (the dates that
-- set the default date, contract §2). No row when there is none. $kabupaten, $kecamatan, $desa:
-- lists of codes, NULL = no filter. $cakupan: the area scope (NULL = unrestricted, empty =
-- nothing).
with

dipilih as (
    select *
    from wilayah_dipilih(
        $kabupaten::varchar[], $kecamatan::varchar[], $desa::varchar[], $cakupan::varchar[]
    )
),

tanggal as (
    select s.tanggal
    from bimtek_sesi as s
    where s.kode_kecamatan in (select d.kode_kecamatan from dipilih as d)
    union all
    select v.tanggal
    from supervisi as v
    where
        v.kode_kecamatan in (select d.kode_kecamatan from dipilih as d)
        and kunjungan_dalam_cakupan(v.kode_kecamatan, v.kode_desa, $cakupan::varchar[])
    union all
    select a.tanggal
    from tanggal_anggota() as a
    where a.kode_desa in (select d.kode_desa from dipilih as d)
)

select max(tanggal) as tanggal_sebelumnya
from tanggal
where tanggal < $as_of::date
having count(*) > 0
