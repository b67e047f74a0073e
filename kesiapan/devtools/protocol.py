"""A client that speaks Streamlit's own websocket protocol: no browser, only the server's work.

The browser and a Streamlit server exchange protobuf messages over one websocket
(`/_stcore/stream`): the browser sends a `BackMsg` (mostly `rerun_script`, carrying the URL's
query string, the page asked for and every widget's value), the server runs the script and
answers with `ForwardMsg`s (`new_session` when a run starts, one `delta` per element drawn,
`navigation`, `page_info_changed` when the script rewrites the URL, `script_finished`).

`Session` does what a person's browser does, message for message: it opens the stream, asks
for a page (the URL's path, as a link straight to a page does), fills and submits the sign-in
form, picks options in a multiselect or a selectbox, types in a text field and presses Enter,
presses a button by its key, switches page, and times each of them from the message sent to the
run's `script_finished`. It keeps the widget values the way the browser keeps them (sent again
with every rerun) and the query string the server last wrote. It never draws anything, so on a
shared 2-core machine the server gets the cores and the figures are the server's.

Only loopback addresses are accepted: this is a load tool for one's own server.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import urllib.request
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit

T = TypeVar("T")
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
STREAM_PATH = "/_stcore/stream"
PROCESS_HEADER = "X-Kesiapan-Proses"  # set by the proxy (deploy/nginx.conf.template)
TIMEZONE = "Asia/Jakarta"
LOCALE = "id-ID"


class ProtocolError(Exception):
    """The server closed the stream or answered something a browser could not use."""


def check_loopback(base_url: str) -> None:
    """Refuse anything but a server on this machine's loopback interface."""
    host = urlsplit(base_url).hostname or ""
    if host not in LOOPBACK:
        raise ValueError(f"hanya server di 127.0.0.1 yang boleh diuji, bukan {host or base_url}")


@dataclass
class Run:
    """What one action cost, as the browser would see it."""

    seconds: float = 0.0
    bytes: int = 0  # every ForwardMsg of the action, as received
    largest: int = 0  # the largest single ForwardMsg
    messages: int = 0
    script_runs: int = 0  # runs started (a sign-in is two: the form's and the page's)
    exceptions: list[str] = field(default_factory=list)  # st.exception boxes (tracebacks)
    errors: list[str] = field(default_factory=list)  # st.error boxes
    headings: list[str] = field(default_factory=list)  # titles drawn, in order
    texts: list[str] = field(default_factory=list)  # st.text bodies (the dataset's name)
    successes: list[str] = field(default_factory=list)  # st.success boxes
    keys: dict[str, Element] = field(default_factory=dict)  # this run's keyed widgets, by key
    status: str = ""


@dataclass
class Element:
    kind: str  # "multiselect", "text_input", "button", ...
    proto: Any


def user_key(element_id: str) -> str | None:
    """The key a widget was given in the script (`key="cari_hadir_…"`), None without one:
    Streamlit ends a widget's id with it ("$$ID-<hash>-<key>", "None" for no key)."""
    if not element_id.startswith("$$ID-"):
        return None
    key = element_id.split("-", 2)[-1]
    return None if key == "None" else key


class Session:
    """One browser tab's conversation with the server (use `async with`)."""

    def __init__(self, base_url: str, timeout_s: float = 60.0, path: str = "/") -> None:
        check_loopback(base_url)
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s
        self.path = path
        self.query_string = urlsplit(path).query
        # The page a link names (/presensi-bimtek): the server runs it while no page hash is
        # known yet, as it does for a browser opening that URL.
        self.page_name = urlsplit(path).path.strip("/")
        self.pages: dict[str, tuple[str, str]] = {}  # page name -> (script hash, url path)
        self.page_hash = ""
        self.widgets: dict[str, Element] = {}  # label -> the element last drawn with it
        self._state: dict[str, Any] = {}  # widget id -> WidgetState, as the browser keeps them
        self._ws: Any = None
        self._messages: asyncio.Queue[bytes | None] = asyncio.Queue()
        self._reader: asyncio.Task[None] | None = None
        self.session_id = ""
        self.cookies: dict[str, str] = {}
        self.process: str | None = None  # the app process behind the proxy that serves us

    async def __aenter__(self) -> Session:
        import websockets

        # The page itself first, as a browser loads it: its cookies (the proxy's sticky
        # route, Streamlit's XSRF token) go along with the stream.
        self.cookies, self.process = await asyncio.to_thread(self._load_page)
        url = self.base_url.replace("http://", "ws://", 1) + STREAM_PATH
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        self._ws = await asyncio.wait_for(
            websockets.connect(
                url,
                subprotocols=["streamlit"],  # type: ignore[list-item]
                max_size=None,  # a page may be megabytes: that is a figure, not a failure
                origin=self.base_url,  # type: ignore[arg-type]
                open_timeout=self.timeout_s,
                ping_interval=None,
                additional_headers=headers if self.cookies else None,
            ),
            self.timeout_s,
        )
        self._reader = asyncio.create_task(self._read())
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._reader is not None:
            self._reader.cancel()
        if self._ws is not None:
            with contextlib.suppress(TimeoutError, OSError):
                await asyncio.wait_for(self._ws.close(), 5)

    def _load_page(self) -> tuple[dict[str, str], str | None]:
        """GET the page; returns its cookies and the app process that answered (the proxy's
        X-Kesiapan-Proses header, None without a proxy)."""
        from http.cookies import SimpleCookie

        request = urllib.request.Request(self.base_url + self.path)  # noqa: S310 (loopback only)
        with urllib.request.urlopen(request, timeout=self.timeout_s) as response:  # noqa: S310
            response.read()
            jar = SimpleCookie()
            for header in response.headers.get_all("Set-Cookie") or []:
                jar.load(header)
            return {k: m.value for k, m in jar.items()}, response.headers.get(PROCESS_HEADER)

    async def _read(self) -> None:
        import websockets

        # A closed stream ends the conversation either way; the waiting action says so.
        with contextlib.suppress(websockets.ConnectionClosed, OSError):
            async for data in self._ws:
                self._messages.put_nowait(data)
        self._messages.put_nowait(None)

    # -- actions ---------------------------------------------------------------------------
    async def open(self) -> Run:
        """The first run of a fresh tab at `path` (the sign-in screen, or the page)."""
        return await self._rerun()

    async def sign_in(self, username: str, password: str) -> Run:
        """Fill the built-in sign-in form and press Masuk (kesiapan.ui.signin)."""
        name, secret = self.element("Nama pengguna"), self.element("Kata sandi")
        button = self.element("Masuk", kind="button")
        self._set(name, string_value=username)
        self._set(secret, string_value=password)
        self._set(button, trigger_value=True)
        return await self._rerun()

    async def switch_page(self, name: str) -> Run:
        """Click a page in the sidebar navigation."""
        if name not in self.pages:
            raise ProtocolError(f"halaman {name!r} tidak ada di navigasi: {sorted(self.pages)}")
        self.page_hash, self.page_name = self.pages[name][0], self.pages[name][1]
        # Streamlit's frontend drops the query string of the page it leaves.
        self.query_string = ""
        return await self._rerun()

    async def choose(self, label: str, options: list[str]) -> Run:
        """Set a multiselect to these options (as shown, e.g. kecamatan names)."""
        element = self.element(label, kind="multiselect")
        known = set(element.proto.options)
        missing = [o for o in options if o not in known]
        if missing:
            raise ProtocolError(f"{label}: pilihan {missing} tidak ditawarkan")
        self._set(element, string_array_value=options)
        return await self._rerun()

    async def select(self, label: str, option: str) -> Run | None:
        """Pick an option of a selectbox (as shown). Like the browser, no run when it is the
        option chosen already: then None."""
        element = self.element(label, kind="selectbox")
        proto = element.proto
        if option not in proto.options:
            raise ProtocolError(f"{label}: pilihan {option!r} tidak ditawarkan")
        if proto.HasField("raw_value"):
            current = proto.raw_value
        else:
            current = proto.options[proto.default] if proto.HasField("default") else None
        if option == current:
            return None
        self._set(element, string_value=option)
        return await self._rerun()

    async def type_text(self, label: str, text: str) -> Run:
        """Type into a text field and press Enter."""
        self._set(self.element(label, kind="text_input"), string_value=text)
        return await self._rerun()

    async def press(self, key: str, run: Run) -> Run:
        """Press the button drawn with this key in `run` (the run the person looks at)."""
        element = run.keys.get(key)
        if element is None or element.kind != "button":
            raise ProtocolError(f"tidak ada tombol berkunci {key!r} di halaman")
        self._set(element, trigger_value=True)
        return await self._rerun()

    def element(self, label: str, kind: str | None = None) -> Element:
        found = self.widgets.get(label)
        if found is None or (kind is not None and found.kind != kind):
            raise ProtocolError(f"tidak ada {kind or 'elemen'} berlabel {label!r} di halaman")
        return found

    # -- the protocol ----------------------------------------------------------------------
    def _set(self, element: Element, **value: Any) -> None:
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        state = WidgetState(id=element.proto.id)
        for key, item in value.items():
            if key == "string_array_value":
                state.string_array_value.data.extend(item)
            else:
                setattr(state, key, item)
        self._state[element.proto.id] = state

    def _back_message(self) -> bytes:
        from streamlit.proto.BackMsg_pb2 import BackMsg

        message = BackMsg()
        rerun = message.rerun_script
        rerun.query_string = self.query_string
        rerun.page_script_hash = self.page_hash
        rerun.page_name = self.page_name
        rerun.context_info.timezone = TIMEZONE
        rerun.context_info.locale = LOCALE
        rerun.context_info.url = f"{self.base_url}/"
        rerun.widget_states.widgets.extend(self._state.values())
        # A button's press is sent once, as the browser does.
        self._state = {
            k: v for k, v in self._state.items() if v.WhichOneof("value") != "trigger_value"
        }
        return message.SerializeToString()

    async def _rerun(self) -> Run:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        run = Run()
        payload = self._back_message()
        start = time.monotonic()
        deadline = start + self.timeout_s
        await self._ws.send(payload)
        seen: dict[str, Element] = {}
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"tidak ada jawaban lengkap dalam {self.timeout_s:.0f} dtk")
            try:
                data = await asyncio.wait_for(self._messages.get(), remaining)
            except TimeoutError:
                raise TimeoutError(
                    f"tidak ada jawaban lengkap dalam {self.timeout_s:.0f} dtk"
                ) from None
            if data is None:
                raise ProtocolError("server menutup koneksi")
            run.bytes += len(data)
            run.largest = max(run.largest, len(data))
            run.messages += 1
            message = ForwardMsg()
            message.ParseFromString(data)
            kind = message.WhichOneof("type")
            if kind == "new_session":
                run.script_runs += 1
                self.page_hash = message.new_session.page_script_hash
                self.session_id = message.new_session.initialize.session_id or self.session_id
            elif kind == "navigation":
                self.pages = {
                    p.page_name: (p.page_script_hash, p.url_pathname)
                    for p in message.navigation.app_pages
                }
                # The page st.navigation runs (a link's page too): the browser keeps it.
                self.page_hash = message.navigation.page_script_hash or self.page_hash
            elif kind == "page_info_changed":
                self.query_string = message.page_info_changed.query_string
            elif kind == "delta":
                self._delta(message.delta, run, seen)
            elif kind == "script_finished":
                status = ForwardMsg.ScriptFinishedStatus.Name(message.script_finished)
                if status == "FINISHED_EARLY_FOR_RERUN":
                    continue  # st.rerun(): the next run follows at once
                run.status = status
                break
        run.seconds = time.monotonic() - start
        self.widgets.update(seen)
        return run

    @staticmethod
    def _delta(delta: Any, run: Run, seen: dict[str, Element]) -> None:
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        proto = getattr(element, kind)
        if kind == "exception":
            run.exceptions.append(f"{proto.type}: {proto.message}")
        elif kind == "alert" and proto.format == proto.ERROR:
            run.errors.append(proto.body)
        elif kind == "alert" and proto.format == proto.SUCCESS:
            run.successes.append(proto.body)
        elif kind == "heading" and proto.tag == "h1":
            run.headings.append(proto.body)
        elif kind == "text":
            run.texts.append(proto.body)
        label = getattr(proto, "label", None)
        element_id = getattr(proto, "id", None)
        if label and element_id:
            seen[label] = Element(kind, proto)
        key = user_key(element_id) if isinstance(element_id, str) else None
        if key:
            run.keys[key] = Element(kind, proto)


def run_sync(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run `coroutine` to its end from synchronous code, in a thread of its own: the caller
    may already run an event loop (Playwright's sync API does, in the test suite), and
    asyncio.run refuses to nest."""
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(asyncio.run, coroutine).result()


def percentile(values: list[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default), q in 0…100."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


# -- CPU, from Linux /proc ------------------------------------------------------------------


def _stat_fields(pid: str) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            text = handle.read()
    except OSError:
        return None  # gone meanwhile
    # The command name in parentheses may hold spaces: split after its closing one.
    return text.rsplit(")", 1)[1].split()


def _pids() -> Iterator[str]:
    import os

    return (name for name in os.listdir("/proc") if name.isdigit())


def group_cpu_s(pgid: int) -> float:
    """CPU seconds used so far by every process of the process group `pgid` (user + system,
    with their reaped children's), read from /proc/<pid>/stat."""
    import os

    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in _pids():
        fields = _stat_fields(pid)
        if fields and int(fields[2]) == pgid:
            total += sum(int(f) for f in fields[11:15])
    return total / tick


def machine_cpu_s() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, all cores (/proc/stat)."""
    import os

    tick = os.sysconf("SC_CLK_TCK")
    with open("/proc/stat", encoding="ascii") as handle:
        values = [int(v) for v in handle.readline().split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    total = sum(values[:8])  # guest time is already counted in user
    return (total - idle) / tick, total / tick
