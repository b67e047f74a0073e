-- Rows of each input table and the span of its dates, for the Data page (no parameters).
select
    'wilayah' as tabel,
    count(*) as baris,
    null::date as tanggal_awal,
    null::date as tanggal_akhir
from wilayah
union all
select
    'tps' as tabel,
    count(*) as baris,
    null::date as tanggal_awal,
    null::date as tanggal_akhir
from tps
union all
select
    'kpps' as tabel,
    count(*) as baris,
    least(min(tanggal_sk), min(tanggal_berhenti)) as tanggal_awal,
    greatest(max(tanggal_sk), max(tanggal_berhenti)) as tanggal_akhir
from kpps
union all
select
    'bimtek_sesi' as tabel,
    count(*) as baris,
    min(tanggal) as tanggal_awal,
    max(tanggal) as tanggal_akhir
from bimtek_sesi
union all
select
    'bimtek_hadir' as tabel,
    count(*) as baris,
    min(s.tanggal) as tanggal_awal,
    max(s.tanggal) as tanggal_akhir
from bimtek_hadir as h
left join bimtek_sesi as s on h.kode_sesi = s.kode_sesi
union all
select
    'supervisi' as tabel,
    count(*) as baris,
    min(tanggal) as tanggal_awal,
    max(tanggal) as tanggal_akhir
from supervisi
