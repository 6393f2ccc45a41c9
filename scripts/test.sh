#!/usr/bin/env bash
# Installs dependencies, builds the Rust core (release) and every package, then runs all tests:
# cargo fmt/clippy/test for the crates, tsc + vitest for each package, and checks that the
# committed napi loader is what the build generates.
set -euo pipefail
export TURBO_TELEMETRY_DISABLED=1
cd "$(dirname "$0")/.."
source scripts/ensure-pnpm.sh

pnpm install --frozen-lockfile
cargo fmt --all --check
cargo clippy --workspace --all-targets -- -D warnings
pnpm turbo run build
# The generated loader/typings are committed; a stale copy fails here.
git diff --exit-code -- packages/core/index.js packages/core/index.d.ts
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
pnpm turbo run test --concurrency=1 2>&1 | tee -a "$log"
# Tests against real services (Redis at REDIS_URL); under CI=true they must run, never skip.
pnpm turbo run test:int --concurrency=1 2>&1 | tee -a "$log"

# One closing line over every runner (cargo test and vitest), in the plain "N passed, N failed" form.
sed 's/\x1b\[[0-9;]*m//g' "$log" | awk '
  /test result: .* passed; .* failed/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed;/) p += $i; if ($(i+1) ~ /^failed;/) f += $i } }
  /^.*Tests +[0-9]+ (passed|failed)/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i; if ($(i+1) ~ /^skipped/) s += $i } }
  END { printf "total: %d passed, %d failed, %d skipped\n", p, f, s }'
