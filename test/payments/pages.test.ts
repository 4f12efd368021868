import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { AuditEvent, type User } from '../../models/index.js';
import { Payment } from '../../models/Payment.js';
import type { Role } from '../../models/User.js';
import { paymentPayer } from '../../server/commands/payments/paymentPayer.js';
import { allocationsAwaiting, defaultBudgetYear, fundSourceFigures } from '../../server/presenters/finance-dashboard.js';
import { setClock } from '../../server/clock.js';
import { formatFen } from '../../server/services/money.js';
import { balance } from '../../server/services/ledger.js';
import { actorOf, buildAllocation, buildBudgetLine, financeYear } from '../factories/finance.js';
import { buildUser, TEST_PASSWORD } from '../factories/index.js';
import { buildPayment, buildPaymentContract } from '../factories/payments.js';
import { type Agent, anonymous, loginAs, postForm } from '../support/agent.js';
import { testSequelize } from '../support/hooks.js';
import { forgetCachedFigures } from '../../server/services/figure-cache.js';

async function signedIn(role: Role, districtCode = 'FT'): Promise<{ agent: Agent; user: User }> {
  const { user, password } = await buildUser(role, { districtCode });
  return { agent: await loginAs(user, password), user };
}

/** Σ paid over every contract whose money came from lines 龙岗 finance sees (龙岗's and the city's), straight from the ledger. */
async function paidOfScope(): Promise<number> {
  const [row] = await testSequelize().query<{ total: number | string | null }>(
    `SELECT SUM(e.amount_fen) AS total FROM ledger_entries e WHERE e.account_type = 'paid' AND e.account_id IN (
       SELECT c.account_id FROM ledger_entries c JOIN ledger_entries a ON a.txn = c.txn AND a.account_type = 'allocation'
       JOIN allocations al ON al.id = a.account_id JOIN budget_lines b ON b.id = al.budget_line_id JOIN districts d ON d.id = b.district_id
       WHERE c.account_type = 'contract_committed' AND c.movement = 'commit' AND b.fund_source = 'general_budget' AND (d.code = 'LG' OR d.kind = 'city'))`,
    { type: QueryTypes.SELECT },
  );
  return Number(row?.total ?? 0);
}

describe('payments: pages', () => {
  it('sends the anonymous to sign in and refuses the wrong role (403)', async () => {
    const built = await buildPaymentContract();
    const p = await buildPayment(built, built.instalments[0]);
    for (const url of ['/payments', `/payments/${p.id}`, `/payments/${p.id}/form`, '/finance', '/payments/queue']) {
      const res = await anonymous().get(url);
      expect(res.status, url).to.equal(302);
      expect(res.headers.location).to.match(/^\/login/);
    }
    const { agent } = await signedIn('officer');
    expect((await agent.get('/payments/queue')).status).to.equal(403);
    expect((await agent.get('/finance')).status).to.equal(403);
    expect((await postForm(agent, `/payments/${p.id}/approve`, {})).status).to.equal(403);
  });

  it('an officer marks the milestone met and requests; finance approves and a second finance user records it paid; the page shows each step', async () => {
    const built = await buildPaymentContract({ instalmentStatus: 'scheduled' });
    const officer = await loginAs(built.officer, TEST_PASSWORD);
    const first = built.instalments[0];
    const page = await officer.get(`/payments/contracts/${built.contract.id}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain(`data-testid="milestone-${first.id}"`);
    expect((await postForm(officer, `/payments/instalments/${first.id}/milestone`, {})).status).to.equal(302);
    const requested = await postForm(officer, `/payments/instalments/${first.id}/request`, {});
    expect(requested.status).to.equal(302);
    expect((await postForm(officer, `/payments/instalments/${first.id}/request`, {})).status, 'double submission').to.equal(409);
    const payment = (await Payment.findOne({ where: { instalmentId: first.id } }))!;
    expect(await Payment.count({ where: { instalmentId: first.id } })).to.equal(1);

    const { agent: finance } = await signedIn('finance');
    const queue = await finance.get('/payments/queue');
    expect(queue.text).to.contain(`data-id="${payment.id}"`);
    expect((await postForm(finance, `/payments/${payment.id}/approve`, {})).status).to.equal(302);
    const approverPage = await finance.get(`/payments/${payment.id}`);
    expect(approverPage.text, 'the approver is told who pays').to.contain('data-testid="second-reviewer"');
    expect(approverPage.text).not.to.contain('data-testid="pay-form"');
    expect((await postForm(finance, `/payments/${payment.id}/pay`, { bankReference: 'ICBC-0001', paidOn: '2026-03-01' })).status, 'approver pays').to.equal(
      403,
    );
    const { agent: cashier } = await signedIn('finance');
    const bad = await postForm(cashier, `/payments/${payment.id}/pay`, { bankReference: '<script>', paidOn: '2026-02-31' });
    expect(bad.status).to.equal(422);
    expect(bad.text).to.contain('&lt;script&gt;');
    expect(bad.text).to.contain('id="f-bankReference-error"');
    expect(bad.text).to.contain('id="f-paidOn-error"');
    const ok = await postForm(cashier, `/payments/${payment.id}/pay`, { bankReference: 'ICBC-0001', paidOn: '2026-03-01' });
    expect(ok.status).to.equal(302);
    const shown = await finance.get(`/payments/${payment.id}`);
    expect(shown.text).to.contain('ICBC-0001');
    expect(shown.text).to.contain('data-testid="payment-status">已支付');
    expect(await balance('paid', built.contract.id)).to.equal(300_000);
  });

  it('the requester cannot approve (403) and finance of another district does not see the payment (404)', async () => {
    const built = await buildPaymentContract();
    const { agent, user } = await signedIn('finance');
    const own = await buildPayment(built, built.instalments[0], { requester: user });
    expect((await postForm(agent, `/payments/${own.id}/approve`, {})).status).to.equal(403);
    const ns = await signedIn('finance', 'NS');
    expect((await ns.agent.get(`/payments/${own.id}`)).status).to.equal(404);
    expect((await postForm(ns.agent, `/payments/${own.id}/approve`, {})).status).to.equal(404);
  });

  it('recording paid beyond the commitment answers a clear 409', async () => {
    const built = await buildPaymentContract({ committedFen: 400_000, instalmentFen: [300_000, 300_000] });
    const { agent, user } = await signedIn('finance');
    const [a, b] = await Promise.all(built.instalments.map((i) => buildPayment(built, i, { status: 'approved' })));
    await paymentPayer(a.id, { bankReference: 'A1', paidOn: '2026-03-01' }, { actor: actorOf(user) });
    const res = await postForm(agent, `/payments/${b.id}/pay`, { bankReference: 'B1', paidOn: '2026-03-01' });
    expect(res.status).to.equal(409);
    expect(res.text).to.contain('¥3,000.00');
    expect(res.text).to.contain('¥1,000.00');
  });

  it('organisation users read their own payments only; the printable form shows the amount in figures and in capitals, without navigation', async () => {
    const built = await buildPaymentContract({ instalmentFen: [1_234_567, 8_765_433], committedFen: 10_000_000 });
    const p = await buildPayment(built, built.instalments[0], { status: 'approved' });
    const { user, password } = await buildUser('org', { organisation: built.organisation });
    const org = await loginAs(user, password);
    const form = await org.get(`/payments/${p.id}/form`);
    expect(form.status).to.equal(200);
    expect(form.text).to.contain('¥12,345.67');
    expect(form.text).to.contain('壹万贰仟叁佰肆拾伍元陆角柒分');
    expect(form.text).to.contain('支付审批表');
    expect(form.text).not.to.contain('<nav');
    expect(form.text).to.contain('/public/css/payment-form.css');
    expect((await org.get('/payments')).text).to.contain(`data-id="${p.id}"`);
    const other = await signedIn('org');
    expect((await other.agent.get(`/payments/${p.id}`)).status).to.equal(404);
    expect((await other.agent.get('/payments')).text).not.to.contain(`data-id="${p.id}"`);
  });

  it('the list filters, exports exactly that (audited) and reads a page with the same number of queries for 5 and 50 rows', async function () {
    this.timeout(120_000);
    const built = await buildPaymentContract({ committedFen: 10_000_000, instalmentFen: Array.from({ length: 50 }, () => 1_000) });
    for (const [i, inst] of built.instalments.entries()) await buildPayment(built, inst, { status: i < 5 ? 'requested' : 'approved' });
    const { agent } = await signedIn('finance');
    const list = await agent.get(`/payments?contractId=${built.contract.id}&status=requested`);
    expect(list.status).to.equal(200);
    expect([...list.text.matchAll(/data-testid="payment-row"/g)].length).to.equal(5);
    const csv = await agent.get(`/payments?contractId=${built.contract.id}&status=requested&format=csv`);
    expect(csv.status).to.equal(200);
    expect(csv.text.trim().split('\r\n').length).to.equal(6);
    expect(await AuditEvent.count({ where: { action: 'payment.export' } })).to.be.greaterThan(0);
    expect((await agent.get(`/payments?contractId=${built.contract.id}&format=xlsx`).buffer(true)).status).to.equal(200);
    expect((await agent.get('/payments?sort=drop')).status).to.equal(400);
    const sequelize = testSequelize();
    const countQueries = async (url: string) => {
      forgetCachedFigures(); // every read counted afresh: the figures a write would make it compute (services/figure-cache.ts)
      let n = 0;
      sequelize.addHook('beforeQuery', 'count-payment-queries', () => {
        n += 1;
      });
      try {
        expect((await agent.get(url)).status).to.equal(200);
      } finally {
        sequelize.removeHook('beforeQuery', 'count-payment-queries');
      }
      return n;
    };
    const five = await countQueries(`/payments?contractId=${built.contract.id}&status=requested&perPage=10&sort=amount`);
    const fifty = await countQueries(`/payments?contractId=${built.contract.id}&perPage=50&sort=amount`);
    expect(fifty).to.equal(five);
  });

  it('the finance dashboard shows the ledger sums per fund source, the queues and the lottery share, with its chart data and script', async () => {
    const { agent, user } = await signedIn('finance', 'LG');
    const before = (await fundSourceFigures(actorOf(user))).get('general_budget')!;
    const built = await buildPaymentContract({ committedFen: 1_000_000, districtCode: 'LG' });
    const p = await buildPayment(built, built.instalments[0], { status: 'approved' });
    await paymentPayer(p.id, { bankReference: 'D1', paidOn: '2026-03-01' }, { actor: actorOf(user) });
    await buildPayment(built, built.instalments[1], { status: 'requested' });
    const figures = await fundSourceFigures(actorOf(user));
    const general = figures.get('general_budget')!;
    expect(general.allocatedFen - before.allocatedFen).to.equal(1_000_000);
    expect(general.committedFen - before.committedFen).to.equal(1_000_000);
    expect(general.paidFen - before.paidFen).to.equal(300_000);
    expect(general.paidFen).to.equal(await paidOfScope());
    expect(general.paidFen).to.be.at.least(300_000);
    expect(general.committedFen).to.be.at.least(general.paidFen);
    expect(general.allocatedFen).to.be.at.least(general.committedFen);
    // All years: the empty year choice (with no year asked for, the page opens on one budget year).
    const res = await agent.get('/finance?year=');
    expect(res.status).to.equal(200);
    const row =
      /data-source="general_budget">[\s\S]*?data-testid="allocated">([^<]+)<[\s\S]*?data-testid="committed">([^<]+)<[\s\S]*?data-testid="paid">([^<]+)</.exec(
        res.text,
      )!;
    const yuan = (fen: number) => `¥${(fen / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}`;
    expect([row[1], row[2], row[3]]).to.deep.equal([yuan(general.allocatedFen), yuan(general.committedFen), yuan(general.paidFen)]);
    expect(Number(/data-testid="payments-waiting">(\d+)</.exec(res.text)![1])).to.be.at.least(1);
    expect(res.text).to.contain('src="/vendor/chart.js/chart.umd.js"');
    expect(res.text).to.contain('src="/public/js/finance-dashboard.js"');
    expect(res.text).to.match(/<script type="application\/json" id="finance-chart-data">\{&#34;fundSources&#34;/);
    const year = await agent.get(`/finance?year=${built.contract.year}`);
    expect(/data-source="general_budget">[\s\S]*?data-testid="paid">([^<]+)</.exec(year.text)![1]).to.equal(yuan(300_000));
    expect((await agent.get('/finance?year=18000')).status).to.equal(400);
    expect((await agent.get('/vendor/chart.js/chart.umd.js')).status).to.equal(200);
    expect((await agent.get('/public/js/finance-dashboard.js')).status).to.equal(200);
  });
});

describe('payments: the finance dashboard’s year', () => {
  afterEach(() => setClock(null));

  it('opens on the current budget year (server clock) when it has lines, else the latest before it, else the latest', () => {
    expect(defaultBudgetYear([2027, 2026, 2024], 2026)).to.equal(2026);
    expect(defaultBudgetYear([2027, 2025, 2024], 2026)).to.equal(2025);
    expect(defaultBudgetYear([2028, 2027], 2026)).to.equal(2028);
    expect(defaultBudgetYear([], 2026)).to.equal(2026);
  });

  it('shows that year chosen in the year box and its figures; the empty choice shows all years', async () => {
    const year = financeYear();
    // Signed in under the stopped clock: a session is idle-timed by the app's clock.
    setClock(new Date(`${year}-06-01T04:00:00Z`));
    const { agent, user } = await signedIn('finance', 'YT');
    const line = await buildBudgetLine({ districtCode: 'YT', year, creator: user });
    await buildAllocation({ line, status: 'approved', amountFen: 1_234_500 });
    const page = await agent.get('/finance');
    expect(page.status).to.equal(200);
    expect(page.text).to.match(new RegExp(`<option value="${year}" selected>${year}</option>`));
    expect(/data-testid="year-shown">([^<]+)</.exec(page.text)![1]).to.equal(`${year} 年度`);
    expect(/data-source="general_budget">[\s\S]*?data-testid="allocated">([^<]+)</.exec(page.text)![1]).to.equal('¥12,345.00');
    expect(page.text).to.contain('class="chart-box');
    const all = await agent.get('/finance?year=');
    expect(all.text).to.match(/<option value="" selected>全部年度<\/option>/);
    expect(/data-testid="year-shown">([^<]+)</.exec(all.text)![1]).to.equal('全部年度');
    // A year without money says so instead of drawing empty bars.
    const empty = await agent.get(`/finance?year=${year + 500}`);
    expect(empty.text).to.contain('data-testid="no-money"');
    expect(empty.text).not.to.contain('id="fund-source-chart"');
    expect(empty.text).to.match(new RegExp(`<option value="${year + 500}" selected>`));
  });
});

describe('payments: the finance start page', () => {
  it('shows finance a card of the payments waiting for them that links to the finance dashboard; officers get none', async () => {
    const built = await buildPaymentContract({ districtCode: 'PS' });
    await buildPayment(built, built.instalments[0]);
    const { agent } = await signedIn('finance', 'PS');
    const home = await agent.get('/');
    expect(home.status).to.equal(200);
    expect(home.text).to.match(/<a href="\/finance">[1-9]\d*<\/a>/);
    const officer = await loginAs(built.officer, TEST_PASSWORD);
    expect((await officer.get('/')).text).not.to.contain('href="/finance"');
  });

  it('shows finance a card of the allocations waiting for their decision, with their total, linking to the allocation queue', async () => {
    const { agent, user } = await signedIn('finance', 'GM');
    const card = async () => {
      const home = (await agent.get('/')).text;
      const m = /<a href="\/allocations\/queue">(\d+)<\/a><\/div>\s*<div class="small mono" data-testid="card-detail">合计 ([^<]+)</.exec(home);
      expect(m, 'the allocations card').not.to.equal(null);
      return { count: Number(m![1]), total: m![2] };
    };
    const before = await allocationsAwaiting(actorOf(user));
    expect(await card()).to.deep.equal({ count: before.count, total: formatFen(before.totalFen) });
    await buildAllocation({ districtCode: 'GM', status: 'submitted', amountFen: 100_000 });
    await buildAllocation({ districtCode: 'GM', status: 'submitted', amountFen: 23_456 });
    await buildAllocation({ districtCode: 'GM', status: 'draft', amountFen: 99_999 });
    expect(await card()).to.deep.equal({ count: before.count + 2, total: formatFen(before.totalFen + 123_456) });
    const queue = await agent.get('/allocations/queue');
    expect(queue.text.match(/data-testid="queue-row"/g)?.length).to.equal(before.count + 2);
    const officer = await loginAs((await buildUser('officer', { districtCode: 'GM' })).user, TEST_PASSWORD);
    expect((await officer.get('/')).text).not.to.contain('href="/allocations/queue"');
  });
});
