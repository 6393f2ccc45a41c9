#!/usr/bin/env bash
# Installs dependencies, builds the Rust core (release) and the packages, then runs the demo.
set -euo pipefail
export TURBO_TELEMETRY_DISABLED=1
cd "$(dirname "$0")/.."
source scripts/ensure-pnpm.sh
pnpm install --frozen-lockfile
pnpm turbo run build --filter=@flg/examples...
pnpm --filter @flg/examples demo
