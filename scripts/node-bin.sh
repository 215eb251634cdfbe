#!/usr/bin/env bash
# Prints a folder holding `node` of the given major version (scripts/node-bin.sh 24), so tests can run
# under the Node versions users have. The binary comes from the npm registry's node-<os>-<arch> package
# (the official build, repackaged) and is kept in ~/.cache/entra-kubelogin/node/ keyed by its version;
# the registry is asked again for a newer patch once a day, and a cached copy is used when it cannot be.
set -euo pipefail
major=${1:?usage: scripts/node-bin.sh MAJOR}
case $major in *[!0-9]* | '') echo "node-bin: '$major' is not a Node major version" >&2; exit 2 ;; esac
pkg="node-$(node -p 'process.platform === "win32" ? "win" : process.platform')-$(node -p process.arch)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/entra-kubelogin/node"
pointer="$cache/$major" # a file naming the version folder last resolved for this major
mkdir -p "$cache"

cached() { [ -f "$pointer" ] && [ -x "$cache/$(cat "$pointer")/node" ] && echo "$cache/$(cat "$pointer")"; }
if [ -f "$pointer" ] && [ -z "$(find "$pointer" -mmin +1440)" ] && cached; then exit 0; fi

tmp=$(mktemp -d "$cache/.fetch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
if ! version=$(cd "$tmp" && npm pack "$pkg@$major" --loglevel=error --prefer-online 2>"$tmp/err" | tail -1 | sed -E "s/^$pkg-(.*)\.tgz$/\1/") || [ -z "$version" ]; then
  if cached; then touch "$pointer"; exit 0; fi
  echo "node-bin: could not fetch $pkg@$major from the npm registry:" >&2
  cat "$tmp/err" >&2
  exit 1
fi
dir="v$version"
if [ ! -x "$cache/$dir/node" ]; then
  tar -xzf "$tmp/$pkg-$version.tgz" -C "$tmp" package/bin/node
  mkdir -p "$tmp/$dir"
  mv "$tmp/package/bin/node" "$tmp/$dir/node"
  "$tmp/$dir/node" -e 0 # a binary that cannot run here is not cached
  mv -T "$tmp/$dir" "$cache/$dir" 2>/dev/null || [ -x "$cache/$dir/node" ] # another run may have won the race
fi
echo "$dir" >"$pointer.$$" && mv "$pointer.$$" "$pointer"
echo "$cache/$dir"
