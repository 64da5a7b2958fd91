#!/usr/bin/env bash
# Interop test: a Fedify peer (tests/interop/peer.mjs) follows a Rhizome territory, gets
# the event published through the API as a signed Create{Event}, and replies; the reply
# must show up in the event's comments. Then every golden object and activity is expanded
# with jsonld.js (jsonld-check.mjs). See tests/interop/README.md.
# Usage, from the repo root: bash tests/interop/run.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$PWD
HERE=$ROOT/tests/interop
BIN=$ROOT/target/debug/rhizome
STEP_TIMEOUT=${STEP_TIMEOUT:-60} # seconds, for any one step
PEER_CHECKS=(webfinger actor follow accept event reply)
started=$SECONDS

passed=0 failed=0 summarized=0 node_pid="" peer_pid=""
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rhizome-interop.XXXXXX")

pass() { passed=$((passed + 1)); echo "PASS $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }
summarize() {
  if [ "$failed" -gt 0 ]; then
    for log in node.log peer.err; do
      [ -s "$tmp/$log" ] && { echo "--- last lines of $tmp/$log"; tail -n 25 "$tmp/$log"; }
    done
  fi
  [ "$failed" -eq 0 ] && [ -z "${KEEP_LOGS:-}" ] || echo "logs kept in $tmp"
  echo "took $((SECONDS - started)) s"
  summarized=1
  echo "$passed passed, $failed failed"
}
stop() { # pid: TERM, then KILL after 5 s
  [ -n "$1" ] || return 0
  kill "$1" 2>/dev/null || return 0
  for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$1" 2>/dev/null || true
}
on_exit() {
  local rc=$?
  stop "$peer_pid"
  stop "$node_pid"
  if [ "$summarized" = 0 ]; then
    fail "script: stopped early (exit $rc)"
    summarize
  fi
  [ "$failed" -eq 0 ] && [ -z "${KEEP_LOGS:-}" ] && rm -rf "$tmp"
  [ "$failed" -eq 0 ] || exit 1
}
trap on_exit EXIT

# wait_for FILE REGEX SECONDS [PID]: until a line of FILE matches, PID dies, or time is up.
wait_for() {
  local deadline=$((SECONDS + $3))
  until grep -qE "$2" "$1" 2>/dev/null; do
    if [ -n "${4:-}" ] && ! kill -0 "$4" 2>/dev/null; then return 1; fi
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

# --- Setup: binary, dependencies, ports, config -----------------------------------------
if [ ! -x "$BIN" ]; then
  cargo build -p rhizome-web
fi
node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' ||
  { echo "Node.js 20 or later is needed for the Fedify peer"; exit 1; }
if [ ! -d "$HERE/node_modules/@fedify/fedify" ] ||
  [ "$HERE/package-lock.json" -nt "$HERE/node_modules/.package-lock.json" ]; then
  (cd "$HERE" && timeout 300 npm ci --no-audit --no-fund >"$tmp/npm.log" 2>&1) ||
    { cat "$tmp/npm.log"; exit 1; }
fi

read -r NODE_PORT PEER_PORT < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])')
NODE_HOST=localhost:$NODE_PORT
NODE=http://$NODE_HOST
cat >"$tmp/rhizome.toml" <<EOF
domain = "$NODE_HOST"
scheme = "http"
listen = "127.0.0.1:$NODE_PORT"
data_dir = "$tmp/data"
development_mode = true
EOF
rz() { timeout "$STEP_TIMEOUT" "$BIN" --config "$tmp/rhizome.toml" "$@"; }
rz admin create-user --admin alice >"$tmp/user.txt"
grep -q '^password: ' "$tmp/user.txt"
rz territory create --slug fablab --name "Fablab" --kind fablab --languages fr >/dev/null
TOKEN=$(rz admin create-token alice | tail -n 1)
[ -n "$TOKEN" ]

# --- Start Rhizome and the peer ---------------------------------------------------------
NO_COLOR=1 RHIZOME_LOG_LEVEL=debug "$BIN" --config "$tmp/rhizome.toml" serve >"$tmp/node.log" 2>&1 &
node_pid=$!
wait_for "$tmp/node.log" '^listening on http://' "$STEP_TIMEOUT" "$node_pid" ||
  { echo "rhizome did not start"; exit 1; }

PEER_PORT=$PEER_PORT NODE_HOST=$NODE_HOST TERRITORY=fablab STEP_TIMEOUT_MS=$((STEP_TIMEOUT * 1000)) \
  node "$HERE/peer.mjs" >"$tmp/peer.out" 2>"$tmp/peer.err" &
peer_pid=$!
wait_for "$tmp/peer.out" '^READY$' "$STEP_TIMEOUT" "$peer_pid" ||
  { echo "the peer did not start"; exit 1; }

# Relays the peer's PASS/FAIL lines up to its check NAME (or its DONE, or its end).
relayed=0
relay_peer_until() {
  wait_for "$tmp/peer.out" "^((PASS|FAIL) $1:|DONE$)" $((STEP_TIMEOUT + 10)) "$peer_pid" || true
  local lines
  mapfile -t lines < <(grep -E '^(PASS|FAIL) ' "$tmp/peer.out" | tail -n +$((relayed + 1)))
  for line in "${lines[@]}"; do
    relayed=$((relayed + 1))
    case $line in
      PASS\ *) pass "${line#PASS }" ;;
      FAIL\ *) fail "${line#FAIL }" ;;
    esac
  done
}
peer_reported() { grep -qE "^(PASS|FAIL) $1:" "$tmp/peer.out"; }
peer_passed() { grep -qE "^PASS $1:" "$tmp/peer.out"; }

# --- 1. WebFinger, actor, Follow, Accept (all done by the peer) -------------------------
relay_peer_until accept

# --- 2. Publish an event through the API ------------------------------------------------
event_id=""
if peer_passed accept; then
  status=$(curl -sS -m "$STEP_TIMEOUT" -o "$tmp/event.json" -w '%{http_code}' \
    -X POST "$NODE/api/v1/territories/fablab/events" \
    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d '{"title":"Atelier interop","starts_at":"2031-05-06T18:00","ends_at":"2031-05-06T20:00","place":{"name":"Fablab","address":"1 rue de la Paix, Poitiers","latitude":46.58,"longitude":0.34}}' ||
    echo 000)
  read -r event_id event_url < <(python3 -c '
import json, sys
try:
    e = json.load(open(sys.argv[1]))
    print(e.get("id", ""), e.get("url", ""))
except Exception:
    print("", "")' "$tmp/event.json") || true
  if [ "$status" = 201 ] && [ -n "$event_id" ] && [ -n "$event_url" ]; then
    pass "api-publish: POST /api/v1/territories/fablab/events -> 201, id $event_id, url $event_url"
  else
    fail "api-publish: POST /api/v1/territories/fablab/events -> $status $(head -c 300 "$tmp/event.json" 2>/dev/null)"
    event_id=""
  fi
else
  fail "api-publish: not tried (the peer is not following)"
fi

# --- 3. Create{Event} reaches the peer, which replies -----------------------------------
if [ -n "$event_id" ]; then
  relay_peer_until reply
  ap_id=$(sed -n 's/^EVENT //p' "$tmp/peer.out")
  if [ -n "$ap_id" ] && [ "${ap_id##*/}" != "$event_id" ]; then
    fail "event-id: the peer got $ap_id, the API created $event_id"
  fi
fi
for check in "${PEER_CHECKS[@]}"; do
  peer_reported "$check" || fail "$check: not reached"
done

# --- 4. The reply is a comment on the event ---------------------------------------------
if [ -n "$event_id" ] && peer_passed reply; then
  note_id=$(sed -n 's/^NOTE //p' "$tmp/peer.out")
  deadline=$((SECONDS + STEP_TIMEOUT)) found=""
  while [ "$SECONDS" -lt "$deadline" ]; do
    curl -sS -m 10 -o "$tmp/comments.json" "$NODE/api/v1/events/$event_id/comments" || true
    found=$(python3 -c '
import json, sys
try:
    items = json.load(open(sys.argv[1])).get("items", [])
except Exception:
    items = []
for c in items:
    if "Reply from the interop peer" in (c.get("content_html") or ""):
        print(c.get("content_html"), "by", c.get("author_id") or c.get("author_name"))
        break' "$tmp/comments.json")
    [ -n "$found" ] && break
    sleep 0.5
  done
  if [ -n "$found" ]; then
    pass "comments: GET /api/v1/events/$event_id/comments lists $found (note $note_id)"
  else
    fail "comments: the reply is not in GET /api/v1/events/$event_id/comments: $(head -c 300 "$tmp/comments.json")"
  fi
else
  fail "comments: not checked (no event or no reply)"
fi

# --- 5. Every object and activity Rhizome sends expands without loss --------------------
# The golden files (web/tests/federation.rs writes and checks them) through jsonld.js with
# the bundled ActivityStreams and security contexts: no dropped or blank-node-only term.
if node "$HERE/jsonld-check.mjs" >"$tmp/jsonld.out" 2>&1; then
  pass "json-ld: $(tail -n 1 "$tmp/jsonld.out")"
else
  fail "json-ld: $(grep -v '^PASS' "$tmp/jsonld.out" | head -n 20)"
fi

summarize
