"""`python -m kesiapan presensi loadcheck`: many operators marking at once through the real
server, and what the journal recorded (issue 16).

The dashboard runs on a copy of a dataset (127.0.0.1, a free port); each marking session is
signed in as its own operator account of one kecamatan. Sessions share Bimtek sessions (several
operators per session) and their member lists overlap (every member is given to two operators
of the same session), so the same person is tapped by two phones at once. Each session searches
a member by the NIK, presses Enter and taps Hadir, then waits for the page's answer: "dicatat
hadir" (a new mark) or "sudah tercatat hadir" (someone else was first: a racing tap). It stops
by itself at the deadline, or, given `taps` and `racing`, as soon as that many taps were sent
and that many of them raced (then the deadline is only a safety limit, and `target_tercapai`
says whether the counts were reached before it).

Two ways to be a phone (`mode`):
- "protokol" (the default): each session is a websocket client speaking Streamlit's own
  protocol (kesiapan.devtools.protocol), so the machine's cores go to the server and the
  journal, which is what is under test. The two operators holding a member meet once both have
  the search's answer on screen, and tap together: their presses are in flight at the server at
  once, every time, instead of when two pages happen to be in step.
- "chromium": each session is a headless Chromium page at phone size, tapping as a person does
  (the README's figures were taken this way); whether two of them race is up to their pace.

Afterwards the journal is read back: every answered tap must be a mark in force, each pair once,
and the new marks answered must equal the journal's records (`sent == recorded`). With
`kill_after`, the server is killed (SIGKILL) once that many marks were confirmed, mid-marking,
and started again: every mark a page saw confirmed must be in the journal, and at most one
unanswered tap per page (the one in flight) may have become a record.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import shutil
import signal
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kesiapan.access import accounts as access
from kesiapan.devtools import protocol
from kesiapan.devtools.loadtest import CHROMIUM, CHROMIUM_ARGS, free_port, healthy, start_server
from kesiapan.store import journal
from kesiapan.store.dataset import Dataset, built_store

PASSWORD = secrets.token_urlsafe(16)  # the throwaway accounts of one run
KECAMATAN = "35.27.02"  # Torjun in the Sampang sample: six sessions
PHONE = {"width": 390, "height": 844}
WAIT_MS = 120_000  # a page waits this long for the server (a loaded machine is slow)
START_TIMEOUT = 90.0
KILLED_GRACE_S = 3.0  # after the kill, before the pages are closed
MODES = ("protokol", "chromium")
PAGE_PATH = "/presensi-bimtek"
SESSION_LABEL = "Sesi Bimtek"
SEARCH_LABEL = "Cari nama, nomor TPS atau 4 angka terakhir NIK"


@dataclass
class Tally:
    sent: int = 0  # taps made
    new: list[tuple[str, str]] = field(default_factory=list)  # answered "dicatat hadir"
    already: list[tuple[str, str]] = field(default_factory=list)  # "sudah tercatat hadir"
    seen: list[tuple[str, str]] = field(default_factory=list)  # marked by another before a tap
    unanswered: list[tuple[str, str]] = field(default_factory=list)  # no answer (server gone)
    waits: list[float] = field(default_factory=list)  # seconds from tap to answer
    errors: list[str] = field(default_factory=list)
    taps: int | None = None  # stop once this many taps were sent …
    racing: int | None = None  # … and this many of them were racing ("sudah tercatat")
    first_tap: float | None = None  # monotonic times: the marking's first tap and last answer
    last_answer: float | None = None

    def reached(self) -> bool:
        """Whether the counts to stop at were reached (never, without counts)."""
        if self.taps is None and self.racing is None:
            return False
        return self.sent >= (self.taps or 0) and len(self.already) >= (self.racing or 0)


def _plan(data: Path, sessions: int) -> dict[int, tuple[str, list[str]]]:
    """Per marking session: its Bimtek session (four of the kecamatan's, shared) and the
    members it marks; each member of a Bimtek session is given to two of its operators."""
    store = Dataset.open(data)
    found = store.query("presensi_sesi", kecamatan=[KECAMATAN]).head(4)
    count = len(found)
    per_session = max(sessions // count, 1)
    plan: dict[int, tuple[str, list[str]]] = {}
    for i in range(sessions):
        which, rank = i % count, i // count
        kode, tanggal = found["kode_sesi"].iloc[which], found["tanggal"].iloc[which]
        roster = store.query("presensi_peserta", as_of=tanggal, kecamatan=[KECAMATAN])
        pool = list(roster["nik"])[which::count]
        mine = [
            n
            for j, n in enumerate(pool)
            if per_session == 1 or j % per_session in (rank, (rank + 1) % per_session)
        ]
        plan[i] = (str(kode), mine)
    return plan


async def _session(
    browser: Any,
    url: str,
    index: int,
    kode_sesi: str,
    niks: list[str],
    seconds: float,
    tally: Tally,
) -> None:
    context = await browser.new_context(viewport=PHONE, locale="id-ID")
    context.set_default_timeout(WAIT_MS)
    page = await context.new_page()
    try:
        await page.goto(f"{url}{PAGE_PATH}")
        await page.get_by_label("Nama pengguna").fill(f"op{index:02d}")
        await page.get_by_label("Kata sandi").fill(PASSWORD)
        await page.get_by_role("button", name="Masuk").click()
        await page.get_by_text("Hadir di sesi ini").wait_for()
        await page.get_by_test_id("stSelectbox").filter(has_text=SESSION_LABEL).click()
        await page.get_by_role("option", name=kode_sesi).click()
        search = page.get_by_label(SEARCH_LABEL)
        deadline = time.monotonic() + seconds  # marking time, once signed in
        for nik in niks:
            if time.monotonic() > deadline or tally.reached():
                return
            await search.fill(nik)
            await search.press("Enter")
            button = page.locator(f".st-key-cari_hadir_{nik}").get_by_role("button")
            done = page.locator(f".st-key-cari_batal_{nik}")
            # Another operator may have marked them already: then Batalkan is offered instead.
            await button.or_(done).first.wait_for()
            if await done.count():
                tally.seen.append((kode_sesi, nik))
                continue
            started = time.monotonic()
            tally.first_tap = tally.first_tap or started
            tally.sent += 1
            try:
                await button.click()
                # Answered when the row offers Batalkan; the message of that run says whether
                # this tap made the mark or another operator's did.
                await done.wait_for()
                text = await page.get_by_test_id("stAlertContentSuccess").first.inner_text()
            except Exception:
                tally.unanswered.append((kode_sesi, nik))
                raise
            tally.last_answer = time.monotonic()
            tally.waits.append(tally.last_answer - started)
            if "sudah tercatat" in text:
                tally.already.append((kode_sesi, nik))
            else:
                tally.new.append((kode_sesi, nik))
    except Exception as exc:  # the server was killed, or a page went wrong: recorded
        tally.errors.append(f"sesi {index}: {type(exc).__name__}: {str(exc)[:200]}")
    finally:
        with contextlib.suppress(Exception):  # closed with the browser after a kill
            await context.close()


class _Meetings:
    """Where the operators holding a member meet before tapping them (protocol mode): each
    arrives once the search's answer is on screen and waits for the others still to come. An
    operator who stops (done, the counts reached, an error) is no longer waited for."""

    def __init__(self, plan: dict[int, tuple[str, list[str]]]) -> None:
        self.expected: dict[tuple[str, str], set[int]] = {}
        for who, (kode, niks) in plan.items():
            for nik in niks:
                self.expected.setdefault((kode, nik), set()).add(who)
        self.arrived: dict[tuple[str, str], set[int]] = {k: set() for k in self.expected}
        self.all_in: dict[tuple[str, str], asyncio.Event] = {}

    async def arrive(self, key: tuple[str, str], who: int) -> None:
        self.arrived[key].add(who)
        event = self.all_in.setdefault(key, asyncio.Event())
        self._check(key)
        await event.wait()

    def leave(self, who: int) -> None:
        for key, holders in self.expected.items():
            if who in holders and who not in self.arrived[key]:
                holders.discard(who)
                self._check(key)

    def _check(self, key: tuple[str, str]) -> None:
        if self.expected[key] <= self.arrived[key]:
            self.all_in.setdefault(key, asyncio.Event()).set()


async def _protocol_session(
    url: str,
    index: int,
    kode_sesi: str,
    niks: list[str],
    seconds: float,
    tally: Tally,
    meetings: _Meetings,
) -> None:
    """One operator's phone as a protocol client: the same steps as `_session`'s page."""
    try:
        async with protocol.Session(url, timeout_s=WAIT_MS / 1000, path=PAGE_PATH) as tab:
            await tab.open()
            signed = await tab.sign_in(f"op{index:02d}", PASSWORD)
            if signed.exceptions or signed.errors:
                raise protocol.ProtocolError(f"masuk: {(signed.exceptions + signed.errors)[0]}")
            box = tab.element(SESSION_LABEL, kind="selectbox")
            option = next(o for o in box.proto.options if kode_sesi in o)
            await tab.select(SESSION_LABEL, option)
            deadline = time.monotonic() + seconds  # marking time, once signed in
            for nik in niks:
                if time.monotonic() > deadline or tally.reached():
                    return
                found = await tab.type_text(SEARCH_LABEL, nik)
                hadir, batal = f"cari_hadir_{nik}", f"cari_batal_{nik}"
                if hadir not in found.keys and batal not in found.keys:
                    raise protocol.ProtocolError(f"{nik} tidak ditemukan: {found.errors}")
                await meetings.arrive((kode_sesi, nik), index)
                # Another operator may have marked them already: then Batalkan is offered.
                if batal in found.keys:
                    tally.seen.append((kode_sesi, nik))
                    continue
                started = time.monotonic()
                tally.first_tap = tally.first_tap or started
                tally.sent += 1
                try:
                    answer = await tab.press(hadir, found)
                    # Answered when the row offers Batalkan; the message of that run says
                    # whether this tap made the mark or another operator's did.
                    if batal not in answer.keys or not answer.successes:
                        raise protocol.ProtocolError(f"{nik}: tidak ada jawaban di halaman")
                except Exception:
                    tally.unanswered.append((kode_sesi, nik))
                    raise
                tally.last_answer = time.monotonic()
                tally.waits.append(tally.last_answer - started)
                if "sudah tercatat" in answer.successes[0]:
                    tally.already.append((kode_sesi, nik))
                else:
                    tally.new.append((kode_sesi, nik))
    except Exception as exc:  # the server was killed, or a run went wrong: recorded
        tally.errors.append(f"sesi {index}: {type(exc).__name__}: {str(exc)[:200]}")
    finally:
        meetings.leave(index)


def _run_async(work: Any) -> None:
    """asyncio.run in a thread of its own: the caller's thread may already run an event loop
    (Playwright's sync API does, in the test suite's shared browser)."""
    failure: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(work)
        except BaseException as exc:
            failure.append(exc)

    thread = threading.Thread(target=target, name="presensi-loadcheck")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


@contextmanager
def _server(data: Path, env: dict[str, str], log: Path) -> Iterator[Any]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with log.open("ab") as out:
        process = start_server(data, port, out, env)
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while not healthy(url):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"server tidak menyala; lihat {log}")
                time.sleep(0.3)
            yield url, process
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except Exception:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()


def accounts(folder: Path, sessions: int) -> None:
    """The operator accounts of `sessions` marking sessions (op00, op01, …) in `folder`."""
    for i in range(sessions):
        access.add(
            folder,
            f"op{i:02d}",
            peran="operator",
            wilayah=[KECAMATAN],
            password=PASSWORD,
            izin_tambahan=[access.PRESENSI],
        )


def run(
    source: Path,
    *,
    sessions: int = 20,
    seconds: float = 60.0,
    kill_after: int | None = None,
    workdir: Path | None = None,
    taps: int | None = None,
    racing: int | None = None,
    akses: Path | None = None,
    mode: str = "protokol",
) -> dict[str, Any]:
    """Run the check on a copy of `source`; the journal is the configured one (SQLite in the
    copy, or KESIAPAN_JURNAL_URL). Returns the figures. With `taps`/`racing` the pages stop
    once that many taps were sent and raced (`seconds` then only bounds the run). `akses`: a
    folder holding the operator accounts `accounts(folder, sessions)` made, copied instead of
    making them again (the test suite makes them once: each password hash costs CPU). `mode`:
    "protokol" (protocol clients) or "chromium" (pages), see the module's docstring."""
    if mode not in MODES:
        raise ValueError(f"cara {mode!r} tidak dikenal; pilih salah satu dari {MODES}")
    own = workdir is None
    work = Path(tempfile.mkdtemp(prefix="kesiapan-presensi-")) if own else workdir
    try:
        # Named like the source, so that the source's built store (its name is the files'
        # fingerprint, the folder's name included) is the copy's too: copied, not built again.
        data = work / Path(source).resolve().name
        shutil.copytree(source, data, ignore=shutil.ignore_patterns(".kesiapan-*", "presensi"))
        built = built_store(Path(source))
        if built is not None:
            shutil.copy2(built, data / built.name)
        folder = work / "akses"
        if akses is not None:
            shutil.copytree(akses, folder)
        else:
            accounts(folder, sessions)
        plan = _plan(data, sessions)
        env = {access.AKSES_ENV: str(folder)}
        log = work / "server.log"
        tally = Tally(taps=taps, racing=racing)
        killed_at: list[int] = []

        async def kill_when_confirmed(process: Any, tasks: list[asyncio.Task[None]]) -> None:
            # Once that many marks were confirmed, while the sessions go on tapping.
            while len(tally.new) < (kill_after or 0) and not all(t.done() for t in tasks):
                await asyncio.sleep(0.05)
            os.killpg(process.pid, signal.SIGKILL)  # mid-marking, no warning
            process.wait()
            killed_at.append(len(tally.new))

        async def by_protocol(url: str, process: Any) -> None:
            meetings = _Meetings(plan)
            tasks = [
                asyncio.create_task(_protocol_session(url, i, kode, niks, seconds, tally, meetings))
                for i, (kode, niks) in plan.items()
            ]
            if kill_after is not None:
                # A killed server closes every stream: each client sees that at once (its tap
                # in flight unanswered), with every answer sent before the kill read first.
                await kill_when_confirmed(process, tasks)
            await asyncio.gather(*tasks)

        async def by_chromium(url: str, process: Any) -> None:
            from playwright.async_api import async_playwright

            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(
                    executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
                )
                tasks = [
                    asyncio.create_task(_session(browser, url, i, kode, niks, seconds, tally))
                    for i, (kode, niks) in plan.items()
                ]
                if kill_after is not None:
                    await kill_when_confirmed(process, tasks)
                    # An answer the server sent before it died is on the pages within
                    # moments; nothing comes after. Closing the browser then ends every
                    # wait at once (a tap in flight counts as unanswered) instead of each
                    # page sitting out WAIT_MS in front of a dead server.
                    await asyncio.sleep(KILLED_GRACE_S)
                    await browser.close()
                await asyncio.gather(*tasks)
                await browser.close()

        started = time.monotonic()
        with _server(data, env, log) as (url, process):
            _run_async((by_protocol if mode == "protokol" else by_chromium)(url, process))
        elapsed = time.monotonic() - started
        if kill_after is not None:
            # Started again on the same journal: it opens, and holds what was committed.
            with _server(data, env, log):
                pass
        jurnal = journal.open_journal(data)
        assert jurnal is not None
        records = jurnal.records()
        in_force = {(r.kode_sesi, r.nik) for r in jurnal.marked()}
        jurnal.close()
    finally:
        if own:
            shutil.rmtree(work, ignore_errors=True)
    hadir = [(r.kode_sesi, r.nik) for r in records if r.aksi == journal.HADIR]
    confirmed = set(tally.new) | set(tally.already) | set(tally.seen)
    return {
        "cara": mode,
        "backend": "postgresql" if journal.configured_url() else "sqlite",
        "sesi_penandaan": sessions,
        "detik": round(elapsed, 1),
        "detik_menandai": (
            round(tally.last_answer - tally.first_tap, 1)
            if tally.first_tap is not None and tally.last_answer is not None
            else None
        ),
        "ketukan_terkirim": tally.sent,
        "dicatat_baru": len(tally.new),
        "sudah_tercatat": len(tally.already),
        "sudah_terlihat_sebelum_ketuk": len(tally.seen),
        "tanpa_jawaban": len(tally.unanswered),
        "catatan_jurnal": len(records),
        "tanda_berlaku": len(in_force),
        "ganda": len(hadir) - len(set(hadir)),
        "terkonfirmasi_hilang": len(confirmed - in_force),
        "tercatat_tanpa_konfirmasi": len(set(hadir) - confirmed),
        "tunggu_p50_s": round(statistics.median(tally.waits), 2) if tally.waits else None,
        "tunggu_p95_s": (
            round(sorted(tally.waits)[int(0.95 * (len(tally.waits) - 1))], 2)
            if tally.waits
            else None
        ),
        "dibunuh_setelah_tanda": killed_at[0] if killed_at else None,
        "target_tercapai": tally.reached() if taps is not None or racing is not None else None,
        "galat": tally.errors[:10],
    }


def passed(result: dict[str, Any]) -> bool:
    """No mark lost or doubled; without a kill every tap answered and recorded exactly once;
    with one, at most the taps in flight (one per page) recorded without an answer."""
    sound = result["ganda"] == 0 and result["terkonfirmasi_hilang"] == 0
    if result["dibunuh_setelah_tanda"] is not None:
        return sound and result["tercatat_tanpa_konfirmasi"] <= result["tanpa_jawaban"]
    return (
        sound
        and result["tanpa_jawaban"] == 0
        and result["ketukan_terkirim"] == result["dicatat_baru"] + result["sudah_tercatat"]
        and result["catatan_jurnal"] == result["dicatat_baru"]
    )


def format_result(result: dict[str, Any]) -> str:
    lines = [f"{key}: {value}" for key, value in result.items() if key != "galat"]
    lines += [f"galat: {e}" for e in result["galat"]]
    return "\n".join(lines)
