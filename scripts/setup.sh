#!/usr/bin/env bash
# Sets up a fresh machine: the Debian packages the tests use (openssl for test certificates, a real
# Secret Service for keyring tests), then the npm packages, then dist/ (bin/kubelogin runs it). The
# other Node versions the tests use are fetched (and cached) by scripts/test.sh itself.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v openssl >/dev/null || need+=(openssl)
command -v dbus-run-session >/dev/null || need+=(dbus-daemon)
command -v gnome-keyring-daemon >/dev/null || need+=(gnome-keyring)
command -v secret-tool >/dev/null || need+=(libsecret-tools)
# Shells whose completion scripts the tests parse and run (kubelogin completion zsh|fish).
command -v zsh >/dev/null || need+=(zsh)
command -v fish >/dev/null || need+=(fish)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "setup: missing Debian packages (${need[*]}); keyring tests will be skipped" >&2
  fi
fi
npm ci --no-audit --no-fund
npm run build
