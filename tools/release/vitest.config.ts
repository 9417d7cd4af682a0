// vitest for the release tools' own logic (discovery, peer ranges, budgets, the 0.x version
// correction against the real changesets CLI). The publish rehearsal is `pnpm rehearse`, not here.
// hookTimeout: check.test.ts's beforeAll runs the whole check (pack, publint, attw, tsc),
// which passed 10 s on the shared 2-core machine under load.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { include: ['test/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 120_000 },
});
