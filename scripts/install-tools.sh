#!/usr/bin/env bash
# Installs what running and testing DvServerless locally needs, when it is missing:
#   - espeak-ng and sox (Debian packages): caller speech for simulated calls and tests;
#   - the offline conversation engine's libraries, loaded in the process (Debian packages): pocketsphinx with its
#     US-English models (speech to text) and libespeak-ng (the agent's voice); flite speaks test callers the recognizer
#     has never heard;
#   - chromium (Debian package): the real browser the browser tests drive with Playwright (never a downloaded one);
#   - from npm, pinned in package.json / package-lock.json: Azurite (the local Blob storage server), the official ACS
#     Call Automation JS SDK, which tests use as a reference client against the ACS simulator, and the SignalR browser
#     client the worker serves to the dashboard (the build links it in when it is there, so install before building).
# Safe to run again: it only installs what is not there.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v espeak-ng >/dev/null 2>&1 || need_apt+=(espeak-ng)
command -v sox >/dev/null 2>&1 || need_apt+=(sox)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v flite >/dev/null 2>&1 || need_apt+=(flite)
# Libraries and data have no command to look for: ask dpkg which of them are missing.
for pkg in libpocketsphinx3 libsphinxbase3 pocketsphinx-en-us libespeak-ng1 espeak-ng-data libflite1; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${need_apt[*]}"
  if [ "$(id -u)" -eq 0 ]; then sudo_cmd=(); else sudo_cmd=(sudo); fi
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if [ ! -x node_modules/.bin/azurite-blob ] || [ ! -d node_modules/@azure/communication-call-automation ] \
  || [ ! -f node_modules/@microsoft/signalr/dist/browser/signalr.min.js ]; then
  echo "Installing Azurite, the ACS reference SDK and the SignalR browser client from npm"
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; else npm install --no-audit --no-fund --loglevel=error; fi
fi
