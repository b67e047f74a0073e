-- What the journal's marks in force add to a precomputed store, recomputed after every change
-- of jurnal.tanda (kesiapan/store/overlay.py). Small tables: the macros of
-- queries/macros/simpan/ join them to the stored history instead of rebuilding it.
create or replace table jurnal.hadir_baru as
with

tersimpan as (
    select
        h.kode_sesi,
        h.nik,
        bool_or(h.hadir) as hadir
    from bimtek_hadir as h
    inner join jurnal.tanda as t on h.kode_sesi = t.kode_sesi and h.nik = t.nik
    group by h.kode_sesi, h.nik
)

select
    t.kode_sesi,
    t.nik,
    s.tanggal,
    d.kode_sesi is null as dipanggil_baru
from jurnal.tanda as t
left join tersimpan as d on t.kode_sesi = d.kode_sesi and t.nik = d.nik
left join bimtek_sesi as s on t.kode_sesi = s.kode_sesi
where d.hadir is null or not d.hadir;

create or replace table jurnal.nik_pertama as
with

jurnal_pertama as (
    select
        nik,
        min(tanggal) as tanggal
    from jurnal.hadir_baru
    where tanggal is not null
    group by nik
)

select
    j.nik,
    j.tanggal as tanggal_bimtek_pertama,
    b.tanggal_bimtek_pertama as tanggal_lama
from jurnal_pertama as j
left join nik_bimtek as b on j.nik = b.nik
where b.tanggal_bimtek_pertama is null or j.tanggal < b.tanggal_bimtek_pertama;

create or replace table jurnal.anggota_baru as
select
    a.kode_tps,
    a.kode_desa,
    a.tanggal_sk,
    a.tanggal_berhenti,
    j.tanggal_lama,
    j.tanggal_bimtek_pertama as tanggal_baru
from anggota as a
inner join jurnal.nik_pertama as j on a.nik = j.nik;

-- Copied once per change, so that a query joins a few rows instead of scanning the history.
create or replace table jurnal.tps_riwayat as
select r.*
from tps_riwayat as r
where r.kode_tps in (select a.kode_tps from jurnal.anggota_baru as a);
