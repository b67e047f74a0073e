-- Each NIK's first Bimtek: the earliest session it attended (any kecamatan). Trained at D is
-- then "tanggal_bimtek_pertama <= D", exact for every D.
create or replace table nik_bimtek as
select
    h.nik,
    min(s.tanggal) as tanggal_bimtek_pertama
from bimtek_hadir as h
inner join bimtek_sesi as s on h.kode_sesi = s.kode_sesi
where h.hadir and h.nik is not null and s.tanggal is not null
group by h.nik
