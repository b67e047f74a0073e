-- Every KPPS row of a known TPS, with its desa and its first Bimtek ever (any date; journal
-- marks included: anggota_efektif).
create or replace macro kpps_tps() as table
    select a.*
    from anggota_efektif() as a
