-- Every KPPS row of a known TPS, with its desa and its first Bimtek ever (any date).
create or replace macro kpps_tps() as table
    select a.*
    from anggota as a
