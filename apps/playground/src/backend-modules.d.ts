// Backend packages the playground imports that may have no types to offer: webgpu
// and wasm-simd have none before their first build. The importer
// only hands the module to core's probeBackends, which checks its shape.
declare module '@pointwise/backend-wasm-simd';
declare module '@pointwise/backend-webgpu';
