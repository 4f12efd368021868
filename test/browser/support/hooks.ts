import { chromiumMissingLocally, startBrowserApp, stopBrowserApp } from './browser.js';

/**
 * Root hooks of the browser suite (not the unit suite's): one app and one Chromium for the run.
 * Without Chromium the suite is skipped on a developer's machine, and fails in CI.
 */
export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(120_000);
    if (chromiumMissingLocally()) {
      process.stdout.write('Chromium is not installed (apt-get install -y chromium): browser tests skipped\n');
      this.skip();
    }
    await startBrowserApp();
  },
  async afterAll() {
    await stopBrowserApp();
  },
};
