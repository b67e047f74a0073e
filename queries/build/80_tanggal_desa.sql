-- Each desa's dates of appointments and stops (distinct): a few per desa instead of a row per
-- member, so "the day of data before D" (tanggal_sebelumnya) never scans the national roster.
create or replace table tanggal_desa as
with

tanggal as (
    select
        kode_desa,
        unnest([tanggal_sk, tanggal_berhenti]) as tanggal
    from anggota
)

select distinct
    kode_desa,
    tanggal
from tanggal
where tanggal is not null
order by kode_desa, tanggal
