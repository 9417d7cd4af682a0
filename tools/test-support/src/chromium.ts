// Debian's Chromium for the browser tests (the playground page, backend-webgpu's
// conformance subset): where the binary is, and the flags it is launched with. A
// missing Chromium is a failure, never a skip, and no browser is ever downloaded.

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Headless, offline, WebGPU on (SwiftShader without a GPU). */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-unsafe-webgpu',
];

/** Debian's Chromium binary (the one `dpkg -L chromium` lists); POINTWISE_CHROMIUM overrides. */
export function findChromium(): string {
  const override = process.env.POINTWISE_CHROMIUM;
  const candidates = override ? [override] : ['/usr/lib/chromium/chromium'];
  if (!override) {
    try {
      const files = execFileSync('dpkg', ['-L', 'chromium'], { encoding: 'utf8' }).split('\n');
      candidates.push(...files.filter((f) => /lib\/chromium\/chromium$/.test(f)));
    } catch {
      // dpkg missing or package not installed: the error below says what to do.
    }
  }
  const found = candidates.find((c) => existsSync(c));
  if (!found) {
    throw new Error(
      `Chromium not found (looked at ${candidates.join(', ')}). The browser tests need ` +
        "Debian's chromium package: `apt-get install -y chromium` (or set POINTWISE_CHROMIUM to the binary). " +
        'They never download a browser.',
    );
  }
  return found;
}
