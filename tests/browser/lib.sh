# Shared by the browser tests: find Chromium, render a page headless, fail
# with a clear message. Source it; do not run it.

# Chromium binary: $CHROMIUM, else Debian's /usr/bin/chromium.
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

require_chromium() {
  if [ ! -x "$CHROMIUM" ]; then
    CHROMIUM="$(command -v chromium || true)"
  fi
  [ -n "$CHROMIUM" ] && [ -x "$CHROMIUM" ] ||
    fail "chromium not found (looked for \$CHROMIUM and /usr/bin/chromium); install it with: scripts/deps.sh --browser"
}

# Headless Chromium with a fresh profile, nothing that talks to the network,
# and a time limit. Usage: chromium_run OUTPUT_FILE ARGS... ; stdout goes to
# OUTPUT_FILE, stderr (D-Bus noise in containers) to OUTPUT_FILE.log.
chromium_run() {
  local out="$1"
  shift
  local profile
  profile="$(mktemp -d)"
  local rc=0
  timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --disable-quic --disable-extensions --user-data-dir="$profile" "$@" \
    >"$out" 2>"$out.log" || rc=$?
  rm -rf "$profile"
  [ "$rc" -eq 0 ] || { cat "$out.log" >&2; fail "chromium exited with status $rc"; }
}

# dump_dom HTML_FILE DOM_OUT: the DOM after load (scripts run), serialized.
dump_dom() {
  chromium_run "$2" --dump-dom "file://$1"
  [ -s "$2" ] || fail "chromium dumped an empty DOM for $1"
}

# screenshot HTML_FILE PNG_OUT
screenshot() {
  chromium_run "$2.stdout" --screenshot="$2" --window-size=1400,2000 "file://$1"
  [ -s "$2" ] || fail "no screenshot written to $2"
  echo "screenshot: $2"
}

# expect_in FILE FIXED_STRING WHAT / expect_not_in FILE FIXED_STRING WHAT
expect_in() {
  grep -qF -- "$2" "$1" || fail "$3: expected to find '$2' in $1"
}
expect_not_in() {
  if grep -qF -- "$2" "$1"; then fail "$3: found '$2' in $1"; fi
}
