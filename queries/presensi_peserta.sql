-- Who is expected at a kecamatan's Bimtek session (issue 16): its KPPS active at $as_of (the
-- session's date), untrained by then first, then by desa, TPS, ketua first and name.
-- $kabupaten, $kecamatan, $desa: lists of codes, NULL = no filter. $cakupan: the user's area
-- scope (codes of any level; NULL = unrestricted, empty = nothing).
select
    w.kode_kecamatan,
    w.kode_desa,
    w.desa,
    a.kode_tps,
    t.nomor_tps,
    a.nik,
    a.nama,
    a.jabatan,
    a.tanggal_bimtek
from anggota_aktif($as_of::date) as a
inner join wilayah_dipilih(
    $kabupaten::varchar[], $kecamatan::varchar[], $desa::varchar[], $cakupan::varchar[]
) as w on a.kode_desa = w.kode_desa
inner join tps as t on a.kode_tps = t.kode_tps
order by
    a.tanggal_bimtek is not null asc,
    w.kode_desa asc,
    a.kode_tps asc,
    a.jabatan = 'ketua' desc,
    a.nama asc,
    a.nik asc
