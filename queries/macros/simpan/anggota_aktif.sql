-- Active KPPS rows at as_of with their desa and, when trained by then, their first Bimtek
-- (journal marks included: anggota_efektif).
create or replace macro anggota_aktif(as_of) as table
    select
        a._baris,
        a.nik,
        a.nama,
        a.jenis_kelamin,
        a.jabatan,
        a.no_hp,
        a.kode_tps,
        a.kode_desa,
        a.tanggal_sk,
        a.tanggal_berhenti,
        case
            when a.tanggal_bimtek_pertama <= as_of then a.tanggal_bimtek_pertama
        end as tanggal_bimtek
    from anggota_efektif() as a
    where
        (a.tanggal_sk is null or a.tanggal_sk <= as_of)
        and (a.tanggal_berhenti is null or a.tanggal_berhenti > as_of)
