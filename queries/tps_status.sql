-- Every TPS in scope with its members and status as of $as_of (contract §2, per TPS).
-- $kabupaten, $kecamatan, $desa: lists of codes, NULL = no filter.
-- $cakupan: the user's area scope (codes of any level; NULL = unrestricted, empty = nothing).
select
    s.kode_tps,
    s.kode_desa,
    w.kode_kecamatan,
    s.kebutuhan_kpps,
    s.kpps_aktif,
    s.kpps_terlatih,
    s.ada_ketua,
    s.status,
    s.nomor_tps,
    w.desa,
    w.kecamatan,
    s.kursi_kosong
from tps_status($as_of::date) as s
inner join wilayah_dipilih(
    $kabupaten::varchar[], $kecamatan::varchar[], $desa::varchar[], $cakupan::varchar[]
) as w on s.kode_desa = w.kode_desa
order by s.kode_tps
