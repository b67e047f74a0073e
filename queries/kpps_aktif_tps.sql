-- Active members of the TPS in scope as of $as_of, with whether each is trained and when first.
-- $kabupaten, $kecamatan, $desa: lists of codes, NULL = no filter.
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
    t.nik is not null as terlatih,
    t.tanggal_bimtek_pertama
from kpps_aktif($as_of::date) as a
inner join tps on a.kode_tps = tps.kode_tps
inner join
    wilayah_dipilih($kabupaten::varchar[], $kecamatan::varchar[], $desa::varchar[]) as w
    on tps.kode_desa = w.kode_desa
left join nik_terlatih($as_of::date) as t on a.nik = t.nik
order by a.kode_tps asc, a.jabatan = 'ketua' desc, a.nama, a.nik asc
