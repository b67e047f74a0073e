-- Bimtek sessions held by $as_of in the kecamatan in scope, and who supervised each. $kabupaten,
-- $kecamatan, $desa: lists of codes, NULL = no filter. $cakupan: the user's area scope (codes of
-- any level; NULL = unrestricted, empty = nothing). A desa scope sees its kecamatan's sessions;
-- only visits in the scope count.
with

kecamatan_dipilih as (
    select distinct
        kode_kecamatan,
        kecamatan
    from wilayah_dipilih(
        $kabupaten::varchar[], $kecamatan::varchar[], $desa::varchar[], $cakupan::varchar[]
    )
),

kunjungan_per_sesi as (
    select
        v.kode_sesi,
        count(*) as kunjungan,
        string_agg(distinct v.pengawas, '; ' order by v.pengawas) as pengawas
    from supervisi as v
    where
        v.tanggal <= $as_of::date
        and v.kode_sesi is not null
        and kunjungan_dalam_cakupan(v.kode_kecamatan, v.kode_desa, $cakupan::varchar[])
    group by v.kode_sesi
)

select
    s.kode_sesi,
    s.kode_kecamatan,
    k.kecamatan,
    s.tanggal,
    s.tempat,
    coalesce(v.kunjungan, 0) as kunjungan,
    v.kunjungan is not null as disupervisi,
    v.pengawas
from bimtek_sesi as s
inner join kecamatan_dipilih as k on s.kode_kecamatan = k.kode_kecamatan
left join kunjungan_per_sesi as v on s.kode_sesi = v.kode_sesi
where s.tanggal <= $as_of::date
order by s.tanggal, s.kode_sesi
