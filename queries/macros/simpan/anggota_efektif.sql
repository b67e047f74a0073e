-- The precomputed roster with each NIK's first Bimtek made earlier where the live journal's
-- marks say so (issue 16; jurnal.nik_pertama is empty without marks).
create or replace macro anggota_efektif() as table
    select
        a.* replace (
            least(a.tanggal_bimtek_pertama, j.tanggal_bimtek_pertama) as tanggal_bimtek_pertama
        )
    from anggota as a
    left join jurnal.nik_pertama as j on a.nik = j.nik
