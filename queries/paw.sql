-- Replacements (PAW) in the TPS in scope as of $as_of: each member who stopped, paired in
-- order with the members appointed in the same TPS on or after its first stop, and whether
-- the replacement is trained. $kabupaten, $kecamatan, $desa: lists of codes, NULL = no filter.
-- $cakupan: the user's area scope (codes of any level; NULL = unrestricted, empty = nothing).
with

tps_dipilih as (
    select
        w.kode_kecamatan,
        w.kecamatan,
        w.kode_desa,
        w.desa,
        t.kode_tps,
        t.nomor_tps
    from tps as t
    inner join wilayah_dipilih(
        $kabupaten::varchar[], $kecamatan::varchar[], $desa::varchar[], $cakupan::varchar[]
    ) as w on t.kode_desa = w.kode_desa
),

kpps_dipilih as (
    select k.*
    from kpps_paw() as k
    inner join wilayah_dipilih(
        $kabupaten::varchar[], $kecamatan::varchar[], $desa::varchar[], $cakupan::varchar[]
    ) as w on k.kode_desa = w.kode_desa
),

berhenti as (
    select
        k.*,
        row_number() over (
            partition by k.kode_tps order by k.tanggal_berhenti, k.nik
        ) as urutan
    from kpps_dipilih as k
    where k.tanggal_berhenti <= $as_of::date
),

berhenti_pertama as (
    select
        kode_tps,
        min(tanggal_berhenti) as tanggal
    from berhenti
    group by kode_tps
),

pengganti as (
    select
        k.*,
        row_number() over (partition by k.kode_tps order by k.tanggal_sk, k.nik) as urutan
    from kpps_dipilih as k
    inner join berhenti_pertama as b on k.kode_tps = b.kode_tps
    where k.tanggal_sk <= $as_of::date and k.tanggal_sk >= b.tanggal
),

final as (
    select
        t.kode_kecamatan,
        t.kecamatan,
        t.kode_desa,
        t.desa,
        t.kode_tps,
        t.nomor_tps,
        b.nik as nik_berhenti,
        b.nama as nama_berhenti,
        b.jabatan as jabatan_berhenti,
        b.tanggal_berhenti,
        b.alasan_berhenti,
        p.nik as nik_pengganti,
        p.nama as nama_pengganti,
        p.tanggal_sk as tanggal_sk_pengganti,
        -- Trained at D: a first Bimtek on or before D (not a lookup among every NIK).
        case
            when p.nik is not null
                then coalesce(p.tanggal_bimtek_pertama <= $as_of::date, false)
        end as pengganti_terlatih
    from berhenti as b
    inner join tps_dipilih as t on b.kode_tps = t.kode_tps
    left join pengganti as p on b.kode_tps = p.kode_tps and b.urutan = p.urutan
)

select
    *,
    case
        when pengganti_terlatih is null then 'belum_diganti'
        when pengganti_terlatih then 'pengganti_terlatih'
        else 'pengganti_belum_bimtek'
    end as status
from final
order by tanggal_berhenti, kode_tps, nik_berhenti
