-- KPPS rows active at as_of (contract §2): appointed on or before it, not yet stopped,
-- in a known TPS (rows whose kode_tps is unknown count nowhere).
create or replace macro kpps_aktif(as_of) as table
    select k.*
    from kpps as k
    where
        (k.tanggal_sk is null or k.tanggal_sk <= as_of)
        and (k.tanggal_berhenti is null or k.tanggal_berhenti > as_of)
        and k.kode_tps in (select t.kode_tps from tps as t)
