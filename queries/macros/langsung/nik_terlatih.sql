-- NIKs trained at as_of: present (hadir) at a session dated on or before it, in any kecamatan,
-- on a paper list or by a live mark (hadir_gabungan); with the date of their first such session.
create or replace macro nik_terlatih(as_of) as table
    select
        h.nik,
        min(s.tanggal) as tanggal_bimtek_pertama
    from hadir_gabungan() as h
    inner join bimtek_sesi as s on h.kode_sesi = s.kode_sesi
    where h.hadir and s.tanggal <= as_of
    group by h.nik
