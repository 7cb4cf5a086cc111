import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // The fault suite measures memory after forced garbage collection.
    execArgv: ['--expose-gc'],
  },
});
