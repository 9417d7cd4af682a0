#!/usr/bin/env bash
# The H200 run of @pointwise/backend-node-cuda (CUDA 13, driver R580, PyTorch, no Node.js).
# Prepare the bundle first, on a machine with Node:   node scripts/bundle-device.mjs
# Then, on the GPU machine, from this package or the repo root:
#   scripts/device-run.sh [bundle-dir] [--quick]
# Unpacks the xz-compressed node, runs the whole conformance suite on node-cuda, the
# bit-for-bit comparison with backend-js, the bench of every op at 2^24 and 2^28 (ratio
# to cuMemcpyDtoD), then PyTorch's relu / leaky_relu / elu / dropout on the same GPU,
# and prints one table. Results: $OUT (or ./device-out): node-cuda.json, torch.json,
# summary.txt, nvidia-smi.txt. A few minutes in all (--quick: 2^20 only, seconds).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
bundle="$here/.device-bundle"
quick=""
for arg in "$@"; do
  case "$arg" in
    --quick) quick="--quick" ;;
    *) bundle="$(cd "$arg" && pwd)" ;;
  esac
done
out="${OUT:-$PWD/device-out}"
mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if command -v xz >/dev/null 2>&1; then
  xz -dc "$bundle/node.xz" >"$work/node"
else
  python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' \
    "$bundle/node.xz" "$work/node"
fi
chmod +x "$work/node"
"$work/node" --version
nvidia-smi >"$out/nvidia-smi.txt" 2>&1 || true

set +e
"$work/node" "$bundle/runner.mjs" "$out" $quick 2>&1 | tee "$out/node-cuda.log"
status=${PIPESTATUS[0]}
python3 "$bundle/torch_bench.py" $quick >"$out/torch.json" 2>"$out/torch.log"
torch_status=$?
set -e

python3 - "$out" <<'PY' | tee "$out/summary.txt"
import json, os, sys
out = sys.argv[1]
ours = json.load(open(os.path.join(out, "node-cuda.json")))
try:
    torch = json.load(open(os.path.join(out, "torch.json")))
except Exception as e:
    torch = {"rows": [], "error": str(e)}
print("date", ours.get("date"), "device", ours.get("device"), "torch", torch.get("torch"))
c = ours.get("conformance", {})
print("conformance: %s passed, %s failed" % (c.get("passed"), c.get("failed")))
print("compare with backend-js:", ours.get("compareWithJs"))
theirs = {(r["id"], r["size"]): r for r in torch.get("rows", [])}
print("%-26s %6s %10s %9s %10s %9s" % ("case", "size", "us", "x copy", "torch us", "vs torch"))
for r in ours.get("bench", []):
    t = theirs.get((r["id"], r["size"]))
    print("%-26s 2^%-4d %10.1f %9.2f %10s %9s" % (
        r["id"], r["size"].bit_length() - 1, r["opMs"] * 1000, r["ratio"],
        "%.1f" % (t["opMs"] * 1000) if t else "-",
        "%.2fx" % (t["opMs"] / r["opMs"]) if t else "-"))
PY
echo "node-cuda runner exit $status, torch bench exit $torch_status; results in $out"
exit "$status"
