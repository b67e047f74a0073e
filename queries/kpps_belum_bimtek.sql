-- Active members in scope not trained as of $as_of, by name, with their TPS. $kabupaten,
-- $kecamatan, $desa: lists of codes, NULL = no filter; $batas: at most this many rows (NULL =
-- all). $cakupan: the user's area scope (codes of any level; NULL = unrestricted, empty =
-- nothing).
with

belum as (
    select
        w.kode_kecamatan,
        w.kecamatan,
        w.kode_desa,
        w.desa,
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
    -- Cut before counting absences: a page shows the first rows of a national list.
    order by a.kode_tps asc, a.jabatan = 'ketua' desc, a.nama asc, a.nik asc
    limit $batas::bigint
),

absen as (
    -- Only the NIKs listed: a national count of every absence would cost more than the list.
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
    coalesce(ab.kali_absen, 0) as kali_absen
from belum as b
inner join tps on b.kode_tps = tps.kode_tps
left join absen as ab on b.nik = ab.nik
order by b.kode_tps asc, b.jabatan = 'ketua' desc, b.nama asc, b.nik asc
