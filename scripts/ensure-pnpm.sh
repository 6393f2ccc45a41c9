# Sourced by the scripts: makes the pinned pnpm available on a fresh machine.
# corepack's signature check fails behind registry-only networks, so npm installs it directly.
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "10.34.9" ]; then
  npm install --global --no-fund --no-audit pnpm@10.34.9 >/dev/null
fi
