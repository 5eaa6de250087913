#!/usr/bin/env python3
# Load generator for the end-to-end stack: RATE requests a second to one URL (through
# HAProxy), bounded in time and in count, counting what the client saw. Writes a JSON
# summary (and a per-second timeline) when it stops: at --seconds, at --max-requests, or
# on SIGTERM/SIGINT. Standard library only.
import argparse
import http.client
import json
import os
import signal
import sys
import threading
import time
from urllib.parse import urlparse


class Counters:
    def __init__(self):
        self.lock = threading.Lock()
        self.sent = 0
        self.by_status = {}
        self.conn_errors = 0
        self.by_body = {}  # "hello from stable" / "error from canary" ...
        self.timeline = {}  # second since start -> {"ok": n, "err": n}
        self.first_error = None
        self.stale_retries = 0
        self.by_error = {}  # connection errors by exception name
        self.last_error = None


def worker(url, counters, tickets, stop, t0, timeout):
    u = urlparse(url)
    conn = None
    while not stop.is_set():
        if not tickets.acquire(timeout=0.2):
            continue  # no request due yet
        if stop.is_set():
            break
        status, body, error = None, "", None
        # A kept-alive connection the server closed while idle fails before any answer;
        # like any HTTP client, retry such a GET once on a new connection (counted).
        for attempt in (1, 2):
            reused = conn is not None
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
                conn.request("GET", u.path or "/")
                resp = conn.getresponse()
                body = resp.read().decode(errors="replace").strip()
                status = resp.status
                if resp.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = None
                break
            except (OSError, http.client.HTTPException) as e:
                error = type(e).__name__
                if conn is not None:
                    conn.close()
                conn = None
                stale = isinstance(e, (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError))
                if not (reused and stale and attempt == 1):
                    break
                with counters.lock:
                    counters.stale_retries += 1
        now = time.monotonic()
        sec = int(now - t0)
        with counters.lock:
            slot = counters.timeline.setdefault(sec, {"ok": 0, "err": 0})
            if status is None:
                counters.conn_errors += 1
                counters.by_error[error] = counters.by_error.get(error, 0) + 1
            else:
                key = str(status)
                counters.by_status[key] = counters.by_status.get(key, 0) + 1
                label = body[:40]
                counters.by_body[label] = counters.by_body.get(label, 0) + 1
            if status is None or status >= 500:
                slot["err"] += 1
                wall = time.time()
                if counters.first_error is None:
                    counters.first_error = wall
                counters.last_error = wall
            else:
                slot["ok"] += 1
    if conn is not None:
        conn.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--url", required=True)
    ap.add_argument("--rate", type=float, default=100, help="requests per second")
    ap.add_argument("--seconds", type=float, default=60, help="stop after this long")
    ap.add_argument("--max-requests", type=int, default=100000)
    ap.add_argument("--workers", type=int, default=32, help="concurrent connections")
    ap.add_argument("--timeout", type=float, default=5)
    ap.add_argument("--summary", required=True, help="JSON file written at the end")
    ap.add_argument("--pidfile")
    args = ap.parse_args()
    host = urlparse(args.url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("load.py: only loopback targets are allowed")

    counters = Counters()
    stop = threading.Event()
    tickets = threading.Semaphore(0)
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    if args.pidfile:
        with open(args.pidfile, "w") as f:
            f.write(f"{os.getpid()}\n")

    t0 = time.monotonic()
    started = time.time()
    threads = [
        threading.Thread(target=worker, args=(args.url, counters, tickets, stop, t0, args.timeout), daemon=True)
        for _ in range(args.workers)
    ]
    for t in threads:
        t.start()
    # The pacer hands out one ticket per request at the target rate; workers that fall
    # behind simply leave tickets queued (bounded by max-requests).
    period = 1.0 / args.rate
    next_at = t0
    while not stop.is_set():
        now = time.monotonic()
        if now - t0 >= args.seconds or counters.sent >= args.max_requests:
            break
        if now < next_at:
            stop.wait(min(next_at - now, 0.05))
            continue
        counters.sent += 1
        tickets.release()
        next_at += period
    stop.set()
    for t in threads:
        t.join(timeout=args.timeout + 1)

    with counters.lock:
        ok = sum(n for s, n in counters.by_status.items() if int(s) < 500)
        server_errors = sum(n for s, n in counters.by_status.items() if int(s) >= 500)
        summary = {
            "url": args.url,
            "rate": args.rate,
            "started": started,
            "duration_s": round(time.monotonic() - t0, 3),
            "requests": ok + server_errors + counters.conn_errors,
            "ok": ok,
            "errors": server_errors + counters.conn_errors,
            "server_errors": server_errors,
            "connection_errors": counters.conn_errors,
            "by_status": counters.by_status,
            "by_error": counters.by_error,
            "stale_connection_retries": counters.stale_retries,
            "by_body": counters.by_body,
            "first_error": counters.first_error,
            "last_error": counters.last_error,
            "timeline": [[s, v["ok"], v["err"]] for s, v in sorted(counters.timeline.items())],
        }
    tmp = args.summary + ".tmp"
    with open(tmp, "w") as f:
        json.dump(summary, f, indent=1)
    os.replace(tmp, args.summary)
    print(
        f"load: {summary['requests']} requests in {summary['duration_s']}s, "
        f"{summary['errors']} errors ({server_errors} 5xx, {counters.conn_errors} connection)",
        flush=True,
    )


if __name__ == "__main__":
    main()
