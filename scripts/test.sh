#!/usr/bin/env bash
# The one test command (README "Run the tests"): installs what the tests need, then runs them all.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --workspace --locked
