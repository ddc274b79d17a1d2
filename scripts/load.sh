#!/usr/bin/env bash
# The load curve (not CI): `dvs load` at 25, 50, 100, 200 and 400 concurrent calls, DURATION seconds each (default 60),
# one JSON report per step in out/load/, and a one-line summary per step. Stops climbing after the first step with a
# failed call. POOL_FLOOR=N runs with a thread-pool floor of N workers instead of the runtime's default (one per core),
# to compare. ENGINE=offline runs the calls on the offline engine in the worker (pocketsphinx, espeak-ng); its
# default steps are 2, 4 and 8 calls, each call costing a good part of a core.
# Usage: scripts/load.sh [steps...]   e.g. scripts/load.sh 25 50;  ENGINE=offline DURATION=30 scripts/load.sh
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-tools.sh
duration="${DURATION:-60}"
engine="${ENGINE:-simulator}"
steps=("$@")
if [ ${#steps[@]} -eq 0 ]; then
  if [ "$engine" = offline ]; then steps=(2 4 8); else steps=(25 50 100 200 400); fi
fi
if [ -n "${POOL_FLOOR:-}" ]; then
  # The runtime reads this variable as hex.
  export DOTNET_ThreadPool_ForceMinWorkerThreads="$(printf '%x' "$POOL_FLOOR")"
fi
mkdir -p out/load
echo "Building dvs (Release)…" >&2
dotnet build src/DvServerless.Cli -c Release -nologo -v minimal -clp:NoSummary >&2
for calls in "${steps[@]}"; do
  report="out/load/load-${calls}${POOL_FLOOR:+-floor$POOL_FLOOR}$([ "$engine" = simulator ] || echo "-$engine").json"
  status=0
  dotnet run --no-build --project src/DvServerless.Cli -c Release -- load --calls "$calls" --duration "$duration" --engine "$engine" --json "$PWD/$report" || status=$?
  echo "== ${calls} calls: $(tr -d ' \n' < "$report" | head -c 400)" >&2
  if [ "$status" -ne 0 ]; then
    echo "== stopping: a call failed at ${calls} calls" >&2
    break
  fi
done
