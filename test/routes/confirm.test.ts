import { versionNow } from '../support/forms.js';
import { expect } from 'chai';
import { Claim } from '../../models/Claim.js';
import { Contract } from '../../models/Contract.js';
import { Payment } from '../../models/Payment.js';
import { buildClaim, buildClaimSetup } from '../factories/claims.js';
import { buildContract } from '../factories/contracts.js';
import { buildUser, TEST_PASSWORD } from '../factories/index.js';
import { buildPayment, buildPaymentContract } from '../factories/payments.js';
import { Allocation } from '../../models/Allocation.js';
import { buildDeliverableContract } from '../factories/deliverables.js';
import { buildEvaluation } from '../factories/evaluations.js';
import { buildAllocation } from '../factories/finance.js';
import { type Agent, csrfFrom, loginAs, postForm } from '../support/agent.js';
import { testApp } from '../support/hooks.js';
import { routesOf } from '../support/routes.js';
import { LotteryAnnouncement } from '../../models/LotteryAnnouncement.js';
import { RetentionHold } from '../../models/Retention.js';
import { liveProject } from '../factories/ocds.js';
import { buildAllowanceList } from '../factories/allowances.js';

/** The confirmation's page: its amount, what it says, and the fields it posts again. */
function confirmationOf(html: string) {
  return {
    shown: html.includes('data-testid="confirmation"'),
    amount: /data-testid="confirm-amount">([^<]*)</.exec(html)?.[1] ?? '',
    hidden: [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], m[2]]),
  };
}

describe('a second look before money moves or a record locks (issue #13)', () => {
  it('recording a payment paid: the first post shows what will happen with the amount and changes nothing; the confirmed post records it', async () => {
    const built = await buildPaymentContract();
    const p = await buildPayment(built, built.instalments[0], { status: 'approved' });
    const cashier = await loginAs((await buildUser('finance')).user, TEST_PASSWORD);
    const form = { bankReference: 'ICBC-7', paidOn: '2026-03-01' };
    const first = await postForm(cashier, `/payments/${p.id}/pay`, { ...form, confirmed: '' });
    expect(first.status).to.equal(200);
    const c = confirmationOf(first.text);
    expect(c.shown).to.equal(true);
    expect(c.amount).to.equal('¥3,000.00');
    expect(first.text).to.contain('ICBC-7');
    expect(first.text).to.contain('不能撤销');
    expect(c.hidden).to.deep.include.members([
      ['bankReference', 'ICBC-7'],
      ['paidOn', '2026-03-01'],
      ['confirmed', '1'],
    ]);
    expect((await Payment.findByPk(p.id))!.status).to.equal('approved');
    const bad = await postForm(cashier, `/payments/${p.id}/pay`, { bankReference: '', paidOn: '2026-03-01', confirmed: '' });
    expect(bad.status, 'a refused form is shown beside its fields before any confirmation').to.equal(422);
    const second = await postForm(cashier, `/payments/${p.id}/pay`, { ...form, confirmed: '1' });
    expect(second.status).to.equal(302);
    expect((await Payment.findByPk(p.id))!.status).to.equal('paid');
  });

  it('activating a contract states the value committed; submitting and approving a claim state the amount', async () => {
    const { contract, officer } = await buildContract({ status: 'draft', valueFen: 1_234_500 });
    const agent = await loginAs(officer, TEST_PASSWORD);
    const activation = await postForm(agent, `/contracts/${contract.id}/activate`, { confirmed: '' });
    expect(activation.status).to.equal(200);
    expect(activation.text).to.contain('¥12,345.00');
    expect(activation.text).to.contain('data-testid="confirm-cancel"');
    expect((await Contract.findByPk(contract.id))!.status).to.equal('draft');

    const s = await buildClaimSetup();
    const claim = await buildClaim(s, { lines: [{ amountFen: 4_560 }] });
    const org = await loginAs(s.orgUser, TEST_PASSWORD);
    const submit = await postForm(org, `/claims/${claim.id}/submit`, { confirmed: '' });
    expect(confirmationOf(submit.text).amount).to.equal('¥45.60');
    expect(submit.text).to.contain('不能再修改');
    expect((await Claim.findByPk(claim.id))!.status).to.equal('draft');
    expect((await postForm(org, `/claims/${claim.id}/submit`, { confirmed: '1' })).status).to.equal(302);
    expect((await Claim.findByPk(claim.id))!.status).to.equal('submitted');
  });

  it('with JavaScript the same confirmation comes as a modal for the page it was asked from, and changes nothing', async () => {
    const built = await buildPaymentContract();
    const p = await buildPayment(built, built.instalments[0], { status: 'approved' });
    const cashier = await loginAs((await buildUser('finance')).user, TEST_PASSWORD);
    const token = csrfFrom((await cashier.get(`/payments/${p.id}`)).text);
    const fields = { bankReference: 'ICBC-8', paidOn: '2026-03-01', _csrf: token };
    const preview = await cashier.post(`/payments/${p.id}/pay`).set('X-Confirm-Preview', '1').type('form').send(fields);
    expect(preview.status).to.equal(200);
    expect(preview.headers['x-confirmation']).to.equal('1');
    expect(preview.text.trim()).to.match(/^<div class="modal fade" id="confirm-modal"/);
    expect(preview.text).not.to.contain('<html');
    const c = confirmationOf(preview.text);
    expect([c.shown, c.amount]).to.deep.equal([true, '¥3,000.00']);
    expect(c.hidden).to.deep.include.members([
      ['bankReference', 'ICBC-8'],
      ['confirmed', '1'],
    ]);
    expect(preview.text).to.match(/<button class="btn btn-outline-secondary" type="button" data-bs-dismiss="modal" data-testid="confirm-cancel">/);
    expect(preview.text).to.contain(`action="/payments/${p.id}/pay"`);
    expect((await Payment.findByPk(p.id))!.status).to.equal('approved');
    // A refused form is answered as without JavaScript (the script then posts it the ordinary way).
    const refused = await cashier
      .post(`/payments/${p.id}/pay`)
      .set('X-Confirm-Preview', '1')
      .type('form')
      .send({ ...fields, bankReference: '' });
    expect(refused.status).to.equal(422);
    expect(refused.headers['x-confirmation']).to.equal(undefined);
    // Without the header: the page, as before.
    const page = await cashier.post(`/payments/${p.id}/pay`).type('form').send(fields);
    expect(page.text).to.contain('<html');
    expect(page.text).to.contain(`href="/payments/${p.id}" data-testid="confirm-cancel"`);
  });

  it('every button marked for the modal posts to a route that asks for a second look, and every such route has its marked button', async () => {
    const guarded = routesOf(testApp())
      .filter((r) => r.method === 'POST' && r.secondLook)
      .map((r) => ({ path: r.path, re: new RegExp(`^${r.path.replace(/:[A-Za-z]+/g, '\\d+')}$`) }));
    expect(guarded.length).to.be.greaterThan(8);
    const marked = new Set<string>();
    const collect = async (agent: Agent, url: string) => {
      const html = (await agent.get(url)).text;
      for (const m of html.matchAll(/<button[^>]*data-confirm-first[^>]*>/g)) {
        const formaction = /formaction="([^"]+)"/.exec(m[0])?.[1];
        const forms = [...html.slice(0, m.index).matchAll(/<form[^>]*action="([^"]+)"/g)];
        const action = formaction ?? forms[forms.length - 1]?.[1] ?? '';
        const route = guarded.find((g) => g.re.test(action));
        expect(route, `${url}: the marked button posts to ${action}, which asks for no second look`).not.to.equal(undefined);
        marked.add(route!.path);
      }
    };
    const { contract, officer } = await buildContract({ status: 'draft' });
    await collect(await loginAs(officer, TEST_PASSWORD), `/contracts/${contract.id}`);
    const built = await buildPaymentContract();
    const requested = await buildPayment(built, built.instalments[0]);
    const approved = await buildPayment(built, built.instalments[1], { status: 'approved' });
    const finance = await loginAs((await buildUser('finance')).user, TEST_PASSWORD);
    await collect(finance, `/payments/${requested.id}`);
    await collect(finance, `/payments/${approved.id}`);
    // A bank statement whose line matches the approved payment by our reference: confirming records it paid (#18).
    const statement = Buffer.from(
      `\ufeff交易日期,交易流水号,对方户名,对方账号,借方发生额,摘要\n2026-04-02,CONFIRM${approved.id},收款人,1,${(approved.amountFen / 100).toFixed(2)},CP-${approved.id}`,
      'utf8',
    );
    const statementToken = encodeURIComponent(csrfFrom((await finance.get('/bank-statements')).text));
    const imported = await finance.post(`/bank-statements?_csrf=${statementToken}`).attach('file', statement, '对账单.csv');
    expect(imported.status).to.equal(303);
    await collect(finance, imported.headers.location);
    await collect(await loginAs(built.officer, TEST_PASSWORD), `/payments/contracts/${built.contract.id}`);
    const s = await buildClaimSetup();
    const draft = await buildClaim(s);
    const verified = await buildClaim(s, { status: 'verified', month: '2026-04' });
    const approvedClaim = await buildClaim(s, { status: 'approved', month: '2026-05' });
    await buildClaim(s, { status: 'submitted', month: '2026-06' });
    await collect(await loginAs(s.orgUser, TEST_PASSWORD), `/claims/${draft.id}`);
    await collect(await loginAs(s.finance, TEST_PASSWORD), `/claims/${verified.id}`);
    const cashier = await loginAs(s.cashier, TEST_PASSWORD);
    await collect(cashier, `/claims/${approvedClaim.id}`);
    // A payment run (拨付清单) recorded paid at once.
    const run = await postForm(cashier, '/payment-runs', { ids: [String(approvedClaim.paymentId)] });
    expect(run.status).to.equal(303);
    await collect(cashier, run.headers.location);
    // The queues' batch bars: many decisions, one confirmation.
    await collect(await loginAs(s.officer, TEST_PASSWORD), '/claims/queue');
    await collect(await loginAs(s.finance, TEST_PASSWORD), '/claims/queue');
    await collect(finance, '/payments/queue');
    const allocation = await buildAllocation({ status: 'submitted' });
    const allocationFinance = await loginAs((await buildUser('finance', { districtCode: 'FT' })).user, TEST_PASSWORD);
    await collect(allocationFinance, `/allocations/${allocation.id}`);
    await collect(allocationFinance, '/allocations/queue');
    const { evaluation, built: evaluated } = await buildEvaluation({ status: 'submitted' });
    await collect(await loginAs(evaluated.officer, TEST_PASSWORD), `/evaluations/${evaluation.id}`);
    const withDeliverables = await buildDeliverableContract();
    const [d] = withDeliverables.deliverables;
    const org = await loginAs(withDeliverables.orgUser, TEST_PASSWORD);
    const upload = encodeURIComponent(csrfFrom((await org.get('/')).text));
    await org
      .post(`/deliverables/${d.id}/draft?_csrf=${upload}`)
      .field('_version', await versionNow(d))
      .field('m_visits', '30')
      .field('m_households', '25')
      .field('m_followUps', '5')
      .field('narrative', '探访');
    await collect(org, `/deliverables/${d.id}`);
    // A lottery-fund announcement approved by finance, which the officer issues (published, frozen).
    const lived = await liveProject({ lottery: true, end: 'active' });
    const announcer = await loginAs(lived.officer, TEST_PASSWORD);
    const approver = await loginAs(lived.finance, TEST_PASSWORD);
    const where = { agencyId: lived.project.agencyId, year: lived.project.year };
    await postForm(announcer, '/announcements', { agencyId: String(where.agencyId), year: String(where.year) }, '/announcements/new');
    const announcement = (await LotteryAnnouncement.findOne({ where }))!;
    const page = `/announcements/${announcement.id}`;
    await postForm(announcer, `${page}/text`, { bodyText: '福彩公益金全部用于困境儿童关爱服务。', _version: String(announcement.lockVersion) }, page);
    expect((await postForm(announcer, `${page}/submit`, {}, page)).status).to.equal(302);
    expect((await postForm(approver, `${page}/approve`, {}, page)).status).to.equal(302);
    await collect(announcer, page);
    // A month's allowance list (#21): finance approves it, a second finance reviewer records it paid.
    const submittedList = await buildAllowanceList('submitted');
    await collect(await loginAs(submittedList.finance.user, TEST_PASSWORD), `/allowances/${submittedList.list.id}`);
    const approvedList = await buildAllowanceList('approved');
    await collect(await loginAs(approvedList.finance2.user, TEST_PASSWORD), `/allowances/${approvedList.list.id}`);
    // A legal hold on personal data (#20): lifting it lets the night's round delete what is due.
    const admin = await buildUser('admin');
    await RetentionHold.create({ contractId: contract.id, reason: '专项审计', placedBy: admin.user.id, placedAt: new Date() });
    await collect(await loginAs(admin.user, TEST_PASSWORD), '/admin/retention');
    expect(
      guarded.map((g) => g.path).filter((path) => !marked.has(path)),
      'guarded routes without a marked button on their page',
    ).to.deep.equal([]);
    expect((await Allocation.findByPk(allocation.id))!.status).to.equal('submitted');
  });
});
