-- The capacity plan at as_of (docs/jadwal.md, "Rencana"): every active member not trained at
-- as_of of the kecamatan listed in daftar_kecamatan, in the order the seats are handed out
-- (ketua first, then by TPS, name and NIK), placed in the upcoming sessions (dated after
-- as_of) of the kecamatan of their TPS, nearest date first, never more than a session's
-- kapasitas (a session without kapasitas offers no seat). kode_sesi is NULL for a member no
-- seat is left for. Seats never cross kecamatan. Always the whole kecamatan: the plan of a
-- desa is its part of its kecamatan's plan, so every filter places a member in one session.
create or replace macro rencana_bimtek(as_of, daftar_kecamatan) as table
    with

    desa_rencana as (
        -- The areas first: joined from here, an empty list never reads the national roster.
        select
            w.kode_desa,
            w.kode_kecamatan
        from wilayah as w
        where list_contains(daftar_kecamatan, w.kode_kecamatan)
    ),

    belum as (
        select
            a._baris,
            a.nik,
            a.kode_tps,
            a.kode_desa,
            w.kode_kecamatan,
            row_number() over (
                partition by w.kode_kecamatan
                order by
                    a.jabatan = 'ketua' desc,
                    a.kode_tps asc,
                    a.nama asc,
                    a.nik asc,
                    a._baris asc
            ) as urutan
        from desa_rencana as w
        inner join anggota_aktif(as_of) as a on w.kode_desa = a.kode_desa
        where a.tanggal_bimtek is null
    ),

    kursi as (
        select
            s.kode_sesi,
            s.kode_kecamatan,
            s.tanggal,
            s.tempat,
            coalesce(s.kapasitas, 0) as kapasitas,
            sum(coalesce(s.kapasitas, 0)) over (
                partition by s.kode_kecamatan
                order by s.tanggal asc, s.kode_sesi asc
                rows between unbounded preceding and current row
            ) as kursi_sampai_sesi
        from bimtek_sesi as s
        where
            s.tanggal > as_of
            and list_contains(daftar_kecamatan, s.kode_kecamatan)
    )

    select
        b._baris,
        b.nik,
        b.kode_tps,
        b.kode_desa,
        b.kode_kecamatan,
        b.urutan,
        k.kode_sesi,
        k.tanggal,
        k.tempat
    from belum as b
    left join kursi as k
        on
            b.kode_kecamatan = k.kode_kecamatan
            and b.urutan > k.kursi_sampai_sesi - k.kapasitas
            and b.urutan <= k.kursi_sampai_sesi
