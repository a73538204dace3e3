import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/browser/**', 'node_modules/**'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Tests open real sockets and processes; two workers keep a 2-core machine responsive.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
