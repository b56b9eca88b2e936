#!/usr/bin/env bash
# Everything a fresh machine needs before `npm run demo` or `npm test`: Debian's Chromium, Debian's nginx (the
# reverse proxy of tests/integration/bridge-host-proxy.test.ts) and the npm packages.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/chromium ]; then
  echo "setup: installing Debian chromium (never a downloaded browser)"
  SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq chromium >/dev/null
fi
if [ ! -x /usr/sbin/nginx ]; then
  echo "setup: installing Debian nginx (the integration tests run their own nginx in front of two bridges)"
  SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq nginx >/dev/null
fi
[ -d ../shared/spec ] || echo "setup: warning: ../shared/spec (protocol vectors) is not beside the project" >&2
npm ci --no-audit --no-fund --loglevel=error
