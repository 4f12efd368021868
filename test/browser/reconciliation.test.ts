import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { BankStatementLine } from '../../models/BankStatement.js';
import { User } from '../../models/index.js';
import { Payment } from '../../models/Payment.js';
import { paymentApprover } from '../../server/commands/payments/paymentApprover.js';
import { verifyLedger } from '../../server/services/ledger.js';
import { actorOf } from '../factories/finance.js';
import { userCreator } from '../../server/commands/users/userCreator.js';
import { buildPayment, buildPaymentContract } from '../factories/payments.js';
import { openPage, seriousA11yViolations, type WatchedPage } from './support/browser.js';
import { Walk } from './support/journey.js';

const DESK = { width: 1366, height: 768 };

/**
 * Issue #18 in the browser: the demo finance reviewer of 福田 (finance.ft), at 1366×768 in
 * Chinese, opens 拨付 from the menu, goes to 银行对账, imports the bank's statement (a CSV as the
 * bank exports it), reads what matched, what did not and what is ambiguous (with the reason), and
 * confirms once: the two matched payments are recorded paid with the bank's date and reference;
 * the others stay as they were. The payments were approved by another finance reviewer (separate
 * duties). Clicks are counted; every page is axe-checked; the ledger balances afterwards.
 */
describe('browser: bank reconciliation (#18)', () => {
  const { clicks, shot, click, signIn, fromMenu, confirm } = new Walk('reconcile');
  let watched: WatchedPage | undefined;

  afterEach(async () => {
    await watched?.context.close();
    watched = undefined;
  });

  it('finance imports a statement, reads matched, unmatched, duplicate and ambiguous lines, and confirms the matched ones paid', async function () {
    this.timeout(300_000);
    const officer = (await User.findOne({ where: { username: 'officer.ft' } }))!;
    const finance = (await User.findOne({ where: { username: 'finance.ft' } }))!;
    // Another finance reviewer of 福田 approved the payments: finance.ft may record them paid.
    const stamp = String(Date.now()).slice(-9);
    const approver = await userCreator(
      {
        username: `finance.recon.${stamp}`,
        displayName: '对账测试复核人',
        role: 'finance',
        districtId: finance.districtId,
        agencyId: finance.agencyId,
        organisationId: null,
        password: 'a finance pass-phrase',
        mustChangePassword: false,
      },
      { actor: null, passwordCost: 12 },
    );
    const approved = async (built: Awaited<ReturnType<typeof buildPaymentContract>>, index: number) => {
      const p = await buildPayment(built, built.instalments[index], { status: 'requested', requester: officer });
      await paymentApprover(p.id, { actor: actorOf(approver) });
      return p;
    };
    // A: found by our payment reference (CP-<id>) in the remark.
    const a = await buildPaymentContract({ instalmentFen: [312_300, 100_000], committedFen: 412_300, officer, finance: approver });
    await a.organisation.update({ bankName: '中国工商银行深圳福田支行', bankAccount: `4000${stamp}11` });
    const pa = await approved(a, 0);
    // B: found by the payee's account and the amount.
    const b = await buildPaymentContract({ instalmentFen: [256_780, 100_000], committedFen: 356_780, officer, finance: approver });
    await b.organisation.update({ bankName: '招商银行深圳分行', bankAccount: `7559${stamp}22` });
    const pb = await approved(b, 0);
    // C: two payments of one amount to one account: a line without our reference is ambiguous.
    const c = await buildPaymentContract({ instalmentFen: [188_000, 188_000], committedFen: 376_000, officer, finance: approver });
    await c.organisation.update({ bankName: '中国建设银行深圳分行', bankAccount: `4420${stamp}33` });
    const pc1 = await approved(c, 0);
    const pc2 = await approved(c, 1);
    const csv = [
      '中国工商银行 账户交易明细',
      `账号,4000${stamp}00`,
      '交易日期,交易流水号,对方户名,对方账号,借方发生额（元）,贷方发生额（元）,摘要',
      `2026-04-20,ICBC${stamp}01,${a.organisation.name},4000 ${stamp} 11,"3,123.00",,CP-${pa.id} 拨付`,
      `2026-04-20,ICBC${stamp}01,${a.organisation.name},4000 ${stamp} 11,"3,123.00",,CP-${pa.id} 拨付`,
      `2026-04-21,ICBC${stamp}02,${b.organisation.name},7559${stamp}22,2567.80,,服务费`,
      `2026-04-21,ICBC${stamp}03,${c.organisation.name},4420${stamp}33,1880.00,,服务费`,
      `2026-04-22,ICBC${stamp}04,某物业公司,6222${stamp}99,450.00,,物业费`,
      `2026-04-22,ICBC${stamp}05,深圳市福田区财政局,9999${stamp},,"500,000.00",拨入`,
    ].join('\r\n');

    const violations: string[] = [];
    const check = async (page: Page, label: string) => violations.push(...(await seriousA11yViolations(page)).map((v) => `${label} ${v}`));
    watched = await openPage({ viewport: DESK, bypassCSP: true });
    const page = watched.page;
    await signIn('finance', page, 'finance.ft');
    await fromMenu('finance', page, '拨付');
    await click('finance', page, page.locator('[data-testid="bank-statements"]'));
    await shot(page, 'statements');
    await check(page, 'statements');
    // Choosing the file is a click of its own.
    await page.locator('#f-file').setInputFiles({ name: `对账单-${stamp}.csv`, mimeType: 'text/csv', buffer: Buffer.from(`\ufeff${csv}`, 'utf8') });
    clicks.finance += 1;
    await click('finance', page, page.locator('[data-testid="import-statement"]'));
    await shot(page, 'imported');
    expect(await page.locator('.alert').first().innerText()).to.contain('已导入，5 笔支出');
    const count = async (status: string) => Number(await page.locator(`[data-testid="count-${status}"]`).innerText());
    expect([await count('matched'), await count('ambiguous'), await count('unmatched'), await count('duplicate'), await count('recorded')]).to.deep.equal([
      2, 1, 1, 1, 0,
    ]);
    const statuses = await page.locator('[data-testid="statement-line"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')));
    expect(statuses).to.deep.equal(['matched', 'duplicate', 'matched', 'ambiguous', 'unmatched']);
    // Accounts are masked on the screen page.
    expect(await page.locator('[data-testid="statement-lines"]').innerText()).to.not.contain(`7559${stamp}22`);
    await shot(page, 'statement');
    await check(page, 'statement');
    // The ambiguous line says why, and is left for a person.
    await click('finance', page, page.locator('[data-testid="statement-counts"]').getByRole('link', { name: '多个可能' }));
    expect(await page.locator('[data-testid="statement-line"]').count()).to.equal(1);
    expect(await page.locator('[data-testid="line-reason"]').innerText()).to.contain('有 2 笔已批准拨付的金额和收款账号都相符');
    await shot(page, 'ambiguous');
    await click('finance', page, page.locator('[data-testid="confirm-statement"]'));
    expect(await page.locator('[data-testid="confirmation"]').innerText()).to.contain('登记 2 笔已匹配的拨付已支付，合计 ¥5,690.80');
    await shot(page, 'confirm');
    await check(page, 'confirm');
    await confirm('finance', page, '¥5,690.80');
    expect(await page.locator('.alert').first().innerText()).to.contain('已登记支付 2 笔，未通过 0 笔');
    expect([await count('matched'), await count('recorded')]).to.deep.equal([0, 2]);
    await shot(page, 'recorded');
    await check(page, 'recorded');
    // The payment's page shows it paid on the bank's day with the bank's reference.
    await click('finance', page, page.locator('[data-testid="statement-line"][data-status="recorded"]').first().getByRole('link'));
    expect(await page.locator('main').innerText()).to.contain(`ICBC${stamp}01`);
    await shot(page, 'payment');
    await check(page, 'payment');

    expect(await Payment.findByPk(pa.id)).to.include({ status: 'paid', bankReference: `ICBC${stamp}01`, paidOn: '2026-04-20', paidBy: finance.id });
    expect(await Payment.findByPk(pb.id)).to.include({ status: 'paid', bankReference: `ICBC${stamp}02`, paidOn: '2026-04-21', paidBy: finance.id });
    expect((await Payment.findByPk(pc1.id))!.status).to.equal('approved');
    expect((await Payment.findByPk(pc2.id))!.status).to.equal('approved');
    expect(await BankStatementLine.count({ where: { reference: `ICBC${stamp}04`, status: 'unmatched' } })).to.equal(1);
    expect((await verifyLedger()).ok).to.equal(true);
    expect(violations).to.deep.equal([]);
    expect(watched.problems).to.deep.equal([]);
    process.stdout.write(`      clicks: ${JSON.stringify(clicks)}\n`);
  });
});
