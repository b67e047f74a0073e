-- Supervision visits dated on or before $as_of in scope, with a point for the map (the desa named,
-- else the middle of the kecamatan's desa). $kabupaten, $kecamatan, $desa: lists of codes, NULL =
-- no filter; with a desa filter only visits naming a desa in scope. $cakupan: the user's area
-- scope (codes of any level; NULL = unrestricted, empty = nothing). A visit is in it when the area
-- it names (its desa, else its kecamatan) is.
with

dipilih as (
    select *
    from wilayah_dipilih(
        $kabupaten::varchar[], $kecamatan::varchar[], $desa::varchar[], $cakupan::varchar[]
    )
),

kecamatan_dipilih as (
    select
        kode_kecamatan,
        min(kecamatan) as kecamatan
    from dipilih
    group by kode_kecamatan
),

titik_kecamatan as (
    select
        kode_kecamatan,
        avg(lat) as lat,
        avg(lon) as lon
    from wilayah
    group by kode_kecamatan
)

select
    v.tanggal,
    v.pengawas,
    v.lembaga,
    v.kode_kecamatan,
    k.kecamatan,
    v.kode_desa,
    d.desa,
    v.kode_sesi,
    v.temuan,
    v.tindak_lanjut,
    coalesce(d.lat, t.lat) as lat,
    coalesce(d.lon, t.lon) as lon
from supervisi as v
inner join kecamatan_dipilih as k on v.kode_kecamatan = k.kode_kecamatan
left join wilayah as d on v.kode_desa = d.kode_desa
left join titik_kecamatan as t on v.kode_kecamatan = t.kode_kecamatan
where
    v.tanggal <= $as_of::date
    and ($desa::varchar[] is null or list_contains($desa::varchar[], v.kode_desa))
    and kunjungan_dalam_cakupan(v.kode_kecamatan, v.kode_desa, $cakupan::varchar[])
order by v.tanggal, v.kode_kecamatan, v.pengawas
