-- KPPS rows active at as_of (contract §2) from the precomputed roster of known TPS (journal
-- marks included: anggota_efektif).
create or replace macro kpps_aktif(as_of) as table
    select a.*
    from anggota_efektif() as a
    where
        (a.tanggal_sk is null or a.tanggal_sk <= as_of)
        and (a.tanggal_berhenti is null or a.tanggal_berhenti > as_of)
