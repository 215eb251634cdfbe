#!/bin/sh
# $BROWSER for interactive-login tests (works when spawned without a shell): see fake-browser.ts.
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
exec node --import "$here/../../node_modules/tsx/dist/loader.mjs" "$here/fake-browser.ts" "$@"
