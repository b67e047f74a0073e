-- Members active at $as_of in scope trained by each day, from the first session to $as_of (the
-- Bimtek curve). $kabupaten, $kecamatan, $desa: lists of codes, NULL = no filter. $cakupan: the
-- user's area scope (codes of any level; NULL = unrestricted, empty = nothing). Under a scope the
-- days start at the first session of its kecamatan or the first Bimtek of its members, whichever
-- is earlier (no date of another area; none for nothing).
with

aktif as (
    select a.tanggal_bimtek
    from anggota_aktif($as_of::date) as a
    inner join wilayah_dipilih(
        $kabupaten::varchar[], $kecamatan::varchar[], $desa::varchar[], $cakupan::varchar[]
    ) as w on a.kode_desa = w.kode_desa
),

sesi_dalam_cakupan as (
    -- Every session without a scope; else those of the kecamatan in the scope.
    select s.tanggal
    from bimtek_sesi as s
    where
        $cakupan::varchar[] is null
        or s.kode_kecamatan in (
            select w.kode_kecamatan
            from wilayah_dipilih(null, null, null, $cakupan::varchar[]) as w
        )
),

hari as (
    select cast(unnest(generate_series(
        -- least() skips NULLs: without a scope this is the dataset's first session.
        least(
            (select min(s.tanggal) from sesi_dalam_cakupan as s),
            (
                select min(a.tanggal_bimtek) from aktif as a
                where $cakupan::varchar[] is not null
            )
        ),
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
