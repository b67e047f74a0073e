"""A workbook's cost, judged before openpyxl opens it (issue 12, item 12).

openpyxl reads a workbook's whole shared-strings table (`xl/sharedStrings.xml`: every distinct
text of every sheet) into Python strings as soon as it opens the file, and the import opens an
upload more than once (sheets, header search, rows). A file well within the upload limit can
hold millions of short distinct strings: 20,9 MB took 2 min 10 s and 340 MB to preview. Measured
here (2 cores, Python 3.11, openpyxl 3.1.5): about 32 µs and 130 bytes per string per open
(1 000 000 strings: 32 s, 130 MB).

`refusal(path)` counts the table's entries by streaming its compressed bytes (a few hundred MB
a second, nothing kept) and stops counting as soon as the budget is spent, so a hostile file
costs a fraction of a second. The budget, both configurable:

- `KESIAPAN_XLSX_MAKS_TEKS`: distinct texts (default 300 000, about 10 s per open here; a
  kabupaten's roster of 20 000 members holds under 100 000);
- `KESIAPAN_XLSX_MEMORI_MB`: the memory the table would take once read (default 256).

No Streamlit, no openpyxl here; the reader (kesiapan.importer.upload_reader) and the dataset loader
(kesiapan.store.dataset) turn a refusal into their own error.
"""

from __future__ import annotations

import os
import re
import zipfile
import zlib
from pathlib import Path

MAX_STRINGS_ENV = "KESIAPAN_XLSX_MAKS_TEKS"
MAX_MEMORY_ENV = "KESIAPAN_XLSX_MEMORI_MB"
DEFAULT_MAX_STRINGS = 300_000
DEFAULT_MAX_MEMORY_MB = 256
BYTES_PER_STRING = 130  # openpyxl's list entry and str object for a short text (measured)
CHUNK = 1 << 20
_SHARED = re.compile(r"(^|/)sharedstrings[0-9]*\.xml$", re.IGNORECASE)
_ENTRY = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s>/]")


def _setting(env: str, default: int) -> int:
    value = os.environ.get(env, "").strip()
    try:
        number = int(value) if value else default
    except ValueError:
        number = -1
    if number <= 0:
        raise ValueError(f"setelan {env}={value!r} tidak sah: tulis bilangan bulat positif")
    return number


def _angka(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def refusal(path: Path) -> str | None:
    """Why this workbook would cost more than the budget to open (Indonesian), or None."""
    max_strings = _setting(MAX_STRINGS_ENV, DEFAULT_MAX_STRINGS)
    max_memory = _setting(MAX_MEMORY_ENV, DEFAULT_MAX_MEMORY_MB) * (1 << 20)
    try:
        with zipfile.ZipFile(path) as archive:
            parts = [i for i in archive.infolist() if _SHARED.search(i.filename)]
            for part in parts:
                # The texts themselves, whatever their number, count against the memory too.
                if part.file_size > max_memory:
                    return _too_much(None, part.file_size, max_strings, max_memory)
                count = _count_entries(archive, part, max_strings)
                if count > max_strings or count * BYTES_PER_STRING + part.file_size > max_memory:
                    return _too_much(count, part.file_size, max_strings, max_memory)
    except (zipfile.BadZipFile, OSError, zlib.error, EOFError, NotImplementedError):
        return None  # not this module's to judge: the reader says what is wrong with it
    return None


def _count_entries(archive: zipfile.ZipFile, part: zipfile.ZipInfo, limit: int) -> int:
    """The number of <si> entries, read in chunks; stops just past `limit`."""
    count, tail = 0, b""
    with archive.open(part) as stream:
        while chunk := stream.read(CHUNK):
            data = tail + chunk
            count += len(_ENTRY.findall(data))
            if count > limit:
                return count
            # An entry cut at the chunk's end is counted in the next round, whole.
            cut = data.rfind(b"<")
            tail = data[cut:] if cut >= 0 and len(data) - cut < 64 else b""
            if tail:
                count -= len(_ENTRY.findall(tail))
    return count


def _too_much(count: int | None, size: int, max_strings: int, max_memory: int) -> str:
    what = (
        f"lebih dari {_angka(max_strings)} teks berbeda"
        if count is not None and count > max_strings
        else f"teks berbeda yang butuh lebih dari {_angka(max_memory >> 20)} MB memori"
    )
    return (
        f"berkas Excel ini memuat {what} (tabel teks bersama sebesar "
        f"{_angka(size >> 20)} MB setelah dibuka); membacanya akan memakan waktu dan memori jauh "
        f"di atas batas (setelan {MAX_STRINGS_ENV} dan {MAX_MEMORY_ENV}), jadi berkas ini tidak "
        "dibaca. Pecah berkasnya, mis. per kecamatan, atau simpan sebagai CSV UTF-8"
    )
