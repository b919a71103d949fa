/** Tests run TypeScript through SWC (type-checking is `tsc --noEmit`, run first by `npm test`). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(ts|js)$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  // cookie@2 (used by fastify's inject) ships ES modules only; compile it like our own code.
  transformIgnorePatterns: ['/node_modules/(?!cookie/)'],
  // Workflow tests start real servers and bundle workflow code; give them room.
  testTimeout: 120_000,
  // One real PostgreSQL for the run (the system of record); each file makes its own database on it.
  globalSetup: '<rootDir>/test/helpers/postgres-global-setup.ts',
  globalTeardown: '<rootDir>/test/helpers/postgres-global-teardown.ts',
  reporters: ['default', '<rootDir>/test/helpers/summary-reporter.js'],
};
