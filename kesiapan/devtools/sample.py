"""Deterministic, seeded generator of the sample dataset (CONTRACT.md §1, shaped for §2 and §3).

`scale="sampang"` writes the bundled sample: the 186 real desa/kelurahan of Kabupaten Sampang
with their real TPS counts and voter totals, peopled by invented KPPS members who train, miss
training, resign and get replaced. `jatim` and `nasional` write synthetic datasets of the real
size (real Sampang included) with the same rules and the same kinds of gaps.

Everything random comes from `numpy.random.default_rng(seed)` through spawned child streams,
and only from `random()`, `integers()`, `choice()` and `permutation()` followed by IEEE
arithmetic (+ - * / floor), so that no libm routine (log, exp) can make two machines differ.
Rows are generated with numpy, never with a Python loop over members; only supervision visits
(a few per kecamatan) are built in Python.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kesiapan import paths
from kesiapan.devtools import sample_names

SCALES = ("sampang", "jatim", "nasional")
DEFAULT_REFERENCE_DIR = paths.REFERENCE / "sampang"

DATASET_TITLES = {
    "sampang": "Pemilu 2024 — Kabupaten Sampang (data contoh)",
    "jatim": "Pemilu 2024 — Provinsi Jawa Timur (data sintetis)",
    "nasional": "Pemilu 2024 — Nasional (data sintetis)",
}

DAY = np.timedelta64(1, "D")
EPOCH = np.datetime64("1900-01-01", "D")
NO_DAY = 10_000  # "never" as a day offset from BIMTEK_START: later than anything in the data
VOTING_DAY = np.datetime64("2024-02-14", "D")
SK_DATE = np.datetime64("2024-01-24", "D")  # SK KPPS for the whole kabupaten
BIMTEK_START = np.datetime64("2024-01-25", "D")
BIMTEK_DAYS = 5  # 25–29 Jan 2024
PROVINCE_VISIT_DAY = 3  # Sunday 28 Jan 2024, as a day index from BIMTEK_START
# Nothing in the data is dated later than this, so the default as-of date lands just before
# voting day.
LAST_DATE = np.datetime64("2024-02-12", "D")
STOP_FIRST_DAY = 1  # stops fall on 26 Jan (the day after the first Bimtek day) …
STOP_DAYS = 15  # … to 9 Feb
SEATS = 7  # 1 ketua + 6 anggota
SAMPANG_MEMBERS = 19_082  # official count; planted-gap rates below are per this many members
# Birth dates for ages 17 to 55 on voting day: the legal minimum and the preferred maximum of
# contract §3 (only the planted cases are older).
YOUNGEST_BIRTH = np.datetime64("2007-02-14", "D")
OLDEST_BIRTH = np.datetime64("1968-02-15", "D")

# Planted gaps, as counts in the Sampang sample; larger scales get them in proportion.
STOP_RATE = 0.012
UNREPLACED_SHARE = 0.10
KETUA_AS_ANGGOTA = 5  # a ketua stops and the PAW is appointed as anggota: tanpa_ketua
CROSS_KECAMATAN = 40  # members trained in a neighbouring kecamatan's session
DUPLICATE_ROLL_CALL = 20  # rows typed twice
OVER_AGE = 2  # members older than 55 on voting day
UNKNOWN_NIK = 1  # attendance rows for a NIK that is not on the roster
PAW_VISITS = 5  # monitoring visits in February following up a PAW
STOP_REASONS = ("mengundurkan diri", "berhalangan tetap", "diberhentikan", "meninggal dunia")
STOP_REASON_WEIGHTS = (0.72, 0.15, 0.10, 0.03)

# Cumulative share of a kecamatan's invitees scheduled by the end of each Bimtek day. With ~94%
# attendance this gives ~15/40/65/85/92% trained across the kabupaten, the lagging kecamatan
# included. Lagging kecamatan start on day 2 (27 Jan) or day 3 (28 Jan).
NORMAL_SCHEDULE = (0.19, 0.50, 0.79, 0.97, 1.0)
LAGGING_SCHEDULES = {2: (0.0, 0.0, 0.36, 0.70, 1.0), 3: (0.0, 0.0, 0.0, 0.55, 1.0)}
SCHEDULE_JITTER = 0.12  # per-kecamatan shift of the schedule, so kecamatan differ
LAGGING_SHARE = 2 / 14  # synthetic scales: share of kecamatan that start late
ABSENT_RATE = {False: 0.06, True: 0.22}  # by "lagging"
# Absentees of a kecamatan's last day cannot be called again, so the rate is set above the
# ~half of absentees who end up with a second roll call.
REINVITE_RATE = {False: 0.65, True: 0.10}
REINVITE_ATTEND = 0.85
PAW_REGULAR_ATTEND = 0.88  # PAW appointed by 28 Jan joins a regular session
PAW_SUSULAN_INVITED = 0.88
PAW_SUSULAN_ATTEND = 0.80
SESSION_SIZE = {False: (130, 160), True: (165, 180)}  # target invitees per session
CAPACITY_STEPS = (80, 100, 120, 150, 175, 200)
OVER_CAPACITY_SHARE = 0.03  # sessions booked into a room one size too small
FEMALE_SHARE = {True: 0.15, False: 0.45}  # by "is ketua"; ~40% women overall
PHONE_BLANK_SHARE = 0.05
NEED_BLANK_SHARE = 0.07  # desa whose PPS left kebutuhan_kpps blank (blank means 7)
SCORE_QUESTIONS = 30  # pre/post tests of 30 questions, scored to one decimal
PHONE_PREFIXES = (
    ("0812", 10),
    ("0813", 8),
    ("0821", 5),
    ("0822", 6),
    ("0823", 4),
    ("0852", 6),
    ("0853", 5),
    ("0851", 2),
    ("0857", 5),
    ("0858", 3),
    ("0817", 2),
    ("0819", 3),
    ("0859", 2),
    ("0877", 4),
    ("0878", 3),
    ("0831", 1),
    ("0838", 2),
    ("0895", 3),
    ("0896", 3),
    ("0881", 1),
)
MADURA_KABUPATEN = (3526, 3527, 3528, 3529)  # Bangkalan, Sampang, Pamekasan, Sumenep

# Sampang specifics of the bundled sample.
SAMPANG_KAB = 3527
SAMPANG_LAGGING = {352712: 2, 352709: 3}  # Ketapang from 27 Jan, Banyuates from 28 Jan
# Pangarengan, Robatal, Karangpenang and Sokobanah get no visit from KPU Sampang.
SAMPANG_UNVISITED = (352713, 352710, 352714, 352711)
SAMPANG_PROVINCE_VISITS = (352703, 352702)  # Sampang and Torjun, Sunday 28 Jan
SAMPANG_COMMISSIONERS = (
    "Moh. Zainuri Arief",
    "Siti Nurhayati",
    "Abd. Wafi Hasyim",
    "Ach. Syaifullah Anwar",
    "Mathori Ridwan",
)
SAMPANG_SESSION_VISITS = 27
JATIM_LOGISTICS_COMMISSIONER = "Bambang Setyo Wicaksono"
# (day index, kode kecamatan, venue) of the make-up sessions for PAW members in Sampang.
SAMPANG_SUSULAN = (
    (9, 352703, "Aula KPU Kabupaten Sampang"),
    (13, 352706, "Aula Kantor Kecamatan Kedungdung"),
    (16, 352703, "Aula KPU Kabupaten Sampang"),
)
SUSULAN_DAYS = (8, 9, 10, 12, 13, 14, 15, 16)  # 2–10 Feb, skipping Sundays 4 Feb and 11 Feb
SAMPANG_TOWN_VENUES = (
    ("Pendopo Trunojoyo", 0.25),
    ("Gedung PKPRI", 0.2),
    ("Aula KPU Kabupaten Sampang", 0.1),
    ("Aula Kantor Kecamatan Sampang", 0.25),
)
VISITED_SESSIONS_PER_KECAMATAN = 2.7

# Scale totals (KPU, Pemilu 2024). Jawa Timur holds real Sampang.
JATIM_TOTALS = {"kab": 38, "kec": 666, "desa": 8494, "tps": 120_666}
NASIONAL_TOTALS = {"kab": 514, "kec": 7285, "desa": 83_762, "tps": 820_161}
# (code, name, kabupaten, kota, kecamatan weight, desa weight, DPT in millions). Kabupaten and
# kota counts are real (they sum to 514); the other columns are rounded real figures used only
# as weights to share out the national totals.
PROVINCES = (
    (11, "Aceh", 18, 5, 290, 6497, 3.74),
    (12, "Sumatera Utara", 25, 8, 455, 6110, 10.85),
    (13, "Sumatera Barat", 12, 7, 179, 1265, 4.09),
    (14, "Riau", 10, 2, 172, 1862, 4.73),
    (15, "Jambi", 9, 2, 144, 1585, 2.68),
    (16, "Sumatera Selatan", 13, 4, 241, 3289, 6.33),
    (17, "Bengkulu", 9, 1, 129, 1513, 1.49),
    (18, "Lampung", 13, 2, 229, 2651, 6.54),
    (19, "Kepulauan Bangka Belitung", 6, 1, 47, 393, 1.07),
    (21, "Kepulauan Riau", 5, 2, 80, 419, 1.51),
    (31, "DKI Jakarta", 1, 5, 44, 267, 8.25),
    (32, "Jawa Barat", 18, 9, 627, 5957, 35.71),
    (33, "Jawa Tengah", 29, 6, 576, 8563, 28.29),
    (34, "DI Yogyakarta", 4, 1, 78, 438, 2.87),
    (35, "Jawa Timur", 29, 9, 666, 8494, 31.40),
    (36, "Banten", 4, 4, 155, 1552, 8.84),
    (51, "Bali", 8, 1, 57, 716, 3.27),
    (52, "Nusa Tenggara Barat", 8, 2, 117, 1166, 3.98),
    (53, "Nusa Tenggara Timur", 21, 1, 315, 3442, 4.00),
    (61, "Kalimantan Barat", 12, 2, 174, 2145, 3.94),
    (62, "Kalimantan Tengah", 13, 1, 136, 1576, 1.97),
    (63, "Kalimantan Selatan", 11, 2, 156, 2016, 2.98),
    (64, "Kalimantan Timur", 7, 3, 105, 1038, 2.78),
    (65, "Kalimantan Utara", 4, 1, 55, 482, 0.50),
    (71, "Sulawesi Utara", 11, 4, 171, 1839, 1.93),
    (72, "Sulawesi Tengah", 12, 1, 175, 2020, 2.25),
    (73, "Sulawesi Selatan", 21, 3, 313, 3059, 6.67),
    (74, "Sulawesi Tenggara", 15, 2, 222, 2302, 1.89),
    (75, "Gorontalo", 5, 1, 77, 734, 0.86),
    (76, "Sulawesi Barat", 6, 0, 69, 650, 0.90),
    (81, "Maluku", 9, 2, 118, 1235, 1.33),
    (82, "Maluku Utara", 8, 2, 116, 1200, 0.96),
    (91, "Papua", 8, 1, 105, 1050, 0.72),
    (92, "Papua Barat", 7, 0, 130, 1000, 0.39),
    (93, "Papua Selatan", 4, 0, 82, 690, 0.37),
    (94, "Papua Tengah", 8, 0, 131, 1210, 1.20),
    (95, "Papua Pegunungan", 8, 0, 250, 2630, 1.48),
    (96, "Papua Barat Daya", 5, 1, 80, 1000, 0.44),
)
JATIM_CODE = 35
CSV_CHUNK_ROWS = 400_000  # rows formatted at once; bounds memory at the national scale

WILAYAH_HEADER = (
    "kode_provinsi",
    "provinsi",
    "kode_kabupaten",
    "kabupaten",
    "kode_kecamatan",
    "kecamatan",
    "kode_desa",
    "desa",
    "jenis",
    "lat",
    "lon",
)
TPS_HEADER = ("kode_tps", "kode_desa", "nomor_tps", "jumlah_dpt", "kebutuhan_kpps")
KPPS_HEADER = (
    "nik",
    "nama",
    "jenis_kelamin",
    "tanggal_lahir",
    "no_hp",
    "kode_tps",
    "jabatan",
    "tanggal_sk",
    "tanggal_berhenti",
    "alasan_berhenti",
)
SESI_HEADER = ("kode_sesi", "kode_kecamatan", "tanggal", "tempat", "kapasitas")
NIK_SERIAL_MULTIPLIER, NIK_SERIAL_STARTS = 2_654_435_761, 9_000  # a Knuth multiplicative hash
HADIR_HEADER = ("kode_sesi", "nik", "hadir", "nilai_pre", "nilai_post")
SUPERVISI_HEADER = (
    "tanggal",
    "pengawas",
    "lembaga",
    "kode_kecamatan",
    "kode_desa",
    "kode_sesi",
    "temuan",
    "tindak_lanjut",
)

MONTHS_ID = ("Januari", "Februari")

# Supervision notes: a sentence on attendance, maybe one more, and a follow-up.
FINDING_HIGH = (
    "Kehadiran peserta {h} dari {u} orang; bimtek berjalan tertib dan sesuai jadwal.",
    "Peserta hadir hampir lengkap ({h}/{u}); simulasi pemungutan suara di TPS berjalan baik.",
    "Hadir {h} dari {u} undangan. Peserta aktif bertanya soal pemilih DPTb dan DPK.",
)
FINDING_MID = (
    "Hadir {h} dari {u} peserta; {a} orang izin karena bekerja.",
    "Kehadiran {h}/{u}; {a} anggota KPPS tidak hadir tanpa keterangan.",
    "Bimtek diikuti {h} dari {u} peserta; praktik pengisian formulir Model C.Hasil belum tuntas "
    "karena waktu terbatas.",
)
FINDING_LOW = (
    "Kehadiran rendah: hanya {h} dari {u} peserta; sebagian KPPS mengaku belum menerima "
    "undangan dari PPS.",
    "Baru {h} dari {u} peserta hadir; banyak anggota KPPS bekerja di luar desa.",
    "{a} dari {u} peserta tidak hadir; PPS belum dapat menjelaskan alasannya.",
)
FINDING_EXTRA = (
    "Modul bimtek cetak kurang; sebagian peserta memakai salinan digital.",
    "Pengeras suara kurang memadai sehingga peserta di bagian belakang sulit mendengar.",
    "Materi Sirekap sudah disampaikan, tetapi banyak peserta belum memasang aplikasinya.",
    "Sesi dimulai terlambat sekitar 45 menit menunggu narasumber dari PPK.",
    "Rata-rata nilai naik dari {pre} (pre-test) menjadi {post} (post-test).",
    "Simulasi penghitungan lima jenis surat suara memakan waktu lebih lama dari jadwal.",
    "Peserta meminta contoh pengisian formulir Model C.Hasil diperbanyak.",
)
FINDING_CROWDED = "Ruangan tidak memadai: {u} undangan untuk {c} kursi, sebagian peserta berdiri."
FOLLOW_UP_ABSENT = (
    "PPK menjadwalkan peserta yang tidak hadir pada sesi berikutnya.",
    "PPS diminta mengonfirmasi alasan ketidakhadiran dan mengusulkan PAW bila perlu.",
    "Daftar peserta yang tidak hadir diteruskan ke PPK untuk diundang ulang.",
)
FOLLOW_UP_CROWDED = "Sesi berikutnya dipindah ke ruangan yang lebih besar."
FOLLOW_UP_OTHER = (
    "Sekretariat KPU Kabupaten mengirim tambahan modul melalui PPK.",
    "PPK diminta memastikan seluruh KPPS memasang aplikasi Sirekap sebelum hari pemungutan.",
    "Dicatat untuk evaluasi bimtek berikutnya.",
)
BLANK_FINDING = 0.08
BLANK_FOLLOW_UP = 0.25


# ---------------------------------------------------------------------------------------------
# Small numpy helpers


def _group_rank(sorted_keys: np.ndarray) -> np.ndarray:
    """Position of each element within its run of equal keys (keys already sorted)."""
    n = len(sorted_keys)
    if n == 0:
        return np.zeros(0, np.int64)
    new = np.ones(n, bool)
    new[1:] = sorted_keys[1:] != sorted_keys[:-1]
    starts = np.flatnonzero(new)
    return np.arange(n) - np.repeat(starts, np.diff(np.append(starts, n)))


def _apportion(
    group: np.ndarray, weight: np.ndarray, total: np.ndarray, minimum: int | np.ndarray = 0
) -> np.ndarray:
    """Integers per element, `minimum` each plus a share of `total[g]` by weight; exact sums.

    Largest-remainder rounding, ties broken by position, so the result is exact and stable.
    """
    n_groups = len(total)
    minimum = np.broadcast_to(np.asarray(minimum, np.int64), group.shape)
    floor_sum = np.bincount(group, weights=minimum, minlength=n_groups).astype(np.int64)
    rest = np.asarray(total, np.int64) - floor_sum
    if (rest < 0).any():
        raise ValueError("a total is smaller than the minimum it must cover")
    weight_sum = np.bincount(group, weights=weight, minlength=n_groups)
    share = weight * (rest[group] / weight_sum[group])
    base = np.floor(share).astype(np.int64)
    left = rest - np.bincount(group, weights=base, minlength=n_groups).astype(np.int64)
    order = np.lexsort((np.arange(len(group)), base - share, group))
    rank = _group_rank(group[order])
    bonus = np.zeros(len(group), np.int64)
    bonus[order] = rank < left[group[order]]
    return base + bonus + minimum


def _runs(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(parent index, position within parent) for children laid out parent by parent."""
    parent = np.repeat(np.arange(len(counts)), counts)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    return parent, np.arange(len(parent)) - starts[parent]


def _choose(rng: np.random.Generator, candidates: np.ndarray, k: int) -> np.ndarray:
    """k distinct elements of candidates (fewer if there are fewer), in ascending order."""
    k = min(k, len(candidates))
    return np.sort(candidates[rng.permutation(len(candidates))[:k]])


def _planted(n_members: int, per_sampang: int) -> int:
    """A planted count in proportion to size: the Sampang figure at 19,082 members."""
    return max(1, round(per_sampang * n_members / SAMPANG_MEMBERS))


def _pad(width: int, values: np.ndarray) -> np.ndarray:
    """Zero-padded decimal text of non-negative integers, as bytes."""
    return np.strings.zfill(np.asarray(values, np.int64).astype("S"), width)


def _join(*parts: np.ndarray | bytes) -> np.ndarray:
    out = parts[0]
    for part in parts[1:]:
        out = np.strings.add(out, part)
    return out


def _kec_text(kec6: np.ndarray) -> np.ndarray:
    """`PP.KK.CC` from the integer PPKKCC."""
    return _join(
        _pad(2, kec6 // 10000), b".", _pad(2, kec6 // 100 % 100), b".", _pad(2, kec6 % 100)
    )


def _kab_text(kab4: np.ndarray) -> np.ndarray:
    return _join(_pad(2, kab4 // 100), b".", _pad(2, kab4 % 100))


def _desa_text(desa10: np.ndarray) -> np.ndarray:
    return _join(_kec_text(desa10 // 10000), b".", _pad(4, desa10 % 10000))


def _iso(stamps: np.ndarray) -> np.ndarray:
    """ISO text (bytes) of datetime64[D] values, through a table of the few distinct days."""
    day = (np.asarray(stamps, "M8[D]") - EPOCH).astype(np.int64)
    if len(day) == 0:
        return np.zeros(0, "S10")
    first = int(day.min())
    table = EPOCH + np.arange(first, int(day.max()) + 1) * DAY
    return np.datetime_as_string(table, unit="D").astype("S10")[day - first]


def _dates(days: np.ndarray) -> np.ndarray:
    """ISO text (bytes) of day offsets from BIMTEK_START."""
    return _iso(BIMTEK_START + np.asarray(days, np.int64) * DAY)


def _text(values: np.ndarray | list[str]) -> np.ndarray:
    """CSV fields of free text: UTF-8 bytes, quoted where RFC 4180 needs it.

    Codes, numbers and dates are built as bytes that never need quoting; only text goes here.
    """
    column = np.strings.encode(np.asarray(values, dtype=np.str_), "utf-8")
    needs = np.zeros(len(column), bool)
    for special in (b",", b'"', b"\n", b"\r"):
        needs |= np.strings.find(column, special) >= 0
    if needs.any():
        quoted = _join(b'"', np.strings.replace(column, b'"', b'""'), b'"')
        column = np.where(needs, quoted, column)
    return column


def _blank(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
    return np.where(mask, b"", values)


def _id_date(day: int) -> str:
    """`3 Februari` for a day offset from BIMTEK_START (Indonesian form, used in free text)."""
    stamp = (BIMTEK_START + day * DAY).astype(object)
    return f"{stamp.day} {MONTHS_ID[stamp.month - 1]}"


# ---------------------------------------------------------------------------------------------
# CSV writing: every value is already text; rows are assembled as bytes with numpy.


def _write_csv(path: Path, header: tuple[str, ...], columns: list[np.ndarray]) -> int:
    """Write a CSV with "\\n" line ends and no BOM; returns the number of data rows.

    Each chunk becomes one byte matrix (fields at fixed offsets, NUL padding), and dropping the
    NUL bytes in row-major order leaves exactly the CSV text: no per-row Python work.
    """
    n_rows = len(columns[0])
    if any(c.dtype.kind != "S" or len(c) != n_rows for c in columns):
        raise TypeError("columns must be byte strings of equal length (see _text)")
    fields = columns
    with path.open("wb") as out:
        out.write((",".join(header) + "\n").encode())
        for start in range(0, n_rows, CSV_CHUNK_ROWS):
            stop = min(start + CSV_CHUNK_ROWS, n_rows)
            parts = [np.ascontiguousarray(f[start:stop]) for f in fields]
            widths = [p.dtype.itemsize for p in parts]
            matrix = np.zeros((stop - start, sum(widths) + len(parts)), np.uint8)
            offset = 0
            for part, width in zip(parts, widths, strict=True):
                matrix[:, offset : offset + width] = part.view(np.uint8).reshape(-1, width)
                offset += width
                matrix[:, offset] = ord(",")
                offset += 1
            matrix[:, offset - 1] = ord("\n")
            out.write(matrix[matrix != 0].tobytes())
    return n_rows


# ---------------------------------------------------------------------------------------------
# Geography


@dataclass
class _Geo:
    """Areas and TPS, as parallel numpy arrays (codes as integers, text as str arrays)."""

    prov_code: np.ndarray
    prov_name: np.ndarray
    kab_code: np.ndarray  # PPKK
    kab_name: np.ndarray
    kab_prov: np.ndarray
    kec_code: np.ndarray  # PPKKCC
    kec_name: np.ndarray
    kec_kab: np.ndarray
    kec_lag: np.ndarray  # first Bimtek day (0 = on time)
    kec_steady: np.ndarray  # keep the schedule unjittered (province visit needs day 3)
    kec_neighbour: np.ndarray
    desa_code: np.ndarray  # PPKKCCDDDD
    desa_name: np.ndarray
    desa_kel: np.ndarray
    desa_kec: np.ndarray
    desa_lat: np.ndarray
    desa_lon: np.ndarray
    tps_desa: np.ndarray
    tps_no: np.ndarray
    tps_dpt: np.ndarray
    tps_need_blank: np.ndarray


@dataclass
class _SampangPart:
    kec_code: np.ndarray
    kec_name: np.ndarray
    kec_neighbour: np.ndarray  # index within Sampang
    desa_code: np.ndarray
    desa_name: np.ndarray
    desa_kel: np.ndarray
    desa_kec: np.ndarray  # index within Sampang
    desa_lat: np.ndarray
    desa_lon: np.ndarray
    desa_tps: np.ndarray
    tps_dpt: np.ndarray


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _sampang_part(reference_dir: Path, rng: np.random.Generator) -> _SampangPart:
    """Real Sampang areas, TPS spread over desa and voters spread over TPS."""
    wilayah = _read_csv(reference_dir / "wilayah.csv")
    kecamatan = _read_csv(reference_dir / "kecamatan.csv")
    kec_code = np.array([int(r["kode_kecamatan"].replace(".", "")) for r in kecamatan])
    kec_index = {int(c): i for i, c in enumerate(kec_code)}
    lat = np.array([float(r["lat"]) for r in kecamatan])
    lon = np.array([float(r["lon"]) for r in kecamatan])
    distance = (lat[:, None] - lat[None, :]) ** 2 + (lon[:, None] - lon[None, :]) ** 2
    np.fill_diagonal(distance, np.inf)
    desa_kec = np.array([kec_index[int(r["kode_kecamatan"].replace(".", ""))] for r in wilayah])
    desa_kel = np.array([r["jenis"] == "kelurahan" for r in wilayah])
    kec_names = [r["kecamatan"] for r in kecamatan]
    desa_names = [r["desa"] for r in wilayah]
    # Kelurahan (the town) and the desa that gives its kecamatan its name are the bigger places.
    seat = np.array([desa_names[i] == kec_names[k] for i, k in enumerate(desa_kec)])
    weight = (0.6 + 0.8 * rng.random(len(wilayah))) * np.where(desa_kel, 2.4, 1.0)
    weight *= np.where(seat, 1.5, 1.0)
    tps_per_kec = np.array([int(r["tps_pemilu_2024"]) for r in kecamatan])
    desa_tps = _apportion(desa_kec, weight, tps_per_kec, minimum=1)
    voters = np.array([int(r["dpt_pemilu_2024"] or r["dps_pemilu_2024"]) for r in kecamatan])
    tps_kec = np.repeat(desa_kec, desa_tps)
    return _SampangPart(
        kec_code=kec_code,
        kec_name=np.array(kec_names),
        kec_neighbour=np.argmin(distance, axis=1),
        desa_code=np.array([int(r["kode_desa"].replace(".", "")) for r in wilayah]),
        desa_name=np.array(desa_names),
        desa_kel=desa_kel,
        desa_kec=desa_kec,
        desa_lat=np.array([r["lat"] for r in wilayah]),
        desa_lon=np.array([r["lon"] for r in wilayah]),
        desa_tps=desa_tps,
        tps_dpt=_spread_voters(rng, tps_kec, voters),
    )


def _spread_voters(rng: np.random.Generator, tps_kec: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """Voters per TPS summing exactly to each kecamatan total, each at most 300 (PKPU)."""
    n = np.bincount(tps_kec, minlength=len(totals))
    mean = totals / n
    if (mean > 299).any():
        raise ValueError("more than 299 voters per TPS on average")
    z = rng.random(len(tps_kec)) * 2 - 1
    z -= (np.bincount(tps_kec, weights=z, minlength=len(totals)) / n)[tps_kec]
    largest = np.zeros(len(totals))
    np.maximum.at(largest, tps_kec, np.abs(z))
    spread = np.minimum(299 - mean, 45.0)
    value = mean[tps_kec] + spread[tps_kec] * z / np.maximum(largest, 1e-9)[tps_kec]
    return _apportion(tps_kec, value, totals)


def _sampang_geo(part: _SampangPart, rng: np.random.Generator) -> _Geo:
    n_desa = len(part.desa_code)
    tps_desa, tps_pos = _runs(part.desa_tps)
    return _Geo(
        prov_code=np.array([35]),
        prov_name=np.array(["Jawa Timur"]),
        kab_code=np.array([SAMPANG_KAB]),
        kab_name=np.array(["Sampang"]),
        kab_prov=np.zeros(1, np.int64),
        kec_code=part.kec_code,
        kec_name=part.kec_name,
        kec_kab=np.zeros(len(part.kec_code), np.int64),
        kec_lag=np.array([SAMPANG_LAGGING.get(int(c), 0) for c in part.kec_code]),
        kec_steady=np.isin(part.kec_code, SAMPANG_PROVINCE_VISITS),
        kec_neighbour=part.kec_neighbour,
        desa_code=part.desa_code,
        desa_name=part.desa_name,
        desa_kel=part.desa_kel,
        desa_kec=part.desa_kec,
        desa_lat=part.desa_lat,
        desa_lon=part.desa_lon,
        tps_desa=tps_desa,
        tps_no=tps_pos + 1,
        tps_dpt=part.tps_dpt,
        tps_need_blank=(rng.random(n_desa) < NEED_BLANK_SHARE)[tps_desa],
    )


def _place_names(rng: np.random.Generator, parent: np.ndarray, position: np.ndarray) -> np.ndarray:
    """Synthetic names, distinct among the children of one parent."""
    pool = np.array(sample_names.place_names())
    offset = rng.integers(0, len(pool), int(parent.max()) + 1 if len(parent) else 0)
    # 13 is prime to the pool size (1000), so stepping by it never repeats within a parent.
    return pool[(offset[parent] + position * 13) % len(pool)]


def _synthetic_geo(
    part: _SampangPart, scale: str, rng: np.random.Generator, n_tps: int | None
) -> _Geo:
    """Provinces, kabupaten, kecamatan, desa and TPS of the right size, real Sampang inside."""
    if scale == "jatim":
        provinces = [p for p in PROVINCES if p[0] == JATIM_CODE]
        totals = dict(JATIM_TOTALS)
    else:
        provinces = list(PROVINCES)
        totals = dict(NASIONAL_TOTALS)
    if sum(p[2] + p[3] for p in PROVINCES) != NASIONAL_TOTALS["kab"]:
        raise AssertionError("PROVINCES must hold the 514 kabupaten/kota")
    factor = 1.0 if n_tps is None else n_tps / totals["tps"]
    sampang_kec = len(part.kec_code)
    sampang_desa = len(part.desa_code)
    sampang_tps = int(part.desa_tps.sum())
    n_prov = len(provinces)
    prov_code = np.array([p[0] for p in provinces])
    jatim = int(np.flatnonzero(prov_code == JATIM_CODE)[0])

    # Kabupaten/kota per province (real counts, or scaled down for smoke tests).
    if scale == "jatim":
        n_kab = np.array([max(2, round(totals["kab"] * factor))])
        n_kota = np.array([round(n_kab[0] * 9 / 38)])
    else:
        n_kab = np.array([max(1, round((p[2] + p[3]) * factor)) for p in provinces])
        n_kota = np.array(
            [min(round(n * p[3] / (p[2] + p[3])), n) for n, p in zip(n_kab, provinces, strict=True)]
        )
    n_kota[jatim] = min(n_kota[jatim], n_kab[jatim] - 1)  # Sampang is a kabupaten

    def _level_totals(
        name: str, weight_column: int, parents: np.ndarray, sampang_parents: int, sampang: int
    ) -> np.ndarray:
        """Children per province: exact totals, Jawa Timur's fixed, every parent gets one."""
        floor = int(parents[jatim]) - sampang_parents + sampang
        jatim_total = max(round(JATIM_TOTALS[name] * factor), floor)
        if scale == "jatim":
            return np.array([jatim_total])
        others = np.flatnonzero(np.arange(n_prov) != jatim)
        overall = max(round(totals[name] * factor), jatim_total + int(parents[others].sum()))
        out = np.zeros(n_prov, np.int64)
        out[jatim] = jatim_total
        out[others] = _apportion(
            np.zeros(len(others), np.int64),
            np.array([float(provinces[i][weight_column]) for i in others]),
            np.array([overall - jatim_total]),
            minimum=parents[others],
        )
        return out

    kec_prov_total = _level_totals("kec", 4, n_kab, 1, sampang_kec)
    kab_prov, kab_pos = _runs(n_kab)
    kab_is_kota = kab_pos >= (n_kab - n_kota)[kab_prov]
    n_regency = (n_kab - n_kota)[kab_prov]
    kab_number = np.where(kab_is_kota, 71 + kab_pos - n_regency, kab_pos + 1)
    is_sampang_kab = np.zeros(len(kab_prov), bool)
    jatim_kabs = np.flatnonzero(kab_prov == jatim)
    regency_count = int(n_regency[jatim_kabs[0]])
    if regency_count >= SAMPANG_KAB % 100:
        sampang_kab = jatim_kabs[SAMPANG_KAB % 100 - 1]
    else:  # scaled down: the last regency takes Sampang's code
        sampang_kab = jatim_kabs[regency_count - 1]
        kab_number[sampang_kab] = SAMPANG_KAB % 100
    is_sampang_kab[sampang_kab] = True
    kab_code = prov_code[kab_prov] * 100 + kab_number

    # Kecamatan per kabupaten; kota have fewer, bigger kecamatan.
    weight = (0.5 + rng.random(len(kab_prov))) * np.where(kab_is_kota, 0.35, 1.0)
    synthetic = ~is_sampang_kab
    kec_total = kec_prov_total.copy()
    kec_total[jatim] -= sampang_kec
    kab_kec = np.zeros(len(kab_prov), np.int64)
    kab_kec[synthetic] = _apportion(kab_prov[synthetic], weight[synthetic], kec_total, minimum=1)
    kab_kec[sampang_kab] = sampang_kec
    kec_kab, kec_pos = _runs(kab_kec)
    kec_prov = kab_prov[kec_kab]
    kec_sampang = is_sampang_kab[kec_kab]
    kec_code = kab_code[kec_kab] * 100 + kec_pos + 1
    kec_code[kec_sampang] = part.kec_code
    n_kec = len(kec_kab)

    # Desa per kecamatan; kota kecamatan are fewer kelurahan, each bigger.
    kec_per_prov = np.bincount(kec_prov, minlength=n_prov)
    desa_prov_total = _level_totals("desa", 5, kec_per_prov, sampang_kec, sampang_desa)
    desa_total = desa_prov_total.copy()
    desa_total[jatim] -= sampang_desa
    kec_kota = kab_is_kota[kec_kab]
    weight = (0.5 + rng.random(n_kec)) * np.where(kec_kota, 0.7, 1.0)
    kec_desa = np.zeros(n_kec, np.int64)
    real_desa_count = np.bincount(part.desa_kec, minlength=sampang_kec)
    kec_desa[~kec_sampang] = _apportion(
        kec_prov[~kec_sampang], weight[~kec_sampang], desa_total, minimum=1
    )
    kec_desa[kec_sampang] = real_desa_count
    desa_kec, desa_pos = _runs(kec_desa)
    desa_sampang = kec_sampang[desa_kec]
    n_desa = len(desa_kec)
    # Kota: all kelurahan; a regency's first kecamatan (its capital) has many, others few.
    kel_chance = np.where(kec_kota, 1.0, np.where(kec_pos == 0, 0.35, 0.04))[desa_kec]
    desa_kel = rng.random(n_desa) < kel_chance
    # Kelurahan take 1001.., desa 2001..: order within each kecamatan puts kelurahan first.
    order = np.lexsort((desa_pos, ~desa_kel, desa_kec))
    desa_kel = desa_kel[order]
    rank = _group_rank(desa_kec * 2 + (~desa_kel))
    desa_number = np.where(desa_kel, 1001, 2001) + rank
    desa_code = kec_code[desa_kec] * 10000 + desa_number
    desa_code[desa_sampang] = part.desa_code
    desa_kel[desa_sampang] = part.desa_kel

    # TPS per desa; kelurahan are denser.
    desa_prov = kec_prov[desa_kec]
    desa_per_prov = np.bincount(desa_prov, minlength=n_prov)
    tps_prov_total = _level_totals("tps", 6, desa_per_prov, sampang_desa, sampang_tps)
    tps_total = tps_prov_total.copy()
    tps_total[jatim] -= sampang_tps
    weight = (0.5 + rng.random(n_desa)) * np.where(desa_kel, 2.3, 1.0)
    desa_tps = np.zeros(n_desa, np.int64)
    desa_tps[~desa_sampang] = _apportion(
        desa_prov[~desa_sampang], weight[~desa_sampang], tps_total, minimum=1
    )
    desa_tps[desa_sampang] = part.desa_tps
    if desa_tps.max() > 999:
        raise AssertionError("a desa would need more than 999 TPS")
    tps_desa, tps_pos = _runs(desa_tps)
    tps_sampang = desa_sampang[tps_desa]
    # Most TPS are filled close to the 300-voter maximum.
    dpt = 300 - np.floor(170 * rng.random(len(tps_desa)) * rng.random(len(tps_desa)))
    dpt = dpt.astype(np.int64)
    dpt[tps_sampang] = part.tps_dpt

    # Names: provinces real, Sampang real, everything else synthetic.
    kab_name = _place_names(rng, kab_prov, kab_pos).astype(object)
    kab_name = np.where(kab_is_kota, "Kota " + kab_name, kab_name).astype(str)
    kab_name[sampang_kab] = "Sampang"
    kec_name = _place_names(rng, kec_kab, kec_pos)
    kec_name[kec_sampang] = part.kec_name
    desa_name = _place_names(rng, desa_kec, desa_pos)
    desa_name[desa_sampang] = part.desa_name
    desa_lat = np.full(n_desa, "", dtype=object)
    desa_lon = np.full(n_desa, "", dtype=object)
    desa_lat[desa_sampang] = part.desa_lat
    desa_lon[desa_sampang] = part.desa_lon

    # Neighbour: the next kecamatan of the same kabupaten (the previous one for the last).
    index = np.arange(n_kec)
    nxt = np.minimum(index + 1, n_kec - 1)
    prv = np.maximum(index - 1, 0)
    neighbour = np.where(kec_kab[nxt] == kec_kab, nxt, np.where(kec_kab[prv] == kec_kab, prv, nxt))
    neighbour = np.where(neighbour == index, (index + 1) % n_kec, neighbour)
    sampang_first = int(np.flatnonzero(kec_sampang)[0])
    neighbour[kec_sampang] = part.kec_neighbour + sampang_first
    lag = np.where(rng.random(n_kec) < LAGGING_SHARE, 2 + (rng.random(n_kec) < 0.5), 0)
    lag[kec_sampang] = [SAMPANG_LAGGING.get(int(c), 0) for c in part.kec_code]

    return _Geo(
        prov_code=prov_code,
        prov_name=np.array([p[1] for p in provinces]),
        kab_code=kab_code,
        kab_name=kab_name,
        kab_prov=kab_prov,
        kec_code=kec_code,
        kec_name=kec_name,
        kec_kab=kec_kab,
        kec_lag=lag,
        kec_steady=np.isin(kec_code, SAMPANG_PROVINCE_VISITS),
        kec_neighbour=neighbour,
        desa_code=desa_code,
        desa_name=desa_name,
        desa_kel=desa_kel,
        desa_kec=desa_kec,
        desa_lat=desa_lat.astype(str),
        desa_lon=desa_lon.astype(str),
        tps_desa=tps_desa,
        tps_no=tps_pos + 1,
        tps_dpt=dpt,
        tps_need_blank=(rng.random(n_desa) < NEED_BLANK_SHARE)[tps_desa],
    )


# ---------------------------------------------------------------------------------------------
# People: the original roster, stops and replacements (PAW)


@dataclass
class _People:
    """One row per person: originals (7 per TPS, TPS by TPS), then PAW members, then people
    who appear on a roll call but not on the roster."""

    n_orig: int
    n_rep: int
    tps: np.ndarray  # -1 for people not on the roster
    kec: np.ndarray
    ketua: np.ndarray
    slot: np.ndarray  # seat 0..6 of the TPS (0 = ketua seat)
    female: np.ndarray
    birth: np.ndarray  # datetime64[D]
    nik: np.ndarray
    name: np.ndarray  # index into _name_pool()
    phone: np.ndarray  # bytes, b"" when blank
    sk_day: np.ndarray  # day offset from BIMTEK_START; originals -1 (24 Jan)
    stop_day: np.ndarray  # NO_DAY while serving
    reason: np.ndarray  # index into STOP_REASONS, -1 while serving
    replaces: np.ndarray  # for PAW rows: the person replaced; -1 otherwise
    replaced_by: np.ndarray  # for stopped originals: their PAW; -1 otherwise
    ketua_as_anggota: np.ndarray  # stopped ketua whose PAW was appointed as anggota
    unreplaced: np.ndarray  # stopped, no PAW yet
    over_age: np.ndarray


def _name_pool() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All names in one array, with the offset and size of the four pools (see _pool_id)."""
    pools = (
        sample_names.madura_male_names(),
        sample_names.madura_female_names(),
        sample_names.general_male_names(),
        sample_names.general_female_names(),
    )
    sizes = np.array([len(p) for p in pools])
    offsets = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    return np.array([n for p in pools for n in p]), offsets, sizes


def _draw_names(rng: np.random.Generator, pool_id: np.ndarray) -> np.ndarray:
    _, offsets, sizes = _name_pool()
    u = rng.random(len(pool_id))
    # u * (0.5 + 0.5u) leans towards the start of each pool (the commoner forms) without libm.
    return offsets[pool_id] + np.floor(u * (0.5 + 0.5 * u) * sizes[pool_id]).astype(np.int64)


def _people(geo: _Geo, rng: np.random.Generator) -> _People:
    n_tps = len(geo.tps_desa)
    tps_kec = geo.desa_kec[geo.tps_desa]
    n_orig = SEATS * n_tps
    o_tps = np.repeat(np.arange(n_tps), SEATS)
    o_slot = np.tile(np.arange(SEATS), n_tps)
    o_ketua = o_slot == 0

    # Stops: 26 Jan – 9 Feb, never on or before the first Bimtek day.
    n_stop = round(STOP_RATE * n_orig)
    stopped = _choose(rng, np.arange(n_orig), n_stop)
    stop_day = STOP_FIRST_DAY + rng.integers(0, STOP_DAYS, n_stop)
    reason = rng.choice(len(STOP_REASONS), n_stop, p=np.array(STOP_REASON_WEIGHTS))
    stops_in_tps = np.bincount(o_tps[stopped], minlength=n_tps)[o_tps[stopped]]
    # A ketua replaced by an anggota shows as tanpa_ketua only if the TPS is otherwise full.
    lone_ketua = np.flatnonzero(o_ketua[stopped] & (stops_in_tps == 1))
    as_anggota = np.zeros(n_stop, bool)
    as_anggota[_choose(rng, lone_ketua, _planted(n_orig, KETUA_AS_ANGGOTA))] = True
    # Late stops are the ones still waiting for a PAW.
    candidates = np.flatnonzero(~as_anggota)
    lateness = stop_day[candidates].astype(float) ** 2
    n_unreplaced = min(round(UNREPLACED_SHARE * n_stop), len(candidates))
    waiting = rng.choice(candidates, n_unreplaced, replace=False, p=lateness / lateness.sum())
    unreplaced = np.zeros(n_stop, bool)
    unreplaced[waiting] = True

    # PAW: same TPS and seat, appointed 1–5 days after the stop, never after LAST_DATE.
    src = stopped[~unreplaced]
    last_day = int((LAST_DATE - BIMTEK_START) / DAY)
    src_stop = stop_day[~unreplaced]
    max_delay = np.minimum(5, last_day - src_stop)
    r_sk = src_stop + 1 + np.floor(rng.random(len(src)) * max_delay).astype(np.int64)
    n_rep = len(src)

    # People on a roll call but not on the roster: someone at a TPS's session by mistake.
    n_unknown = _planted(n_orig, UNKNOWN_NIK)
    u_kec = tps_kec[rng.integers(0, n_tps, n_unknown)]

    n_people = n_orig + n_rep + n_unknown
    tps = np.concatenate((o_tps, o_tps[src], np.full(n_unknown, -1)))
    kec = np.concatenate((tps_kec[o_tps], tps_kec[o_tps[src]], u_kec))
    ketua = np.concatenate(
        (o_ketua, o_ketua[src] & ~as_anggota[~unreplaced], np.zeros(n_unknown, bool))
    )
    slot = np.concatenate((o_slot, o_slot[src], np.zeros(n_unknown, np.int64)))
    sk_first = int((SK_DATE - BIMTEK_START) / DAY)
    sk_day = np.concatenate((np.full(n_orig, sk_first), r_sk, np.full(n_unknown, sk_first)))
    stop_all = np.full(n_people, NO_DAY)
    stop_all[stopped] = stop_day
    reason_all = np.full(n_people, -1)
    reason_all[stopped] = reason
    replaces = np.full(n_people, -1)
    replaces[n_orig : n_orig + n_rep] = src
    replaced_by = np.full(n_people, -1)
    replaced_by[src] = np.arange(n_orig, n_orig + n_rep)
    as_anggota_all = np.zeros(n_people, bool)
    as_anggota_all[stopped[as_anggota]] = True
    unreplaced_all = np.zeros(n_people, bool)
    unreplaced_all[stopped[unreplaced]] = True

    # Ages: mostly 18–50 (peak mid-30s), a tenth anywhere in 17–55.
    female = rng.random(n_people) < np.where(ketua, FEMALE_SHARE[True], FEMALE_SHARE[False])
    u = rng.random((3, n_people))
    age = np.where(u[2] < 0.9, 18 + 16 * (u[0] + u[1]), 17 + 39 * u[0])
    birth = VOTING_DAY - np.floor(age * 365.2425).astype(np.int64) * DAY
    birth = np.clip(birth, OLDEST_BIRTH, YOUNGEST_BIRTH)
    serving = np.ones(n_orig, bool)
    serving[stopped] = False
    serving = np.flatnonzero(serving)
    old = _choose(rng, serving, _planted(n_orig, OVER_AGE))
    birth[old] = OLDEST_BIRTH - (1 + rng.integers(0, 3 * 365, len(old))) * DAY
    over_age = np.zeros(n_people, bool)
    over_age[old] = True

    # NIK: kecamatan, birth date (day + 40 for women), serial per (kecamatan, date, sex).
    year = birth.astype("M8[Y]").astype(np.int64) + 1970
    month_start = birth.astype("M8[M]")
    month = month_start.astype(np.int64) % 12 + 1
    mday = (birth - month_start.astype("M8[D]")).astype(np.int64) + 1
    key = (kec * 100_000 + (birth - EPOCH).astype(np.int64)) * 2 + female
    order = np.argsort(key, kind="stable")
    serial = np.empty(n_people, np.int64)
    # Issue 15: the serial starts at a number of its own per group, not at 0001, so that a
    # masked NIK (3527••••••••0417: region and serial shown) still tells people apart. Still
    # unique within its (kecamatan, birth date, sex), so every NIK stays valid and distinct.
    start = (key * NIK_SERIAL_MULTIPLIER) % NIK_SERIAL_STARTS
    serial[order] = _group_rank(key[order]) + 1 + start[order]
    if serial.max() > 9999:
        raise AssertionError("NIK serial overflow")
    nik = (
        geo.kec_code[kec] * 10**10
        + (mday + 40 * female) * 10**8
        + month * 10**6
        + year % 100 * 10**4
        + serial
    )

    # Names: Madurese in Madura, a general mix elsewhere; never twice in one TPS.
    madura = np.isin(geo.kab_code[geo.kec_kab[kec]], MADURA_KABUPATEN)
    pool_id = np.where(madura, 0, 2) + female
    name = _draw_names(rng, pool_id)
    group = np.where(tps >= 0, tps, n_tps + np.arange(n_people))
    for _ in range(100):
        order = np.lexsort((name, group))
        same = (group[order][1:] == group[order][:-1]) & (name[order][1:] == name[order][:-1])
        clash = order[1:][same]
        if len(clash) == 0:
            break
        name[clash] = _draw_names(rng, pool_id[clash])
    else:
        raise AssertionError("could not give distinct names within a TPS")

    # Phones: 08xx prefix + 7–9 digits = 11–13 digits; some left blank on the form.
    prefix_text, prefix_weight = zip(*PHONE_PREFIXES, strict=True)
    weight = np.array(prefix_weight, float)
    prefix = np.array([int(p) for p in prefix_text])[
        rng.choice(len(prefix_text), n_people, p=weight / weight.sum())
    ]
    rest_digits = 7 + rng.integers(0, 3, n_people)
    scale = 10**rest_digits
    number = prefix * scale + np.floor(rng.random(n_people) * scale).astype(np.int64)
    phone = np.strings.add(b"0", number.astype("S"))
    phone = _blank(rng.random(n_people) < PHONE_BLANK_SHARE, phone)

    return _People(
        n_orig=n_orig,
        n_rep=n_rep,
        tps=tps,
        kec=kec,
        ketua=ketua,
        slot=slot,
        female=female,
        birth=birth,
        nik=nik,
        name=name,
        phone=phone,
        sk_day=sk_day,
        stop_day=stop_all,
        reason=reason_all,
        replaces=replaces,
        replaced_by=replaced_by,
        ketua_as_anggota=as_anggota_all,
        unreplaced=unreplaced_all,
        over_age=over_age,
    )


# ---------------------------------------------------------------------------------------------
# Bimtek sessions and roll calls


@dataclass
class _Sessions:
    """Regular sessions first (kecamatan by kecamatan, by date), then make-up sessions."""

    n_regular: int
    kec: np.ndarray
    day: np.ndarray
    seq: np.ndarray  # 1.. within the kecamatan (regular and susulan numbered apart)
    susulan: np.ndarray
    venue: np.ndarray
    venue_desa: np.ndarray  # desa index where the venue is a balai desa, else -1
    absent_rate: np.ndarray
    reg_start: np.ndarray  # per kecamatan: its regular sessions are reg_start..reg_end-1
    reg_end: np.ndarray
    tps_session: np.ndarray  # the regular session each TPS is invited to
    sus_kab: np.ndarray  # per make-up session (index - n_regular): its kabupaten


def _kpu_name(kab_name: str) -> str:
    return f"KPU {kab_name}" if kab_name.startswith("Kota ") else f"KPU Kabupaten {kab_name}"


def _venues(
    geo: _Geo, rng: np.random.Generator, sess_kec: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Venue text and balai-desa index per regular session (a few per kecamatan: fine in Python)."""
    n = len(sess_kec)
    desa_start = np.searchsorted(geo.desa_kec, np.arange(len(geo.kec_code)))
    desa_end = np.searchsorted(geo.desa_kec, np.arange(len(geo.kec_code)), side="right")
    pick = rng.random(n)
    which = rng.random(n)
    venue: list[str] = []
    venue_desa = np.full(n, -1)
    town_names = [v for v, _ in SAMPANG_TOWN_VENUES]
    town_cum = np.cumsum([w for _, w in SAMPANG_TOWN_VENUES])
    for i, k in enumerate(sess_kec.tolist()):
        kec_name = str(geo.kec_name[k])
        desa = int(desa_start[k] + np.floor(which[i] * (desa_end[k] - desa_start[k])))
        balai = f"Balai Desa {geo.desa_name[desa]}" if not geo.desa_kel[desa] else None
        if int(geo.kec_code[k]) == 352703:
            # Kota Sampang has the kabupaten's big halls.
            t = int(np.searchsorted(town_cum, pick[i], side="right"))
            if t < len(town_names) or balai is None:
                venue.append(town_names[min(t, len(town_names) - 1)])
                continue
        elif pick[i] < 0.45 or (balai is None and pick[i] < 0.8):
            venue.append(f"Aula Kantor Kecamatan {kec_name}")
            continue
        elif pick[i] >= 0.8:
            kind = "Aula SMP Negeri 1" if pick[i] < 0.9 else "Gedung Serbaguna Kecamatan"
            venue.append(f"{kind} {kec_name}")
            continue
        venue.append(str(balai))
        venue_desa[i] = desa
    return np.array(venue), venue_desa


def _sessions(geo: _Geo, rng: np.random.Generator) -> _Sessions:
    n_kec = len(geo.kec_code)
    tps_kec = geo.desa_kec[geo.tps_desa]
    tps_count = np.bincount(tps_kec, minlength=n_kec)
    members = SEATS * tps_count
    lagging = geo.kec_lag > 0
    low = np.where(lagging, SESSION_SIZE[True][0], SESSION_SIZE[False][0])
    high = np.where(lagging, SESSION_SIZE[True][1], SESSION_SIZE[False][1])
    target = low + (high - low) * rng.random(n_kec)
    n_sess = np.maximum(1, np.floor(members / target + 0.5)).astype(np.int64)
    sess_kec, sess_pos = _runs(n_sess)
    n_reg = len(sess_kec)
    reg_start = np.concatenate(([0], np.cumsum(n_sess)[:-1]))
    reg_end = reg_start + n_sess

    # Uneven session sizes: each session covers a stretch of the kecamatan's TPS (desa order).
    width = 0.8 + 0.4 * rng.random(n_reg)
    total = np.bincount(sess_kec, weights=width, minlength=n_kec)
    before = np.cumsum(width) - width
    before -= before[reg_start][sess_kec]
    upper = (before + width) / total[sess_kec]
    upper[reg_end - 1] = 1.0
    middle = (before + width / 2) / total[sess_kec]
    tps_rank = np.arange(len(tps_kec)) - np.searchsorted(tps_kec, tps_kec)
    tps_where = tps_kec + (tps_rank + 0.5) / tps_count[tps_kec]
    tps_session = np.searchsorted(sess_kec + upper, tps_where, side="right")

    # Days: the session's midpoint in the kecamatan's schedule.
    schedule = np.tile(np.array(NORMAL_SCHEDULE), (n_kec, 1))
    jitter = np.where(geo.kec_steady, 0.0, (rng.random(n_kec) - 0.5) * SCHEDULE_JITTER)
    schedule[:, :4] = np.clip(schedule[:, :4] + jitter[:, None], 0.02, 0.995)
    for start_day, shares in LAGGING_SCHEDULES.items():
        schedule[geo.kec_lag == start_day] = shares
    day = (schedule[sess_kec, :4] <= middle[:, None]).sum(axis=1)
    absent_rate = np.where(lagging[sess_kec], ABSENT_RATE[True], ABSENT_RATE[False])
    absent_rate = absent_rate * (0.4 + 1.2 * rng.random(n_reg))
    venue, venue_desa = _venues(geo, rng, sess_kec)

    # Make-up sessions ("Bimtek susulan") for PAW members, 2–3 per kabupaten in early February.
    s_kec: list[int] = []
    s_day: list[int] = []
    s_venue: list[str] = []
    s_kab: list[int] = []
    kec_of_code = {int(c): i for i, c in enumerate(geo.kec_code)}
    first_kec = np.searchsorted(geo.kec_kab, np.arange(len(geo.kab_code)))
    last_kec = np.searchsorted(geo.kec_kab, np.arange(len(geo.kab_code)), side="right") - 1
    for b, code in enumerate(geo.kab_code.tolist()):
        if code == SAMPANG_KAB:
            plan = [(d, kec_of_code[k], v) for d, k, v in SAMPANG_SUSULAN]
        else:
            n = 2 + int(rng.random() < 0.5)
            days = np.sort(rng.choice(np.array(SUSULAN_DAYS), n, replace=False))
            hall = f"Aula {_kpu_name(str(geo.kab_name[b]))}"
            plan = [(int(d), int(first_kec[b]), hall) for d in days]
            if n == 3 and last_kec[b] > first_kec[b]:
                k = int(first_kec[b] + 1 + rng.integers(0, last_kec[b] - first_kec[b]))
                plan[1] = (plan[1][0], k, f"Aula Kantor Kecamatan {geo.kec_name[k]}")
        for d, k, v in plan:
            s_day.append(d)
            s_kec.append(k)
            s_venue.append(f"{v} (Bimtek susulan)")
            s_kab.append(b)
    s_kec_arr = np.array(s_kec, np.int64)
    order = np.lexsort((np.arange(len(s_kec_arr)), s_kec_arr))
    sus_seq = np.empty(len(s_kec_arr), np.int64)
    sus_seq[order] = _group_rank(s_kec_arr[order]) + 1

    return _Sessions(
        n_regular=n_reg,
        kec=np.concatenate((sess_kec, s_kec_arr)),
        day=np.concatenate((day, np.array(s_day, np.int64))),
        seq=np.concatenate((sess_pos + 1, sus_seq)),
        susulan=np.concatenate((np.zeros(n_reg, bool), np.ones(len(s_kec_arr), bool))),
        venue=np.concatenate((venue, np.array(s_venue, dtype=str))),
        venue_desa=np.concatenate((venue_desa, np.full(len(s_kec_arr), -1))),
        absent_rate=absent_rate,
        reg_start=reg_start,
        reg_end=reg_end,
        tps_session=tps_session,
        sus_kab=np.array(s_kab, np.int64),
    )


@dataclass
class _Training:
    """Roll-call rows in file order (duplicates included) and per-session/per-person facts."""

    sess: np.ndarray
    person: np.ndarray
    present: np.ndarray
    pre: np.ndarray  # correct answers out of SCORE_QUESTIONS; -1 blank
    post: np.ndarray
    duplicate: np.ndarray  # the second copy of a row typed twice
    invited: np.ndarray  # per session, duplicates not counted
    attended: np.ndarray
    capacity: np.ndarray
    pre_mean: np.ndarray  # per session, in points 0–100
    post_mean: np.ndarray
    trained_day: np.ndarray  # per person: first day present, NO_DAY if never
    cross: np.ndarray  # per person: an original who trained in another kecamatan's session


def _roster_rank(people: _People) -> np.ndarray:
    """Position of each person in kpps.csv (TPS by TPS, originals by seat, then PAW by date);
    people not on the roster come after everyone."""
    on_roster = np.flatnonzero(people.tps >= 0)
    order = on_roster[
        np.lexsort((people.slot[on_roster], people.sk_day[on_roster], people.tps[on_roster]))
    ]
    rank = np.arange(len(people.tps)).copy()
    rank[order] = np.arange(len(order))
    return rank


def _session_rank(geo: _Geo, sessions: _Sessions) -> np.ndarray:
    """Position of each session in bimtek_sesi.csv (by kecamatan, regular before susulan)."""
    order = np.lexsort((sessions.seq, sessions.susulan, geo.kec_code[sessions.kec]))
    rank = np.empty(len(order), np.int64)
    rank[order] = np.arange(len(order))
    return rank


def _attendance(
    geo: _Geo, people: _People, sessions: _Sessions, rng: np.random.Generator
) -> _Training:
    s = sessions
    n_orig, n_rep = people.n_orig, people.n_rep
    n_people = len(people.tps)
    n_sess = len(s.kec)
    reg_key = s.kec[: s.n_regular] * 100 + s.day[: s.n_regular]

    # Originals: their TPS's session; a few sit in with the neighbouring kecamatan instead.
    s0 = s.tps_session[people.tps[:n_orig]]
    stop0 = people.stop_day[:n_orig]
    cross = _choose(rng, np.flatnonzero(stop0 == NO_DAY), _planted(n_orig, CROSS_KECAMATAN))
    nk = geo.kec_neighbour[people.kec[cross]]
    spread = s.reg_end[nk] - s.reg_start[nk]
    s0[cross] = s.reg_start[nk] + np.floor(rng.random(len(cross)) * spread).astype(np.int64)
    gone = stop0 <= s.day[s0]  # stopped before their session: on the list, absent
    present0 = (rng.random(n_orig) >= s.absent_rate[s0]) & ~gone
    present0[cross] = True

    # About half of the absentees are called again to a later session of their kecamatan.
    lagging = geo.kec_lag[people.kec[:n_orig]] > 0
    first_later = np.searchsorted(reg_key, reg_key[s0], side="right")
    end = s.reg_end[s.kec[s0]]
    rate = np.where(lagging, REINVITE_RATE[True], REINVITE_RATE[False])
    again = np.flatnonzero(~present0 & ~gone & (first_later < end) & (rng.random(n_orig) < rate))
    u = rng.random(len(again))
    # u² favours the next sessions over the last one.
    s1 = first_later[again] + np.floor(u * u * (end[again] - first_later[again])).astype(np.int64)
    still = people.stop_day[again] > s.day[s1]
    again, s1 = again[still], s1[still]
    present1 = rng.random(len(again)) < REINVITE_ATTEND

    # PAW members: a regular session if appointed by 28 Jan and one is left, else susulan.
    rep = np.arange(n_orig, n_orig + n_rep)
    sk = people.sk_day[rep]
    kec_r = people.kec[rep]
    s_a = np.searchsorted(reg_key, kec_r * 100 + sk, side="left")
    ok_a = (sk <= PROVINCE_VISIT_DAY) & (s_a < s.reg_end[kec_r])
    present_a = rng.random(n_rep) < PAW_REGULAR_ATTEND
    sus = np.arange(s.n_regular, n_sess)
    sus_key = s.sus_kab * 100 + s.day[sus]
    if (np.diff(sus_key) < 0).any():
        raise AssertionError("make-up sessions must be ordered by kabupaten and date")
    kab_r = geo.kec_kab[kec_r]
    s_b = np.searchsorted(sus_key, kab_r * 100 + sk, side="left")
    ok_b = (
        ~ok_a
        & (s_b < np.searchsorted(sus_key, kab_r * 100 + 99, side="right"))
        & (rng.random(n_rep) < PAW_SUSULAN_INVITED)
    )
    present_b = rng.random(n_rep) < PAW_SUSULAN_ATTEND

    # Someone not on the roster signs a roll call (a helper, or a NIK typed for a friend).
    unknown = np.arange(n_orig + n_rep, n_people)
    kec_u = people.kec[unknown]
    spread = s.reg_end[kec_u] - s.reg_start[kec_u]
    s_u = s.reg_start[kec_u] + np.floor(rng.random(len(unknown)) * spread).astype(np.int64)

    sess = np.concatenate((s0, s1, s_a[ok_a], s.n_regular + s_b[ok_b], s_u))
    person = np.concatenate((np.arange(n_orig), again, rep[ok_a], rep[ok_b], unknown))
    present = np.concatenate(
        (present0, present1, present_a[ok_a], present_b[ok_b], np.ones(len(unknown), bool))
    )

    # Scores: 30-question pre/post tests; post mostly higher.
    n = len(sess)
    u = rng.random((6, n))
    ability = (u[0] + u[1]) / 2
    pre = np.floor(SCORE_QUESTIONS * (0.28 + 0.5 * ability + 0.12 * (u[2] - 0.5)) + 0.5)
    pre = np.clip(pre, 3, SCORE_QUESTIONS).astype(np.int64)
    gain = np.floor((SCORE_QUESTIONS - pre) * (0.15 + 0.5 * u[3]) + 0.5).astype(np.int64)
    slip = np.where(u[4] < 0.06, np.floor(3 * u[5]).astype(np.int64) + 1, 0)
    post = np.clip(pre + gain - slip, 0, SCORE_QUESTIONS)
    pre = np.where(present, pre, -1)
    post = np.where(present, post, -1)

    invited = np.bincount(sess, minlength=n_sess)
    attended = np.bincount(sess, weights=present, minlength=n_sess).astype(np.int64)
    points = 100 / SCORE_QUESTIONS
    with np.errstate(invalid="ignore", divide="ignore"):
        pre_mean = np.bincount(sess, weights=np.maximum(pre, 0), minlength=n_sess)
        pre_mean = pre_mean * points / attended
        post_mean = np.bincount(sess, weights=np.maximum(post, 0), minlength=n_sess)
        post_mean = post_mean * points / attended

    # Rooms: the smallest that fits, sometimes a bigger one, a few booked one size too small.
    steps = np.array(CAPACITY_STEPS)
    fit = np.searchsorted(steps, invited, side="left")
    roomy = rng.random(n_sess) < 0.2
    step = np.minimum(fit + roomy, len(steps) - 1)
    regular = np.arange(n_sess) < s.n_regular
    tight = regular & (fit > 0) & (rng.random(n_sess) < OVER_CAPACITY_SHARE)
    step = np.where(tight, fit - 1, step)
    capacity = steps[np.minimum(step, len(steps) - 1)]

    trained_day = np.full(n_people, NO_DAY)
    np.minimum.at(trained_day, person[present], s.day[sess[present]])
    crossed = np.zeros(n_people, bool)
    elsewhere = present & (person < n_orig) & (s.kec[sess] != people.kec[person])
    crossed[person[elsewhere]] = True

    # File order, then ~20 rows typed twice (right below the original entry).
    order = np.lexsort((_roster_rank(people)[person], _session_rank(geo, s)[sess]))
    sess, person, present, pre, post = (a[order] for a in (sess, person, present, pre, post))
    typed_twice = _choose(
        rng,
        np.flatnonzero(present & (sess < s.n_regular) & (person < n_orig + n_rep)),
        _planted(n_orig, DUPLICATE_ROLL_CALL),
    )
    copies = np.ones(len(sess), np.int64)
    copies[typed_twice] = 2
    repeat = np.repeat(np.arange(len(sess)), copies)
    duplicate = np.zeros(len(repeat), bool)
    duplicate[1:] = repeat[1:] == repeat[:-1]
    return _Training(
        sess=sess[repeat],
        person=person[repeat],
        present=present[repeat],
        pre=pre[repeat],
        post=post[repeat],
        duplicate=duplicate,
        invited=invited,
        attended=attended,
        capacity=capacity,
        pre_mean=pre_mean,
        post_mean=post_mean,
        trained_day=trained_day,
        cross=crossed,
    )


# ---------------------------------------------------------------------------------------------
# Supervision visits (a few per kecamatan, so built row by row)


def _pick(rng: np.random.Generator, options: tuple[str, ...]) -> str:
    return options[int(rng.integers(0, len(options)))]


def _decimal_id(value: float) -> str:
    """One decimal with a decimal comma, as written in Indonesian."""
    return f"{value:.1f}".replace(".", ",")


def _session_finding(rng: np.random.Generator, training: _Training, sess: int) -> tuple[str, str]:
    invited = int(training.invited[sess])
    came = int(training.attended[sess])
    capacity = int(training.capacity[sess])
    facts = {
        "h": came,
        "u": invited,
        "a": invited - came,
        "c": capacity,
        "pre": _decimal_id(float(training.pre_mean[sess])) if came else "-",
        "post": _decimal_id(float(training.post_mean[sess])) if came else "-",
    }
    ratio = came / invited if invited else 1.0
    level = FINDING_HIGH if ratio >= 0.97 else FINDING_MID if ratio >= 0.88 else FINDING_LOW
    parts = [_pick(rng, level)]
    crowded = invited > capacity
    if crowded:
        parts.append(FINDING_CROWDED)
    elif rng.random() < 0.6:
        parts.append(_pick(rng, FINDING_EXTRA))
    finding = " ".join(parts).format(**facts)
    if crowded:
        follow_up = FOLLOW_UP_CROWDED
    elif came < invited and rng.random() < 0.7:
        follow_up = _pick(rng, FOLLOW_UP_ABSENT)
    else:
        follow_up = _pick(rng, FOLLOW_UP_OTHER)
    if rng.random() < BLANK_FINDING:
        finding = ""
    if rng.random() < BLANK_FOLLOW_UP:
        follow_up = ""
    return finding, follow_up


def _officials(rng: np.random.Generator, madura: bool, n: int) -> list[str]:
    """Invented names for the commissioners of one KPU office (about one in four a woman)."""
    pool, offsets, sizes = _name_pool()
    first = 0 if madura else 2
    n_women = max(1, n // 4)
    men = rng.choice(int(sizes[first]), n - n_women, replace=False) + offsets[first]
    women = rng.choice(int(sizes[first + 1]), n_women, replace=False) + offsets[first + 1]
    picked = [str(pool[i]) for i in np.concatenate((men, women))]
    return [picked[i] for i in rng.permutation(n)]


def _paw_finding(
    geo: _Geo, people: _People, training: _Training, stopped: int, day: int
) -> tuple[str, str]:
    tps = int(people.tps[stopped])
    desa = int(geo.tps_desa[tps])
    place = f"TPS {int(geo.tps_no[tps]):03d} Desa {geo.desa_name[desa]}"
    reason = STOP_REASONS[int(people.reason[stopped])]
    seat = "ketua KPPS" if people.ketua[stopped] else "anggota KPPS"
    since = _id_date(int(people.stop_day[stopped]))
    if people.unreplaced[stopped]:
        return (
            f"Monitoring PAW {place}: {seat} {reason} sejak {since}; "
            "calon pengganti belum ditetapkan PPS.",
            f"PPS diminta mengusulkan calon PAW paling lambat {_id_date(day + 2)}.",
        )
    paw = int(people.replaced_by[stopped])
    appointed = _id_date(int(people.sk_day[paw]))
    if people.ketua_as_anggota[stopped]:
        return (
            f"Monitoring PAW {place}: ketua KPPS {reason}; pengganti ditetapkan {appointed} "
            "sebagai anggota sehingga TPS belum memiliki ketua.",
            "PPS diminta menetapkan ketua KPPS dari anggota yang ada dan menerbitkan SK perubahan.",
        )
    if training.trained_day[paw] <= day:
        return (
            f"Monitoring PAW {place}: {seat} {reason}; pengganti ditetapkan {appointed} "
            "dan sudah mengikuti bimtek.",
            "",
        )
    return (
        f"Monitoring PAW {place}: {seat} {reason}; pengganti ditetapkan {appointed} "
        "tetapi belum mengikuti bimtek.",
        "PPK diminta mengikutkan pengganti pada bimtek susulan terdekat.",
    )


def _supervision(
    geo: _Geo,
    people: _People,
    sessions: _Sessions,
    training: _Training,
    rng: np.random.Generator,
) -> list[tuple[int, str, str, int, int, int, str, str]]:
    """Visits as (day, pengawas, lembaga, kecamatan, desa or -1, session or -1, temuan,
    tindak lanjut), in file order."""
    s = sessions
    visits: list[tuple[int, str, str, int, int, int, str, str]] = []
    last_day = int((LAST_DATE - BIMTEK_START) / DAY)
    paw_rate = PAW_VISITS / round(STOP_RATE * SAMPANG_MEMBERS)
    stopped_all = np.flatnonzero(people.stop_day < NO_DAY)
    kec_of_code = {int(c): i for i, c in enumerate(geo.kec_code)}

    for b, kab_code in enumerate(geo.kab_code.tolist()):
        sampang = kab_code == SAMPANG_KAB
        kecs = np.flatnonzero(geo.kec_kab == b)
        lembaga = _kpu_name(str(geo.kab_name[b]))
        madura = kab_code in MADURA_KABUPATEN
        staff = list(SAMPANG_COMMISSIONERS) if sampang else _officials(rng, madura, 5)
        if sampang:
            skipped = kecs[np.isin(geo.kec_code[kecs], SAMPANG_UNVISITED)]
            target = SAMPANG_SESSION_VISITS
        else:
            n_skip = round(len(kecs) * len(SAMPANG_UNVISITED) / 14) if len(kecs) > 2 else 0
            skipped = _choose(rng, kecs, n_skip)
            target = round((len(kecs) - n_skip) * VISITED_SESSIONS_PER_KECAMATAN)
        visited = np.setdiff1d(kecs, skipped)
        # One session in every visited kecamatan, the rest anywhere among them.
        first = s.reg_start[visited] + np.floor(
            rng.random(len(visited)) * (s.reg_end[visited] - s.reg_start[visited])
        ).astype(np.int64)
        pool = np.setdiff1d(
            np.concatenate([np.arange(s.reg_start[k], s.reg_end[k]) for k in visited]), first
        )
        chosen = np.concatenate((first, _choose(rng, pool, target - len(first))))
        chosen = chosen[np.lexsort((chosen, s.day[chosen]))]
        per_day: dict[int, int] = {}
        for sess in chosen.tolist():
            day = int(s.day[sess])
            turn = per_day.get(day, 0)
            per_day[day] = turn + 1
            finding, follow_up = _session_finding(rng, training, sess)
            visits.append(
                (
                    day,
                    staff[(day + turn) % len(staff)],
                    lembaga,
                    int(s.kec[sess]),
                    int(s.venue_desa[sess]),
                    sess,
                    finding,
                    follow_up,
                )
            )

        # February: following up PAW cases in visited kecamatan.
        mine = stopped_all[np.isin(people.kec[stopped_all], visited)]
        mine = mine[people.stop_day[mine] >= 6]  # stopped from 31 Jan: visits fall in February
        n_paw = PAW_VISITS if sampang else round(len(mine) * paw_rate)
        special = [
            _choose(rng, mine[people.ketua_as_anggota[mine]], 1),
            _choose(rng, mine[people.unreplaced[mine]], 1),
        ]
        rest = np.setdiff1d(mine, np.concatenate(special))
        rest = rest[~people.unreplaced[rest] & ~people.ketua_as_anggota[rest]]
        picked = np.concatenate([*special, _choose(rng, rest, n_paw - sum(map(len, special)))])
        for stopped in picked[: max(n_paw, 0)].tolist():
            if people.unreplaced[stopped]:
                base = int(people.stop_day[stopped]) + 2
            else:
                paw = int(people.replaced_by[stopped])
                base = int(people.sk_day[paw]) + 1
            day = min(max(base + int(rng.integers(0, 3)), 8), last_day)
            finding, follow_up = _paw_finding(geo, people, training, stopped, day)
            visits.append(
                (
                    day,
                    staff[int(rng.integers(0, len(staff)))],
                    lembaga,
                    int(people.kec[stopped]),
                    int(geo.tps_desa[people.tps[stopped]]),
                    -1,
                    finding,
                    follow_up,
                )
            )

    # KPU Provinsi: Jawa Timur's logistics commissioner in Sampang and Torjun on Sunday 28 Jan;
    # elsewhere (synthetic scales) a few visits per province.
    for p, prov_code in enumerate(geo.prov_code.tolist()):
        lembaga = f"KPU Provinsi {geo.prov_name[p]}"
        staff = _officials(rng, False, 7)
        if prov_code == JATIM_CODE:
            staff[0] = JATIM_LOGISTICS_COMMISSIONER
            for code in SAMPANG_PROVINCE_VISITS:
                k = kec_of_code[code]
                on_day = np.flatnonzero(s.day[s.reg_start[k] : s.reg_end[k]] == PROVINCE_VISIT_DAY)
                if len(on_day) == 0:
                    raise AssertionError(f"no session in {code} on the province visit day")
                sess = int(s.reg_start[k] + on_day[0])
                came, invited = int(training.attended[sess]), int(training.invited[sess])
                visits.append(
                    (
                        PROVINCE_VISIT_DAY,
                        JATIM_LOGISTICS_COMMISSIONER,
                        lembaga,
                        k,
                        int(s.venue_desa[sess]),
                        sess,
                        "Kunjungan Divisi Perencanaan dan Logistik: perlengkapan simulasi (kotak "
                        f"suara, bilik, tinta) tersedia; hadir {came} dari {invited} peserta.",
                        "KPU Kabupaten diminta melaporkan rekap kehadiran bimtek per kecamatan "
                        "setiap hari.",
                    )
                )
        kabs = np.flatnonzero((geo.kab_prov == p) & (geo.kab_code != SAMPANG_KAB))
        n_extra = round(len(kabs) / 3)
        for i, b in enumerate(_choose(rng, kabs, n_extra).tolist()):
            kecs = np.flatnonzero(geo.kec_kab == b)
            k = int(kecs[int(rng.integers(0, len(kecs)))])
            sessions_k = np.arange(s.reg_start[k], s.reg_end[k])
            sess = int(sessions_k[int(rng.integers(0, len(sessions_k)))])
            came, invited = int(training.attended[sess]), int(training.invited[sess])
            visits.append(
                (
                    int(s.day[sess]),
                    staff[(i + 1) % len(staff)],
                    lembaga,
                    k,
                    int(s.venue_desa[sess]),
                    sess,
                    f"Monitoring KPU Provinsi: hadir {came} dari {invited} peserta; "
                    "materi sesuai modul KPU RI.",
                    "",
                )
            )

    order = sorted(
        range(len(visits)),
        key=lambda i: (visits[i][0], int(geo.kec_code[visits[i][3]]), visits[i][5], i),
    )
    return [visits[i] for i in order]


# ---------------------------------------------------------------------------------------------
# Files


def _write_wilayah(out_dir: Path, geo: _Geo) -> int:
    kec = geo.desa_kec
    kab = geo.kec_kab[kec]
    prov = geo.kab_prov[kab]
    return _write_csv(
        out_dir / "wilayah.csv",
        WILAYAH_HEADER,
        [
            _pad(2, geo.prov_code[prov]),
            _text(geo.prov_name[prov]),
            _kab_text(geo.kab_code[kab]),
            _text(geo.kab_name[kab]),
            _kec_text(geo.kec_code[kec]),
            _text(geo.kec_name[kec]),
            _desa_text(geo.desa_code),
            _text(geo.desa_name),
            np.where(geo.desa_kel, b"kelurahan", b"desa"),
            _text(geo.desa_lat),
            _text(geo.desa_lon),
        ],
    )


def _tps_codes(geo: _Geo) -> np.ndarray:
    return (geo.desa_code[geo.tps_desa] * 1000 + geo.tps_no).astype("S13")


def _write_tps(out_dir: Path, geo: _Geo) -> int:
    return _write_csv(
        out_dir / "tps.csv",
        TPS_HEADER,
        [
            _tps_codes(geo),
            _desa_text(geo.desa_code)[geo.tps_desa],
            geo.tps_no.astype("S"),
            geo.tps_dpt.astype("S"),
            _blank(geo.tps_need_blank, np.full(len(geo.tps_no), str(SEATS).encode())),
        ],
    )


def _write_kpps(out_dir: Path, geo: _Geo, people: _People) -> int:
    rank = _roster_rank(people)
    order = np.empty(len(rank), np.int64)
    order[rank] = np.arange(len(rank))
    order = order[: people.n_orig + people.n_rep]
    pool, _, _ = _name_pool()
    pool_bytes = _text(pool)
    stop = people.stop_day[order]
    reasons = _text(np.array(("", *STOP_REASONS)))
    return _write_csv(
        out_dir / "kpps.csv",
        KPPS_HEADER,
        [
            people.nik[order].astype("S16"),
            pool_bytes[people.name[order]],
            np.where(people.female[order], b"P", b"L"),
            _iso(people.birth[order]),
            people.phone[order],
            _tps_codes(geo)[people.tps[order]],
            np.where(people.ketua[order], b"ketua", b"anggota"),
            _dates(people.sk_day[order]),
            _blank(stop == NO_DAY, _dates(np.where(stop == NO_DAY, 0, stop))),
            reasons[people.reason[order] + 1],
        ],
    )


def _session_codes(geo: _Geo, sessions: _Sessions) -> np.ndarray:
    kec6 = geo.kec_code[sessions.kec].astype("S6")
    seq = _pad(2, sessions.seq)
    return _join(b"BT-", kec6, np.where(sessions.susulan, b"-S", b"-"), seq)


def _write_sessions(out_dir: Path, geo: _Geo, sessions: _Sessions, training: _Training) -> int:
    order = np.argsort(_session_rank(geo, sessions))
    return _write_csv(
        out_dir / "bimtek_sesi.csv",
        SESI_HEADER,
        [
            _session_codes(geo, sessions)[order],
            _kec_text(geo.kec_code[sessions.kec])[order],
            _dates(sessions.day)[order],
            _text(sessions.venue)[order],
            training.capacity[order].astype("S"),
        ],
    )


def _write_attendance(
    out_dir: Path, geo: _Geo, people: _People, sessions: _Sessions, training: _Training
) -> int:
    scores = np.array(
        [b""] + [f"{k * 100 / SCORE_QUESTIONS:.1f}".encode() for k in range(SCORE_QUESTIONS + 1)]
    )
    return _write_csv(
        out_dir / "bimtek_hadir.csv",
        HADIR_HEADER,
        [
            _session_codes(geo, sessions)[training.sess],
            people.nik[training.person].astype("S16"),
            np.where(training.present, b"ya", b"tidak"),
            scores[training.pre + 1],
            scores[training.post + 1],
        ],
    )


def _write_supervision(
    out_dir: Path,
    geo: _Geo,
    sessions: _Sessions,
    visits: list[tuple[int, str, str, int, int, int, str, str]],
) -> int:
    day, who, lembaga, kec, desa, sess, finding, follow_up = (
        list(column) for column in zip(*visits, strict=True)
    )
    desa_arr = np.array(desa, np.int64)
    sess_arr = np.array(sess, np.int64)
    return _write_csv(
        out_dir / "supervisi.csv",
        SUPERVISI_HEADER,
        [
            _dates(np.array(day, np.int64)),
            _text(who),
            _text(lembaga),
            _kec_text(geo.kec_code[np.array(kec, np.int64)]),
            _blank(desa_arr < 0, _desa_text(geo.desa_code[np.maximum(desa_arr, 0)])),
            _blank(sess_arr < 0, _session_codes(geo, sessions)[np.maximum(sess_arr, 0)]),
            _text(finding),
            _text(follow_up),
        ],
    )


def _write_toml(out_dir: Path, scale: str) -> None:
    text = (
        f'nama = "{DATASET_TITLES[scale]}"\n'
        f"hari_pemungutan = {VOTING_DAY}\n"
        f"bimtek_mulai = {BIMTEK_START}\n"
        f"bimtek_selesai = {BIMTEK_START + (BIMTEK_DAYS - 1) * DAY}\n"
    )
    (out_dir / "dataset.toml").write_bytes(text.encode("utf-8"))


def generate(
    out_dir: Path,
    scale: str = "sampang",
    seed: int = 2024,
    reference_dir: Path | None = None,
    *,
    _n_tps: int | None = None,
) -> dict[str, int]:
    """Write the six tables and dataset.toml of a sample dataset; return rows per table.

    `_n_tps` shrinks the synthetic scales to about that many TPS (for quick tests only).
    """
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {', '.join(SCALES)}, not {scale!r}")
    if _n_tps is not None and scale == "sampang":
        raise ValueError("_n_tps applies to the synthetic scales only")
    reference_dir = DEFAULT_REFERENCE_DIR if reference_dir is None else Path(reference_dir)
    out_dir = Path(out_dir)
    # One independent stream per stage: a change in one stage leaves the others' draws alone.
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(6)]
    part = _sampang_part(reference_dir, streams[0])
    if scale == "sampang":
        geo = _sampang_geo(part, streams[1])
    else:
        geo = _synthetic_geo(part, scale, streams[1], _n_tps)
    people = _people(geo, streams[2])
    sessions = _sessions(geo, streams[3])
    training = _attendance(geo, people, sessions, streams[4])
    visits = _supervision(geo, people, sessions, training, streams[5])

    out_dir.mkdir(parents=True, exist_ok=True)
    counts = {
        "wilayah": _write_wilayah(out_dir, geo),
        "tps": _write_tps(out_dir, geo),
        "kpps": _write_kpps(out_dir, geo, people),
        "bimtek_sesi": _write_sessions(out_dir, geo, sessions, training),
        "bimtek_hadir": _write_attendance(out_dir, geo, people, sessions, training),
        "supervisi": _write_supervision(out_dir, geo, sessions, visits),
    }
    _write_toml(out_dir, scale)
    return counts
