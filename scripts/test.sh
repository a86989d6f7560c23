#!/usr/bin/env bash
# The one test command (README "Run the tests"; CI runs it through .ci/run).
# Installs what the tests need (Debian's Chromium and a CJK font, playwright-core from npm),
# then runs every Rust test and the browser tests against the real binary.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then SUDO=sudo; fi

if ! command -v chromium >/dev/null 2>&1; then
  echo "== installing Debian's chromium for the browser tests"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null
fi
if ! command -v sqlite3 >/dev/null 2>&1; then
  echo "== installing sqlite3 (the audit tamper tests edit the database with it)"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq sqlite3 >/dev/null
fi
if ! command -v node >/dev/null 2>&1; then
  echo "== installing Node.js for the browser tests"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nodejs npm >/dev/null
fi

echo "== npm ci (playwright-core, no browser download)"
(cd tests/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)

echo "== cargo build"
cargo build --workspace --locked

echo "== cargo test"
cargo test --workspace --locked

echo "== browser tests (headless Chromium)"
cd tests/browser
node --test --test-concurrency=1 .
