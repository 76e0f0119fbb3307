#!/usr/bin/env bash
# Rebuilds the embedded GraphiQL assets (assets/graphiql.js, assets/graphiql.css,
# assets/THIRD_PARTY_NOTICES.txt) from the pinned npm packages in npm/.
#
#   ./build.sh          npm ci from npm/package-lock.json, bundle, check, copy
#   ./build.sh lock     regenerate npm/package-lock.json from npm/package.json
#                       (after changing a version there), then run ./build.sh
#
# Everything npm touches lives in a temporary directory that is removed on
# exit: node_modules never appears in the repository. The lock file has no
# "resolved" URLs (npm ci fetches from the configured registry and checks the
# integrity hashes), and the same lock file always gives byte-identical assets.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/graphiql-build.XXXXXX")"
trap 'rm -rf "$work"' EXIT
export LC_ALL=C TZ=UTC
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

cp "$here"/npm/package.json "$here"/npm/*.jsx "$here"/npm/*.js "$here"/npm/*.mjs "$here"/npm/*.css "$work"/
cd "$work"

if [[ "${1:-}" == "lock" ]]; then
  npm install --package-lock-only --ignore-scripts --omit-lockfile-registry-resolved
  cp package-lock.json "$here"/npm/package-lock.json
  echo "wrote npm/package-lock.json"
  exit 0
fi

cp "$here"/npm/package-lock.json "$work"/
# --ignore-scripts: no install script is needed (esbuild's binary comes from
# its per-platform optional dependency package).
npm ci --ignore-scripts --no-audit --no-fund

mkdir -p "$work/out"
node build.mjs "$work/out"

# The page must work offline under a CSP without third-party origins: fail if
# the bundle would load anything by absolute URL (CDN scripts, web fonts,
# stylesheets, images). Plain URL strings in JS (documentation links, spec
# references in error messages) are not loads and are allowed.
fail=0
if grep -Eo 'url\((["'\'']?)(https?:)?//[^)]*\)' "$work/out/graphiql.css"; then
  echo "error: graphiql.css references an absolute URL" >&2; fail=1
fi
if grep -Eo '@import[^;]*' "$work/out/graphiql.css"; then
  echo "error: graphiql.css contains @import" >&2; fail=1
fi
if grep -Eo '(import\(|importScripts\(|fetch\(|new Worker\(|\.src=)["'\''`](https?:)?//[^"'\''`]*' "$work/out/graphiql.js"; then
  echo "error: graphiql.js loads an absolute URL" >&2; fail=1
fi
if grep -Eio '//[a-z0-9.-]*(fonts\.googleapis|fonts\.gstatic|unpkg\.com|jsdelivr\.net|cdnjs\.)[^"'\'' ]*' "$work/out/graphiql.js" "$work/out/graphiql.css"; then
  echo "error: bundle contains a CDN or web-font URL" >&2; fail=1
fi
[[ $fail == 0 ]] || exit 1

mkdir -p "$here/assets"
for f in graphiql.js graphiql.css THIRD_PARTY_NOTICES.txt; do
  cp "$work/out/$f" "$here/assets/$f"
done
(cd "$here/assets" && ls -l graphiql.js graphiql.css THIRD_PARTY_NOTICES.txt && sha256sum graphiql.js graphiql.css THIRD_PARTY_NOTICES.txt)
