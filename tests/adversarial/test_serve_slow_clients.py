"""The dev server under misbehaving clients: slow, silent, greedy or from another origin.

Each test starts a real `Server` on 127.0.0.1 against a mini-site and talks to it over
raw sockets, so that requests go out exactly as a hostile client would send them: one
byte a second, nothing at all, or with a `Host` header naming another site (DNS
rebinding: a page on evil.example whose name now resolves to 127.0.0.1).
"""

from __future__ import annotations

import io
import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import pytest

from sitegen.config.settings import load_config
from sitegen.serve.hosts import HostCheck
from sitegen.serve.server import Server
from tests.support.sites import article, write_site

SITE: dict[str, str | bytes] = {
    "content/2019/first.md": article("First light", slug="first", body="The original text."),
    "content/2019/plans.md": article("Secret plans", slug="plans", draft="true",
                                     body="Not yet published."),
}
BIG = {"static/big.bin": bytes(range(256)) * 32768}  # 8 MB: more than a socket's buffers hold
ANSWER_WITHIN = 2.0  # seconds any normal request may take while the slow clients hang


Started = Callable[..., tuple[Server, int]]


def _starter(folder: Path, stack: ExitStack) -> Started:
    def run(host: str = "127.0.0.1", files: dict[str, str | bytes] | None = None,
            **options: object) -> tuple[Server, int]:
        root = write_site(folder / "site", {**SITE, **(files or {})})
        config = load_config(root, {"build_drafts": True})
        server = Server(config, host=host, port=0, out=io.StringIO(), err=io.StringIO(),
                        **options)  # type: ignore[arg-type]
        server.start()
        stack.callback(server.stop)
        return server, server.port

    return run


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Started]:
    """Start a server for a mini-site on a free port; return it and its port."""
    with ExitStack() as stack:
        yield _starter(tmp_path, stack)


@pytest.fixture(scope="module")
def port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """The port of one server shared by the tests that only send it single requests."""
    with ExitStack() as stack:
        yield _starter(tmp_path_factory.mktemp("shared"), stack)()[1]


def exchange(port: int, request: bytes, host: str = "127.0.0.1",
             timeout: float = ANSWER_WITHIN) -> bytes:
    """Send `request` as is and return the whole response; fail if it takes too long."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as conn:
        conn.settimeout(timeout)
        conn.connect((host, port))
        conn.sendall(request)
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def get(port: int, path: str = "/", host_header: str | None = None, version: str = "1.1") -> bytes:
    host_header = f"127.0.0.1:{port}" if host_header is None else host_header
    head = f"GET {path} HTTP/{version}\r\n"
    if host_header:
        head += f"Host: {host_header}\r\n"
    return exchange(port, (head + "Connection: close\r\n\r\n").encode("latin-1"))


def status(response: bytes) -> int:
    return int(response.split(b" ", 2)[1])


class SlowClients:
    """Sockets that connect and then send nothing, or trickle a request one byte a second."""

    def __init__(self, port: int, silent: int, trickling: int) -> None:
        self.silent = [socket.create_connection(("127.0.0.1", port)) for _ in range(silent)]
        self.trickling = [socket.create_connection(("127.0.0.1", port)) for _ in range(trickling)]
        self._request = f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Pad: {'a' * 200}\r\n\r\n"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._trickle, daemon=True)
        self._thread.start()

    def _trickle(self) -> None:
        for byte in self._request.encode("ascii"):
            for conn in self.trickling:
                try:
                    conn.send(bytes([byte]))
                except OSError:
                    pass  # the server gave up on this one: that is its right
            if self._stop.wait(1.0):
                return

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        for conn in self.silent + self.trickling:
            conn.close()


def read_until(conn: socket.socket, ends: tuple[bytes, ...]) -> bytes:
    """Read from an open stream until one of `ends` arrives (within ANSWER_WITHIN)."""
    conn.settimeout(ANSWER_WITHIN)
    data = b""
    while not any(end in data for end in ends):
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def timed(port: int, path: str) -> tuple[float, int]:
    """(seconds taken, status) of a plain GET of `path`."""
    clock = time.monotonic()
    response = get(port, path)
    return time.monotonic() - clock, status(response)


def test_normal_requests_answer_while_200_slow_clients_hang(start: Started) -> None:
    _server, port = start()
    slow = SlowClients(port, silent=100, trickling=100)
    try:
        time.sleep(1.5)  # every slow client is connected and has sent what it will for now
        paths = ["/", "/2019/first/", "/2019/plans/", "/favicon.svg", "/nope/"] * 8
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(lambda p: timed(port, p), paths))
        for _ in range(5):  # and one at a time, as a browser tab would
            results.append(timed(port, "/"))
    finally:
        slow.close()
    assert max(seconds for seconds, _ in results) < ANSWER_WITHIN
    assert sorted({code for _, code in results}) == [200, 404]


def test_a_client_that_never_finishes_its_request_is_dropped(start: Started) -> None:
    _server, port = start(head_timeout=1.0)
    with socket.create_connection(("127.0.0.1", port)) as conn:
        conn.sendall(b"GET / HTTP/1.1\r\n")
        conn.settimeout(5.0)
        clock = time.monotonic()
        answer = conn.recv(65536)
        waited = time.monotonic() - clock
    assert answer.startswith(b"HTTP/1.0 408 ")
    assert 0.5 < waited < 3.0


def test_clients_that_never_read_their_answers_hold_no_worker(start: Started) -> None:
    _server, port = start(max_threads=2, files=BIG)
    greedy = []
    try:
        for _ in range(10):
            conn = socket.socket()
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connecting
            conn.connect(("127.0.0.1", port))
            conn.sendall(f"GET /big.bin HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
            greedy.append(conn)
        time.sleep(1.0)
        results = [timed(port, p) for p in ["/", "/2019/first/", "/robots.txt"] * 3]
    finally:
        for conn in greedy:
            conn.close()
    assert max(seconds for seconds, _ in results) < ANSWER_WITHIN
    assert {code for _, code in results} == {200}


def test_a_huge_request_head_is_refused(port: int) -> None:
    request = f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n".encode() + b"X-Pad: a\r\n" * 20000
    response = exchange(port, request + b"\r\n")
    assert status(response) == 431


def test_live_reload_streams_have_their_own_bound(start: Started) -> None:
    """Open pages hold event streams for hours: they must not take the page workers."""
    _server, port = start(max_threads=4, max_streams=8)
    streams = []
    try:
        for _ in range(12):
            conn = socket.create_connection(("127.0.0.1", port))
            conn.sendall(f"GET /__livereload HTTP/1.1\r\nHost: localhost:{port}\r\n\r\n".encode())
            streams.append(conn)
        answers = [read_until(conn, (b"event: reload", b"streams\n")) for conn in streams]
        results = [timed(port, "/") for _ in range(10)]
    finally:
        for conn in streams:
            conn.close()
    opened = [a for a in answers if a.startswith(b"HTTP/1.0 200 ")]
    refused = [a for a in answers if a.startswith(b"HTTP/1.0 503 ")]
    assert (len(opened), len(refused)) == (8, 4)
    assert all(b"event: reload" in a for a in opened)
    assert max(seconds for seconds, _ in results) < ANSWER_WITHIN
    assert {code for _, code in results} == {200}


@pytest.mark.parametrize("header", ["evil.example", "evil.example:{port}", "127.0.0.1.evil.example:{port}",
                                    "localhost:1", "127.0.0.1", "localhost:{port}@evil.example",
                                    "127.0.0.1:{port}, evil.example"])
def test_another_host_name_is_misdirected(port: int, header: str) -> None:
    """DNS rebinding: evil.example resolves to 127.0.0.1, its script reads the drafts."""
    response = get(port, "/2019/plans/", header.format(port=port))
    assert status(response) == 421
    assert b"Secret plans" not in response
    assert response.endswith(f"this server answers only to 127.0.0.1:{port} and localhost:{port}\n"
                             .encode())


def test_the_host_of_an_absolute_request_target_counts(port: int) -> None:
    response = get(port, "http://evil.example/2019/plans/")
    assert status(response) == 421


@pytest.mark.parametrize("header", ["127.0.0.1:{port}", "localhost:{port}", "LocalHost:{port}",
                                    "[::1]:{port}", "localhost.:{port}"])
def test_the_server_answers_to_its_own_names(port: int, header: str) -> None:
    response = get(port, "/2019/plans/", header.format(port=port))
    assert status(response) == 200
    assert b"Secret plans" in response


def test_the_host_it_was_started_on_is_its_name_too(start: Started) -> None:
    _server, port = start(host="127.0.0.2")
    response = exchange(port, f"GET / HTTP/1.1\r\nHost: 127.0.0.2:{port}\r\n\r\n".encode(),
                        host="127.0.0.2")
    assert status(response) == 200


def test_a_request_without_host(port: int) -> None:
    """HTTP/1.1 requires Host (400); HTTP/1.0 predates it, and no browser sends it bare."""
    assert status(get(port, "/", host_header="", version="1.1")) == 400
    assert status(get(port, "/", host_header="", version="1.0")) == 200


def test_listening_on_every_address_answers_ip_addresses_but_not_names() -> None:
    """`--host 0.0.0.0`: other machines reach it by IP address, which DNS cannot rebind."""
    check = HostCheck(["0.0.0.0", "0.0.0.0"], 1313)
    assert check.accepts("192.168.1.5:1313") and check.accepts("[fe80::1]:1313")
    assert check.accepts(f"{socket.gethostname()}:1313") and check.accepts("localhost:1313")
    assert not check.accepts("evil.example:1313") and not check.accepts("192.168.1.5:8080")
