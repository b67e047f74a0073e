-- TPS in scope with an empty seat or no active ketua as of $as_of, worst first.
-- $kabupaten, $kecamatan, $desa: lists of codes, NULL = no filter.
-- $cakupan: the user's area scope (codes of any level; NULL = unrestricted, empty = nothing).
select
    w.kode_kecamatan,
    w.kecamatan,
    s.kode_desa,
    w.desa,
    s.kode_tps,
    s.nomor_tps,
    s.kebutuhan_kpps,
    s.kpps_aktif,
    s.kursi_kosong,
    s.ada_ketua,
    s.kpps_terlatih,
    s.status
from tps_status($as_of::date) as s
inner join wilayah_dipilih(
    $kabupaten::varchar[], $kecamatan::varchar[], $desa::varchar[], $cakupan::varchar[]
) as w on s.kode_desa = w.kode_desa
where s.kursi_kosong > 0 or not s.ada_ketua
order by s.kursi_kosong desc, s.ada_ketua asc, s.kode_tps asc
