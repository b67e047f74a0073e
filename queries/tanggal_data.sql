-- The span of dates in the dataset; tanggal_akhir is the contract's default as-of date D.
with

tanggal as (
    select tanggal_sk as tanggal from kpps
    union all
    select tanggal_berhenti from kpps
    union all
    select tanggal from bimtek_sesi
    union all
    select tanggal from supervisi
)

select
    min(tanggal) as tanggal_awal,
    max(tanggal) as tanggal_akhir
from tanggal
