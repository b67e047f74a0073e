-- The roster rows a replacement (PAW) can involve: members who stopped, and members
-- appointed in the same TPS on or after its first stop. A small part of the roster.
create or replace table kpps_paw as
with

berhenti_pertama as (
    select
        kode_tps,
        min(tanggal_berhenti) as tanggal
    from anggota
    where tanggal_berhenti is not null
    group by kode_tps
)

select a.*
from anggota as a
inner join berhenti_pertama as b on a.kode_tps = b.kode_tps
where a.tanggal_berhenti is not null or a.tanggal_sk >= b.tanggal
order by a.kode_desa, a.kode_tps
