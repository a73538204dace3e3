import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    exclude: ['test/browser/**', 'node_modules/**'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Tests open real sockets and processes; two workers keep a 2-core machine responsive.
    maxWorkers: 2,
    minWorkers: 1,
    projects: [
      { extends: true, test: { name: 'wakegate', include: ['test/**/*.test.ts'] } },
      // The proxy and wake suites once more on the portable pair (node:http server, undici pools),
      // the fallback when Node's parser is out of reach, so both stay correct.
      {
        extends: true,
        test: {
          name: 'node-http-undici',
          include: ['test/integration/proxy/**/*.test.ts', 'test/integration/wake/wake-on-request.test.ts'],
          env: { WAKEGATE_TEST_TRANSPORT: 'undici', WAKEGATE_TEST_ENGINE: 'node' },
        },
      },
    ],
  },
});
