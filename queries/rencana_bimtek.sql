-- Active members in scope not trained as of $as_of (as kpps_belum_bimtek) with the session the
-- capacity plan places them in (docs/jadwal.md): NULL when no upcoming seat of their kecamatan
-- is left. $kabupaten, $kecamatan, $desa: lists of codes, NULL = no filter; $batas: at most this
-- many rows (NULL = all). $cakupan: the area scope (NULL = unrestricted, empty = nothing).
with

belum as (
    select
        w.kode_kecamatan,
        w.kecamatan,
        w.kode_desa,
        w.desa,
        a._baris,
        a.kode_tps,
        a.nik,
        a.nama,
        a.jenis_kelamin,
        a.jabatan,
        a.tanggal_sk,
        a.no_hp
    from anggota_aktif($as_of::date) as a
    inner join wilayah_dipilih(
        $kabupaten::varchar[], $kecamatan::varchar[], $desa::varchar[], $cakupan::varchar[]
    ) as w on a.kode_desa = w.kode_desa
    where a.tanggal_bimtek is null
    order by a.kode_tps asc, a.jabatan = 'ketua' desc, a.nama asc, a.nik asc
    limit $batas::bigint
),

rencana as (
    -- The plan of the kecamatan of the rows listed only: a page shows the first rows.
    select r.*
    from rencana_bimtek(
        $as_of::date,
        (select coalesce(list(distinct b.kode_kecamatan), []) from belum as b)
    ) as r
),

absen as (
    select
        s.nik,
        count(*) as kali_absen
    from sesi_absen($as_of::date) as s
    where s.nik in (select b.nik from belum as b)
    group by s.nik
)

select
    b.kode_kecamatan,
    b.kecamatan,
    b.kode_desa,
    b.desa,
    b.kode_tps,
    tps.nomor_tps,
    b.nik,
    b.nama,
    b.jenis_kelamin,
    b.jabatan,
    b.tanggal_sk,
    b.no_hp,
    coalesce(ab.kali_absen, 0) as kali_absen,
    r.kode_sesi as sesi_rencana,
    r.tanggal as tanggal_sesi_rencana,
    r.tempat as tempat_sesi_rencana
from belum as b
inner join tps on b.kode_tps = tps.kode_tps
left join absen as ab on b.nik = ab.nik
left join rencana as r on b._baris = r._baris
order by b.kode_tps asc, b.jabatan = 'ketua' desc, b.nama asc, b.nik asc
