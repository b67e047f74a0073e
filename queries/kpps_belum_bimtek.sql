-- Active members in scope not trained as of $as_of, by name, with their TPS.
-- $kabupaten, $kecamatan, $desa: lists of codes, NULL = no filter.
with

absen as (
    select
        h.nik,
        count(distinct h.kode_sesi) as kali_absen
    from bimtek_hadir as h
    inner join bimtek_sesi as s on h.kode_sesi = s.kode_sesi
    where not h.hadir and s.tanggal <= $as_of::date
    group by h.nik
)

select
    w.kode_kecamatan,
    w.kecamatan,
    w.kode_desa,
    w.desa,
    a.kode_tps,
    tps.nomor_tps,
    a.nik,
    a.nama,
    a.jenis_kelamin,
    a.jabatan,
    a.tanggal_sk,
    a.no_hp,
    coalesce(ab.kali_absen, 0) as kali_absen
from kpps_aktif($as_of::date) as a
inner join tps on a.kode_tps = tps.kode_tps
inner join wilayah_dipilih(
    $kabupaten::varchar[], $kecamatan::varchar[], $desa::varchar[]
) as w on tps.kode_desa = w.kode_desa
left join absen as ab on a.nik = ab.nik
where
    not exists (
        select 1 from nik_terlatih($as_of::date) as t
        where t.nik = a.nik
    )
order by a.kode_tps asc, a.jabatan = 'ketua' desc, a.nama, a.nik asc
