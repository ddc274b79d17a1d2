#!/usr/bin/env bash
# The media frame path at the physical floor (issue 14): one 20 ms frame per direction, wire JSON to wire JSON, measured
# with BenchmarkDotNet (bench/DvServerless.Benchmarks/Frames) and by its Node peer (bench/node/frame-path.mjs) on the
# very same frames; prints ns and bytes per frame per direction and the Node/.NET ratio.
# Usage: scripts/bench-frames.sh [--job short|medium|default]   (default: short; results under artifacts/bench-frames)
set -euo pipefail
cd "$(dirname "$0")/.."

job=short
if [[ "${1:-}" == "--job" && -n "${2:-}" ]]; then
  job=$2
fi

out=artifacts/bench-frames
rm -rf "$out"
mkdir -p "$out"

dotnet build bench/DvServerless.Benchmarks -c Release -nologo -clp:ErrorsOnly >/dev/null
bench=bench/DvServerless.Benchmarks/bin/Release/net10.0/DvServerless.Benchmarks.dll
dotnet "$bench" --write-frames "$out/frames"

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min) on $(nproc) cores" >&2
# A young generation large enough that the allocation batch runs without a collection, so its growth is what it allocated.
node --expose-gc --min-semi-space-size=64 --max-semi-space-size=64 bench/node/frame-path.mjs "$out/frames" >"$out/node.jsonl"
dotnet "$bench" --filter '*FramePathBenchmarks*' --job "$job" --exporters json --artifacts "$out/bdn" >"$out/bdn.log"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

report=$(find "$out/bdn/results" -name '*FramePathBenchmarks*report*.json' | head -n 1)
node bench/node/report.mjs "$report" "$out/node.jsonl"
