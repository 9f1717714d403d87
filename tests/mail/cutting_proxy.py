"""A TCP proxy on loopback that relays to a server and can cut the connection in the middle of
a reply: after the client has sent a marker (say ``BODY.PEEK[]``, a message fetch) a given
number of times, it forwards only ``after_bytes`` more of the server's answer and closes both
sides. Later connections are relayed whole."""

from __future__ import annotations

import contextlib
import socket
import threading


class CuttingProxy:
    def __init__(self, port: int, marker: bytes, occurrence: int, after_bytes: int):
        self.target = ("127.0.0.1", port)
        self.marker = marker
        self.occurrence = occurrence
        self.after_bytes = after_bytes
        self.cuts = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def __enter__(self) -> CuttingProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._listener.close()

    def _accept(self) -> None:
        first = True
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            state = {"seen": 0, "left": None if first else -1}
            first = False
            threading.Thread(target=self._up, args=(client, server, state), daemon=True).start()
            threading.Thread(target=self._down, args=(server, client, state), daemon=True).start()

    def _up(self, client: socket.socket, server: socket.socket, state: dict) -> None:
        with contextlib.suppress(OSError):
            while data := client.recv(65536):
                if state["left"] is None:
                    state["seen"] += data.count(self.marker)
                    if state["seen"] >= self.occurrence:
                        state["left"] = self.after_bytes
                server.sendall(data)

    def _down(self, server: socket.socket, client: socket.socket, state: dict) -> None:
        with contextlib.suppress(OSError):
            while data := server.recv(65536):
                left = state["left"]
                if left is not None and left >= 0:
                    client.sendall(data[:left])
                    state["left"] = left - len(data)
                    if state["left"] <= 0:
                        self.cuts += 1
                        break
                else:
                    client.sendall(data)
        for sock in (client, server):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
