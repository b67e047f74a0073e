-- Each desa's TPS figures from every date on which they change: the TPS changes of
-- tps_riwayat summed as differences, then added up over time. The state at D is the row
-- with mulai <= D < sampai.
create or replace table desa_riwayat as
with

selisih as (
    select
        kode_desa,
        mulai,
        case when lag(mulai) over w is null then 1 else 0 end as tps,
        case when lag(mulai) over w is null then kebutuhan_kpps else 0 end as kebutuhan_kpps,
        kpps_aktif - coalesce(lag(kpps_aktif) over w, 0) as kpps_aktif,
        kursi_kosong - coalesce(lag(kursi_kosong) over w, 0) as kursi_kosong,
        kpps_terlatih - coalesce(lag(kpps_terlatih) over w, 0) as kpps_terlatih,
        cast(status = 'siap' as integer)
        - coalesce(cast(lag(status) over w = 'siap' as integer), 0) as tps_siap,
        cast(status = 'kurang_petugas' as integer)
        - coalesce(cast(lag(status) over w = 'kurang_petugas' as integer), 0)
            as tps_kurang_petugas,
        cast(status = 'tanpa_ketua' as integer)
        - coalesce(cast(lag(status) over w = 'tanpa_ketua' as integer), 0) as tps_tanpa_ketua,
        cast(status = 'belum_bimtek' as integer)
        - coalesce(cast(lag(status) over w = 'belum_bimtek' as integer), 0) as tps_belum_bimtek
    from tps_riwayat
    window w as (partition by kode_tps order by mulai)
),

per_tanggal as (
    select
        kode_desa,
        mulai,
        sum(tps) as tps,
        sum(kebutuhan_kpps) as kebutuhan_kpps,
        sum(kpps_aktif) as kpps_aktif,
        sum(kursi_kosong) as kursi_kosong,
        sum(kpps_terlatih) as kpps_terlatih,
        sum(tps_siap) as tps_siap,
        sum(tps_kurang_petugas) as tps_kurang_petugas,
        sum(tps_tanpa_ketua) as tps_tanpa_ketua,
        sum(tps_belum_bimtek) as tps_belum_bimtek
    from selisih
    group by kode_desa, mulai
)

select
    kode_desa,
    mulai,
    lead(mulai) over w as sampai,
    cast(sum(tps) over w as bigint) as tps,
    cast(sum(kebutuhan_kpps) over w as bigint) as kebutuhan_kpps,
    cast(sum(kpps_aktif) over w as bigint) as kpps_aktif,
    cast(sum(kursi_kosong) over w as bigint) as kursi_kosong,
    cast(sum(kpps_terlatih) over w as bigint) as kpps_terlatih,
    cast(sum(tps_siap) over w as bigint) as tps_siap,
    cast(sum(tps_kurang_petugas) over w as bigint) as tps_kurang_petugas,
    cast(sum(tps_tanpa_ketua) over w as bigint) as tps_tanpa_ketua,
    cast(sum(tps_belum_bimtek) over w as bigint) as tps_belum_bimtek
from per_tanggal
window w as (partition by kode_desa order by mulai)
order by kode_desa, mulai
