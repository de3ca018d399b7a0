#!/usr/bin/env bash
# Installs Debian's chromium and chromium-driver (and fonts-liberation, for steady text in
# screenshots) for the console's browser tests, which drive that driver and never download one.
# Does nothing but print the versions when they are installed. Needs root and Debian's apt.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
packages=(chromium chromium-driver fonts-liberation)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done
if ((${#missing[@]})); then
  started=$SECONDS
  echo "install-chromium: installing ${missing[*]}"
  log=$(mktemp)
  # The lists are refreshed only to install: an image's lists may be stale, or lack the security
  # suite where Debian ships current Chromium.
  if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "install-chromium: apt-get failed" >&2
    exit 1
  fi
  rm -f "$log"
  echo "install-chromium: installed in $((SECONDS - started)) s"
fi
# chromium-driver depends on the very same chromium version: apt keeps the two in step.
echo "install-chromium: $(/usr/bin/chromium --version 2>/dev/null) | $(/usr/bin/chromedriver --version | cut -d'(' -f1)"
