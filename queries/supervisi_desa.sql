-- Supervision per desa/kelurahan in scope as of $as_of: visits naming it and the latest one.
-- $kabupaten, $kecamatan, $desa: lists of codes, NULL = no filter.
-- $cakupan: the user's area scope (codes of any level; NULL = unrestricted, empty = nothing).
with

kunjungan_per_desa as (
    select
        v.kode_desa,
        count(*) as kunjungan,
        max(v.tanggal) as kunjungan_terakhir
    from supervisi as v
    where v.tanggal <= $as_of::date and v.kode_desa is not null
    group by v.kode_desa
)

select
    w.kode_kecamatan,
    w.kecamatan,
    w.kode_desa,
    w.desa,
    w.lat,
    w.lon,
    coalesce(v.kunjungan, 0) as kunjungan,
    v.kunjungan_terakhir,
    v.kunjungan is not null as dikunjungi
from
    wilayah_dipilih(
        $kabupaten::varchar[], $kecamatan::varchar[], $desa::varchar[], $cakupan::varchar[]
    ) as w
left join kunjungan_per_desa as v on w.kode_desa = v.kode_desa
order by w.kode_desa
