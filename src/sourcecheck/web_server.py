"""Running the web app: bind the socket first (so a busy port is a one-line error), then uvicorn.

    >>> with ServerThread(app) as server:                          # doctest: +SKIP
    ...     httpx.get(server.url + "api/health")

`serve()` is what `sourcecheck serve` runs, in the foreground until Ctrl+C; `ServerThread` runs
the same server on a background thread for tests and benchmarks (port 0: a free port).
"""

from __future__ import annotations

import errno
import socket
import threading
import time
from typing import Any, TextIO

from .errors import UsageError


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port, or a UsageError that says why not and what to do."""
    if not 0 <= port <= 65535:
        raise UsageError(f"--port {port} is not a port number; use one from 1024 to 65535, e.g. 8000")
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
    except socket.gaierror as exc:
        raise UsageError(f"--host {host}: cannot find this address ({exc.strerror}); use 127.0.0.1, 0.0.0.0 or a name of this machine") from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise UsageError(f"port {port} on {host} is already in use; stop the other server or pick another with --port") from None
        if exc.errno == errno.EACCES:
            raise UsageError(f"not allowed to listen on port {port}; pick a port from 1024 up with --port") from None
        if exc.errno == errno.EADDRNOTAVAIL:
            raise UsageError(f"--host {host} is not an address of this machine; use 127.0.0.1 or 0.0.0.0") from None
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def _server(app: Any, log_level: str) -> Any:
    import uvicorn

    # One process, one event loop; `timeout_keep_alive` keeps idle browsers from holding sockets.
    config = uvicorn.Config(app, log_level=log_level, access_log=log_level == "debug", timeout_keep_alive=5, lifespan="on", server_header=False)
    return uvicorn.Server(config)


def serve(app: Any, sock: socket.socket, *, token: bool, err: TextIO, log_level: str = "warning") -> None:
    """Serve `app` on the bound `sock` until Ctrl+C (uvicorn handles the signal and shuts down)."""
    url = url_of(sock)
    if sock.getsockname()[0] in ("0.0.0.0", "::"):
        url = url.replace(sock.getsockname()[0], socket.gethostname(), 1).replace("[", "").replace("]", "")
    link = f"{url}?token=<your token>" if token else url
    err.write(f"sourcecheck: serving on {url_of(sock)}; open {link} in a browser (Ctrl+C to stop)\n")
    err.flush()
    try:
        _server(app, log_level).run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn shuts down on Ctrl+C, then raises it again for us
        pass
    err.write("sourcecheck: stopped\n")


class ServerThread:
    """The app served on 127.0.0.1 (a free port by default) on a daemon thread; `stop()` (or
    leaving the `with` block) shuts it down within `timeout` seconds."""

    def __init__(self, app: Any, *, host: str = "127.0.0.1", port: int = 0, timeout: float = 10.0, log_level: str = "warning") -> None:
        self.sock = bind(host, port)
        self.url = url_of(self.sock)
        self.timeout = timeout
        self._server = _server(app, log_level)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self.sock]}, name="sourcecheck-web", daemon=True)

    def start(self) -> "ServerThread":
        self._thread.start()
        deadline = time.monotonic() + self.timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the web server did not start within {self.timeout:g} s")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(self.timeout)
        self.sock.close()

    def __enter__(self) -> "ServerThread":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()
