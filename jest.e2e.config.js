/** Real-browser end-to-end tests: the built add-in, the real server and Debian's Chromium. */
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: ['**/*.e2e.ts'],
  globalSetup: undefined,
  globalTeardown: undefined,
  testTimeout: 120000,
  maxWorkers: 1,
};
