// The tfjs specs allowed to fail with Pointwise installed, per tfjs backend, each with
// its reason: only a tfjs convention the Pointwise contract rejects may be listed
// (README "tfjs's own specs"). Keys are jasmine full names as the runner prints them.

export const ALLOWED_FAILURES: Record<string, Record<string, string>> = {
  cpu: {},
  wasm: {},
  webgpu: {},
};
