#!/usr/bin/env python3
# A small service for the end-to-end stack: one instance runs as "stable", another as
# "canary". It serves GET /, /health and /metrics (Prometheus text format) and takes
# POST /control?error_rate=R&latency_ms=N so a test can make it fail or slow at run time.
# Standard library only; binds 127.0.0.1; stops by itself after --max-seconds.
import argparse
import os
import random
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

# Latency buckets (seconds); fine ones first so a p99 of a few ms is measurable.
BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1.0, 2.5]


class Stats:
    """Counters and a latency histogram, shared by the handler threads."""

    def __init__(self, version):
        self.version = version
        self.lock = threading.Lock()
        # Both codes exist from the start so rate() sees a zero, not a missing series.
        self.requests = {"200": 0, "500": 0}
        self.bucket_counts = [0] * len(BUCKETS)
        self.count = 0
        self.total = 0.0
        self.error_rate = 0.0
        self.latency_ms = 0.0

    def observe(self, code, seconds):
        with self.lock:
            self.requests[code] = self.requests.get(code, 0) + 1
            for i, le in enumerate(BUCKETS):
                if seconds <= le:
                    self.bucket_counts[i] += 1
            self.count += 1
            self.total += seconds

    def render(self):
        v = self.version
        with self.lock:
            out = [
                "# HELP http_requests_total Requests served by GET /, by version and status code.",
                "# TYPE http_requests_total counter",
            ]
            for code, n in sorted(self.requests.items()):
                out.append(f'http_requests_total{{version="{v}",code="{code}"}} {n}')
            out += [
                "# HELP http_request_duration_seconds Time to serve GET /.",
                "# TYPE http_request_duration_seconds histogram",
            ]
            for le, n in zip(BUCKETS, self.bucket_counts):
                out.append(f'http_request_duration_seconds_bucket{{version="{v}",le="{le}"}} {n}')
            out.append(f'http_request_duration_seconds_bucket{{version="{v}",le="+Inf"}} {self.count}')
            out.append(f'http_request_duration_seconds_sum{{version="{v}"}} {self.total:.6f}')
            out.append(f'http_request_duration_seconds_count{{version="{v}"}} {self.count}')
            out += [
                "# HELP app_error_rate Configured share of GET / answered with 500.",
                "# TYPE app_error_rate gauge",
                f'app_error_rate{{version="{v}"}} {self.error_rate}',
            ]
        return "\n".join(out) + "\n"


def make_handler(stats):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as HAProxy expects

        def log_message(self, fmt, *args):  # quiet: the load would flood the log
            pass

        def reply(self, code, body, ctype="text/plain; charset=utf-8"):
            data = body.encode()
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            path = urlparse(self.path).path
            if path == "/health":
                self.reply(200, f"ok {stats.version}\n")
            elif path == "/metrics":
                self.reply(200, stats.render(), "text/plain; version=0.0.4")
            elif path == "/":
                start = time.monotonic()
                with stats.lock:
                    error_rate, latency_ms = stats.error_rate, stats.latency_ms
                if latency_ms > 0:
                    time.sleep(latency_ms / 1000.0)
                failed = random.random() < error_rate
                code = 500 if failed else 200
                self.reply(code, f"{'error' if failed else 'hello'} from {stats.version}\n")
                stats.observe(str(code), time.monotonic() - start)
            else:
                self.reply(404, "not found\n")

        def do_POST(self):
            url = urlparse(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            if url.path != "/control":
                self.reply(404, "not found\n")
                return
            params = parse_qs(url.query)
            try:
                with stats.lock:
                    if "error_rate" in params:
                        rate = float(params["error_rate"][0])
                        if not 0.0 <= rate <= 1.0:
                            raise ValueError("error_rate must be within 0..1")
                        stats.error_rate = rate
                    if "latency_ms" in params:
                        ms = float(params["latency_ms"][0])
                        if not 0.0 <= ms <= 10000.0:
                            raise ValueError("latency_ms must be within 0..10000")
                        stats.latency_ms = ms
                    now = f"error_rate={stats.error_rate} latency_ms={stats.latency_ms}"
            except ValueError as e:
                self.reply(400, f"bad control request: {e}\n")
                return
            print(f"{stats.version}: control {now}", flush=True)
            self.reply(200, now + "\n")

    return Handler


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--version", required=True, help="label for metrics: stable or canary")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--pidfile")
    ap.add_argument("--max-seconds", type=float, default=600)
    ap.add_argument("--error-rate", type=float, default=0.0)
    ap.add_argument("--latency-ms", type=float, default=0.0)
    args = ap.parse_args()

    stats = Stats(args.version)
    stats.error_rate, stats.latency_ms = args.error_rate, args.latency_ms
    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer.request_queue_size = 128
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(stats))
    if args.pidfile:
        with open(args.pidfile, "w") as f:
            f.write(f"{os.getpid()}\n")

    def stop(*_):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    threading.Timer(args.max_seconds, stop).start()
    print(f"{args.version}: serving on 127.0.0.1:{args.port} pid {os.getpid()}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        if args.pidfile:
            try:
                with open(args.pidfile) as f:
                    if f.read().strip() == str(os.getpid()):
                        os.unlink(args.pidfile)
            except OSError:
                pass
    print(f"{args.version}: stopped", flush=True)
    os._exit(0)  # the max-lifetime timer thread must not keep us alive


if __name__ == "__main__":
    sys.exit(main())
