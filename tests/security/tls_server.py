"""A real TLS server on 127.0.0.1 for the TLS scan tests, configured good or weak with Python's ssl.

Python's OpenSSL 3 still speaks TLS 1.0/1.1 and non-forward-secret suites when the security
level is lowered to 0, so the weak configuration is produced for real, not recorded. SSL 2.0
and 3.0 cannot be produced (OpenSSL 3 has no SSLv2 and builds without SSLv3): that outcome is
tested on recorded facts in test_tls_checks.py.
"""

from __future__ import annotations

import socket
import ssl
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Self

import trustme

RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"


@dataclass(frozen=True)
class TlsConfig:
    minimum: ssl.TLSVersion = ssl.TLSVersion.TLSv1_2
    maximum: ssl.TLSVersion = ssl.TLSVersion.MAXIMUM_SUPPORTED
    # None keeps Python's secure default list.
    ciphers: str | None = None


GOOD = TlsConfig()
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    # Old protocols, RSA key exchange (no forward secrecy), anonymous and 3DES suites.
    WEAK = TlsConfig(minimum=ssl.TLSVersion.TLSv1, maximum=ssl.TLSVersion.TLSv1_2, ciphers="ALL:@SECLEVEL=0")
    # Strong forward-secret suites, TLS 1.3 too, but TLS 1.0 and 1.1 still accepted.
    LEGACY = TlsConfig(minimum=ssl.TLSVersion.TLSv1, ciphers="ECDHE+AESGCM:ECDHE+AES:@SECLEVEL=0")


class TlsServer:
    """`with TlsServer(cert, config) as server:` serves until the block ends."""

    def __init__(self, cert: trustme.LeafCert, config: TlsConfig) -> None:
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            if config.ciphers:
                self.context.set_ciphers(config.ciphers)
            self.context.minimum_version = config.minimum
            self.context.maximum_version = config.maximum
        cert.configure_cert(self.context)
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.socket.getsockname()[1]
        self.thread = threading.Thread(target=self.serve, daemon=True)

    def serve(self) -> None:
        while True:
            try:
                client, _ = self.socket.accept()
            except OSError:
                return
            threading.Thread(target=self.answer, args=(client,), daemon=True).start()

    def answer(self, client: socket.socket) -> None:
        client.settimeout(5)
        try:
            with self.context.wrap_socket(client, server_side=True) as tls:
                tls.recv(4096)
                tls.sendall(RESPONSE)
        except (OSError, ssl.SSLError):
            client.close()

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self.socket.close()


def write_ca(ca: trustme.CA, folder: Path) -> Path:
    path = folder / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path
