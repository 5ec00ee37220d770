#!/usr/bin/env bash
# Restores the Bicep CLI from the NuGet feed (package Azure.Bicep.CommandLine.linux-x64, a self-contained binary under
# tools/ in the package) and checks the infrastructure templates with it. No download from anywhere but the package feed.
#
#   tools/bicep.sh build        build infra/main.bicep (to a temporary folder) and lint every .bicep file; also checks
#                               that infra/main.parameters.json names only parameters main.bicep declares (default)
#   tools/bicep.sh lint         lint only
#   tools/bicep.sh path         print the path of the restored bicep binary
#   tools/bicep.sh -- ARGS...   run bicep with ARGS (e.g. tools/bicep.sh -- build infra/main.bicep --stdout)
#
# Exits non-zero on any error or warning (infra/bicepconfig.json sets the rules), and ends with one summary line.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="$(sed -n 's:.*<BicepVersion>\(.*\)</BicepVersion>.*:\1:p' "$root/tools/bicep/bicep.csproj")"
packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
bicep="$packages/azure.bicep.commandline.linux-x64/$version/tools/bicep"

restore() {
  if [[ ! -f "$bicep" ]]; then
    if ! dotnet restore "$root/tools/bicep/bicep.csproj" --nologo -v quiet >/tmp/bicep-restore.log 2>&1; then
      cat /tmp/bicep-restore.log >&2
      echo "bicep: FAILED to restore Azure.Bicep.CommandLine.linux-x64 $version from the NuGet feed" >&2
      exit 2
    fi
  fi
  if [[ ! -f "$bicep" ]]; then
    echo "bicep: FAILED, restored but no binary at $bicep" >&2
    exit 2
  fi
  [[ -x "$bicep" ]] || chmod +x "$bicep"
}

mode="${1:-build}"
case "$mode" in
  path) restore; echo "$bicep"; exit 0 ;;
  --) shift; restore; exec "$bicep" "$@" ;;
  build|lint) ;;
  *) echo "usage: tools/bicep.sh [build|lint|path|-- ARGS...]" >&2; exit 64 ;;
esac

restore
export BICEP_TRACING_ENABLED=false
cd "$root"
mapfile -t files < <(find infra -name '*.bicep' | sort)
log="$(mktemp)"; out="$(mktemp -d)"
trap 'rm -rf "$log" "$out"' EXIT
status=0

if [[ "$mode" == build ]]; then
  if ! "$bicep" build infra/main.bicep --outdir "$out" >>"$log" 2>&1; then status=1; fi
fi
for f in "${files[@]}"; do
  if ! "$bicep" lint "$f" >>"$log" 2>&1; then status=1; fi
done

# Lint of main.bicep repeats its modules' diagnostics: count each one once.
sort -u "$log" -o "$log"
errors="$(grep -c ' : Error ' "$log" || true)"
warnings="$(grep -c ' : Warning ' "$log" || true)"
cat "$log"

params="skipped"
if [[ "$mode" == build && -f "$out/main.json" ]]; then
  if command -v python3 >/dev/null; then
    if python3 - "$out/main.json" infra/main.parameters.json <<'PY'
import json, sys
template = json.load(open(sys.argv[1]))["parameters"]
given = json.load(open(sys.argv[2]))["parameters"]
unknown = sorted(set(given) - set(template))
missing = sorted(n for n, p in template.items() if "defaultValue" not in p and n not in given)
for n in unknown: print(f"infra/main.parameters.json : Error : parameter '{n}' is not declared in main.bicep")
for n in missing: print(f"infra/main.parameters.json : Error : required parameter '{n}' has no value")
sys.exit(1 if unknown or missing else 0)
PY
    then params="ok"; else params="FAILED"; status=1; errors=$((errors + 1)); fi
  fi
elif [[ "$mode" == build ]]; then
  status=1
fi

if [[ "$status" -eq 0 && "$errors" -eq 0 && "$warnings" -eq 0 ]]; then
  echo "bicep $version: $mode ok, ${#files[@]} files, 0 errors, 0 warnings, parameters file $params"
else
  echo "bicep $version: $mode FAILED, ${#files[@]} files, $errors errors, $warnings warnings, parameters file $params"
  exit 1
fi
