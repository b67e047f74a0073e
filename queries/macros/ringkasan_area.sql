-- The §2 summary for every area of one level ('kabupaten', 'kecamatan' or 'desa') in scope,
-- or one row for the whole scope ('total').
-- Sessions and visits belong to kecamatan; at desa level a visit counts for the desa it names.
-- With a desa filter only visits naming a desa in scope count. cakupan: the area scope (see
-- wilayah_dipilih); a visit counts only when the area it names (its desa, else its kecamatan)
-- lies in the scope, also for sesi_disupervisi.
create or replace macro ringkasan_area(
    as_of, pilih_kabupaten, pilih_kecamatan, pilih_desa, cakupan, tingkat
) as table
    with

    dipilih as (
        select
            w.*,
            case tingkat
                when 'total' then 'total'
                when 'kabupaten' then w.kode_kabupaten
                when 'kecamatan' then w.kode_kecamatan
                else w.kode_desa
            end as kode_area,
            case tingkat
                when 'total' then 'Semua wilayah'
                when 'kabupaten' then w.kabupaten
                when 'kecamatan' then w.kecamatan
                else w.desa
            end as nama_area
        from wilayah_dipilih(pilih_kabupaten, pilih_kecamatan, pilih_desa, cakupan) as w
    ),

    area as (
        select
            kode_area,
            min(nama_area) as nama_area,
            min(kode_kecamatan) as kode_kecamatan,
            min(kecamatan) as kecamatan,
            count(distinct kode_kecamatan) as jumlah_kecamatan,
            count(*) as desa
        from dipilih
        group by kode_area
    ),

    tps_per_area as (
        select
            d.kode_area,
            cast(sum(s.tps) as bigint) as tps,
            cast(sum(s.kebutuhan_kpps) as bigint) as kebutuhan_kpps,
            cast(sum(s.kpps_aktif) as bigint) as kpps_aktif,
            cast(sum(s.kursi_kosong) as bigint) as kursi_kosong,
            cast(sum(s.kpps_terlatih) as bigint) as kpps_terlatih,
            cast(sum(s.tps_siap) as bigint) as tps_siap,
            cast(sum(s.tps_kurang_petugas) as bigint) as tps_kurang_petugas,
            cast(sum(s.tps_tanpa_ketua) as bigint) as tps_tanpa_ketua,
            cast(sum(s.tps_belum_bimtek) as bigint) as tps_belum_bimtek
        from desa_status(as_of) as s
        inner join dipilih as d on s.kode_desa = d.kode_desa
        group by d.kode_area
    ),

    kecamatan_per_area as (
        select distinct
            kode_area,
            kode_kecamatan
        from dipilih
    ),

    kunjungan as (
        select *
        from supervisi as v
        where
            v.tanggal <= as_of
            and (pilih_desa is null or list_contains(pilih_desa, v.kode_desa))
            and kunjungan_dalam_cakupan(v.kode_kecamatan, v.kode_desa, cakupan)
    ),

    sesi_per_area as (
        select
            k.kode_area,
            count(*) as sesi_bimtek,
            count(*) filter (
                where s.kode_sesi in (
                    select v.kode_sesi from supervisi as v
                    where
                        v.tanggal <= as_of
                        and v.kode_sesi is not null
                        and kunjungan_dalam_cakupan(v.kode_kecamatan, v.kode_desa, cakupan)
                )
            ) as sesi_disupervisi
        from bimtek_sesi as s
        inner join kecamatan_per_area as k on s.kode_kecamatan = k.kode_kecamatan
        where s.tanggal <= as_of
        group by k.kode_area
    ),

    kunjungan_per_area as (
        select
            d.kode_area,
            count(distinct v._baris) as kunjungan_supervisi,
            count(distinct v.kode_kecamatan) as kecamatan_dikunjungi,
            count(distinct v.kode_desa) filter (
                where v.kode_desa = d.kode_desa
            ) as desa_dikunjungi
        from kunjungan as v
        inner join dipilih as d
            on
                v.kode_kecamatan = d.kode_kecamatan
                and (tingkat <> 'desa' or v.kode_desa = d.kode_desa)
        group by d.kode_area
    )

    select
        a.kode_area,
        a.nama_area,
        a.kode_kecamatan,
        a.kecamatan,
        a.jumlah_kecamatan,
        a.desa,
        coalesce(t.tps, 0) as tps,
        coalesce(t.kebutuhan_kpps, 0) as kebutuhan_kpps,
        coalesce(t.kpps_aktif, 0) as kpps_aktif,
        coalesce(t.kursi_kosong, 0) as kursi_kosong,
        coalesce(t.kpps_terlatih, 0) as kpps_terlatih,
        t.kpps_terlatih / nullif(t.kpps_aktif, 0) as cakupan_bimtek,
        coalesce(t.tps_siap, 0) as tps_siap,
        coalesce(t.tps_kurang_petugas, 0) as tps_kurang_petugas,
        coalesce(t.tps_tanpa_ketua, 0) as tps_tanpa_ketua,
        coalesce(t.tps_belum_bimtek, 0) as tps_belum_bimtek,
        coalesce(s.sesi_bimtek, 0) as sesi_bimtek,
        coalesce(k.kunjungan_supervisi, 0) as kunjungan_supervisi,
        coalesce(s.sesi_disupervisi, 0) as sesi_disupervisi,
        coalesce(k.desa_dikunjungi, 0) as desa_dikunjungi,
        coalesce(k.kecamatan_dikunjungi, 0) as kecamatan_dikunjungi
    from area as a
    left join tps_per_area as t on a.kode_area = t.kode_area
    left join sesi_per_area as s on a.kode_area = s.kode_area
    left join kunjungan_per_area as k on a.kode_area = k.kode_area
