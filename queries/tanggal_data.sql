-- The span of dates in the dataset; tanggal_akhir is the contract's default as-of date D.
-- Deliberately not limited to the user's area scope: it only picks the default dates, which
-- are the same for every user (the one query file kesiapan.store.dataset runs without a scope).
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
