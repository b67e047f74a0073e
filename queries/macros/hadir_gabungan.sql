-- Attendance as every figure counts it (issue 16): the imported bimtek_hadir rows and the live
-- journal's marks in force (jurnal.tanda) merged by identity, kode_sesi + nik (contract §5). A
-- pair is present when either says so: an undo withdraws the journal's mark, never a paper's.
create or replace macro hadir_gabungan() as table
    with

    semua as (
        select
            h.kode_sesi,
            h.nik,
            h.hadir
        from bimtek_hadir as h
        union all
        select
            t.kode_sesi,
            t.nik,
            true as hadir
        from jurnal.tanda as t
    )

    select
        kode_sesi,
        nik,
        bool_or(hadir) as hadir
    from semua
    where nik is not null
    group by kode_sesi, nik
