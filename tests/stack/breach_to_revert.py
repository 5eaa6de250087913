#!/usr/bin/env python3
# Time from the gate's breach decision to HAProxy answering the reverted weights:
# the first `breach` event's time in rollout's journal, and the first weight change seen
# after it (hap.py --watch log) that puts the canary at 0. Prints the milliseconds.
# Usage: breach_to_revert.py JOURNAL WEIGHTS_JSONL
import json
import sys
from datetime import datetime


def parse_time(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def main(journal, watch):
    breach = None
    for line in open(journal):
        try:
            e = json.loads(line)
        except ValueError:
            continue
        if e.get("type") == "breach":
            breach = parse_time(e["time"])
            break
    if breach is None:
        sys.exit("breach_to_revert.py: no breach event in the journal")
    for line in open(watch):
        w = json.loads(line)
        if w["time"] >= breach - 0.001 and w["canary"] == 0:
            print(f"{(w['time'] - breach) * 1000:.1f}")
            return
    sys.exit("breach_to_revert.py: HAProxy never showed canary weight 0 after the breach")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
