#!/usr/bin/env bash
# Everything a fresh machine needs before `npm run demo` or `npm test`: Debian's Chromium, Debian's nginx (the
# reverse proxy of tests/integration/bridge-host-proxy.test.ts) and the npm packages.
set -euo pipefail
cd "$(dirname "$0")/.."
# Installs a Debian package when its binary is missing: apt_install BINARY PACKAGE WHY
apt_install() {
  [ -x "$1" ] && return 0
  echo "setup: installing Debian $2 ($3)"
  SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "$2" >/dev/null
}
apt_install /usr/bin/chromium chromium 'never a downloaded browser'
apt_install /usr/sbin/nginx nginx 'the integration tests run their own nginx in front of two bridges'
[ -d ../shared/spec ] || echo "setup: warning: ../shared/spec (protocol vectors) is not beside the project" >&2
npm ci --no-audit --no-fund --loglevel=error
