import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

// Node resolves `graphql` to its CommonJS build everywhere (no "exports" map); Vite
// would pick the ESM build for our own files, and graphql-jit, which requires the
// CommonJS one, would then meet schema types from another realm.
const graphqlEntry = createRequire(import.meta.url).resolve('graphql');

export default defineConfig({
  resolve: { alias: [{ find: /^graphql$/, replacement: graphqlEntry }] },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // The fault suite measures memory after forced garbage collection.
    execArgv: ['--expose-gc'],
  },
});
