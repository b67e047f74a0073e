-- Every desa/kelurahan in the user's area scope with its kecamatan, kabupaten and provinsi, for
-- the area filters. $cakupan: that scope (NULL = every desa, empty = none).
select
    kode_provinsi,
    provinsi,
    kode_kabupaten,
    kabupaten,
    kode_kecamatan,
    kecamatan,
    kode_desa,
    desa,
    jenis
from wilayah_dipilih(null, null, null, $cakupan::varchar[])
order by kode_desa
