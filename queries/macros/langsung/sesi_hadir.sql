-- Each session's roll call: distinct NIKs called and present (any date).
create or replace macro sesi_hadir() as table
    select
        h.kode_sesi,
        count(distinct h.nik) as dipanggil,
        count(distinct h.nik) filter (where h.hadir) as hadir
    from bimtek_hadir as h
    group by h.kode_sesi
