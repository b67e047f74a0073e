-- Active KPPS rows at as_of with their desa and, when trained by then, their first Bimtek.
create or replace macro anggota_aktif(as_of) as table
    with t as (
        select
            kode_tps,
            any_value(kode_desa) as kode_desa
        from tps
        group by kode_tps
    )

    select
        k._baris,
        k.nik,
        k.nama,
        k.jenis_kelamin,
        k.jabatan,
        k.no_hp,
        k.kode_tps,
        t.kode_desa,
        k.tanggal_sk,
        k.tanggal_berhenti,
        b.tanggal_bimtek_pertama as tanggal_bimtek
    from kpps_aktif(as_of) as k
    inner join t on k.kode_tps = t.kode_tps
    left join nik_terlatih(as_of) as b on k.nik = b.nik
