-- The roster rows a replacement can involve (precomputed; see build/70_kpps_paw.sql).
create or replace macro kpps_paw() as table
    select p.*
    from kpps_paw as p
