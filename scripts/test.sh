#!/usr/bin/env bash
# Runs every test project of the hub, from a fresh clone: restores npm (Azurite), NuGet and dotnet tools, makes sure
# Chromium is there for the digest's browser check, builds once, runs each test project and ends with one line
# "N passed, N failed" summing them all. Exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
results="$root/TestResults"
rm -rf "$results"
mkdir -p "$results"

step() { printf '\n== %s\n' "$*"; }
die() { echo "error: $*" >&2; echo "0 passed, 1 failed"; exit 1; }

step "npm ci (Azurite $(node -p "require('./package.json').devDependencies.azurite"))"
if [ ! -x node_modules/.bin/azurite ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error || die "npm ci failed"
fi

step "dotnet tool restore"
dotnet tool restore >/dev/null || die "dotnet tool restore failed"

step "Chromium for the digest's browser check"
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || die "could not install chromium"
  else
    die "/usr/bin/chromium is missing: install Debian's chromium package (sudo apt-get install chromium)"
  fi
fi
/usr/bin/chromium --version

step "dotnet build"
dotnet build Hub.sln -c Release --nologo -v q -clp:ErrorsOnly || die "build failed"

if [ -x tools/bicep.sh ]; then
  step "bicep build and lint"
  tools/bicep.sh build || die "bicep build failed"
fi

passed=0; failed=0; status=0
for project in $(find tests samples -name '*Tests.csproj' 2>/dev/null | sort); do
  name=$(basename "$project" .csproj)
  step "dotnet test $name"
  dotnet test "$project" -c Release --no-build --nologo \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" \
    --results-directory "$results" -- RunConfiguration.TestSessionTimeout=3000000
  code=$?
  trx="$results/$name.trx"
  if [ -f "$trx" ]; then
    p=$(grep -o '<Counters [^>]*' "$trx" | grep -o ' passed="[0-9]*"' | grep -o '[0-9]*')
    f=$(grep -o '<Counters [^>]*' "$trx" | grep -o ' failed="[0-9]*"' | grep -o '[0-9]*')
    passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
    if [ "$code" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then failed=$((failed + 1)); fi
  else
    echo "no results from $name (exit $code)"; failed=$((failed + 1))
  fi
  [ "$code" -ne 0 ] && status=1
done

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
