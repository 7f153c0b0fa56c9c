#!/usr/bin/env bash
# Install the browser the web demo's test drives: Debian's Chromium and its
# ChromeDriver (/usr/bin/chromium, /usr/bin/chromedriver). Idempotent; needs
# root (or sudo) and apt. Without them, tests/test_web/test_web_browser.py is
# skipped, saying so. `.ci/run` runs this before the tests.
set -euo pipefail
if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
    echo "[setup_browser] chromium and chromedriver are installed"
    exit 0
fi
if ! command -v apt-get >/dev/null; then
    echo "[setup_browser] no apt-get: install Chromium and ChromeDriver yourself" >&2
    exit 1
fi
sudo=()
[[ $(id -u) -ne 0 ]] && sudo=(sudo)
echo "[setup_browser] installing chromium and chromium-driver with apt-get"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq chromium chromium-driver >/dev/null
chromium --version
