// The browser suite's mocha config: one app and one database shared by every file (support/hooks.ts).
// Test files named on the command line (`npm run test:browser -- test/browser/claims.test.ts`) run
// instead of the whole suite.
const named = process.argv.slice(2).some((arg) => /\.test\.ts$/.test(arg));

module.exports = {
  'node-option': ['import=tsx'],
  extension: ['ts'],
  spec: named ? [] : ['test/browser/**/*.test.ts'],
  require: ['test/browser/support/hooks.ts'],
  timeout: 180000,
  exit: true,
};
