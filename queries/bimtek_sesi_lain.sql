-- Active members in scope recorded present at a Bimtek session of another kecamatan, dated up
-- to $as_of: which session, of which kecamatan (codes only: names of areas outside the scope
-- are never shown), so that attendance another area's operator recorded is seen (issue 12).
-- $kabupaten, $kecamatan, $desa: lists of codes of the member's area, NULL = no filter.
-- $cakupan: the user's area scope (NULL = unrestricted, empty = nothing), on the member's desa.
with

sesi as (
    select
        s.kode_sesi,
        s.kode_kecamatan,
        s.tanggal
    from bimtek_sesi as s
    where s.tanggal <= $as_of::date
),

anggota as (
    select
        w.kode_kecamatan,
        w.kecamatan,
        w.kode_desa,
        w.desa,
        a.kode_tps,
        a.nik,
        a.nama,
        a.jabatan
    from anggota_aktif($as_of::date) as a
    inner join wilayah_dipilih(
        $kabupaten::varchar[], $kecamatan::varchar[], $desa::varchar[], $cakupan::varchar[]
    ) as w on a.kode_desa = w.kode_desa
),

-- The members whose attendance is looked up: in a view limited to some areas, its members
-- (issue 17: the whole country's attendance, made distinct before the join, took seconds for
-- one kecamatan); unlimited, none, and `hadir` takes all attendance without looking up every
-- member (that lookup cost a third more than the query).
dilihat as (
    select anggota.nik
    from anggota
    where
        coalesce(
            $kabupaten::varchar[], $kecamatan::varchar[], $desa::varchar[], $cakupan::varchar[]
        ) is not null
),

hadir as (
    select distinct
        h.kode_sesi,
        h.nik
    from bimtek_hadir as h
    where
        h.hadir
        and coalesce(
            $kabupaten::varchar[], $kecamatan::varchar[], $desa::varchar[], $cakupan::varchar[]
        ) is null
    union all
    select distinct
        h.kode_sesi,
        h.nik
    from bimtek_hadir as h
    semi join dilihat as d on h.nik = d.nik
    where h.hadir
),

dilatih_di_luar as (
    select
        a.kode_kecamatan,
        a.kecamatan,
        a.kode_desa,
        a.desa,
        a.kode_tps,
        a.nik,
        a.nama,
        a.jabatan,
        s.kode_sesi,
        s.tanggal as tanggal_sesi,
        s.kode_kecamatan as kode_kecamatan_sesi
    from anggota as a
    inner join hadir as h on a.nik = h.nik
    inner join sesi as s on h.kode_sesi = s.kode_sesi
    where s.kode_kecamatan is distinct from a.kode_kecamatan
),

final as (
    select
        d.kode_kecamatan,
        d.kecamatan,
        d.kode_desa,
        d.desa,
        d.kode_tps,
        tps.nomor_tps,
        d.nik,
        d.nama,
        d.jabatan,
        d.kode_sesi,
        d.tanggal_sesi,
        d.kode_kecamatan_sesi
    from dilatih_di_luar as d
    inner join tps on d.kode_tps = tps.kode_tps
)

select * from final
order by kode_tps asc, nama asc, nik asc, tanggal_sesi asc, kode_sesi asc
