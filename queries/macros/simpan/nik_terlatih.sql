-- NIKs trained at as_of, from each NIK's precomputed first Bimtek.
create or replace macro nik_terlatih(as_of) as table
    select
        b.nik,
        b.tanggal_bimtek_pertama
    from nik_bimtek as b
    where b.tanggal_bimtek_pertama <= as_of
