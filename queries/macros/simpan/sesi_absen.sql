-- The sessions dated on or before as_of each NIK was called to and missed (one row each).
create or replace macro sesi_absen(as_of) as table
    select
        a.nik,
        a.kode_sesi
    from nik_absen as a
    where a.tanggal <= as_of
