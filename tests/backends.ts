/**
 * The backends a backend-parametrised suite runs on: ['cpu', 'wasm'] by default, or only the one
 * named by FLOWLAB_BACKEND when it is a GPU backend (CI's webgpu-over-lavapipe job runs
 * `FLOWLAB_BACKEND=webgpu node --test …`).
 */
export type TestBackend = 'cpu' | 'wasm' | 'webgpu';

export function testBackends(): TestBackend[] {
  return process.env.FLOWLAB_BACKEND === 'webgpu' ? ['webgpu'] : ['cpu', 'wasm'];
}

/** Whether this run is the webgpu job (suites shrink their problems there: lavapipe emulates a GPU on the CPU). */
export function onWebgpu(): boolean {
  return process.env.FLOWLAB_BACKEND === 'webgpu';
}
