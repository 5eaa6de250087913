#!/bin/bash
# Shell completion: bash through its completion function (COMP_WORDS/COMP_CWORD), fish
# through `complete -C`, zsh loaded by compinit. Subcommands, options, runbook files, and
# rollout names from the state directory (honouring --state-dir on the line).
set -u
: "${SRC:?set SRC to the source tree}"
T=$(mktemp -d /tmp/rollout-compl-XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
mkdir -p "$T/work/.rollout/alpha" "$T/work/.rollout/beta" "$T/work/other/gamma" "$T/work/runbooks"
touch "$T/work/runbooks/canary.toml" "$T/work/notes.txt" "$T/work/shop.toml"
cd "$T/work" || fail "cd"

# bash
bash_complete() {
  env -u ROLLOUT_STATE_DIR bash -c '
    source "$1/completions/rollout.bash"; shift
    COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    _rollout; printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' _ "$SRC" "$@"
}
expect_bash() {
  local want=$1; shift
  local got; got=$(bash_complete "$@")
  [ "$got" = "$want" ] || fail "bash: [$*] gave '$got', want '$want'"
}
expect_bash "start status " rollout st
expect_bash "abort advance " rollout a
expect_bash "alpha beta " rollout status ""
expect_bash "gamma " rollout --state-dir other report ""
expect_bash "gamma " rollout abort --state-dir other ""
expect_bash "other/ runbooks/ shop.toml " rollout start ""
expect_bash "runbooks/canary.toml " rollout validate runbooks/
expect_bash "json junit " rollout report --format j
expect_bash "--dry-run " rollout start --dr
expect_bash "--reason " rollout abort --re
got=$(ROLLOUT_STATE_DIR=other bash -c 'source "$1/completions/rollout.bash"
  COMP_WORDS=(rollout resume ""); COMP_CWORD=2; _rollout; echo "${COMPREPLY[*]}"' _ "$SRC")
[ "$got" = "gamma" ] || fail "bash: ROLLOUT_STATE_DIR not honoured: '$got'"
ok "bash: commands, options, runbooks, rollout names (--state-dir and ROLLOUT_STATE_DIR)"

# fish
if command -v fish > /dev/null; then
  fish_complete() { env -u ROLLOUT_STATE_DIR fish --no-config -c "source $SRC/completions/rollout.fish; complete -C '$1'" 2>&1 | cut -f1 | sort | tr '\n' ' '; }
  got=$(fish_complete "rollout st")
  [ "$got" = "start status " ] || fail "fish: 'rollout st' gave '$got'"
  got=$(fish_complete "rollout status ")
  [ "$got" = "alpha beta " ] || fail "fish: names gave '$got'"
  got=$(fish_complete "rollout --state-dir other abort ")
  [ "$got" = "gamma " ] || fail "fish: --state-dir names gave '$got'"
  got=$(fish_complete "rollout plan ")
  [ "$got" = "other/ runbooks/ shop.toml " ] || fail "fish: runbooks gave '$got'"
  ok "fish: complete -C works for commands, names and runbooks"
else
  echo "skip: fish not installed"
fi

# zsh
if command -v zsh > /dev/null; then
  zsh -n "$SRC/completions/_rollout" || fail "zsh: syntax error in _rollout"
  got=$(zsh -fc "fpath=($SRC/completions \$fpath); autoload -Uz compinit; compinit -u -D -d $T/zcompdump; print -r -- \${_comps[rollout]}; autoload -Uz _rollout; whence -w _rollout" 2>&1)
  [ "$got" = "_rollout
_rollout: function" ] || fail "zsh: compinit did not pick up _rollout: $got"
  ok "zsh: _rollout parses and compinit registers it for rollout"
else
  echo "skip: zsh not installed"
fi
