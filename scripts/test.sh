#!/usr/bin/env bash
# Run every test, exactly as CI does: the commands live in .ci/run.
set -euo pipefail
exec bash "$(dirname "$0")/../.ci/run" "$@"
