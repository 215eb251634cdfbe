#!/usr/bin/env bash
# Runs every test: type check, build, then node's test runner over test/**/*.test.ts inside a
# private D-Bus session with an unlocked gnome-keyring (so keyring tests use a real Secret Service).
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc --noEmit -p .
node scripts/build.mjs
mapfile -t files < <(find test -name '*.test.ts' | sort)
run=(node --import tsx --test --test-concurrency="${TEST_CONCURRENCY:-2}" "${files[@]}")
if command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null; then
  home=$(mktemp -d)
  trap 'rm -rf "$home"' EXIT
  HOME="$home" dbus-run-session -- sh -c 'printf %s test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec "$@"' sh "${run[@]}"
else
  "${run[@]}"
fi
