/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts', '**/*.test.tsx'],
  moduleFileExtensions: ['ts', 'tsx', 'js', 'mjs', 'cjs', 'json'],
  transform: {
    '^.+\\.(m?[tj]s|[tj]sx)$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', tsx: true },
          target: 'es2022',
          transform: { react: { runtime: 'automatic' } },
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  // ESM-only packages that must be transformed to run under Jest's CommonJS runtime.
  transformIgnorePatterns: [
    '^(?!.*/node_modules/(kysely|jose|cookie|uuid|typebox|@fastify/type-provider-typebox|strip-bom|content-disposition|pg-boss|serialize-error|cron-parser|rrule-temporal|non-error)/).*/node_modules/',
  ],
  setupFiles: ['<rootDir>/test/support/jsdom-globals.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60000,
  // Tests start real servers and child processes; a failed one must not leave the run waiting forever.
  forceExit: true,
};
