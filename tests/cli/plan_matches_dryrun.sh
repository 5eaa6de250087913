#!/bin/bash
# `plan` and `start --dry-run` resolve ${stage.*} and ${weight.*} the same way in before,
# after and rollback steps: every run step's description in plan equals the one in the
# dry run's journal. ${weight.*} is the split in force when the step runs (a before step
# sees the previous stage's split), ${stage.weight} the stage's target.
source "$SRC/tests/cli/dryrun_helpers.bash"

S='${stage.name} ${stage.weight} ${weight.stable}/${weight.canary}'
W='${weight.stable}/${weight.canary}'
{
  dryrun_head tmpl
  cat <<TOML
[[stage]]
name = "canary"
weight = 1
hold = "10m"
gates = ["error_rate < 1%"]
before = [ { run = ["echo", "before $S"] } ]
after = [ { run = ["echo", "after $S"] } ]

[[stage]]
name = "ramp"
weight = 10
hold = "10m"
gates = ["error_rate < 1%"]
before = [ { run = ["echo", "before $S"] }, { weight = 5 }, { run = ["echo", "mid $S"] } ]
after = [ { run = ["echo", "after $S"] } ]

[[stage]]
name = "full"
weight = 100
hold = "10m"
gates = ["error_rate < 1%"]
before = [ { run = ["echo", "before $S"] } ]
after = [ { run = ["echo", "after $S"] } ]

[rollback]
budget = "5m"
steps = [ { run = ["echo", "rb-first $W"] }, { weight = 0 }, { run = ["echo", "rb-after $W"] } ]
TOML
} > "$T/rb.toml"
cat > "$T/ok.toml" <<'TOML'
[[metric]]
check = "error_rate"
values = [ { at = "0s", value = 0.001 } ]
TOML
cat > "$T/breach.toml" <<'TOML'
[[metric]]
check = "error_rate"
values = [ { at = "0s", value = 0.001 }, { stage = "full", at = "1m", value = 0.5 } ]
TOML

"$ROLLOUT" plan --output json "$T/rb.toml" > "$T/plan.json" 2> "$T/err" || { cat "$T/err"; fail "plan failed"; }
"$ROLLOUT" start --dry-run --scenario "$T/ok.toml" --yes "$T/rb.toml" > "$T/out1" 2> "$T/err"
code=$?
[ $code -eq 0 ] || { cat "$T/err" "$T/out1"; fail "dry run exited $code, want 0"; }
cp "$ROLLOUT_STATE_DIR"/*/journal.jsonl "$T/ok.jsonl"
"$ROLLOUT" start --dry-run --scenario "$T/breach.toml" --yes "$T/rb.toml" > "$T/out2" 2> "$T/err"
code=$?
[ $code -eq 1 ] || { cat "$T/err" "$T/out2"; fail "breach dry run exited $code, want 1"; }
cp "$ROLLOUT_STATE_DIR"/*/journal.jsonl "$T/breach.jsonl"

python3 - "$T/plan.json" "$T/ok.jsonl" "$T/breach.jsonl" <<'PY' || fail "plan and dry run disagree"
import json, sys
plan = json.load(open(sys.argv[1]))
def journal(path):
    return [json.loads(l) for l in open(path) if l.strip()]
ok, breach = journal(sys.argv[2]), journal(sys.argv[3])
# Plan: (stage, phase, description) of every run step, in order.
planned = [(s["name"], st["phase"], st["description"]) for s in plan["stages"]
           for st in s["steps"] if st["kind"] == "run"]
ran = [(e["stage"], e["phase"], e["description"]) for e in ok
       if e["type"] == "step_finished" and e["kind"] == "run"]
assert planned == ran, "\nplan:    %s\ndry run: %s" % (planned, ran)
want = {("canary", "before"): "before canary 1 100/0", ("canary", "after"): "after canary 1 99/1",
        ("ramp", "before"): "before ramp 10 99/1", ("full", "after"): "after full 100 0/100"}
for stage, phase, desc in planned:
    if (stage, phase) in want and "mid" not in desc:
        assert want[(stage, phase)] in desc, (stage, phase, desc)
assert any("mid ramp 10 95/5" in d for _, _, d in planned), planned
rb_plan = [st["description"] for st in plan["rollback"]["steps"]]
rb_ran = [e["description"] for e in breach if e["type"] == "rollback_step"]
assert len(rb_plan) == len(rb_ran) == 3, (rb_plan, rb_ran)
# The first rollback step runs at whatever split the breach found (plan cannot know:
# it shows the template); after the rollback's own weight step both say 100/0.
assert "rb-first ${weight.stable}/${weight.canary}" in rb_plan[0], rb_plan[0]
assert "rb-first 0/100" in rb_ran[0], rb_ran[0]
assert rb_plan[1:] == rb_ran[1:], (rb_plan, rb_ran)
assert "rb-after 100/0" in rb_ran[2], rb_ran[2]
print("%d stage steps and %d rollback steps agree" % (len(planned), len(rb_plan)))
PY
ok "plan and dry run resolve every template alike"
