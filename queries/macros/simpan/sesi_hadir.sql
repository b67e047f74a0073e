-- Each session's roll call: distinct NIKs called and present (precomputed).
create or replace macro sesi_hadir() as table
    select
        s.kode_sesi,
        s.dipanggil,
        s.hadir
    from sesi_kehadiran as s
