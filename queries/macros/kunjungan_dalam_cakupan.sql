-- Whether a supervision visit lies in the scope: the area it names (its desa, else its
-- kecamatan) is in it, so a desa-only scope sees only the visits that name one of its desa.
-- cakupan: list of codes; NULL = no restriction, an empty list = nothing in scope.
create or replace macro kunjungan_dalam_cakupan(kode_kecamatan, kode_desa, cakupan) as (
    dalam_cakupan(coalesce(kode_desa, kode_kecamatan), cakupan)
)
