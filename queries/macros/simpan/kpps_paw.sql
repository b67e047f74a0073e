-- The roster rows a replacement can involve (precomputed; see build/70_kpps_paw.sql), with
-- each NIK's first Bimtek made earlier where the live journal's marks say so (issue 16).
create or replace macro kpps_paw() as table
    select
        p.* replace (
            least(p.tanggal_bimtek_pertama, j.tanggal_bimtek_pertama) as tanggal_bimtek_pertama
        )
    from kpps_paw as p
    left join jurnal.nik_pertama as j on p.nik = j.nik
