-- NIKs trained at as_of, from each NIK's precomputed first Bimtek, made earlier where the live
-- journal's marks say so (issue 16).
create or replace macro nik_terlatih(as_of) as table
    select
        b.nik,
        b.tanggal_bimtek_pertama
    from nik_bimtek as b
    where
        b.tanggal_bimtek_pertama <= as_of
        and b.nik not in (select j.nik from jurnal.nik_pertama as j)
    union all
    select
        j.nik,
        j.tanggal_bimtek_pertama
    from jurnal.nik_pertama as j
    where j.tanggal_bimtek_pertama <= as_of
