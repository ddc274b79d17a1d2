#!/usr/bin/env bash
# The soak (not CI): 50 concurrent calls for 30 minutes through the local stack; memory must stay flat (compare the
# report's per-call memory with a short run's) and every call must complete. Report: out/load/soak.json.
# Extra arguments go to `dvs load` (e.g. --calls 100).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-tools.sh
mkdir -p out/load
echo "Building dvs (Release)…" >&2
dotnet build src/DvServerless.Cli -c Release -nologo -v minimal -clp:NoSummary >&2
exec dotnet run --no-build --project src/DvServerless.Cli -c Release -- load --calls 50 --duration 1800 --ramp 30 --json "$PWD/out/load/soak.json" "$@"
