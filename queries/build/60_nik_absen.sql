-- Sessions each NIK was called to and did not attend (one row per NIK and session).
create or replace table nik_absen as
select distinct
    h.nik,
    h.kode_sesi,
    s.tanggal
from bimtek_hadir as h
inner join bimtek_sesi as s on h.kode_sesi = s.kode_sesi
where not h.hadir and h.nik is not null
order by h.nik
