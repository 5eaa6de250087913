#!/usr/bin/env python3
# Points a demo runbook at a stack started by start.sh: copies RUNBOOK to OUT with the
# [vars] values stack_dir, stack, prom, stable and canary replaced from ENVFILE, and any
# further KEY=VALUE given (e.g. hold values via --set, see below). Line-based, so the
# copy keeps the original's layout and line numbers.
# Usage: runbook_for_stack.py RUNBOOK ENVFILE OUT [--set STAGE.KEY=VALUE ...] [--name NAME]
import re
import sys


def read_env(path):
    env = {}
    for line in open(path):
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            k, v = line.split("=", 1)
            env[k] = v
    return env


def main(argv):
    if len(argv) < 4:
        sys.exit(__doc__)
    src, envfile, out = argv[1:4]
    rest = argv[4:]
    env = read_env(envfile)
    values = {
        "stack_dir": env["STACK_DIR"],
        "stack": env["STACK_SRC"],
        "prom": env["PROM_URL"],
        "stable": env["STABLE_URL"],
        "canary": env["CANARY_URL"],
    }
    stage_sets = {}  # (stage, key) -> raw TOML value
    name = None
    i = 0
    while i < len(rest):
        if rest[i] == "--set":
            target, value = rest[i + 1].split("=", 1)
            stage, key = target.split(".", 1)
            stage_sets[(stage, key)] = value
            i += 2
        elif rest[i] == "--name":
            name = rest[i + 1]
            i += 2
        else:
            sys.exit(f"runbook_for_stack.py: unknown argument {rest[i]}")

    lines = open(src).read().split("\n")
    table, stage, done = None, None, set()
    for n, line in enumerate(lines):
        header = re.match(r"^\s*\[\[?([^\]]+)\]\]?", line)
        if header:
            table, stage = header.group(1).strip(), None
            continue
        kv = re.match(r'^(\s*)([A-Za-z_]+)(\s*=\s*)(.*)$', line)
        if not kv:
            continue
        key = kv.group(2)
        if table == "vars" and key in values:
            lines[n] = f'{kv.group(1)}{key}{kv.group(3)}"{values[key]}"'
            done.add(key)
        elif table == "rollout" and key == "name" and name:
            lines[n] = f'{kv.group(1)}name{kv.group(3)}"{name}"'
        elif table == "stage":
            if key == "name":
                stage = kv.group(4).split("#")[0].strip().strip('"')
            elif (stage, key) in stage_sets:
                lines[n] = f"{kv.group(1)}{key}{kv.group(3)}{stage_sets[(stage, key)]}"
                done.add((stage, key))
    missing = [k for k in list(values) + list(stage_sets) if k not in done]
    if missing:
        sys.exit(f"runbook_for_stack.py: not found in {src}: {missing}")
    with open(out, "w") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    main(sys.argv)
