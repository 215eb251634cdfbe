#!/usr/bin/env bash
# Runs every test: type check, lint, build, then node's test runner over test/**/*.test.ts on this machine's
# Node, then the integration and e2e tests (the pack-and-install test among them) again on each other
# supported Node major (KUBELOGIN_TEST_NODES, default "20 22 24"; scripts/node-bin.sh fetches and caches
# them). All inside a private D-Bus session with an unlocked gnome-keyring, so keyring tests use a real
# Secret Service. TEST_CONCURRENCY sets the runner's concurrency (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" != --in-session ]; then
  npx tsc --noEmit -p .
  npx eslint .
  node scripts/build.mjs
  here=$(node -p 'process.versions.node.split(".")[0]')
  others=()
  for major in ${KUBELOGIN_TEST_NODES-20 22 24}; do
    [ "$major" = "$here" ] || others+=("$(bash scripts/node-bin.sh "$major")")
  done
  # The keyring session below gets a temporary HOME; npm (the pack test) keeps the real cache.
  export npm_config_cache="${npm_config_cache:-$(npm config get cache)}"
  if command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null; then
    home=$(mktemp -d)
    trap 'rm -rf "$home"' EXIT
    HOME="$home" dbus-run-session -- sh -c 'printf %s test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec "$@"' \
      sh bash scripts/test.sh --in-session "${others[@]}"
  else
    bash scripts/test.sh --in-session "${others[@]}"
  fi
  exit
fi

shift
runner=(--import tsx --test --test-concurrency="${TEST_CONCURRENCY:-2}")
mapfile -t all < <(find test -name '*.test.ts' | sort)
mapfile -t wide < <(find test/integration test/e2e -name '*.test.ts' | sort)
failed=()
echo "== all tests on Node $(node --version)"
node "${runner[@]}" "${all[@]}" || failed+=("all tests on Node $(node --version)")
for dir in "$@"; do
  version=$("$dir/node" --version)
  echo "== integration + e2e tests on Node $version"
  # PATH first, so what the tests spawn (bin/kubelogin's `env node`, npm, the fake browser) uses it too.
  PATH="$dir:$PATH" "$dir/node" "${runner[@]}" "${wide[@]}" || failed+=("integration + e2e on Node $version")
done
if [ ${#failed[@]} -gt 0 ]; then
  printf '== FAILED: %s\n' "${failed[@]}" >&2
  exit 1
fi
