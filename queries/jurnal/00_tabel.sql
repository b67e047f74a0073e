-- The journal's marks as the store sees them (issue 16), in a database of their own attached
-- to every connection as `jurnal` (kesiapan/store/overlay.py): the marks in force, and
-- what they add to the precomputed store (filled by 10_tambahan.sql; empty until then).
create table if not exists jurnal.tanda (
    kode_sesi varchar not null,
    nik varchar not null,
    primary key (kode_sesi, nik)
);

-- Marks the stored attendance does not already count as present, with the session's date;
-- dipanggil_baru: the pair is not on the stored roll call at all.
create table if not exists jurnal.hadir_baru (
    kode_sesi varchar,
    nik varchar,
    tanggal date,
    dipanggil_baru boolean
);

-- NIKs whose first Bimtek the journal makes earlier (or gives them one): the new date and the
-- stored one (NULL: none).
create table if not exists jurnal.nik_pertama (
    nik varchar,
    tanggal_bimtek_pertama date,
    tanggal_lama date
);

-- Their roster rows, for the TPS and desa figures.
create table if not exists jurnal.anggota_baru (
    kode_tps varchar,
    kode_desa varchar,
    tanggal_sk date,
    tanggal_berhenti date,
    tanggal_lama date,
    tanggal_baru date
);

-- The stored history of the TPS those rows belong to (a few TPS, not the country's).
create table if not exists jurnal.tps_riwayat (
    kode_desa varchar,
    kode_tps varchar,
    nomor_tps bigint,
    kebutuhan_kpps bigint,
    mulai date,
    sampai date,
    kpps_aktif bigint,
    kpps_terlatih bigint,
    ada_ketua boolean,
    kursi_kosong bigint,
    status varchar
);
