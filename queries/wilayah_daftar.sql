-- Every desa/kelurahan with its kecamatan, kabupaten and provinsi, for the area filters.
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
from wilayah
order by kode_desa
