-- Per NIK, the sessions dated on or before as_of it was called to and missed.
create or replace macro kali_absen(as_of) as table
    select
        a.nik,
        count(*) as kali_absen
    from nik_absen as a
    where a.tanggal <= as_of
    group by a.nik
