-- Members active at $as_of in scope trained by each day, from the first session to $as_of
-- (the Bimtek curve). $kabupaten, $kecamatan, $desa: lists of codes, NULL = no filter.
with

aktif as (
    select
        a.nik,
        t.tanggal_bimtek_pertama
    from kpps_aktif($as_of::date) as a
    inner join tps on a.kode_tps = tps.kode_tps
    inner join wilayah_dipilih(
        $kabupaten::varchar[], $kecamatan::varchar[], $desa::varchar[]
    ) as w on tps.kode_desa = w.kode_desa
    left join nik_terlatih($as_of::date) as t on a.nik = t.nik
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
        tanggal_bimtek_pertama as tanggal,
        count(*) as terlatih_baru
    from aktif
    where tanggal_bimtek_pertama is not null
    group by tanggal_bimtek_pertama
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
