-- Roster rows of known TPS with their desa and first Bimtek, stored in area order so that a
-- filter on an area reads only its part of the table.
create or replace table anggota as
with

tps_unik as (
    select
        kode_tps,
        any_value(kode_desa) as kode_desa
    from tps
    where kode_tps is not null
    group by kode_tps
)

select
    k._baris,
    k.nik,
    k.nama,
    k.jenis_kelamin,
    k.tanggal_lahir,
    k.no_hp,
    k.kode_tps,
    k.jabatan,
    k.tanggal_sk,
    k.tanggal_berhenti,
    k.alasan_berhenti,
    t.kode_desa,
    b.tanggal_bimtek_pertama
from kpps as k
inner join tps_unik as t on k.kode_tps = t.kode_tps
left join nik_bimtek as b on k.nik = b.nik
order by t.kode_desa, k.kode_tps, k._baris
