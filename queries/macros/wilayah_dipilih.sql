-- Desa/kelurahan inside the chosen area (every filter must pass).
-- pilih_kabupaten, pilih_kecamatan, pilih_desa: lists of codes; NULL means no filter.
create or replace macro wilayah_dipilih(pilih_kabupaten, pilih_kecamatan, pilih_desa) as table
    select w.*
    from wilayah as w
    where
        (pilih_kabupaten is null or list_contains(pilih_kabupaten, w.kode_kabupaten))
        and (pilih_kecamatan is null or list_contains(pilih_kecamatan, w.kode_kecamatan))
        and (pilih_desa is null or list_contains(pilih_desa, w.kode_desa))
