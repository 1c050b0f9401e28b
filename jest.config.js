// Three projects so CI and developers can run the fast unit tests alone.
// ts-jest transpiles each file alone (tsconfig isolatedModules); `npm run typecheck` does the type checking.
const tsJest = ['ts-jest', { diagnostics: false }];
const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': tsJest },
  moduleFileExtensions: ['ts', 'js', 'json'],
};
module.exports = {
  // Probes PostgreSQL once: its suites skip (with one line saying so) when there is none.
  globalSetup: '<rootDir>/test/support/postgres-setup.js',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/**/*.test.ts'], testPathIgnorePatterns: ['/test/integration/', '/test/e2e/'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/long-timeout.ts'],
    },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'], setupFilesAfterEnv: ['<rootDir>/test/support/long-timeout.ts'] },
  ],
};
