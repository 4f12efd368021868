import fs from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { AxeResults } from 'axe-core';
import { type Browser, type BrowserContext, type BrowserContextOptions, chromium, type Locator, type Page } from 'playwright-core';
import type { Sequelize } from 'sequelize';
import { createApp } from '../../../server/app.js';
import { loadConfig } from '../../../server/config.js';
import { initDatabase } from '../../../server/database.js';
import { seedUsers } from '../../../server/seed.js';

/**
 * What the browser journeys share: one app served on a loopback port over a temp SQLite file
 * with the demo users seeded, and one Debian Chromium driven by playwright-core. Models are
 * module singletons, so there is one app per process; every test opens its own browser context
 * (its own cookies) instead.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-dev-shm-usage',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

type Running = { baseUrl: string; server: Server; sequelize: Sequelize; browser: Browser; tmpDir: string };
let running: Running | undefined;

/** True when the suite may skip: no Chromium here and not in CI (where a missing one fails). */
export function chromiumMissingLocally(): boolean {
  return !fs.existsSync(CHROMIUM_PATH) && !process.env.CI;
}

export async function startBrowserApp(): Promise<void> {
  if (running) return;
  if (!fs.existsSync(CHROMIUM_PATH)) throw new Error(`Chromium not found at ${CHROMIUM_PATH} (apt-get install -y chromium)`);
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'careprocure-browser-'));
  let sequelize: Sequelize | undefined;
  let server: Server | undefined;
  try {
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: `sqlite:${path.join(tmpDir, 'browser.sqlite')}`,
      PASSWORD_COST: '12',
      UPLOAD_DIR: tmpDir,
    });
    sequelize = await initDatabase(config);
    await seedUsers(config);
    const app = createApp(config);
    server = await new Promise<Server>((resolve, reject) => {
      const s = app.listen(0, '127.0.0.1', (err?: Error) => (err ? reject(err) : resolve(s)));
    });
    const { port } = server.address() as AddressInfo;
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
    running = { baseUrl: `http://127.0.0.1:${port}`, server, sequelize, browser, tmpDir };
  } catch (err) {
    server?.close();
    await sequelize?.close().catch(() => undefined);
    fs.rmSync(tmpDir, { recursive: true, force: true });
    throw err;
  }
}

export async function stopBrowserApp(): Promise<void> {
  const r = running;
  running = undefined;
  if (!r) return;
  await r.browser.close().catch(() => undefined);
  await new Promise<void>((resolve) => r.server.close(() => resolve()));
  await r.sequelize.close();
  fs.rmSync(r.tmpDir, { recursive: true, force: true });
}

function current(): Running {
  if (!running) throw new Error('The browser app is not started (test/browser/support/hooks.ts did not run)');
  return running;
}

export function baseUrl(): string {
  return current().baseUrl;
}

/** Where the browser app keeps its uploads (its UPLOAD_DIR): for fixtures with real stored files. */
export function browserUploadDir(): string {
  return current().tmpDir;
}

/** A page in a fresh context, with a list that collects console errors, page errors and CSP violations. */
export type WatchedPage = { page: Page; context: BrowserContext; problems: string[] };

export async function openPage(options: BrowserContextOptions = {}): Promise<WatchedPage> {
  const context = await current().browser.newContext({ baseURL: current().baseUrl, locale: 'zh-CN', ...options });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()} (${msg.location().url})`);
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  // The console says "Failed to load resource" without the address; this names it.
  page.on('response', (res) => {
    if (res.status() >= 400 && res.request().resourceType() !== 'document') problems.push(`${res.status()} ${res.url()}`);
  });
  // Chromium reports CSP violations on the console too; this catches any that it would not.
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
    });
  });
  return { page, context, problems };
}

/** Signs in through the form as a person would: type, click, land on the dashboard. */
export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.locator('#f-username').fill(username);
  await page.locator('#f-password').fill(password);
  await Promise.all([page.waitForURL((url) => url.pathname === '/'), page.locator('form[action="/login"] button[type="submit"]').click()]);
  await page.locator('[data-testid="dashboard-heading"]').waitFor({ state: 'visible' });
}

const require = createRequire(import.meta.url);
let axeSource: string | undefined;

/** Where the page loads axe-core from: an address of the app's own origin that the test answers, so the page's CSP (script-src 'self') stays on. */
const AXE_PATH = '/__test/axe.min.js';

/** Runs axe-core on the page and returns the serious and critical violations, one line each. */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  axeSource ??= fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  const source = axeSource;
  await page.route(`**${AXE_PATH}`, (route) => route.fulfill({ status: 200, contentType: 'application/javascript', body: source }));
  await page.addScriptTag({ url: AXE_PATH });
  // Colours read in the middle of a fade (a modal and its backdrop opening) are neither the start's nor the end's.
  // (A spinner's endless animation is no fade.)
  await page.waitForFunction(() =>
    document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Number.POSITIVE_INFINITY),
  );
  const results = await page.evaluate(() =>
    (window as unknown as { axe: { run: (ctx: Document, options: object) => Promise<AxeResults> } }).axe.run(document, { resultTypes: ['violations'] }),
  );
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => `${n.target.join(' ')} (${n.failureSummary ?? ''})`).join(', ')}`);
}

/**
 * A link of the main menu by its label: the menu groups links under folded headings (采购, 服务,
 * 资金, 管理), so the heading that holds it is opened first, as a person would.
 */
export async function openMenuLink(page: Page, label: string): Promise<Locator> {
  const menu = page.locator('[data-testid="main-menu-items"]');
  const link = menu.getByRole('link', { name: label, exact: true });
  if (!(await link.isVisible()))
    await menu
      .locator('details', { has: page.locator('a', { hasText: label }) })
      .locator('summary')
      .click();
  return link;
}

/**
 * Clicks a button or link and waits for what it leads to: a page, or — for a button that asks for
 * a second look (data-confirm-first, public/js/confirm-modal.js) — the confirmation modal on the
 * same page (or the page the server answered instead, e.g. a refused form).
 */
export async function clickThrough(page: Page, target: Locator): Promise<void> {
  const guarded = (await target.getAttribute('data-confirm-first').catch(() => null)) !== null;
  if (!guarded) {
    await Promise.all([page.waitForLoadState('load'), page.waitForNavigation(), target.click()]);
    return;
  }
  const modal = page.locator('#confirm-modal.show [data-testid="confirm-action"]').waitFor({ state: 'visible' });
  const navigation = page.waitForNavigation();
  modal.catch(() => undefined);
  navigation.catch(() => undefined);
  await target.click();
  await Promise.race([modal, navigation]);
  await page.waitForLoadState('load');
}
