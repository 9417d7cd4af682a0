// Backend packages the playground imports that may have no types to offer: webgpu
// does not exist yet and wasm-simd has none before its first build. The importer
// only hands the module to core's probeBackends, which checks its shape.
declare module '@pointwise/backend-wasm-simd';
declare module '@pointwise/backend-webgpu';
