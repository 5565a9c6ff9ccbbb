#!/usr/bin/env bash
# Packs bench/gpu for a machine with a GPU but without Node, npm or network (the device machine):
# .gpu/ gets node (xz), one esbuild bundle of dist/bench/gpu.js with the wasm binaries, the `webgpu`
# package's linux-x64 Dawn and the Vulkan loader .deb. Well under the 64 MiB that may travel.
# Then, on the GPU machine, from the repository root: bash bench/gpu-device.sh [bench/gpu options]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
npm run build >/dev/null
[ -d node_modules/webgpu/dist/linux-x64 ] || { echo "gpu-pack: node_modules/webgpu is missing; run npm ci (it is an optional dependency)" >&2; exit 1; }
rm -rf .gpu && mkdir -p .gpu/app/node_modules
shim='import { createRequire as __cr } from "node:module"; import { fileURLToPath as __fu } from "node:url"; import { dirname as __dn } from "node:path"; const require = __cr(import.meta.url); const __filename = __fu(import.meta.url); const __dirname = __dn(__filename);'
node_modules/.bin/esbuild dist/bench/gpu.js --bundle --platform=node --format=esm --target=node20 \
  --outfile=.gpu/app/gpu.mjs --external:webgpu --log-level=warning "--banner:js=$shim"
cp node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm .gpu/app/
# webgpu: its entry, its linux-x64 Dawn binary and its own dependencies
mkdir -p .gpu/app/node_modules/webgpu/dist
cp node_modules/webgpu/package.json node_modules/webgpu/index.js .gpu/app/node_modules/webgpu/ 2>/dev/null || cp node_modules/webgpu/package.json .gpu/app/node_modules/webgpu/
cp -r node_modules/webgpu/dist/linux-x64 .gpu/app/node_modules/webgpu/dist/
for f in node_modules/webgpu/dist/*.js node_modules/webgpu/dist/*.mjs node_modules/webgpu/dist/*.cjs; do [ -e "$f" ] && cp "$f" .gpu/app/node_modules/webgpu/dist/; done
[ -d node_modules/webgpu/node_modules ] && cp -r node_modules/webgpu/node_modules .gpu/app/node_modules/webgpu/
tar -C .gpu -cJf .gpu/app.tar.xz app && rm -rf .gpu/app
xz -T0 -c "$(command -v node)" > .gpu/node.xz
# the Vulkan loader (the GPU machine has the NVIDIA driver and ICD, not always the loader)
( cd .gpu && o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64'; apt-get $o download libvulkan1 >/dev/null )
grep -qx '/.gpu/' .gitignore || echo '/.gpu/' >> .gitignore
du -sh .gpu; ls -la .gpu
echo "carry [\".gpu\"] and run: bash bench/gpu-device.sh"
