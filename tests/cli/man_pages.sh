#!/bin/bash
# The man pages: scdoc renders rollout(1) and rollout-runbook(5) without a warning, man
# and groff render them cleanly at 80 columns, and rollout(1) matches the code: every
# command, every option of every command's --help, every exit code and event type.
# rollout-runbook(5) documents every key the runbook reader accepts.
set -u
: "${ROLLOUT:?set ROLLOUT to the rollout binary}" "${SRC:?set SRC to the source tree}"
T=$(mktemp -d /tmp/rollout-man-XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
command -v scdoc > /dev/null || { echo "skip: scdoc not installed"; exit 0; }

for page in rollout.1 rollout-runbook.5; do
  src="$SRC/man/$page.scd"
  [ -f "$src" ] || fail "$src missing"
  scdoc < "$src" > "$T/$page" 2> "$T/$page.err" || fail "scdoc failed on $page: $(cat "$T/$page.err")"
  [ -s "$T/$page.err" ] && fail "scdoc warned on $page: $(cat "$T/$page.err")"
  # -k: preconv, as man does; -ww: every warning.
  groff -k -man -Tutf8 -ww -z "$T/$page" 2> "$T/$page.groff" || fail "groff failed on $page"
  [ -s "$T/$page.groff" ] && fail "groff warned on $page: $(head -5 "$T/$page.groff")"
  MANWIDTH=80 man -l "$T/$page" > "$T/$page.txt" 2> "$T/$page.manerr" ||
    fail "man -l failed on $page: $(cat "$T/$page.manerr")"
  [ -s "$T/$page.manerr" ] && fail "man warned on $page: $(cat "$T/$page.manerr")"
  [ "$(wc -l < "$T/$page.txt")" -gt 50 ] || fail "$page renders too short"
  ok "$page: scdoc, groff and man render it without warnings"
done

man1="$T/rollout.1.txt"
# Every command, and every long option each command's --help lists, is in rollout(1).
for cmd in validate plan start advance abort status resume report; do
  grep -q "^       $cmd" "$man1" || fail "command $cmd has no entry in rollout(1)"
  for opt in $("$ROLLOUT" "$cmd" --help 2>&1 | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
    grep -q -- "$opt" "$man1" || fail "rollout $cmd $opt is not in rollout(1)"
  done
done
for opt in $("$ROLLOUT" --help 2>&1 | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
  grep -q -- "$opt" "$man1" || fail "global option $opt is not in rollout(1)"
done
ok "every command and option of --help is documented"

# Every exit code from core/exit_status.hpp, every event type and field of lib/events/.
for code in $(grep -oE '= [0-9]+,' "$SRC/lib/core/exit_status.hpp" | grep -oE '[0-9]+'); do
  grep -qE "^       $code\$" "$man1" || fail "exit code $code not documented"
done
types=$(sed -n '/^enum class EventType/,/^};/p' "$SRC/lib/events/event_type.hpp" | grep -oE '^  [a-z_]+' | tr -d ' ')
[ -n "$types" ] || fail "could not read the event types"
for t in $types; do
  grep -qE "^       $t\$" "$man1" || fail "event type $t not documented in rollout(1)"
  # The fields listed for it in payloads.hpp's comment.
  fields=$(grep -E "^//   $t " "$SRC/lib/events/payloads.hpp" | sed -E "s|^//   $t +||" |
    grep -oE '[a-z_]+' | grep -vE '^(null|none|before|after|rollback|breach|failure|error|inconclusive|step_failed|abort|interrupt|timeout|completed|rolled_back|aborted|paused|rollback_failed|interrupted|number)$' || true)
  # The paragraph under the type's heading in JSON EVENT STREAM.
  para=$(sed -n '/^JSON EVENT STREAM/,/^REPORT JSON/p' "$man1" |
    awk -v t="$t" '$0 ~ "^       "t"$" {on=1; next} on && /^       [a-z_]+$/ {exit} on {print}')
  [ -n "$para" ] || fail "event type $t has no paragraph in JSON EVENT STREAM"
  for f in $fields; do
    # man may hyphenate at the end of a line; join first.
    echo "$para" | tr '\n' ' ' | sed 's/‐  *//g; s/-  *//g' | grep -q "$f" ||
      fail "field $f of $t not documented under $t"
  done
done
ok "every exit code, event type and event field is documented"
# Every key the runbook reader accepts (the known_keys lists, the stage keys, the per-type
# router/source keys and the step kinds' extra keys) is in rollout-runbook(5).
man5_src=$(sed 's/\\//g' "$SRC/man/rollout-runbook.5.scd")
keys=$( {
  sed -n '/known_keys(/,/);/p' "$SRC/lib/runbook/parse.cpp" "$SRC/lib/runbook/steps.cpp"
  sed -n '/^const std::vector<std::string> k\(StageOnly\|Top\)Keys/,/};/p' "$SRC/lib/runbook/parse.cpp"
  sed -n '/static const std::vector<std::string> keys = {/,/};/p' "$SRC/lib/runbook/parse_rules.cpp"
  sed -n '/std::vector<std::string> keys = {/,/};/p' "$SRC/lib/runbook/parse_analysis.cpp"
  grep -hE 'return \{"|\{(Router|Source)Type::[a-z_]+, \{|common = \{' \
    "$SRC/lib/runbook/parse.cpp" "$SRC/lib/runbook/steps.cpp"
} | grep -oE '"[a-z_]+"' | tr -d '"' | sort -u)
[ "$(echo "$keys" | wc -w)" -gt 40 ] || fail "could not read the runbook keys ($(echo $keys))"
for k in $keys; do
  echo "$man5_src" | grep -qE "\*$k\*|\[$k[].]|[^a-z_]$k =" || fail "runbook key $k not in rollout-runbook(5)"
done
ok "every runbook key the reader accepts is documented"
# Outcomes and actions the engine can journal.
for word in preflight_failed rollback_failed; do
  grep -q "$word" "$man1" || fail "outcome $word not in rollout(1)"
done

for var in ROLLOUT_STATE_DIR NO_COLOR CI GITHUB_ACTIONS GITHUB_STEP_SUMMARY; do
  grep -qE "^       $var" "$man1" || fail "environment variable $var not documented"
done
ok "environment documented"
