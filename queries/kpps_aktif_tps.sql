-- Active members of the TPS in scope as of $as_of, with whether each is trained and when first.
-- $kabupaten, $kecamatan, $desa: lists of codes, NULL = no filter; $batas: at most this many rows
-- (NULL = all). $cakupan: the user's area scope (codes of any level; NULL = unrestricted, empty =
-- nothing).
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
    a.tanggal_bimtek is not null as terlatih,
    a.tanggal_bimtek as tanggal_bimtek_pertama
from anggota_aktif($as_of::date) as a
inner join
    wilayah_dipilih(
        $kabupaten::varchar[], $kecamatan::varchar[], $desa::varchar[], $cakupan::varchar[]
    ) as w
    on a.kode_desa = w.kode_desa
inner join tps on a.kode_tps = tps.kode_tps
order by a.kode_tps asc, a.jabatan = 'ketua' desc, a.nama, a.nik asc
limit $batas::bigint
