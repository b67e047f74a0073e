-- Supervision per kecamatan in scope as of $as_of: visits, sessions and desa visited, and days
-- since the last visit. $kabupaten, $kecamatan, $desa: lists of codes, NULL = no filter; with a
-- desa filter only visits naming a desa in scope count. $cakupan: the user's area scope (codes of
-- any level; NULL = unrestricted, empty = nothing). Visits outside it never count (also not for
-- sesi_disupervisi).
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
        min(kecamatan) as kecamatan,
        count(*) as desa
    from dipilih
    group by kode_kecamatan
),

kunjungan as (
    select v.*
    from supervisi as v
    where
        v.tanggal <= $as_of::date
        and ($desa::varchar[] is null or list_contains($desa::varchar[], v.kode_desa))
        and kunjungan_dalam_cakupan(v.kode_kecamatan, v.kode_desa, $cakupan::varchar[])
),

kunjungan_per_kecamatan as (
    select
        v.kode_kecamatan,
        count(*) as kunjungan,
        count(distinct v.kode_desa) filter (
            where v.kode_desa in (select d.kode_desa from dipilih as d)
        ) as desa_dikunjungi,
        max(v.tanggal) as kunjungan_terakhir
    from kunjungan as v
    group by v.kode_kecamatan
),

sesi_per_kecamatan as (
    select
        s.kode_kecamatan,
        count(*) as sesi,
        count(*) filter (
            where s.kode_sesi in (
                select v.kode_sesi from supervisi as v
                where
                    v.tanggal <= $as_of::date
                    and v.kode_sesi is not null
                    and kunjungan_dalam_cakupan(v.kode_kecamatan, v.kode_desa, $cakupan::varchar[])
            )
        ) as sesi_disupervisi
    from bimtek_sesi as s
    where s.tanggal <= $as_of::date
    group by s.kode_kecamatan
)

select
    k.kode_kecamatan,
    k.kecamatan,
    coalesce(v.kunjungan, 0) as kunjungan,
    coalesce(s.sesi, 0) as sesi,
    coalesce(s.sesi_disupervisi, 0) as sesi_disupervisi,
    k.desa,
    coalesce(v.desa_dikunjungi, 0) as desa_dikunjungi,
    v.kunjungan_terakhir,
    $as_of::date - v.kunjungan_terakhir as hari_sejak_kunjungan
from kecamatan_dipilih as k
left join kunjungan_per_kecamatan as v on k.kode_kecamatan = v.kode_kecamatan
left join sesi_per_kecamatan as s on k.kode_kecamatan = s.kode_kecamatan
order by k.kode_kecamatan
