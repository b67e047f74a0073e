-- Rows of each input table and the span of its dates, for the Data page. $cakupan: the user's
-- area scope (NULL = every row, empty = none). In it: its desa (macros/wilayah_dipilih.sql),
-- their TPS, KPPS rows via their TPS, sessions of its kecamatan and their roll calls, visits
-- in it (macros/kunjungan_dalam_cakupan.sql). A row that cannot be placed counts only unscoped.
with

desa_cakupan as (
    -- Empty without a scope: the unscoped counts read each table alone (the first branch of
    -- each union below), so the page pays for no join.
    select
        w.kode_desa,
        w.kode_kecamatan
    from wilayah_dipilih(null, null, null, $cakupan::varchar[]) as w
    where $cakupan::varchar[] is not null
),

kecamatan_cakupan as (
    select distinct kode_kecamatan
    from desa_cakupan
),

tps_cakupan as (
    select t.kode_tps
    from tps as t
    inner join desa_cakupan as d on t.kode_desa = d.kode_desa
),

kode_tps_cakupan as (
    select distinct kode_tps
    from tps_cakupan
),

sesi_cakupan as (
    select
        s.kode_sesi,
        s.tanggal
    from bimtek_sesi as s
    inner join kecamatan_cakupan as k on s.kode_kecamatan = k.kode_kecamatan
),

wilayah_dalam_cakupan as (
    select w.kode_desa
    from wilayah as w
    where $cakupan::varchar[] is null
    union all
    select d.kode_desa
    from desa_cakupan as d
),

tps_dalam_cakupan as (
    select t.kode_tps
    from tps as t
    where $cakupan::varchar[] is null
    union all
    select t.kode_tps
    from tps_cakupan as t
),

kpps_dalam_cakupan as (
    select
        k.tanggal_sk,
        k.tanggal_berhenti
    from kpps as k
    where $cakupan::varchar[] is null
    union all
    select
        k.tanggal_sk,
        k.tanggal_berhenti
    from kpps as k
    inner join kode_tps_cakupan as t on k.kode_tps = t.kode_tps
),

sesi_dalam_cakupan as (
    select s.tanggal
    from bimtek_sesi as s
    where $cakupan::varchar[] is null
    union all
    select s.tanggal
    from sesi_cakupan as s
),

hadir_dalam_cakupan as (
    select s.tanggal
    from bimtek_hadir as h
    left join bimtek_sesi as s on h.kode_sesi = s.kode_sesi
    where $cakupan::varchar[] is null
    union all
    select s.tanggal
    from bimtek_hadir as h
    inner join sesi_cakupan as s on h.kode_sesi = s.kode_sesi
),

supervisi_dalam_cakupan as (
    select v.tanggal
    from supervisi as v
    where $cakupan::varchar[] is null
    union all
    select v.tanggal
    from supervisi as v
    inner join kecamatan_cakupan as k on v.kode_kecamatan = k.kode_kecamatan
    where kunjungan_dalam_cakupan(v.kode_kecamatan, v.kode_desa, $cakupan::varchar[])
)

select
    'wilayah' as tabel,
    count(*) as baris,
    null::date as tanggal_awal,
    null::date as tanggal_akhir
from wilayah_dalam_cakupan
union all
select
    'tps' as tabel,
    count(*) as baris,
    null::date as tanggal_awal,
    null::date as tanggal_akhir
from tps_dalam_cakupan
union all
select
    'kpps' as tabel,
    count(*) as baris,
    least(min(tanggal_sk), min(tanggal_berhenti)) as tanggal_awal,
    greatest(max(tanggal_sk), max(tanggal_berhenti)) as tanggal_akhir
from kpps_dalam_cakupan
union all
select
    'bimtek_sesi' as tabel,
    count(*) as baris,
    min(tanggal) as tanggal_awal,
    max(tanggal) as tanggal_akhir
from sesi_dalam_cakupan
union all
select
    'bimtek_hadir' as tabel,
    count(*) as baris,
    min(tanggal) as tanggal_awal,
    max(tanggal) as tanggal_akhir
from hadir_dalam_cakupan
union all
select
    'supervisi' as tabel,
    count(*) as baris,
    min(tanggal) as tanggal_awal,
    max(tanggal) as tanggal_akhir
from supervisi_dalam_cakupan
