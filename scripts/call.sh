#!/usr/bin/env bash
# The README's "run a call" command: installs what a local call needs (espeak-ng, sox, Azurite), then places one
# simulated ACS phone call end to end with `dvs call`: Azurite, the Functions app, the media worker, the ACS simulator
# and (without OPENAI_API_KEY / Azure OpenAI settings) the Realtime simulator all start in one process.
# Extra arguments go to `dvs call` (e.g. --wav my-call.wav).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-tools.sh
mkdir -p out
# A first build takes a minute or two: say so and show the projects as they finish, rather than sit silent.
echo "Building dvs (Release)…" >&2
dotnet build src/DvServerless.Cli -c Release -nologo -v minimal -clp:NoSummary >&2
exec dotnet run --no-build --project src/DvServerless.Cli -c Release -- call --out "$PWD/out/agent.wav" --json "$PWD/out/summary.json" "$@"
