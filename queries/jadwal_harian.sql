-- The expected line of the Bimtek curve (docs/jadwal.md): for each day from the first session
-- of the kecamatan in scope to $as_of or their last session, whichever is later, how many of
-- the KPPS active at $as_of the sessions dated up to that day had room for (target_terlatih,
-- summed per kecamatan as jadwal_total). $kabupaten, $kecamatan, $desa: lists of codes, NULL =
-- no filter. $cakupan: the area scope (NULL = unrestricted, empty = nothing).
with

dipilih as (
    select *
    from wilayah_dipilih(
        $kabupaten::varchar[], $kecamatan::varchar[], $desa::varchar[], $cakupan::varchar[]
    )
),

kpps_dipilih as (
    select
        d.kode_kecamatan,
        cast(sum(s.kpps_aktif) as bigint) as kpps_aktif
    from desa_status($as_of::date) as s
    inner join dipilih as d on s.kode_desa = d.kode_desa
    group by d.kode_kecamatan
),

kpps_seluruh_kecamatan as (
    -- A kecamatan's seats serve all its desa: a part of it gets its share (jadwal_area).
    select
        w.kode_kecamatan,
        cast(sum(s.kpps_aktif) as bigint) as kpps_aktif
    from desa_status($as_of::date) as s
    inner join wilayah as w on s.kode_desa = w.kode_desa
    where w.kode_kecamatan in (select k.kode_kecamatan from kpps_dipilih as k)
    group by w.kode_kecamatan
),

kursi_per_hari as (
    select
        s.kode_kecamatan,
        s.tanggal,
        -- Held by $as_of without a capacity: its present members; planned without: none.
        sum(
            case
                when s.tanggal <= $as_of::date then coalesce(s.kapasitas, h.hadir, 0)
                else coalesce(s.kapasitas, 0)
            end
        ) as kursi
    from bimtek_sesi as s
    left join sesi_hadir() as h on s.kode_sesi = h.kode_sesi
    where s.kode_kecamatan in (select k.kode_kecamatan from kpps_dipilih as k)
    group by s.kode_kecamatan, s.tanggal
),

hari as (
    select cast(unnest(generate_series(
        (select min(k.tanggal) from kursi_per_hari as k),
        greatest($as_of::date, (select max(k.tanggal) from kursi_per_hari as k)),
        interval 1 day
    )) as date) as tanggal
),

per_kecamatan as (
    select
        h.tanggal,
        p.kode_kecamatan,
        p.kpps_aktif,
        a.kpps_aktif as kpps_aktif_kecamatan,
        cast(coalesce(sum(k.kursi), 0) as bigint) as kursi
    from hari as h
    cross join kpps_dipilih as p
    inner join kpps_seluruh_kecamatan as a on p.kode_kecamatan = a.kode_kecamatan
    left join kursi_per_hari as k
        on p.kode_kecamatan = k.kode_kecamatan and h.tanggal >= k.tanggal
    group by h.tanggal, p.kode_kecamatan, p.kpps_aktif, a.kpps_aktif
),

final as (
    select
        tanggal,
        cast(sum(kursi) as bigint) as kursi_kumulatif,
        cast(sum(coalesce(least(
            kpps_aktif, round(kpps_aktif * kursi / nullif(kpps_aktif_kecamatan, 0))
        ), 0)) as bigint) as target_terlatih
    from per_kecamatan
    group by tanggal
)

select * from final
order by tanggal
