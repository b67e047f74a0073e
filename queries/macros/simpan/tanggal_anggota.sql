-- Each desa's dates of appointments and stops (precomputed; see build/80_tanggal_desa.sql).
create or replace macro tanggal_anggota() as table
    select
        t.kode_desa,
        t.tanggal
    from tanggal_desa as t
