#!/usr/bin/env bash
# Runs bench/gpu on the GPU machine from what bench/gpu-pack.sh packed into .gpu/ (no Node or npm
# needed there). Writes gpu.md (the table), gpu.json and vulkan.txt under $OUT (or ./out/gpu).
# Options are passed to bench/gpu (e.g. --reps 5 --skip harness).
set -uo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-out/gpu}; mkdir -p "$out"
[ -f .gpu/node.xz ] || { echo "gpu-device: .gpu/ is missing: run bash bench/gpu-pack.sh here first and carry .gpu" >&2; exit 1; }
# the Vulkan loader, unless the machine has one
if ! ldconfig -p | grep -q libvulkan.so.1; then for f in .gpu/*.deb; do dpkg -x "$f" /; done; ldconfig; fi
work=$(mktemp -d)
xz -dc .gpu/node.xz > "$work/node" && chmod +x "$work/node"
tar -C "$work" -xJf .gpu/app.tar.xz
export XDG_RUNTIME_DIR=$(mktemp -d); chmod 700 "$XDG_RUNTIME_DIR"
# the NVIDIA ICD lives outside the loader's search path on some machines
if ! ls /usr/share/vulkan/icd.d/nvidia* /etc/vulkan/icd.d/nvidia* >/dev/null 2>&1 && [ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ]; then
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
fi
{ nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv 2>&1; echo "VK_DRIVER_FILES=${VK_DRIVER_FILES:-}"; ldconfig -p | grep libvulkan; } > "$out/vulkan.txt"
cat "$out/vulkan.txt"
"$work/node" "$work/app/gpu.mjs" --json "$out/gpu.json" "$@" 2>&1 | tee "$out/gpu.md"
exit "${PIPESTATUS[0]}"
