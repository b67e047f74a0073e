-- Per NIK, the sessions dated on or before as_of it was called to and missed.
create or replace macro kali_absen(as_of) as table
    select
        h.nik,
        count(distinct h.kode_sesi) as kali_absen
    from bimtek_hadir as h
    inner join bimtek_sesi as s on h.kode_sesi = s.kode_sesi
    where not h.hadir and s.tanggal <= as_of
    group by h.nik
