#!/usr/bin/env bash
# Sets up this machine for deepstore, then runs one workspace script:
#   bash scripts/dev.sh demo    the main job on the local default
#   bash scripts/dev.sh test    type-check, lint and every test
#   bash scripts/dev.sh bench   every benchmark, rewriting BENCHMARKS.md
# Set-up installs exactly the pinned toolchain (Node and pnpm below) when it is missing, the
# Debian packages the tests use, and the locked dependencies, then builds. Safe to re-run.
set -euo pipefail

NODE_VERSION=22.23.3
PNPM_VERSION=10.34.9
PREFIX=${DEEPSTORE_TOOL_PREFIX:-/usr/local}
# Debian packages the tests start or call as independent peers.
APT_PACKAGES=(util-linux bsdutils awscli time diffutils nginx libnginx-mod-http-dav-ext openssl curl tar gzip zstd lz4)

cd "$(dirname "$0")/.."
export PATH="$PREFIX/bin:$PATH"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

if [ "$(node --version 2>/dev/null || true)" != "v$NODE_VERSION" ]; then
  say "installing Node $NODE_VERSION into $PREFIX (from the npm registry)"
  npm install --global --prefix "$PREFIX" --no-audit --no-fund "node@$NODE_VERSION" >/dev/null
  hash -r
fi
if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  say "installing pnpm $PNPM_VERSION into $PREFIX"
  npm install --global --prefix "$PREFIX" --no-audit --no-fund "pnpm@$PNPM_VERSION" >/dev/null
  hash -r
fi

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "deepstore set-up: please install these Debian packages: ${missing[*]}" >&2
    exit 1
  fi
  say "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

say "node $(node --version), pnpm $(pnpm --version)"
pnpm install --frozen-lockfile --reporter=append-only >/dev/null
pnpm run --silent build

if [ $# -gt 0 ]; then
  say "pnpm $*"
  exec pnpm run "$@"
fi
