#!/usr/bin/env bash
# The README's test command: installs what the tests need, builds once, runs every test project, and ends with
# one line summing them all: "tests: N passed, N failed, N skipped". Exits non-zero when a test failed or none ran.
set -uo pipefail
cd "$(dirname "$0")/.."

./scripts/install-tools.sh || { echo "tests: 0 passed, 1 failed, 0 skipped"; exit 1; }

results=artifacts/test-results
rm -rf "$results"; mkdir -p "$results"

if ! dotnet build DvServerless.sln -c Release -nologo -clp:ErrorsOnly; then
  echo "build failed"
  echo "tests: 0 passed, 1 failed, 0 skipped"
  exit 1
fi

status=0
for project in tests/*.Tests/*.csproj; do
  name=$(basename "$project" .csproj)
  echo "== $name"
  dotnet test "$project" -c Release --no-build -nologo \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" \
    --results-directory "$results" || status=1
done

# Sum the TRX counters of every project. A skipped test is counted in "total" only (not as executed, passed or
# failed), so skipped = total - passed - failed.
read -r passed failed skipped total < <(
  for f in "$results"/*.trx; do
    [ -f "$f" ] || continue
    grep -o '<Counters [^>]*>' "$f" | head -n 1
  done | awk '
    { for (i = 1; i <= NF; i++) { split($i, kv, "="); gsub(/"|\/|>/, "", kv[2]);
        if (kv[1] == "passed") p += kv[2];
        if (kv[1] == "failed" || kv[1] == "error" || kv[1] == "timeout" || kv[1] == "aborted") f += kv[2];
        if (kv[1] == "total") t += kv[2]; } }
    END { s = t - p - f; if (s < 0) s = 0; printf "%d %d %d %d\n", p, f, s, t }')

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi   # a project that crashed before writing its results
echo "tests: $passed passed, $failed failed, $skipped skipped"
if [ "$failed" -gt 0 ] || [ "$total" -eq 0 ]; then exit 1; fi
exit 0
