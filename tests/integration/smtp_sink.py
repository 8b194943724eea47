"""A local SMTP server for the report mail test, run with Debian's /usr/bin/python3 (python3-aiosmtpd).

usage: smtp_sink.py MODE PORT DIR
  accept  aiosmtpd accepts every mail and writes each one to DIR/<n>.eml (with DIR/<n>.rcpt: the
          recipients, the sender and "tls" or "plain")
  starttls  the same, offering STARTTLS with DIR/cert.pem and DIR/key.pem, and requiring it
  refuse  aiosmtpd answers 550 to every recipient (a server that refuses)
  hang    a plain socket server that accepts connections and never says a word
Prints "ready" on stdout once listening on 127.0.0.1:PORT; runs until terminated.
"""

import socket
import ssl
import sys
import threading
import time
from pathlib import Path


def serve_hang(port: int) -> None:
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(16)
    held = []
    print("ready", flush=True)
    while True:
        connection, _ = listener.accept()
        held.append(connection)  # kept open, never answered


def serve_smtp(mode: str, port: int, out: Path) -> None:
    from aiosmtpd.controller import Controller

    class Handler:
        def __init__(self) -> None:
            self.count = 0
            self.lock = threading.Lock()

        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if mode == "refuse":
                return "550 5.7.1 Relaying denied"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            with self.lock:
                self.count += 1
                name = out / f"{self.count}.eml"
            tmp = name.with_suffix(".tmp")
            tmp.write_bytes(envelope.original_content or envelope.content)
            transport = "tls" if session.ssl else "plain"
            (out / f"{self.count}.rcpt").write_text("\n".join(envelope.rcpt_tos) + "\n" + envelope.mail_from + "\n"
                                                    + transport + "\n")
            tmp.rename(name)
            return "250 Message accepted for delivery"

    tls = {}
    if mode == "starttls":
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(out / "cert.pem", out / "key.pem")
        tls = {"tls_context": context, "require_starttls": True}
    controller = Controller(Handler(), hostname="127.0.0.1", port=port, **tls)
    controller.start()
    print("ready", flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


def main() -> None:
    mode, port, out = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
    if mode == "hang":
        serve_hang(port)
    else:
        serve_smtp(mode, port, out)


if __name__ == "__main__":
    main()
