-- Each session's roll call: distinct NIKs called and present (precomputed), with the live
-- journal's marks the stored attendance does not count yet (issue 16).
create or replace macro sesi_hadir() as table
    with

    jurnal_per_sesi as (
        select
            j.kode_sesi,
            count(*) filter (where j.dipanggil_baru) as dipanggil,
            count(*) as hadir
        from jurnal.hadir_baru as j
        group by j.kode_sesi
    )

    select
        coalesce(s.kode_sesi, j.kode_sesi) as kode_sesi,
        coalesce(s.dipanggil, 0) + coalesce(j.dipanggil, 0) as dipanggil,
        coalesce(s.hadir, 0) + coalesce(j.hadir, 0) as hadir
    from sesi_kehadiran as s
    full outer join jurnal_per_sesi as j on s.kode_sesi = j.kode_sesi
