-- Desa/kelurahan inside the chosen area and the scope (every filter must pass).
-- pilih_kabupaten, pilih_kecamatan, pilih_desa: lists of codes; NULL means no filter.
-- cakupan: the user's area scope (list of codes; NULL = unrestricted, empty = nothing). With a
-- scope a desa counts only when its codes nest (desa under its kecamatan under its kabupaten
-- under its provinsi): otherwise its kecamatan, and that kecamatan's sessions, could lie outside.
create or replace macro wilayah_dipilih(
    pilih_kabupaten, pilih_kecamatan, pilih_desa, cakupan
) as table
    select w.*
    from wilayah as w
    where
        (pilih_kabupaten is null or list_contains(pilih_kabupaten, w.kode_kabupaten))
        and (pilih_kecamatan is null or list_contains(pilih_kecamatan, w.kode_kecamatan))
        and (pilih_desa is null or list_contains(pilih_desa, w.kode_desa))
        and (
            cakupan is null
            or (
                dalam_cakupan(w.kode_desa, cakupan)
                and starts_with(w.kode_desa, w.kode_kecamatan || '.')
                and starts_with(w.kode_kecamatan, w.kode_kabupaten || '.')
                and starts_with(w.kode_kabupaten, w.kode_provinsi || '.')
            )
        )
