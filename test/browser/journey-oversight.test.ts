import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { User } from '../../models/index.js';
import { paymentApprover } from '../../server/commands/payments/paymentApprover.js';
import { paymentRequester } from '../../server/commands/payments/paymentRequester.js';
import { actorOf } from '../factories/finance.js';
import { buildPaymentContract } from '../factories/payments.js';
import { openPage, seriousA11yViolations, type WatchedPage } from './support/browser.js';
import { Walk } from './support/journey.js';

/**
 * Journey 5 of issue #12: the inspector and the administrator read their dashboards and the audit
 * trail, from a database that holds only the demo accounts and one contract whose first
 * instalment the Futian officer requested and the Futian finance reviewer approved. At 1366×768,
 * in Chinese, by visible labels; every click a person makes is counted. Each reads the trail as
 * sentences (who, what, which record, the state change, amounts in ¥, never raw JSON or fen),
 * narrows it with the record-type choice, follows a record's link to the record itself, and
 * verifies the hash chain from the page. SCREENSHOT_DIR keeps a screenshot per step.
 */
const DESK = { width: 1366, height: 768 };

describe('browser: journey 5 — the inspector and the administrator read the dashboards and the audit trail', () => {
  const { clicks, shot, click, signIn, fromMenu } = new Walk('j5');
  let watched: WatchedPage | undefined;

  afterEach(async () => {
    await watched?.context.close();
    watched = undefined;
  });

  /** What a person reads on the trail: sentences, amounts in ¥, no JSON, no fen, no internal codes. */
  async function expectReadableTrail(page: Page) {
    const sentences = page.locator('[data-testid="audit-sentence"]');
    expect(await sentences.count()).to.be.greaterThan(0);
    const visible = await page.locator('[data-testid="audit-events"]').innerText();
    expect(visible).not.to.match(/[{}"]|Fen\b|amount_fen|payment\.approve/);
    expect(visible)
      .to.contain('批准')
      .and.to.match(/¥3,000\.00/);
  }

  it('reads as each of them would, by visible labels, counting clicks', async function () {
    this.timeout(300_000);
    const officer = (await User.findOne({ where: { username: 'officer.ft' } }))!;
    const finance = (await User.findOne({ where: { username: 'finance.ft' } }))!;
    const built = await buildPaymentContract({ officer, finance, instalmentStatus: 'due' });
    const payment = await paymentRequester(built.instalments[0].id, { actor: actorOf(officer) });
    await paymentApprover(payment.id, { actor: actorOf(finance) });
    const violations: string[] = [];
    const check = async (page: Page, label: string) => violations.push(...(await seriousA11yViolations(page)).map((v) => `${label} ${v}`));

    for (const [who, username] of [
      ['inspector', 'inspector'],
      ['admin', 'admin'],
    ] as const) {
      watched = await openPage({ viewport: DESK, bypassCSP: true });
      const page = watched.page;
      await signIn(who, page, username);
      await shot(page, `${who}-dashboard`);
      await check(page, `${who} dashboard`);

      await fromMenu(who, page, '审计日志');
      await page.locator('[data-testid="audit-events"]').waitFor();
      await expectReadableTrail(page);
      await shot(page, `${who}-trail`);
      await check(page, `${who} trail`);

      // Narrowed by a choice in the user's words, not an internal code.
      await page.getByLabel('记录类型').selectOption({ label: '拨付' });
      await click(who, page, page.getByRole('button', { name: '筛选' }));
      const records = page.locator('[data-testid="audit-record"]');
      expect(await records.count(), `${who}: the payment's events`).to.be.greaterThan(0);
      const approved = page.locator('[data-testid="audit-event"]', { hasText: '批准' }).first();
      expect(await approved.innerText()).to.contain('finance.ft');
      await shot(page, `${who}-trail-payments`);
      // One record's events, by a click on one of them (no box for a record id): shown by its name.
      await click(who, page, approved.locator('[data-testid="audit-record-history"]'));
      expect(await page.locator('[data-testid="chosen-recordId"]').innerText()).to.match(/拨付/);
      expect(await page.locator('input[name="recordId"]:not([type="hidden"])').count()).to.equal(0);
      await shot(page, `${who}-trail-one-record`);

      // The chain verified from the page.
      await click(who, page, page.getByRole('button', { name: '校验审计链' }));
      expect(await page.getByText(/审计链完整：共 \d+ 条记录/).count(), `${who}: chain verified`).to.equal(1);
      await shot(page, `${who}-verified`);
      await check(page, `${who} verified`);

      // A record's link leads to the record itself (its own page, not a filtered trail).
      await fromMenu(who, page, '审计日志');
      await page.getByLabel('记录类型').selectOption({ label: '拨付' });
      await click(who, page, page.getByRole('button', { name: '筛选' }));
      await click(who, page, page.locator('[data-testid="audit-record"]').first());
      expect(new URL(page.url()).pathname).to.match(/^\/(payments|contracts)\/\d+/);
      expect(await page.locator('h1').innerText()).not.to.contain('审计日志');
      await shot(page, `${who}-record`);
      await check(page, `${who} record`);
      expect(watched.problems, `${who}: console errors or CSP violations`).to.deep.equal([]);
      await watched.context.close();
      watched = undefined;
    }
    expect(violations, 'axe: serious or critical').to.deep.equal([]);
    console.log(`      (clicks: inspector ${clicks.inspector}, admin ${clicks.admin})`);
  });
});
