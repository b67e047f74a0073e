-- The sessions dated on or before as_of each NIK was called to and missed (one row each),
-- less those the live journal marks present (issue 16).
create or replace macro sesi_absen(as_of) as table
    select
        a.nik,
        a.kode_sesi
    from nik_absen as a
    anti join jurnal.hadir_baru as j on a.nik = j.nik and a.kode_sesi = j.kode_sesi
    where a.tanggal <= as_of
