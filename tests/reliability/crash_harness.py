#!/usr/bin/env python3
"""Crash harness: SIGKILLs real rollouts and checks that rollout recovers to a split it knows.

Each case starts `rollout start` on a runbook of three stages (1 % -> 10 % -> 100 %, holds
of a second or two) whose router is an exec script writing the split to a file (or, with
--haproxy, the real HAProxy of tests/stack/), whose gate reads a metric file the harness
may flip to a breach, and whose rollback has four steps. It SIGKILLs the runner at a
random moment, right after a `weight_set` reaches the journal, right after the router
moved (before the journal knows), or inside a rollback step; sometimes it kills the
`resume` that follows too. After every kill it checks:
  - `rollout status NAME` exits 0 and says where the rollout stands;
after the last kill of a case, `rollout resume` (even cases) or `rollout abort` (odd) must
end with a defined exit code within a bound, and then:
  - the router's real split == the split of the journal's last confirmed `weight_set`
    (100/0 when there is none) and == what that exit code means (0: 0/100; 1, 3: 100/0);
  - state.json's split == the router's (counted apart: "state.json mismatches").
Prints `kills survived: N/M`; exits 1 on any failure and keeps the failing cases'
directories (the path is printed), 0 otherwise. Seeded: the seed is printed, --seed
reproduces the same kill schedule (timings of a loaded machine still vary).

  reduced (CTest label reliability, >= 30 kills, < 2 min):
    tests/reliability/crash_harness.py --rollout build/cli/rollout --kills 30
  full run (>= 300 kills on the exec router, then 60 against real HAProxy):
    tests/reliability/crash_harness.py --rollout build/cli/rollout --kills 300 --haproxy
Options: --jobs N (parallel cases, default 2), --keep DIR (where failing cases are kept),
--strict-state (a state.json mismatch is a failure too).
"""
import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))
DEFINED_EXITS = {0, 1, 2, 3, 4, 5, 6, 130}
RECOVERY_BOUND_S = 60
NAME = "crash"

GOOD = '{"error_rate": 0.001}\n'
BAD = '{"error_rate": 0.05}\n'


def write_atomic(path, text):
    tmp = f"{path}.tmp.{os.getpid()}.{threading.get_ident()}"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


class ExecRouter:
    """The split lives in DIR/weights ("STABLE CANARY"), written by the router script."""

    label = "exec"

    def __init__(self, d):
        self.d = d
        self.file = os.path.join(d, "weights")
        self.inflight = os.path.join(d, "inflight")
        os.makedirs(self.inflight)
        script = os.path.join(d, "set-weights.sh")
        # Atomic write, and a marker while it runs so the harness waits for a script
        # orphaned by the kill before it judges the split.
        with open(script, "w") as f:
            f.write(f"""#!/bin/sh
touch "{self.inflight}/$$"
printf '%s %s\\n' "$1" "$2" > "{d}/weights.tmp.$$" && mv -f "{d}/weights.tmp.$$" "{self.file}"
echo "$1 $2" >> "{d}/weights.log"
rm -f "{self.inflight}/$$"
""")
        os.chmod(script, 0o755)
        write_atomic(self.file, "100 0\n")
        self.toml = f"""[router]
type = "exec"
command = ["{script}", "${{weight.stable}}", "${{weight.canary}}"]
timeout = "5s"
"""

    def settle(self):
        end = time.time() + 10
        while time.time() < end and os.listdir(self.inflight):
            alive = False
            for p in os.listdir(self.inflight):
                try:
                    os.kill(int(p), 0)
                    alive = True
                except (ProcessLookupError, ValueError):
                    pass
            if not alive:
                break
            time.sleep(0.01)

    def split(self):
        with open(self.file) as f:
            s, c = f.read().split()
        return (int(s), int(c))


class HaproxyRouter:
    """The split is HAProxy's: the canary's share of app/stable-1 + app/canary-1."""

    label = "haproxy"

    def __init__(self, d, env):
        self.env = env
        self.sock = env["HAPROXY_SOCK"]
        self.hap = os.path.join(SRC, "tests/stack/hap.py")
        self.ask("set weight app/stable-1 256")
        self.ask("set weight app/canary-1 0")
        self.toml = f"""[router]
type = "haproxy"
sockets = ["unix:{self.sock}"]
backend = "app"
stable = ["stable-1"]
canary = ["canary-1"]
timeout = "2s"
"""

    def ask(self, cmd):
        return subprocess.run([sys.executable, self.hap, self.sock, cmd], capture_output=True,
                              text=True, timeout=10).stdout

    def settle(self):
        pass

    def split(self):
        out = subprocess.run([sys.executable, self.hap, self.sock, "--weights", "app", "stable-1",
                              "canary-1"], capture_output=True, text=True, timeout=10).stdout
        ws, wc, _ = out.split()
        ws, wc = int(ws), int(wc)
        if ws + wc == 0:
            return None
        c = round(100.0 * wc / (ws + wc))
        return (100 - c, c)


def runbook(d, router, rng):
    holds = [rng.choice(["1s", "2s"]) for _ in range(3)]
    stages = ""
    for name, weight, hold in zip(["canary", "ramp", "full"], [1, 10, 100], holds):
        stages += f"""
[[stage]]
name = "{name}"
weight = {weight}
hold = "{hold}"
interval = "1s"
gates = ["error_rate < 1%"]
"""
    return f"""[rollout]
name = "{NAME}"
on_interrupt = "{rng.choice(["pause", "rollback"])}"

{router.toml}
[metrics.file]
type = "file"
path = "{d}/metrics.json"
timeout = "2s"

[checks.error_rate]
source = "file"
query = "/error_rate"
unit = "ratio"
{stages}
[rollback]
budget = "30s"
steps = [
  {{ weight = 1, budget = "5s" }},
  {{ run = ["sleep", "0.2"], budget = "5s" }},
  {{ weight = 0, budget = "5s" }},
  {{ run = ["sleep", "0.1"], budget = "5s" }},
]
"""


def journal(d):
    out = []
    try:
        with open(os.path.join(d, "state", NAME, "journal.jsonl"), "rb") as f:
            for line in f:
                try:
                    out.append(json.loads(line))
                except ValueError:
                    out.append({"type": "<unreadable>"})
    except FileNotFoundError:
        pass
    return out


def count(events, type_):
    return sum(1 for e in events if e.get("type") == type_)


def journal_split(events):
    for e in reversed(events):
        if e.get("type") == "weight_set" and e.get("ok", True):
            return (e["stable"], e["canary"])
    return (100, 0)


def state_split(d):
    try:
        with open(os.path.join(d, "state", NAME, "state.json")) as f:
            s = json.load(f)["split"]
        return (s["stable"], s["canary"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


class Case:
    def __init__(self, h, index, rng, router_kind):
        self.h, self.index, self.rng = h, index, rng
        self.d = os.path.join(h.work, f"case-{router_kind}-{index:04d}")
        os.makedirs(self.d)
        self.router = (ExecRouter(self.d) if router_kind == "exec"
                       else HaproxyRouter(self.d, h.stack_env))
        write_atomic(os.path.join(self.d, "metrics.json"), GOOD)
        with open(os.path.join(self.d, "rb.toml"), "w") as f:
            f.write(runbook(self.d, self.router, rng))
        self.env = dict(os.environ, ROLLOUT_STATE_DIR=os.path.join(self.d, "state"), CI="1",
                        NO_COLOR="1")
        self.log = open(os.path.join(self.d, "harness.log"), "w")
        self.kills = 0
        self.survived = 0
        self.failures = []
        self.state_mismatches = []
        self.exit_codes = []
        self.state_at_kill = []
        self.router_ahead = 0  # kills where the router had moved but the journal not yet

    def note(self, text):
        self.log.write(f"[{time.monotonic():.3f}] {text}\n")
        self.log.flush()

    def fail(self, text):
        self.note("FAIL: " + text)
        self.failures.append(text)

    def spawn(self, args, tag):
        out = open(os.path.join(self.d, f"{tag}.out"), "w")
        return subprocess.Popen([self.h.rollout] + args, cwd=self.d, env=self.env, stdout=out,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)

    def run(self, args, tag, timeout=RECOVERY_BOUND_S):
        p = self.spawn(args, tag)
        try:
            return p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
            return None

    def output(self, tag):
        with open(os.path.join(self.d, f"{tag}.out"), errors="replace") as f:
            return f.read()

    def wait_until(self, proc, pred, limit=15):
        end = time.time() + limit
        while time.time() < end:
            if proc.poll() is not None:
                return False
            if pred():
                return True
            time.sleep(0.002)
        return False

    def kill_at(self, proc, mode):
        """Waits for the moment `mode` picks; SIGKILLs the runner. False if it ended first."""
        rng = self.rng
        started = lambda: count(journal(self.d), "rollout_started") > self.starts_before
        if not self.wait_until(proc, started):
            return False
        if mode == "random":
            deadline = time.time() + rng.uniform(0, 6)
            self.wait_until(proc, lambda: time.time() >= deadline, 10)
        elif mode == "weight_set":
            n = count(journal(self.d), "weight_set") + rng.randint(1, 3)
            self.wait_until(proc, lambda: count(journal(self.d), "weight_set") >= n)
        elif mode == "router_moved":
            before = self.router.split()
            self.wait_until(proc, lambda: self.router.split() != before)
        elif mode == "rollback_step":
            write_atomic(os.path.join(self.d, "metrics.json"), BAD)
            n = count(journal(self.d), "rollback_step") + rng.randint(0, 3)
            self.wait_until(proc, lambda: count(journal(self.d), "rollback_started") > 0 and
                            count(journal(self.d), "rollback_step") >= n)
            delay = time.time() + rng.uniform(0, 0.25)
            self.wait_until(proc, lambda: time.time() >= delay, 1)
        if proc.poll() is not None:
            return False
        try:
            os.kill(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            return False
        proc.wait()
        self.router.settle()
        ev = journal(self.d)
        st, js = state_split(self.d), journal_split(ev)
        if st is not None and st != js:
            self.state_at_kill.append(f"state.json {st} != journal {js} after a kill ({mode})")
        if self.router.split() != js:
            self.router_ahead += 1
        self.h.modes[mode] = self.h.modes.get(mode, 0) + 1
        self.note(f"killed {mode} after {len(ev)} journal lines (last: "
                  f"{ev[-1].get('type') if ev else '-'}); router {self.router.split()}, "
                  f"journal {journal_split(ev)}")
        return True

    def breach(self):
        try:
            write_atomic(os.path.join(self.d, "metrics.json"), BAD)
        except OSError:
            pass  # the case is over and its directory gone

    def status_reads(self, k):
        code = self.run(["status", NAME], f"status-{k}", 20)
        out = self.output(f"status-{k}")
        if code != 0 or f"rollout {NAME}" not in out or "traffic" not in out:
            self.fail(f"status after kill {k}: exit {code}: {out.strip()[:300]}")
            return False
        return True

    def execute(self):
        rng = self.rng
        # A breach at a random moment in some cases, so kills land in rollbacks too.
        if rng.random() < 0.3:
            at = rng.uniform(0.5, 4)
            t = threading.Timer(at, self.breach)
            t.daemon = True
            t.start()
        self.starts_before = 0
        proc = self.spawn(["start", "rb.toml", "--yes"], "start")
        modes = ["random", "weight_set", "router_moved", "rollback_step"]
        mode = modes[self.index % len(modes)] if rng.random() < 0.75 else rng.choice(modes)
        tag = "start"
        while True:
            if not self.kill_at(proc, mode):
                code = proc.wait()
                self.note(f"{tag} ended before the kill ({mode}): exit {code}")
                if self.kills == 0:
                    return  # nothing killed: not a case
                break
            self.kills += 1
            if not self.status_reads(self.kills):
                return
            self.survived += 1
            if rng.random() >= 0.3 or self.kills >= 3:
                break
            # Kill the resume too.
            self.starts_before = count(journal(self.d), "rollout_started")
            tag = f"resume-killed-{self.kills}"
            proc = self.spawn(["resume", NAME], tag)
            mode = rng.choice(["random", "weight_set", "rollback_step"])
        self.recover()

    def recover(self):
        before = journal(self.d)
        was_final = count(before, "finished") > 0 and before[-1].get("type") == "finished"
        verb = "resume" if self.index % 2 == 0 else "abort"
        args = [verb, NAME] + ([] if verb == "resume" else ["--reason", "crash harness"])
        code = self.run(args, verb)
        self.exit_codes.append((verb, code))
        out = self.output(verb).strip().replace("\n", " | ")[-300:]
        self.note(f"{verb}: exit {code}: {out}")
        ok = True
        if code is None:
            self.fail(f"{verb} did not end within {RECOVERY_BOUND_S}s")
            ok = False
        elif code not in DEFINED_EXITS:
            self.fail(f"{verb}: undefined exit {code}: {out}")
            ok = False
        elif code == 2 and not was_final:
            self.fail(f"{verb} refused (exit 2) a rollout that had not ended: {out}")
            ok = False
        elif code in (4, 130):
            self.fail(f"{verb}: exit {code} with no other runner: {out}")
            ok = False
        self.router.settle()
        ev = journal(self.d)
        real, jsplit, ssplit = self.router.split(), journal_split(ev), state_split(self.d)
        want = {0: (0, 100), 1: (100, 0), 3: (100, 0)}.get(code)
        if real != jsplit:
            self.fail(f"after {verb} (exit {code}): router {real} != journal's last weight_set "
                      f"{jsplit}")
            ok = False
        if want and real != want:
            self.fail(f"after {verb} (exit {code}): router {real}, exit {code} means {want}")
            ok = False
        if ssplit != real:
            self.state_mismatches.append(f"state.json {ssplit} != router {real}")
            self.note(f"state.json split {ssplit} != router {real}")
            if self.h.strict_state:
                self.fail(f"state.json split {ssplit} != router {real}")
                ok = False
        if not self.status_reads("final"):
            ok = False
        if not ok and self.survived > 0:
            self.survived -= 1  # the last kill is the one that was not survived


class Harness:
    def __init__(self, args):
        self.rollout = os.path.abspath(args.rollout)
        self.strict_state = args.strict_state
        self.work = tempfile.mkdtemp(prefix="rollout-crash-")
        self.keep = args.keep
        self.stack_env = None
        self.lock = threading.Lock()
        self.kills = self.survived = 0
        self.cases = []
        self.modes = {}

    def run_cases(self, kind, want_kills, jobs, rng):
        index = [0]

        def worker(seed):
            case_rng = random.Random(seed)
            with self.lock:
                i = index[0]
                index[0] += 1
            c = Case(self, i, case_rng, kind)
            try:
                c.execute()
            except Exception as e:  # a harness bug is a failure, not a silent pass
                c.fail(f"harness error: {e!r}")
            with self.lock:
                self.kills += c.kills
                self.survived += c.survived
                self.cases.append(c)
            return c

        target = self.kills + want_kills
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            while self.kills < target:
                missing = target - self.kills
                batch = [pool.submit(worker, rng.getrandbits(64))
                         for _ in range(max(jobs, min(missing, jobs * 4)))]
                for f in batch:
                    f.result()

    def start_stack(self):
        env_file = subprocess.run(
            [os.path.join(SRC, "tests/stack/start.sh"), os.path.join(self.work, "stack")],
            capture_output=True, text=True, check=True,
            env=dict(os.environ, STACK_LIFETIME="900")).stdout.strip()
        env = {}
        for line in open(env_file):
            if "=" in line and not line.startswith("#"):
                k, v = line.strip().split("=", 1)
                env[k] = v
        self.stack_env = env

    def stop_stack(self):
        if self.stack_env:
            subprocess.run([os.path.join(SRC, "tests/stack/stop.sh"), self.stack_env["STACK_DIR"]],
                           capture_output=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rollout", default=os.environ.get("ROLLOUT", "build/cli/rollout"))
    ap.add_argument("--kills", type=int, default=30)
    ap.add_argument("--haproxy", action="store_true",
                    help="then --haproxy-kills more on the real HAProxy of tests/stack/")
    ap.add_argument("--haproxy-kills", type=int, default=None,
                    help="default: a fifth of --kills, at least 10")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--keep", default=None, help="directory for failing cases (default: print)")
    ap.add_argument("--strict-state", action="store_true")
    args = ap.parse_args()
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 32)
    print(f"crash harness: seed {seed} (--seed {seed} reproduces); {args.kills} kills"
          f"{' + HAProxy' if args.haproxy else ''}", flush=True)
    rng = random.Random(seed)
    h = Harness(args)
    t0 = time.time()
    try:
        h.run_cases("exec", args.kills, args.jobs, rng)
        exec_kills, exec_survived = h.kills, h.survived
        print(f"exec router: {exec_survived}/{exec_kills} kills survived", flush=True)
        if args.haproxy:
            h.start_stack()
            # One HAProxy backend: its cases one at a time.
            h.run_cases("haproxy", args.haproxy_kills or max(10, args.kills // 5), 1, rng)
            print(f"haproxy router: {h.survived - exec_survived}/{h.kills - exec_kills} kills "
                  f"survived", flush=True)
    finally:
        h.stop_stack()
    failed = [c for c in h.cases if c.failures]
    mism = [c for c in h.cases if c.state_mismatches]
    codes = {}
    for c in h.cases:
        for verb, code in c.exit_codes:
            codes[f"{verb}={code}"] = codes.get(f"{verb}={code}", 0) + 1
    print(f"recovery exit codes: {dict(sorted(codes.items()))}")
    at_kill = sum(len(c.state_at_kill) for c in h.cases)
    ahead = sum(c.router_ahead for c in h.cases)
    print(f"kills by moment: {dict(sorted(h.modes.items()))}")
    print(f"at the kill: router ahead of the journal (in flight) {ahead}/{h.kills}; "
          f"state.json split != journal's {at_kill}/{h.kills}")
    for c in [c for c in h.cases if c.state_at_kill][:3]:
        print(f"  {os.path.basename(c.d)}: {c.state_at_kill[0]}")
    print(f"state.json mismatches (split in state.json != router after recovery): "
          f"{len(mism)} of {len(h.cases)} cases" + (" (not failures; --strict-state)"
                                                     if not args.strict_state else ""))
    for c in mism[:5]:
        print(f"  {os.path.basename(c.d)}: {c.state_mismatches[0]}")
    for c in failed:
        print(f"FAILED {os.path.basename(c.d)}: " + "; ".join(c.failures))
    print(f"kills survived: {h.survived}/{h.kills} in {time.time() - t0:.0f}s (seed {seed})")
    if failed:
        keep = args.keep or h.work
        if args.keep:
            os.makedirs(keep, exist_ok=True)
            for c in failed:
                shutil.copytree(c.d, os.path.join(keep, os.path.basename(c.d)), symlinks=True)
        for c in h.cases:
            if not c.failures and not args.keep:
                shutil.rmtree(c.d, ignore_errors=True)
        if args.keep:
            shutil.rmtree(h.work, ignore_errors=True)
        print(f"failing cases kept in {keep}")
        return 1
    shutil.rmtree(h.work, ignore_errors=True)
    return 0 if h.kills > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
