#!/usr/bin/env python3
# Talks to HAProxy's runtime API on a stats socket, for the stack's tests and demo.
#   hap.py SOCKET "COMMAND"              prints HAProxy's reply (e.g. "get weight app/canary-1")
#   hap.py SOCKET --weights BACKEND S C  prints "STABLE_WEIGHT CANARY_WEIGHT CANARY_PERCENT"
#   hap.py SOCKET --watch BACKEND S C --out FILE --seconds N
#          polls in a tight loop, appends one JSON line per change:
#          {"time": unix_seconds, "stable": w, "canary": w, "canary_pct": p}
import json
import socket
import sys
import time


def ask(path, command, timeout=2.0):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect(path)
        s.sendall((command + "\n").encode())
        chunks = []
        while True:
            data = s.recv(65536)
            if not data:
                break
            chunks.append(data)
        return b"".join(chunks).decode()
    finally:
        s.close()


def weight(path, backend, server):
    # "get weight" answers "CURRENT (initial INITIAL)".
    reply = ask(path, f"get weight {backend}/{server}").strip()
    return int(reply.split()[0])


def weights(path, backend, stable, canary):
    ws = weight(path, backend, stable)
    wc = weight(path, backend, canary)
    pct = round(100.0 * wc / (ws + wc), 1) if ws + wc else 0.0
    return ws, wc, pct


def main(argv):
    if len(argv) >= 3 and argv[2] == "--weights":
        ws, wc, pct = weights(argv[1], argv[3], argv[4], argv[5])
        print(ws, wc, pct)
    elif len(argv) >= 3 and argv[2] == "--watch":
        path, backend, stable, canary = argv[1], argv[3], argv[4], argv[5]
        out = argv[argv.index("--out") + 1]
        seconds = float(argv[argv.index("--seconds") + 1])
        end = time.monotonic() + seconds
        last = None
        with open(out, "a") as f:
            while time.monotonic() < end:
                try:
                    now = weights(path, backend, stable, canary)
                except (OSError, ValueError, IndexError):
                    now = None  # HAProxy gone or busy: keep polling
                if now is not None and now != last:
                    ws, wc, pct = now
                    f.write(json.dumps({"time": time.time(), "stable": ws, "canary": wc, "canary_pct": pct}) + "\n")
                    f.flush()
                    last = now
                time.sleep(0.002)
    elif len(argv) == 3:
        print(ask(argv[1], argv[2]), end="")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
