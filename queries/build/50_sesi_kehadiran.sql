-- Each session's roll call: distinct NIKs called and present. It does not depend on the
-- as-of date (a session after D simply shows zero, in the query).
create or replace table sesi_kehadiran as
select
    h.kode_sesi,
    count(distinct h.nik) as dipanggil,
    count(distinct h.nik) filter (where h.hadir) as hadir
from bimtek_hadir as h
group by h.kode_sesi
