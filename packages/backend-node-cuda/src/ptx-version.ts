// Which driver a PTX module needs: its `.version` (PTX ISA) against the CUDA version a
// driver reports (cuDriverGetVersion, 1000*major + 10*minor). nvcc 13.0 writes ISA 9.0,
// which needs a CUDA 13.0 driver: R580 or newer.

/** Lowest driver CUDA version for each PTX ISA version we may ship. */
export const DRIVER_FOR_PTX_ISA: Record<string, number> = {
  '8.0': 12000,
  '8.1': 12010,
  '8.2': 12020,
  '8.3': 12030,
  '8.4': 12040,
  '8.5': 12050,
  '8.6': 12070,
  '8.7': 12080,
  '8.8': 12090,
  '9.0': 13000,
};

/** The `.version` of a PTX text, e.g. "9.0". */
export function ptxIsaVersion(ptx: string): string {
  const match = /^\.version\s+(\d+\.\d+)/m.exec(ptx);
  if (!match) throw new Error('PTX without a .version directive');
  return match[1]!;
}

/** The lowest cuDriverGetVersion value that loads every module. */
export function requiredDriverVersion(modules: Record<string, string>): number {
  let need = 0;
  for (const [name, text] of Object.entries(modules)) {
    const isa = ptxIsaVersion(text);
    const driver = DRIVER_FOR_PTX_ISA[isa];
    if (driver === undefined) throw new Error(`module ${name}: unknown PTX ISA ${isa}`);
    need = Math.max(need, driver);
  }
  return need;
}

/** "13.0" from 13000. */
export function formatCudaVersion(version: number): string {
  return `${Math.floor(version / 1000)}.${Math.floor((version % 1000) / 10)}`;
}
