-- The next Bimtek session after $as_of of each kecamatan in scope (session columns NULL when none
-- is planned) and how many sessions it still has after $as_of. $kabupaten, $kecamatan, $desa:
-- lists of codes, NULL = no filter. $cakupan: the user's area scope (codes of any level; NULL =
-- unrestricted, empty = nothing). A desa scope sees its kecamatan's sessions.
with

kecamatan_dipilih as (
    select distinct
        kode_kecamatan,
        kecamatan
    from wilayah_dipilih(
        $kabupaten::varchar[], $kecamatan::varchar[], $desa::varchar[], $cakupan::varchar[]
    )
),

sesi_mendatang as (
    select
        s.kode_sesi,
        s.kode_kecamatan,
        s.tanggal,
        s.tempat,
        s.kapasitas,
        row_number() over (
            partition by s.kode_kecamatan order by s.tanggal asc, s.kode_sesi asc
        ) as urutan,
        count(*) over (partition by s.kode_kecamatan) as sesi_mendatang
    from bimtek_sesi as s
    where s.tanggal > $as_of::date
),

final as (
    select
        k.kode_kecamatan,
        k.kecamatan,
        m.kode_sesi,
        m.tanggal,
        m.tempat,
        m.kapasitas,
        coalesce(m.sesi_mendatang, 0) as sesi_mendatang
    from kecamatan_dipilih as k
    left join sesi_mendatang as m
        on k.kode_kecamatan = m.kode_kecamatan and m.urutan = 1
)

select * from final
order by kode_kecamatan
