-- The sessions dated on or before as_of each NIK was called to and missed (one row each),
-- unless a live mark says present (issue 16).
create or replace macro sesi_absen(as_of) as table
    select distinct
        h.nik,
        h.kode_sesi
    from bimtek_hadir as h
    inner join bimtek_sesi as s on h.kode_sesi = s.kode_sesi
    anti join jurnal.tanda as t on h.kode_sesi = t.kode_sesi and h.nik = t.nik
    where not h.hadir and s.tanggal <= as_of and h.nik is not null
