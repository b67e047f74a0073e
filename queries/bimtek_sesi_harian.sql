-- Bimtek sessions per day of the kecamatan in scope, as of $as_of: how many and their seats;
-- for a day up to $as_of the members called and present and the sessions supervised, NULL for a
-- later day (not yet held, never 0). $kabupaten, $kecamatan, $desa: lists of codes, NULL = no
-- filter. $cakupan: the area scope (NULL = unrestricted, empty = nothing); as in
-- bimtek_sesi_kehadiran, only visits in the scope count.
with

kecamatan_dipilih as (
    select distinct kode_kecamatan
    from wilayah_dipilih(
        $kabupaten::varchar[], $kecamatan::varchar[], $desa::varchar[], $cakupan::varchar[]
    )
),

disupervisi as (
    select distinct v.kode_sesi
    from supervisi as v
    where
        v.tanggal <= $as_of::date
        and v.kode_sesi is not null
        and kunjungan_dalam_cakupan(v.kode_kecamatan, v.kode_desa, $cakupan::varchar[])
),

sesi as (
    select
        s.tanggal,
        s.kapasitas,
        coalesce(p.dipanggil, 0) as dipanggil,
        coalesce(p.hadir, 0) as hadir,
        s.kode_sesi in (select d.kode_sesi from disupervisi as d) as disupervisi
    from bimtek_sesi as s
    inner join kecamatan_dipilih as k on s.kode_kecamatan = k.kode_kecamatan
    left join sesi_hadir() as p on s.kode_sesi = p.kode_sesi
),

final as (
    select
        tanggal,
        tanggal <= $as_of::date as sudah_berlangsung,
        count(*) as sesi,
        cast(sum(kapasitas) as bigint) as kapasitas,
        case when tanggal <= $as_of::date then cast(sum(dipanggil) as bigint) end as dipanggil,
        case when tanggal <= $as_of::date then cast(sum(hadir) as bigint) end as hadir,
        case
            when tanggal <= $as_of::date then count(*) filter (where disupervisi)
        end as sesi_disupervisi
    from sesi
    group by tanggal
)

select
    *,
    dipanggil - hadir as tidak_hadir
from final
order by tanggal
