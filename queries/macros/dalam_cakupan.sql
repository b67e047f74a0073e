-- Whether an area code lies in the scope: equal to one of its codes or under one (code + '.',
-- so 35.2 never takes in 35.27). cakupan: list of validated codes (kesiapan.store.dataset); NULL =
-- no restriction, an empty list = nothing in scope. A NULL code is never in a scope.
create or replace macro dalam_cakupan(kode, cakupan) as (
    cakupan is null
    or len(
        list_filter(
            cakupan, lambda kode_cakupan: kode = kode_cakupan
            or starts_with(kode, kode_cakupan || '.')
        )
    ) > 0
)
