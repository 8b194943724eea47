#!/usr/bin/env python3
"""Records what real telnet clients send at connect: the source of telnet_fixtures.h.

Runs a logging server on 127.0.0.1 (loopback only) that either stays silent or sends BusyBox
telnetd's greeting (IAC DO ECHO, DO NAWS, WILL ECHO, WILL SGA) then "\\r\\nhost login: ", and drives
a client in an 80x24 pty (`script`) that types "root" Enter "xc3511" Enter. Prints the bytes the
server received, in hex. Needs Debian's `telnet` and `busybox` packages; port 23 needs root.

    capture_negotiation.py netkit silent|busybox [--port 23]
    capture_negotiation.py busybox silent|busybox
"""
import argparse
import socket
import subprocess
import threading
import time

GREETING = bytes.fromhex("fffd01fffd1ffffb01fffb03")


def serve(listener, mode, seconds, received):
    conn, _ = listener.accept()
    conn.settimeout(0.3)
    if mode == "busybox":
        conn.sendall(GREETING)
    prompted = False
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            data = conn.recv(4096)
        except socket.timeout:
            if mode == "busybox" and not prompted:
                conn.sendall(b"\r\nhost login: ")
                prompted = True
            continue
        if not data:
            break
        received.append(data)
    conn.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("client", choices=["netkit", "busybox"])
    parser.add_argument("mode", choices=["silent", "busybox"])
    parser.add_argument("--port", type=int, default=0, help="23 makes netkit telnet negotiate first")
    args = parser.parse_args()

    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", args.port))
    listener.listen(1)
    port = listener.getsockname()[1]
    received = []
    server = threading.Thread(target=serve, args=(listener, args.mode, 4.0, received))
    server.start()

    client = "telnet" if args.client == "netkit" else "busybox telnet"
    target = "127.0.0.1" if port == 23 else f"127.0.0.1 {port}"
    keys = subprocess.Popen(["sh", "-c", "sleep 1.2; printf 'root\\r'; sleep 0.5; printf 'xc3511\\r'; sleep 1.5"],
                            stdout=subprocess.PIPE)
    subprocess.run(["timeout", "6", "script", "-qc", f"stty cols 80 rows 24; TERM=xterm {client} {target}",
                    "/dev/null"], stdin=keys.stdout, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=False)
    server.join()
    for chunk in received:
        print(chunk.hex())


if __name__ == "__main__":
    main()
