-- Where each NIK of $nik serves (issue 16): its TPS, desa and kecamatan, the latest
-- appointment first. Deliberately outside the area scope (a member of another kecamatan may
-- attend a session), so it returns area codes only, never a name or other personal field.
select
    k.nik,
    k.kode_tps,
    w.kode_desa,
    w.kode_kecamatan,
    w.kecamatan,
    k.tanggal_berhenti is null as aktif
from kpps_tps() as k
inner join wilayah as w on k.kode_desa = w.kode_desa
where list_contains($nik::varchar[], k.nik)
order by k.nik asc, k.tanggal_berhenti is null desc, k.tanggal_sk desc nulls last
