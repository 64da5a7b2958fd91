#!/usr/bin/env bash
# Browser tests: a real node, Debian's Chromium (headless) driven by playwright-core, and
# the Fedify peer of tests/interop sending a hostile reply. See tests/browser/README.md.
# Usage, from the repo root: bash tests/browser/run.sh   (screenshots land in
# tests/browser/artifacts/)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$PWD
HERE=$ROOT/tests/browser
INTEROP=$ROOT/tests/interop
BIN=$ROOT/target/debug/rhizome
STEP_TIMEOUT=${STEP_TIMEOUT:-60}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rhizome-browser.XXXXXX")
node_pid="" peer_pid="" geo_pid=""

stop() {
  [ -n "$1" ] || return 0
  kill "$1" 2>/dev/null || return 0
  for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$1" 2>/dev/null || true
}
on_exit() {
  local rc=$?
  stop "$peer_pid"
  stop "$node_pid"
  stop "$geo_pid"
  if [ "$rc" -ne 0 ]; then
    for log in node.log peer.out peer.err; do
      [ -s "$tmp/$log" ] && { echo "--- last lines of $tmp/$log"; tail -n 30 "$tmp/$log"; }
    done
    echo "logs kept in $tmp"
  else
    rm -rf "$tmp"
  fi
  exit "$rc"
}
trap on_exit EXIT

wait_for() { # FILE REGEX SECONDS [PID]
  local deadline=$((SECONDS + $3))
  until grep -qE "$2" "$1" 2>/dev/null; do
    if [ -n "${4:-}" ] && ! kill -0 "$4" 2>/dev/null; then return 1; fi
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

# --- Setup ------------------------------------------------------------------------------
[ -x "$CHROMIUM" ] || { echo "Chromium not found at $CHROMIUM (apt-get install chromium)"; exit 1; }
[ -x "$BIN" ] || cargo build -p rhizome-web
for dir in "$HERE" "$INTEROP"; do
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    (cd "$dir" && timeout 300 npm ci --no-audit --no-fund >"$tmp/npm.log" 2>&1) || { cat "$tmp/npm.log"; exit 1; }
  fi
done

read -r NODE_PORT PEER_PORT GEO_PORT < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(3)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])')
NODE_HOST=localhost:$NODE_PORT
cat >"$tmp/rhizome.toml" <<TOML
domain = "$NODE_HOST"
scheme = "http"
listen = "127.0.0.1:$NODE_PORT"
data_dir = "$tmp/data"
development_mode = true
node_name = "Réseau des territoires apprenants"
geocoder_url = "http://127.0.0.1:$GEO_PORT"
TOML
# A geocoder answering every search as Nominatim would (its file is its /search answer).
mkdir -p "$tmp/geocoder"
cp "$HERE/nominatim-search.json" "$tmp/geocoder/search"
python3 -m http.server "$GEO_PORT" --bind 127.0.0.1 --directory "$tmp/geocoder" >"$tmp/geocoder.log" 2>&1 &
geo_pid=$!
rz() { timeout "$STEP_TIMEOUT" "$BIN" --config "$tmp/rhizome.toml" "$@"; }
rz admin create-user --admin camille >"$tmp/user.txt"
PASSWORD=$(sed -n 's/^password: //p' "$tmp/user.txt")
[ -n "$PASSWORD" ]
rz territory create --slug fablab --name "Fablab de Poitiers" --kind fablab --languages fr \
  --address "1 rue de la Paix, Poitiers" --latitude 46.58 --longitude 0.34 --themes science_digital,climate \
  --description "Un atelier ouvert à toutes et tous : **réparer**, fabriquer, apprendre." >/dev/null
rz territory create --slug tiers-lieu-niort --name "La Grange, Niort" --kind tiers_lieu --languages fr \
  --address "Niort" --latitude 46.32 --longitude -0.46 --themes social_economy >/dev/null

NO_COLOR=1 "$BIN" --config "$tmp/rhizome.toml" serve >"$tmp/node.log" 2>&1 &
node_pid=$!
wait_for "$tmp/node.log" '^listening on http://' "$STEP_TIMEOUT" "$node_pid" || { echo "rhizome did not start"; exit 1; }

# The peer follows the territory, waits for the event the browser publishes, and replies
# with HTML that would run script if the page let it.
PEER_REPLY_HTML='<p>Bonjour du fédivers</p><img src="x" onerror="window.__xss=1"><script>window.__xss=2</script><a href="javascript:window.__xss=3">lien</a>' \
PEER_PORT=$PEER_PORT NODE_HOST=$NODE_HOST TERRITORY=fablab STEP_TIMEOUT_MS=$((STEP_TIMEOUT * 1000)) \
  node "$INTEROP/peer.mjs" >"$tmp/peer.out" 2>"$tmp/peer.err" &
peer_pid=$!
wait_for "$tmp/peer.out" '^(PASS|FAIL) accept:' "$STEP_TIMEOUT" "$peer_pid" || { echo "the peer did not follow"; exit 1; }
grep -q '^PASS accept:' "$tmp/peer.out" || { echo "the peer's follow failed"; exit 1; }

# --- The browser suite ------------------------------------------------------------------
mkdir -p "$HERE/artifacts"
NODE_URL=http://$NODE_HOST EDITOR=camille PASSWORD=$PASSWORD CHROMIUM=$CHROMIUM \
  ARTIFACTS=$HERE/artifacts PEER_OUT=$tmp/peer.out \
  node --test --test-concurrency=1 --test-reporter=spec "$HERE"/*.test.mjs
