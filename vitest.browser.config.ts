import { defineConfig } from 'vitest/config';

// Tests that drive a real Chromium (through playwright-core) against pages wakegate serves. Kept
// apart from the main suite, which excludes test/browser/**: they need a browser on the machine.
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    maxWorkers: 1,
    minWorkers: 1,
  },
});
