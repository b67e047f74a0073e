-- Members active at $as_of in scope trained by each day, from the first session to $as_of
-- (the Bimtek curve). $kabupaten, $kecamatan, $desa: lists of codes, NULL = no filter.
with

aktif as (
    select a.tanggal_bimtek
    from anggota_aktif($as_of::date) as a
    inner join wilayah_dipilih(
        $kabupaten::varchar[], $kecamatan::varchar[], $desa::varchar[]
    ) as w on a.kode_desa = w.kode_desa
),

hari as (
    select cast(unnest(generate_series(
        (select min(s.tanggal) from bimtek_sesi as s),
        $as_of::date,
        interval 1 day
    )) as date) as tanggal
),

baru as (
    select
        tanggal_bimtek as tanggal,
        count(*) as terlatih_baru
    from aktif
    where tanggal_bimtek is not null
    group by tanggal_bimtek
),

final as (
    select
        h.tanggal,
        coalesce(b.terlatih_baru, 0) as terlatih_baru,
        cast(sum(coalesce(b.terlatih_baru, 0)) over (order by h.tanggal) as bigint)
            as terlatih_kumulatif,
        (select count(*) from aktif) as kpps_aktif
    from hari as h
    left join baru as b on h.tanggal = b.tanggal
)

select * from final
order by tanggal
