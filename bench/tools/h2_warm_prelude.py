#!/usr/bin/env python3
"""A prelude for bench/windows.sh (PRELUDE_B="python3 bench/tools/h2_warm_prelude.py 19444 10"):
<n> TLS connections to <port> (ALPN h2), each sending the connection preface, an empty SETTINGS
frame and one header block of literal fields with incremental indexing that ends in an invalid
(upper-case) name, so that no request reaches a route; then a reset. What an HTTP/2 start-up
warm-up could do without touching a backend (bench/README.md, "Twenty-seventh session")."""
import socket
import ssl
import struct
import sys


def literal(value, name_index=0, name=b""):
    """A literal header field with incremental indexing (RFC 7541, 6.2.1), short strings only."""
    head = bytes([0x40 | name_index])
    if name_index == 0:
        head += bytes([len(name)]) + name
    return head + bytes([len(value)]) + value


def frame(kind, flags, stream, payload):
    return struct.pack(">I", len(payload))[1:] + bytes([kind, flags]) + struct.pack(">I", stream) + payload


def main(port, n):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.set_alpn_protocols(["h2"])
    # :method GET, :scheme https, :path / (indexed), then :authority and X-Warm-Up as literals.
    block = b"\x82\x87\x84" + literal(b"warm-up.invalid", name_index=1) + literal(b"1", name=b"X-Warm-Up")
    preface = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + frame(4, 0, 0, b"") + frame(1, 0x4, 1, block)
    for _ in range(n):
        s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=2),
                            server_hostname="localhost")
        if s.selected_alpn_protocol() != "h2":
            sys.exit(f"ALPN chose {s.selected_alpn_protocol()}, not h2")
        s.sendall(preface)
        try:
            s.recv(4096)
        except OSError:
            pass
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # a reset
        s.close()


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
