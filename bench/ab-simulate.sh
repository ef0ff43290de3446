#!/usr/bin/env bash
# A/B of `simulate` throughput between two Release builds of the CLI, runs alternated so that both builds see the
# same machine load. Usage: bench/ab-simulate.sh OLD_DIR NEW_DIR [RUNS=7] [EXITS=1000000]
# (build each with `dotnet build src/VmxLayers.Cli -c Release -o DIR` in its own checkout).
# Prints one line per run (build, checked calls/s wall, per CPU-second, reported elapsed s, process wall s), then the
# medians and the new/old ratio of the calls/s medians.
set -euo pipefail
if [[ $# -lt 2 ]]; then sed -n '2,6p' "$0"; exit 2; fi
old=$1 new=$2 runs=${3:-7} exits=${4:-1000000}
for dir in "$old" "$new"; do [[ -x $dir/VmxLayers.Cli ]] || { echo "no VmxLayers.Cli in $dir" >&2; exit 2; }; done
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
for ((i = 1; i <= runs; i++)); do
  for b in old new; do
    dir=$old; [[ $b == new ]] && dir=$new
    start=$(date +%s.%N)
    "$dir/VmxLayers.Cli" simulate --exits "$exits" --json > "$out/run.json"
    end=$(date +%s.%N)
    python3 - "$b" "$out/run.json" "$start" "$end" <<'PY' | tee -a "$out/runs.txt"
import json, sys
b, f, start, end = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
d = json.load(open(f))
print(b, round(d['callsPerSecond']), round(d['callsPerCpuSecond']), round(d['elapsedSeconds'], 3), round(end - start, 2))
PY
  done
done
python3 - "$out/runs.txt" <<'PY'
import statistics as st, sys
runs = {}
for line in open(sys.argv[1]):
    b, calls, _, _, wall = line.split()
    runs.setdefault(b, []).append((int(calls), float(wall)))
for b in ('old', 'new'):
    print(f"{b}: calls/s median {st.median(c for c, _ in runs[b]):,.0f}, process wall median {st.median(w for _, w in runs[b]):.2f} s")
print(f"ratio new/old (calls/s medians): {st.median(c for c, _ in runs['new']) / st.median(c for c, _ in runs['old']):.3f}")
PY
