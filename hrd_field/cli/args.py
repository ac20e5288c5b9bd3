"""Argument types that reject bad input at parse time: a usage error (exit 2) in one line,
before anything opens, binds or writes."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.errors import UserError
from ..core.i18n import _

if TYPE_CHECKING:
    import socket

MAX_INT = 2**63 - 1  # SQLite's integers: larger ones overflow


def bounded_int(low: int, high: int = MAX_INT) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                _("not a whole number: {value}").format(value=text)) from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(
                _("{value} is outside {low}–{high}").format(value=value, low=low, high=high))
        return value

    return parse


port = bounded_int(1, 65535)


def text(value: str) -> str:
    """Text from the command line; bytes that are not UTF-8 (decoded by Python as lone
    surrogates) cannot be searched or stored."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise argparse.ArgumentTypeError(_("not valid UTF-8 text")) from None
    return value


def check_tls(cert: Path, key: Path) -> None:
    """Load the certificate and key now, so a missing or bad file is named before serving."""
    import ssl

    for path in (cert, key):
        if not path.is_file():
            raise UserError(_("File not found: {path}").format(path=path))
    try:
        ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).load_cert_chain(str(cert), str(key))
    except (ssl.SSLError, OSError, ValueError) as exc:
        raise UserError(_("The TLS certificate {cert} or key {key} cannot be used: {reason}")
                        .format(cert=cert, key=key,
                                reason=getattr(exc, "reason", None) or exc)) from exc


def listen(host: str, port_number: int) -> socket.socket:
    """Bind the listening socket before starting the server: a port in use or an unknown
    host is a one-line error, not a server log after the start message."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port_number, type=socket.SOCK_STREAM,
                                   flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as exc:
        raise UserError(_("Unknown host to listen on: {host}").format(host=host)) from exc
    family, kind, proto, _name, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise UserError(_("Cannot listen on {host} port {port}: {reason}").format(
            host=host, port=port_number, reason=exc.strerror or exc)) from exc
    sock.set_inheritable(True)
    return sock
