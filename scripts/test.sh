#!/usr/bin/env bash
# `npm test`: typecheck, lint, unit + integration tests on a real PostgreSQL, then end-to-end tests
# of the production build in Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

step() { printf '\n== %s\n' "$*"; }

step "Lockfile complete (every optional platform package pinned with its integrity)"
node scripts/complete-lockfile.mjs --check

step "Formatting (Prettier)"
npx prettier --check . >/dev/null || { npx prettier --list-different .; echo "Run: npx prettier --write ." >&2; exit 1; }

step "Typecheck"
npx tsc --noEmit

step "Lint"
npx eslint --max-warnings=0 .

step "Unit and integration tests (Vitest, real PostgreSQL)"
npx vitest run

step "Chromium for the end-to-end tests"
if [ -n "${CHROMIUM_PATH:-}" ]; then
  echo "Using CHROMIUM_PATH=$CHROMIUM_PATH"
elif [ -x /usr/bin/chromium ]; then
  export CHROMIUM_PATH=/usr/bin/chromium
  echo "Using /usr/bin/chromium"
elif [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium with apt-get…"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  export CHROMIUM_PATH=/usr/bin/chromium
else
  echo "No Chromium found. Install Debian's 'chromium' package, or set CHROMIUM_PATH to a Chromium binary." >&2
  exit 1
fi

step "Production build"
npx next build

step "End-to-end tests (Playwright, production build)"
npx playwright test
