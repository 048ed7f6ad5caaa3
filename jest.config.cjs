const { spawnSync } = require('node:child_process');

/** @type {import('jest').Config['transform']} */
const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
  ],
};
// Package warnings are captured per test: none reaches the output unless a test did not expect it.
const setupFilesAfterEnv = ['<rootDir>/__tests__/helpers/warnings-setup.ts'];
const moduleNameMapper = {
  '^(\\.{1,2}/.*)\\.js$': '$1',
  // example/ imports the package by its name, as a user's tests do: resolve it to the sources.
  '^mercadopago-notifications$': '<rootDir>/src/index.ts',
  '^mercadopago-notifications/testing$': '<rootDir>/src/testing/index.ts',
};

/**
 * Whether the Redis suites run: CI requires them (REQUIRE_REDIS=1), elsewhere they run when Redis answers on
 * 127.0.0.1:6379 (__tests__/helpers/redis.ts asks the same way). Where they are skipped, the Redis store's files
 * get a threshold of their own (none), which takes them out of the global one: code no suite could run there must
 * not fail `npm test` on a machine with Node.js alone.
 */
function redisSuitesRun() {
  if (process.env.REQUIRE_REDIS === '1') return true;
  const ping = `const s = require('node:net').connect(6379, '127.0.0.1');
s.setTimeout(2000, () => process.exit(1)).on('error', () => process.exit(1)).on('connect', () => s.write('PING\\r\\n'));
s.on('data', (d) => process.exit(String(d).startsWith('+PONG') ? 0 : 1));`;
  return spawnSync(process.execPath, ['-e', ping], { timeout: 5000 }).status === 0;
}

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      displayName: 'express5',
      testEnvironment: 'node',
      // example/ holds a test users copy into their projects (README "Testing your listeners").
      roots: ['<rootDir>/__tests__', '<rootDir>/example'],
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/express4-mapping\\.test\\.ts$'],
      transform,
      moduleNameMapper,
      setupFilesAfterEnv,
    },
    {
      // Express is a peer dependency (4.21+ and 5): the integration suites that exercise routing and body
      // parsing run again with the router and the app on Express 4.
      displayName: 'express4',
      testEnvironment: 'node',
      roots: ['<rootDir>/__tests__'],
      testMatch: [
        '**/integration/payment-flow.test.ts',
        '**/integration/body-parsing.test.ts',
        '**/integration/listeners.test.ts',
        '**/integration/express4-mapping.test.ts',
        '**/integration/methods.test.ts',
      ],
      transform,
      moduleNameMapper: { ...moduleNameMapper, '^express$': 'express4' },
      setupFilesAfterEnv,
    },
  ],
  collectCoverageFrom: ['src/**/*.ts'],
  coverageThreshold: {
    global: { statements: 95, branches: 90, functions: 95, lines: 95 },
    ...(redisSuitesRun() ? {} : { './src/store/redis*.ts': {} }),
  },
  testTimeout: 20000,
};
