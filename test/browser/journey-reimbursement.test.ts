import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { Claim } from '../../models/Claim.js';
import { Organisation, User } from '../../models/index.js';
import { setClock } from '../../server/clock.js';
import { userCreator } from '../../server/commands/users/userCreator.js';
import { DEMO_PASSWORD } from '../../server/seed.js';
import { classicFapiao } from '../factories/claims.js';
import { buildContract } from '../factories/contracts.js';
import { pdfBytes } from '../factories/organisations.js';
import { addTrainings, buildWorker } from '../factories/workers.js';
import { openPage, seriousA11yViolations, type WatchedPage } from './support/browser.js';
import { unique } from '../factories/index.js';
import { Walk } from './support/journey.js';

/**
 * Journey 3 of issue #12: a child director engaged by the organisation on its phone (390×844), a
 * month claimed with a receipt, the same 发票 refused on a second line, the claim handed in;
 * verified by the officer, approved by the finance reviewer and recorded paid by a second finance
 * reviewer (approving and paying are separate duties), all at 1366×768; the claim form and the
 * payment approval form printed. Chinese labels; every click a person makes is counted.
 */
const PHONE = { width: 390, height: 844 };
const DESK = { width: 1366, height: 768 };

describe('browser: journey 3 — a child director engaged, a month claimed, verified, approved, paid and printed', () => {
  const { clicks, shot, click, signIn, confirm } = new Walk('j3');
  let watched: WatchedPage | undefined;

  afterEach(async () => {
    await watched?.context.close();
    watched = undefined;
    setClock(null);
  });

  it('the organisation on a phone, the officer and two finance reviewers at a desk, counting clicks', async function () {
    this.timeout(300_000);
    setClock(new Date('2026-04-10T04:00:00Z'));
    const officer = (await User.findOne({ where: { username: 'officer.ft' } }))!;
    const finance = (await User.findOne({ where: { username: 'finance.ft' } }))!;
    const orgUser = (await User.findOne({ where: { username: 'org.sunshine' } }))!;
    const organisation = (await Organisation.findByPk(orgUser.organisationId!))!;
    const { contract } = await buildContract({ status: 'active', officer, finance, organisation, terms: { reimbursementCeilingFen: 100_000 } });
    // A director registered and trained by the district (the browser app seals numbers with the development key).
    // Its own name: other tests engage directors for the same demo organisation.
    const workerName = `李主任${unique('').slice(-6)}`;
    const { worker, idNumber: id } = await buildWorker({ districtId: contract.districtId, name: workerName, community: '沙头社区', createdBy: officer });
    await addTrainings(worker, [{ kind: 'initial', trainedOn: '2026-01-10' }], officer);
    // A second finance reviewer of 福田区: who approved a payment does not record it paid.
    const cashierName = `cashier.${Date.now()}`;
    const cashierPassword = 'a second reviewer pass-phrase';
    await userCreator(
      {
        username: cashierName,
        displayName: '福田区财政局 出纳',
        role: 'finance',
        districtId: finance.districtId,
        agencyId: finance.agencyId,
        organisationId: null,
        password: cashierPassword,
        mustChangePassword: false,
      },
      { actor: null, passwordCost: 12 },
    );
    const violations: string[] = [];
    const check = async (page: Page, label: string) => violations.push(...(await seriousA11yViolations(page)).map((v) => `${label} ${v}`));
    const f = classicFapiao();

    // 1. The organisation, on its phone: engages the director, starts the claim, adds a line, is refused the same 发票 twice, hands it in.
    watched = await openPage({ viewport: PHONE, bypassCSP: true, isMobile: true, hasTouch: true });
    let page = watched.page;
    await signIn('org', page, 'org.sunshine');
    await page.goto(`/contracts/${contract.id}/engagements`);
    await page.getByLabel('身份证号码').fill(id);
    await page.getByLabel('聘用开始日期').fill('2026-02-01');
    await page.getByLabel('聘用结束日期').fill('2026-06-30');
    await click('org', page, page.locator('[data-testid="engage"]'));
    await shot(page, 'org-engaged');
    expect(await page.content()).not.to.contain(id);
    await page.goto('/claims');
    await click('org', page, page.getByRole('link', { name: '新建报销申请' }));
    const option = page.locator('#f-engagementId option', { hasText: workerName });
    await page.locator('#f-engagementId').selectOption((await option.getAttribute('value'))!);
    await page.getByLabel('月份').fill('2026-03');
    await click('org', page, page.getByRole('button', { name: '创建' }));
    await shot(page, 'org-claim-created');
    const claimUrl = page.url();
    const line = async (description: string, amount: string) => {
      await page.locator('#f-spentOn').fill('2026-03-05');
      await page.locator('#f-kind').selectOption({ label: '交通费' });
      await page.getByLabel('说明（路线或话费账期）').fill(description);
      await page.getByLabel('金额（元）').fill(amount);
      await page.getByLabel('发票代码').fill(f.code!);
      await page.getByLabel('发票号码').fill(f.number);
      await page.locator('#f-receipt').setInputFiles({ name: '发票.pdf', mimeType: 'application/pdf', buffer: pdfBytes('发票') });
      await click('org', page, page.locator('[data-testid="add-line"]'));
    };
    await line('福田—南山 往返', '¥123.45');
    await shot(page, 'org-line-added');
    await line('再报一次', '10');
    expect(await page.locator('#f-fapiaoNumber-error').innerText()).to.contain('不能重复报销');
    expect(await page.getByLabel('说明（路线或话费账期）').inputValue()).to.equal('再报一次');
    await shot(page, 'org-fapiao-refused');
    await check(page, 'org claim refused line');
    await page.goto(claimUrl);
    await click('org', page, page.getByRole('button', { name: '提交', exact: true }));
    await confirm('org', page, '¥123.45');
    await shot(page, 'org-submitted');
    const claim = (await Claim.findOne({ where: { childWorkerId: worker.id } }))!;
    expect((await claim.reload()).status).to.equal('submitted');
    await watched.context.close();

    // 2. The officer verifies, finance approves, a second finance reviewer records it paid.
    for (const [who, username, password, action] of [
      ['officer', 'officer.ft', DEMO_PASSWORD, 'verify'],
      ['finance', 'finance.ft', DEMO_PASSWORD, 'approve'],
      ['cashier', cashierName, cashierPassword, 'pay'],
    ] as const) {
      watched = await openPage({ viewport: DESK, bypassCSP: true });
      page = watched.page;
      await signIn(who, page, username, password);
      await page.goto(`/claims/${claim.id}`);
      if (action === 'pay') {
        await page.getByLabel('银行流水号').fill('BOC-2026-0410-001');
        await click(who, page, page.locator('[data-testid="pay"]'));
        await confirm(who, page, '¥123.45');
      } else {
        await click(who, page, page.getByRole('button', { name: action === 'verify' ? '核实通过' : '批准', exact: true }));
        if (action === 'approve') await confirm(who, page, '¥123.45');
      }
      await shot(page, `${who}-${action}`);
      await check(page, `${who} ${action}`);
      expect(watched.problems, `${who}: console errors or CSP violations`).to.deep.equal([]);
      if (action !== 'pay') await watched.context.close();
    }
    expect((await claim.reload()).status).to.equal('paid');

    // 3. Both forms printed: the claim form with its payment, the payment approval form with the payee's bank.
    page = watched!.page;
    await click('cashier', page, page.getByRole('link', { name: '打印报销单' }));
    const form = await page.locator('main').innerText();
    expect(form).to.contain('壹佰贰拾叁元肆角伍分').and.to.contain('BOC-2026-0410-001');
    await shot(page, 'claim-form');
    await page.goto(`/claims/${claim.id}`);
    await click('cashier', page, page.locator('[data-testid="payment-link"]'));
    await click('cashier', page, page.getByRole('link', { name: '打印支付审批表' }));
    expect(await page.locator('main').innerText()).to.contain(`报销申请 #${claim.id}`);
    await shot(page, 'payment-form');
    await check(page, 'payment form');
    expect(violations, 'axe: serious or critical').to.deep.equal([]);
    console.log(`      (clicks: organisation ${clicks.org}, officer ${clicks.officer}, finance ${clicks.finance}, second finance ${clicks.cashier})`);
  });
});
