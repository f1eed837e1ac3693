#!/bin/bash
# Makes sure Debian's Chromium is at /usr/bin/chromium for the Playwright tests.
# Playwright's own browser downloads are never used.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  echo "ensure-chromium: /usr/bin/chromium is missing; installing Debian's chromium package"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
  exit 0
fi

echo "ensure-chromium: /usr/bin/chromium is missing." >&2
echo "Install it as root with:  apt-get update && apt-get install -y chromium" >&2
exit 1
