import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Locator, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../../server/seed.js';
import { clickThrough } from './browser.js';

/**
 * A journey walked as people would: every click a person makes counted under who made it, a
 * screenshot per step into SCREENSHOT_DIR (`<prefix>-<step>-<name>.png`) when it is set. The
 * methods are bound, so a test may take them apart: `const { clicks, shot, click, signIn } = new Walk('j2')`.
 */
export class Walk {
  readonly clicks: Record<string, number> = {};
  private step = 0;

  constructor(private readonly prefix: string) {}

  shot = async (page: Page, name: string): Promise<void> => {
    this.step += 1;
    const dir = process.env.SCREENSHOT_DIR;
    if (!dir) return;
    fs.mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: path.join(dir, `${this.prefix}-${String(this.step).padStart(2, '0')}-${name}.png`), fullPage: true });
  };

  /** A click a person makes, counted for `who`; waits for the page it leads to when it navigates (or the confirmation modal it opens). */
  click = async (who: string, page: Page, target: Locator, navigates = true): Promise<void> => {
    this.clicks[who] = (this.clicks[who] ?? 0) + 1;
    await target.scrollIntoViewIfNeeded();
    if (navigates) await clickThrough(page, target);
    else await target.click();
  };

  /** Signs in through the form by its Chinese labels (one click: the button) and lands on the start page. */
  signIn = async (who: string, page: Page, username: string, password = DEMO_PASSWORD): Promise<void> => {
    await page.goto('/login');
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill(password);
    await this.click(who, page, page.getByRole('button', { name: '登录' }));
    await page.locator('[data-testid="dashboard-heading"]').waitFor();
  };

  /** Opens a page from the main menu: the link itself, or first the folded group that holds it (two clicks then). */
  fromMenu = async (who: string, page: Page, label: string): Promise<void> => {
    const menu = page.locator('[data-testid="main-menu-items"]');
    const link = menu.getByRole('link', { name: label, exact: true });
    // A folded group hides its links from the accessibility tree: find it by the link's text.
    const group = menu.locator('details', { has: page.locator('a', { hasText: label }) }).locator('summary');
    if (!(await link.isVisible())) await this.click(who, page, group, false);
    await this.click(who, page, link);
  };

  /** The second look before money moves: the confirmation states the amount; confirming acts. */
  confirm = async (who: string, page: Page, amount: string): Promise<void> => {
    await page.locator('[data-testid="confirmation"]').waitFor();
    expect(await page.locator('[data-testid="confirm-amount"]').innerText()).to.contain(amount);
    await this.click(who, page, page.locator('[data-testid="confirm-action"]'));
  };
}
