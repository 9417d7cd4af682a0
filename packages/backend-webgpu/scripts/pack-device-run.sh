#!/usr/bin/env bash
# Prepares the upload for a GPU machine that has Vulkan but no Node.js (the H200
# machine): an xz-compressed node binary, one esbuild bundle of core + this backend +
# the conformance runner + the bench loop (scripts/device-run.mjs), Dawn's prebuilt
# dawn.node (webgpu 0.6.2, linux-x64) beside it, and the Vulkan loader libvulkan.so.1.
# Output: packages/backend-webgpu/device-run/ (well under 64 MiB). There, run
#   ./run.sh            # conformance (all cases) + bench at 2^26, JSON on stdout
# and copy the figures, date and command into README.md ("Tested on").
set -euo pipefail
cd "$(dirname "$0")/.."
out=device-run
rm -rf "$out" && mkdir -p "$out"
root=../..
esbuild=$(ls -d "$root"/node_modules/.pnpm/esbuild@*/node_modules/esbuild/bin/esbuild | head -1)
"$esbuild" scripts/device-run.mjs --bundle --platform=node --format=esm --target=node20 \
  --external:webgpu --outfile="$out/device-run.mjs" --log-level=warning
mkdir -p "$out/node_modules/webgpu"
cp -r node_modules/webgpu/package.json node_modules/webgpu/index.js "$out/node_modules/webgpu/"
mkdir -p "$out/node_modules/webgpu/dist" && cp -r node_modules/webgpu/dist/linux-x64 "$out/node_modules/webgpu/dist/"
cp "$(readlink -f /usr/lib/x86_64-linux-gnu/libvulkan.so.1)" "$out/libvulkan.so.1"
xz -T2 -6 -c "$(command -v node)" > "$out/node.xz"
cat > "$out/run.sh" <<'RUN'
#!/usr/bin/env bash
# Runs on the GPU machine: unpack node, use the bundled Vulkan loader unless the
# system has one, and let the NVIDIA Vulkan ICD be found the usual way.
set -euo pipefail
cd "$(dirname "$0")"
[ -x node ] || { xz -dc node.xz > node && chmod +x node; }
ldconfig -p 2>/dev/null | grep -q libvulkan.so.1 || export LD_LIBRARY_PATH="$PWD${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader || true
./node device-run.mjs
RUN
chmod +x "$out/run.sh"
du -sh "$out"
