-- The capacity plan (docs/jadwal.md) per upcoming session (dated after $as_of) of the kecamatan
-- in scope: its seats, how many of the kecamatan's untrained it takes (nearest date first) and
-- the seats left. $kabupaten, $kecamatan, $desa: lists of codes, NULL = no filter (a session
-- serves its whole kecamatan). $cakupan: the area scope (NULL = unrestricted, empty = nothing).
with

kecamatan_dipilih as (
    select distinct
        kode_kecamatan,
        kecamatan
    from wilayah_dipilih(
        $kabupaten::varchar[], $kecamatan::varchar[], $desa::varchar[], $cakupan::varchar[]
    )
),

belum_per_kecamatan as (
    select
        w.kode_kecamatan,
        cast(sum(s.kpps_aktif - s.kpps_terlatih) as bigint) as belum_bimtek
    from desa_status($as_of::date) as s
    inner join wilayah as w on s.kode_desa = w.kode_desa
    where w.kode_kecamatan in (select k.kode_kecamatan from kecamatan_dipilih as k)
    group by w.kode_kecamatan
),

sesi_mendatang as (
    select
        s.kode_sesi,
        s.kode_kecamatan,
        s.tanggal,
        s.tempat,
        s.kapasitas,
        coalesce(s.kapasitas, 0) as kursi,
        sum(coalesce(s.kapasitas, 0)) over (
            partition by s.kode_kecamatan
            order by s.tanggal asc, s.kode_sesi asc
            rows between unbounded preceding and current row
        ) as kursi_sampai_sesi
    from bimtek_sesi as s
    where
        s.tanggal > $as_of::date
        and s.kode_kecamatan in (select k.kode_kecamatan from kecamatan_dipilih as k)
),

final as (
    select
        s.kode_sesi,
        s.kode_kecamatan,
        k.kecamatan,
        s.tanggal,
        s.tempat,
        s.kapasitas,
        -- The untrained not yet placed in earlier sessions, up to this session's seats.
        cast(least(
            s.kursi,
            greatest(coalesce(b.belum_bimtek, 0) - (s.kursi_sampai_sesi - s.kursi), 0)
        ) as bigint) as ditempatkan
    from sesi_mendatang as s
    inner join kecamatan_dipilih as k on s.kode_kecamatan = k.kode_kecamatan
    left join belum_per_kecamatan as b on s.kode_kecamatan = b.kode_kecamatan
)

select
    *,
    coalesce(kapasitas, 0) - ditempatkan as kursi_sisa
from final
order by kode_kecamatan, tanggal, kode_sesi
