-- Each session's roll call: distinct NIKs called and present (any date), paper lists and live
-- marks together (hadir_gabungan).
create or replace macro sesi_hadir() as table
    select
        h.kode_sesi,
        count(*) as dipanggil,
        count(*) filter (where h.hadir) as hadir
    from hadir_gabungan() as h
    group by h.kode_sesi
