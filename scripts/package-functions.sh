#!/bin/sh
# Publishes the Functions app in the layout the Flex Consumption custom handler needs, and checks it:
#   - self-contained linux-x64, ReadyToRun: the host starts the executable directly, no dotnet on the instance;
#   - the executable DvServerless.Functions at the root with its exec bit (zip tools keep the Unix mode);
#   - host.json and one <FunctionName>/function.json folder per function at the root.
# azd runs it as the `functions` service's prepackage hook; CI runs it from the deployment tests.
# Usage: scripts/package-functions.sh [OUTPUT_DIR] [-- extra dotnet publish arguments]
# POSIX sh on purpose: azd runs hooks with `sh`.
set -eu

root=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
out="$root/artifacts/functions-package"
if [ $# -gt 0 ] && [ "$1" != "--" ]; then
  out=$1
  shift
fi
if [ $# -gt 0 ] && [ "$1" = "--" ]; then
  shift
fi

rm -rf "$out"
mkdir -p "$out"
echo "Publishing src/DvServerless.Functions (Release, linux-x64, self-contained, ReadyToRun) to $out"
dotnet publish "$root/src/DvServerless.Functions" -c Release -r linux-x64 --self-contained \
  -p:PublishReadyToRun=true -o "$out" -nologo "$@"

fail() {
  echo "package-functions: $1" >&2
  exit 1
}

exe="$out/DvServerless.Functions"
[ -f "$exe" ] || fail "the executable DvServerless.Functions is missing from the publish root"
# dotnet publish on Linux gives the apphost mode 0755; make sure, since the host only tries chmod as a fallback.
chmod 0755 "$exe"
[ -x "$exe" ] || fail "DvServerless.Functions is not executable"
[ -f "$out/host.json" ] || fail "host.json is missing from the publish root"

count=0
for definition in "$out"/*/function.json; do
  [ -f "$definition" ] || continue
  count=$((count + 1))
done
[ "$count" -gt 0 ] || fail "no <FunctionName>/function.json folder at the publish root"
echo "Functions package ready: $count functions, host.json, executable DvServerless.Functions (mode 0755)"
