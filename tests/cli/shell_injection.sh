#!/bin/bash
# A `shell` step with hostile template values (quotes, ;, $(...), backticks, newlines)
# from [vars] and ${env.X}: each value reaches the command as one intact word, nothing in
# it is executed, and the journal shows the quoted command (the secret as '***').
source "$SRC/tests/cli/engine_helpers.bash"
write_runbook "$T/rb.toml" 1s
# A hostile value: every kind of shell syntax, each trying to create a marker file.
X=$(printf '%s' "a'b\"c; touch $T/pwned-semi \$(touch $T/pwned-subst) \`touch $T/pwned-tick\`" && printf '\n%s' "touch $T/pwned-nl'")
export EVIL="'\$(touch $T/pwned-env)'; touch $T/pwned-env2 #"
python3 - "$T/rb.toml" "$X" "$T" <<'PY'
import json, sys
path, x, t = sys.argv[1:]
text = open(path).read()
text = text.replace('[router]', '[vars]\nx = %s\n\n[router]' % json.dumps(x), 1)
step = ('before = [ { shell = "printf %%s ${vars.x} > %s/got-x; printf %%s ${env.EVIL} > %s/got-evil" } ]\n'
        % (t, t))
text = text.replace('advance = "auto"\n', 'advance = "auto"\n' + step, 1)
open(path, 'w').write(text)
PY
"$ROLLOUT" validate "$T/rb.toml" > "$T/vout" 2>&1 || { cat "$T/vout"; fail "runbook invalid"; }
"$ROLLOUT" start "$T/rb.toml" > "$T/out" 2> "$T/err"
code=$?
[ $code -eq 0 ] || { cat "$T/out" "$T/err"; fail "exit $code, want 0"; }
ls "$T" | grep -q pwned && fail "injected command ran: $(ls "$T" | grep pwned | tr '\n' ' ')"
ok "nothing injected ran"
[ "$(cat "$T/got-x")" = "$X" ] || fail "vars.x arrived as [$(cat "$T/got-x")], want [$X]"
[ "$(cat "$T/got-evil")" = "$EVIL" ] || fail "env.EVIL arrived as [$(cat "$T/got-evil")]"
ok "both values arrived intact as one word"
j="$ROLLOUT_STATE_DIR/cli-demo/journal.jsonl"
grep -q "printf %s '\*\*\*' > $T/got-evil" "$j" || { grep step_finished "$j"; fail "journal does not show the secret as a quoted word"; }
ok "journal shows the command with the secret quoted and redacted"
