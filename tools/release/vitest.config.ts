// vitest for the release tools' own logic (discovery, peer ranges, budgets, the 0.x version
// correction against the real changesets CLI). The publish rehearsal is `pnpm rehearse`, not here.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { include: ['test/**/*.test.ts'], testTimeout: 30_000 },
});
