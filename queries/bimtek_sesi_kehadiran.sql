-- Bimtek sessions of the kecamatan in scope: roll call and attendance against capacity at $as_of.
-- A session dated after it is 'Belum berlangsung': its counts, fill and supervision are NULL
-- (not yet known), never 0. $kabupaten, $kecamatan, $desa: lists of codes,
-- NULL = no filter; counts cover everyone on the session's roll call. $cakupan: the user's area
-- scope (codes of any level; NULL = unrestricted, empty = nothing). A session belongs to its
-- kecamatan, so a desa scope sees those of its kecamatan; `disupervisi` counts only visits in the
-- scope (macros/kunjungan_dalam_cakupan.sql).
with

kecamatan_dipilih as (
    select distinct
        kode_kecamatan,
        kecamatan
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

final as (
    select
        s.kode_sesi,
        s.kode_kecamatan,
        k.kecamatan,
        s.tanggal,
        s.tempat,
        s.kapasitas,
        s.tanggal <= $as_of::date as sudah_berlangsung,
        case
            when s.tanggal <= $as_of::date then 'Sudah berlangsung' else 'Belum berlangsung'
        end as keadaan_sesi,
        case when s.tanggal <= $as_of::date then coalesce(p.dipanggil, 0) end as dipanggil,
        case when s.tanggal <= $as_of::date then coalesce(p.hadir, 0) end as hadir
    from bimtek_sesi as s
    inner join kecamatan_dipilih as k on s.kode_kecamatan = k.kode_kecamatan
    left join sesi_hadir() as p on s.kode_sesi = p.kode_sesi
)

select
    f.*,
    f.dipanggil - f.hadir as tidak_hadir,
    f.hadir / f.kapasitas as keterisian,
    case
        when f.sudah_berlangsung
            then f.kode_sesi in (select d.kode_sesi from disupervisi as d)
    end as disupervisi
from final as f
order by f.tanggal, f.kode_sesi
