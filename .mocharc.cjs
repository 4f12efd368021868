// The unit suite's mocha config (the browser suite has its own, test/browser/.mocharc.json).
// TEST_JOBS chooses how many worker processes run the test files, each with its own database
// (test/support/hooks.ts): as many as the machine has cores (at least 2) by default, 1 for a
// serial run in one process. Test files named on the command line
// (`npm test -- test/claims/pages.test.ts`) run instead of the whole suite.
const jobs = Number(process.env.TEST_JOBS ?? Math.max(2, require('node:os').availableParallelism()));
if (!Number.isInteger(jobs) || jobs < 1) throw new Error(`TEST_JOBS must be a whole number of at least 1, not ${process.env.TEST_JOBS}`);

const named = process.argv.slice(2).some((arg) => /\.test\.ts$/.test(arg));

module.exports = {
  'node-option': ['import=tsx'],
  extension: ['ts'],
  spec: named ? [] : ['test/**/*.test.ts'],
  ignore: ['test/browser/**'],
  require: ['test/support/hooks.ts'],
  // A limit for a hung test, not a speed check: a test of a few seconds takes a minute and more
  // on a shared 2-core machine under load.
  timeout: 120000,
  exit: true,
  parallel: jobs > 1,
  jobs,
};
