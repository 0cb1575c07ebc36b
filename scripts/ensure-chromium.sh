#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium before the Playwright tests run.
# The Playwright browser download cannot work here (STACK.md pitfall 7): never run
# `npx playwright install`; Debian's package is the browser the tests drive.
# Exit 0 when the browser is there (or was just installed), 1 when it is missing and we
# cannot install it ourselves (not root): the exact command to run is printed instead.
set -euo pipefail

# CHROMIUM_PATH is for this script's own test only; the Playwright config always uses /usr/bin/chromium.
chromium_path="${CHROMIUM_PATH:-/usr/bin/chromium}"

if [ -x "$chromium_path" ]; then
  exit 0
fi

# ENSURE_CHROMIUM_UID lets the script's test pretend to be a non-root user.
uid="${ENSURE_CHROMIUM_UID:-$(id -u)}"
if [ "$uid" != "0" ]; then
  echo "Chromium is missing at $chromium_path. Install Debian's package, then run the tests again:" >&2
  echo "  sudo apt-get install -y chromium" >&2
  exit 1
fi

echo "Installing Debian's chromium package (it is missing at $chromium_path)..." >&2
# Lock timeout: another apt run on the same machine should delay us, not fail us.
apt-get -o DPkg::Lock::Timeout=300 update
DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y chromium
if [ ! -x "$chromium_path" ]; then
  echo "apt-get finished but $chromium_path is still missing" >&2
  exit 1
fi
