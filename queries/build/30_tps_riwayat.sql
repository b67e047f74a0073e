-- Each TPS's figures from every date on which they change (mulai) until the next (sampai,
-- NULL = still so). A member counts as active on [tanggal_sk, tanggal_berhenti), as trained
-- and active from the later of tanggal_sk and the first Bimtek; a blank tanggal_sk is the
-- start of time. The state at any D is the row with mulai <= D < sampai.
create or replace table tps_riwayat as
with

awal as (
    select date '0001-01-01' as tanggal
),

masa as (
    select
        a.kode_tps,
        coalesce(a.tanggal_sk, awal.tanggal) as dari,
        a.tanggal_berhenti as sampai,
        -- greatest() skips NULLs: a member never trained must stay untrained.
        case
            when a.tanggal_bimtek_pertama is not null
                then greatest(coalesce(a.tanggal_sk, awal.tanggal), a.tanggal_bimtek_pertama)
        end as terlatih_dari,
        cast(a.jabatan = 'ketua' as integer) as ketua
    from anggota as a
    cross join awal
),

aktif as (
    select *
    from masa
    where sampai is null or dari < sampai
),

perubahan as (
    select
        kode_tps,
        dari as tanggal,
        1 as aktif,
        0 as terlatih,
        ketua
    from aktif
    union all
    select
        kode_tps,
        sampai as tanggal,
        -1 as aktif,
        0 as terlatih,
        -ketua as ketua
    from aktif
    where sampai is not null
    union all
    select
        kode_tps,
        terlatih_dari as tanggal,
        0 as aktif,
        1 as terlatih,
        0 as ketua
    from aktif
    where terlatih_dari is not null and (sampai is null or terlatih_dari < sampai)
    union all
    select
        kode_tps,
        sampai as tanggal,
        0 as aktif,
        -1 as terlatih,
        0 as ketua
    from aktif
    where terlatih_dari is not null and sampai is not null and terlatih_dari < sampai
    union all
    -- Every TPS has a state from the start, members or not.
    select
        t.kode_tps,
        awal.tanggal,
        0 as aktif,
        0 as terlatih,
        0 as ketua
    from tps as t
    cross join awal
    where t.kode_tps is not null
),

per_tanggal as (
    select
        kode_tps,
        tanggal,
        sum(aktif) as aktif,
        sum(terlatih) as terlatih,
        sum(ketua) as ketua
    from perubahan
    group by kode_tps, tanggal
),

keadaan as (
    select
        kode_tps,
        tanggal as mulai,
        lead(tanggal) over (partition by kode_tps order by tanggal) as sampai,
        cast(sum(aktif) over (partition by kode_tps order by tanggal) as bigint) as kpps_aktif,
        cast(sum(terlatih) over (partition by kode_tps order by tanggal) as bigint)
            as kpps_terlatih,
        sum(ketua) over (partition by kode_tps order by tanggal) > 0 as ada_ketua
    from per_tanggal
),

tps_unik as (
    select
        kode_tps,
        any_value(kode_desa) as kode_desa,
        any_value(nomor_tps) as nomor_tps,
        any_value(kebutuhan_kpps) as kebutuhan_kpps
    from tps
    where kode_tps is not null
    group by kode_tps
)

select
    t.kode_desa,
    k.kode_tps,
    t.nomor_tps,
    t.kebutuhan_kpps,
    k.mulai,
    k.sampai,
    k.kpps_aktif,
    k.kpps_terlatih,
    k.ada_ketua,
    greatest(t.kebutuhan_kpps - k.kpps_aktif, 0) as kursi_kosong,
    case
        when k.kpps_aktif < t.kebutuhan_kpps then 'kurang_petugas'
        when not k.ada_ketua then 'tanpa_ketua'
        when k.kpps_terlatih < k.kpps_aktif then 'belum_bimtek'
        else 'siap'
    end as status
from keadaan as k
inner join tps_unik as t on k.kode_tps = t.kode_tps
order by t.kode_desa, k.kode_tps, k.mulai
