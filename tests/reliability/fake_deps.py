#!/usr/bin/env python3
"""Misbehaving dependencies for the fault tests (tests/reliability/fault_*.sh), on loopback.

  fake_deps.py prometheus PORTFILE MODEFILE
      An HTTP server on 127.0.0.1 (a free port, written to PORTFILE). Every request reads
      MODEFILE: "ok VALUE" (a one-series vector of VALUE), "nan", "500", "garbage" (a
      200 with an HTML body), "hang" (accept, read, never answer), "neg" (vector(-1)).
      /health answers 200 "ok" unless the mode is "hang".
  fake_deps.py haproxy SOCKET WEIGHTSFILE [--error-sets A,B,..] [--error-from N]
                          [--refuse-from N]
      HAProxy's runtime API on a unix socket, one command a connection as HAProxy's:
      "get weight B/S", "set server B/S weight W". Set commands are numbered from 1:
      --error-sets answers those with HAProxy's error text; --error-from N answers every
      set from the Nth on with it; --refuse-from N stops listening when set N arrives
      (connection refused from then on). After each accepted set, WEIGHTSFILE holds
      "STABLE_WEIGHT CANARY_WEIGHT" of servers app/stable-1 and app/canary-1.
Bounded: exits after --lifetime seconds (default 120).
"""
import http.server
import os
import socket
import socketserver
import sys
import threading
import time


def prometheus(portfile, modefile):
    class H(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def send(self, code, body, ctype="application/json"):
            data = body.encode()
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            try:
                mode = open(modefile).read().split()
            except OSError:
                mode = ["ok", "0"]
            if mode[0] == "hang":
                time.sleep(3600)
                return
            if self.path.startswith("/health"):
                self.send(200, "ok", "text/plain")
                return
            vector = '{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[%d,"%s"]}]}}'
            now = int(time.time())
            if mode[0] == "ok":
                self.send(200, vector % (now, mode[1]))
            elif mode[0] == "nan":
                self.send(200, vector % (now, "NaN"))
            elif mode[0] == "neg":
                self.send(200, vector % (now, "-1"))
            elif mode[0] == "500":
                self.send(500, '{"status":"error","errorType":"internal","error":"boom"}')
            elif mode[0] == "garbage":
                self.send(200, "<html><body>502 Bad Gateway</body></html>", "text/html")

    class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
        daemon_threads = True

    srv = S(("127.0.0.1", 0), H)
    with open(portfile + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.replace(portfile + ".tmp", portfile)
    srv.serve_forever()


def haproxy(path, weightsfile, args):
    error_sets, error_from, refuse_from = set(), None, None
    i = 0
    while i < len(args):
        if args[i] == "--error-sets":
            error_sets = {int(x) for x in args[i + 1].split(",")}
        elif args[i] == "--error-from":
            error_from = int(args[i + 1])
        elif args[i] == "--refuse-from":
            refuse_from = int(args[i + 1])
        i += 2
    weights = {"app/stable-1": 256, "app/canary-1": 0}
    sets = 0

    def save():
        with open(weightsfile + ".tmp", "w") as f:
            f.write(f"{weights['app/stable-1']} {weights['app/canary-1']}\n")
        os.replace(weightsfile + ".tmp", weightsfile)

    save()
    if os.path.exists(path):
        os.unlink(path)
    ls = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    ls.bind(path)
    ls.listen(16)
    while True:
        conn, _ = ls.accept()
        with conn:
            data = b""
            while not data.endswith(b"\n"):
                chunk = conn.recv(4096)
                if not chunk:
                    break
                data += chunk
            words = data.decode(errors="replace").split()
            reply = "Unknown command.\n"
            if words[:2] == ["get", "weight"] and len(words) == 3:
                w = weights.get(words[2])
                reply = f"{w} (initial {w})\n" if w is not None else "No such server.\n"
            elif words[:2] == ["set", "server"] and len(words) == 5 and words[3] == "weight":
                sets += 1
                if refuse_from is not None and sets >= refuse_from:
                    conn.close()
                    ls.close()  # the socket file stays: connect() is refused from now on
                    time.sleep(3600)
                if sets in error_sets or (error_from is not None and sets >= error_from):
                    reply = "Backend is using a static LB algorithm and only accepts weights '0%' and '100%'.\n"
                elif words[2] in weights:
                    weights[words[2]] = int(words[4])
                    save()
                    reply = "\n"
                else:
                    reply = "No such server.\n"
            conn.sendall(reply.encode())


def main(argv):
    lifetime = 120
    if "--lifetime" in argv:
        k = argv.index("--lifetime")
        lifetime = float(argv[k + 1])
        del argv[k:k + 2]
    t = threading.Timer(lifetime, lambda: os._exit(0))
    t.daemon = True
    t.start()
    if argv[1] == "prometheus":
        prometheus(argv[2], argv[3])
    elif argv[1] == "haproxy":
        haproxy(argv[2], argv[3], argv[4:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
