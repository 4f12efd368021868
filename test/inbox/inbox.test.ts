import { expect } from 'chai';
import { Op } from 'sequelize';
import type { User } from '../../models/index.js';
import { allocationApprover } from '../../server/commands/finance/allocationApprover.js';
import { claimDecider, claimVerifier } from '../../server/commands/claims/claimWorkflow.js';
import { deliverableDraftSaver } from '../../server/commands/deliverables/deliverableDraftSaver.js';
import { deliverableReturner } from '../../server/commands/deliverables/deliverableReviews.js';
import { deliverableSubmitter } from '../../server/commands/deliverables/deliverableSubmitter.js';
import { reportingScheduleSetter } from '../../server/commands/deliverables/reportingScheduleSetter.js';
import { evaluationScheduler } from '../../server/commands/evaluations/evaluationScheduler.js';
import { rectificationStep } from '../../server/commands/evaluations/rectificationStep.js';
import { paymentApprover } from '../../server/commands/payments/paymentApprover.js';
import { paymentPayer } from '../../server/commands/payments/paymentPayer.js';
import { setClock, today } from '../../server/clock.js';
import { INBOX_KINDS } from '../../server/presenters/inbox-kinds.js';
import { RectificationItem } from '../../models/RectificationItem.js';
import { addDays } from '../../server/services/calendar.js';
import { forgetCachedFigures } from '../../server/services/figure-cache.js';
import { storeFor } from '../../server/services/storage/index.js';
import { buildClaim, buildClaimSetup } from '../factories/claims.js';
import { buildContract } from '../factories/contracts.js';
import { buildDeliverableContract } from '../factories/deliverables.js';
import { buildEvaluation, buildTemplate } from '../factories/evaluations.js';
import { actorOf, buildAllocation, buildBudgetLine } from '../factories/finance.js';
import { buildUser, TEST_PASSWORD } from '../factories/index.js';
import { buildPayment, buildPaymentContract } from '../factories/payments.js';
import { addTrainings, buildWorker } from '../factories/workers.js';
import { anonymous, loginAs } from '../support/agent.js';
import { testConfig, testSequelize } from '../support/hooks.js';

/**
 * The to-do list (#16): each kind holds a record for the person whose decision or work it waits
 * for, in their scope and role only, and lets it go once done. Asked of the kind's own query with
 * the record's id, so other files' records in the same database never matter.
 */
async function holds(key: string, user: User, id: number, cityLevel = false): Promise<boolean> {
  const kind = INBOX_KINDS.find((k) => k.key === key);
  if (!kind) throw new Error(`no kind ${key}`);
  const actor = actorOf(user, cityLevel);
  if (!kind.applies(actor)) return false;
  return (await kind.model.count({ where: { [Op.and]: [kind.where(actor, today()), { id }] } })) === 1;
}

const by = (user: User) => ({ actor: actorOf(user) });

describe('inbox: the to-do kinds', () => {
  afterEach(() => setClock(null));

  it('an allocation waits for finance of its line’s district, not for another district or the requester, and leaves once approved', async () => {
    const allocation = await buildAllocation({ status: 'submitted', districtCode: 'BA' });
    const finance = (await buildUser('finance', { districtCode: 'BA' })).user;
    const elsewhere = (await buildUser('finance', { districtCode: 'LHUA' })).user;
    const city = (await buildUser('finance', { districtCode: 'SZ' })).user;
    const requester = (await buildUser('officer', { districtCode: 'BA' })).user;
    expect(await holds('allocationDecide', finance, allocation.id)).to.equal(true);
    expect(await holds('allocationDecide', city, allocation.id, true)).to.equal(true);
    expect(await holds('allocationDecide', elsewhere, allocation.id)).to.equal(false);
    expect(await holds('allocationDecide', requester, allocation.id)).to.equal(false);
    await allocationApprover(allocation.id, by(finance));
    expect(await holds('allocationDecide', finance, allocation.id)).to.equal(false);
  });

  it('a payment waits for finance to decide, then for a second finance reviewer to record it paid, then leaves', async () => {
    const built = await buildPaymentContract({ districtCode: 'BA' });
    const payment = await buildPayment(built, built.instalments[0]);
    const approver = (await buildUser('finance', { districtCode: 'BA' })).user;
    const cashier = (await buildUser('finance', { districtCode: 'BA' })).user;
    const org = (await buildUser('org', { organisation: built.organisation, districtCode: 'BA' })).user;
    expect(await holds('paymentDecide', approver, payment.id)).to.equal(true);
    expect(await holds('paymentDecide', built.officer, payment.id)).to.equal(false);
    expect(await holds('paymentDecide', org, payment.id)).to.equal(false);
    await paymentApprover(payment.id, by(approver));
    expect(await holds('paymentDecide', approver, payment.id)).to.equal(false);
    // Approving and paying are separate duties: the approver is not asked to record it paid.
    expect(await holds('paymentPay', approver, payment.id)).to.equal(false);
    expect(await holds('paymentPay', cashier, payment.id)).to.equal(true);
    await paymentPayer(payment.id, { bankReference: 'BOC-2026-0001', paidOn: today() }, by(cashier));
    expect(await holds('paymentPay', cashier, payment.id)).to.equal(false);
  });

  it('a claim waits for the officer to verify, then finance to approve; returned, it waits for the organisation', async () => {
    const setup = await buildClaimSetup({ districtCode: 'BA' });
    const claim = await buildClaim(setup, { status: 'submitted' });
    const otherOfficer = (await buildUser('officer', { districtCode: 'LHUA' })).user;
    expect(await holds('claimVerify', setup.officer, claim.id)).to.equal(true);
    expect(await holds('claimVerify', otherOfficer, claim.id)).to.equal(false);
    expect(await holds('claimApprove', setup.finance, claim.id)).to.equal(false);
    await claimVerifier(claim.id, by(setup.officer));
    expect(await holds('claimVerify', setup.officer, claim.id)).to.equal(false);
    expect(await holds('claimApprove', setup.finance, claim.id)).to.equal(true);
    expect(await holds('claimReturned', setup.orgUser, claim.id)).to.equal(false);
    await claimDecider(claim.id, 'return', '发票抬头不符', by(setup.finance));
    expect(await holds('claimApprove', setup.finance, claim.id)).to.equal(false);
    expect(await holds('claimReturned', setup.orgUser, claim.id)).to.equal(true);
    const otherOrg = (await buildUser('org', { districtCode: 'BA' })).user;
    expect(await holds('claimReturned', otherOrg, claim.id)).to.equal(false);
  });

  it('a deliverable is due for its organisation within 30 days, waits for review once handed in, and comes back when returned', async () => {
    const built = await buildDeliverableContract({ districtCode: 'BA' });
    const [d] = built.deliverables;
    const otherOrg = (await buildUser('org', { districtCode: 'BA' })).user;
    setClock(new Date(`${addDays(d.dueOn, -31)}T04:00:00Z`));
    expect(await holds('deliverableDue', built.orgUser, d.id)).to.equal(false);
    setClock(new Date(`${addDays(d.dueOn, -30)}T04:00:00Z`));
    expect(await holds('deliverableDue', built.orgUser, d.id)).to.equal(true);
    expect(await holds('deliverableDue', otherOrg, d.id)).to.equal(false);
    expect(await holds('deliverableDue', built.officer, d.id)).to.equal(false);
    const org = by(built.orgUser);
    await deliverableDraftSaver(
      d.id,
      { metrics: { visits: 10, households: 10, followUps: 0 }, narrative: '本季度完成入户探访。', purpose: 'report', removeFileIds: [] },
      [],
      org,
    );
    await deliverableSubmitter(d.id, { confirmNoChildData: false }, storeFor(testConfig()), org);
    expect(await holds('deliverableDue', built.orgUser, d.id)).to.equal(false);
    expect(await holds('deliverableReview', built.officer, d.id)).to.equal(true);
    const otherOfficer = (await buildUser('officer', { districtCode: 'LHUA' })).user;
    expect(await holds('deliverableReview', otherOfficer, d.id)).to.equal(false);
    await deliverableReturner(d.id, { general: '请补充签到表' }, by(built.officer));
    expect(await holds('deliverableReview', built.officer, d.id)).to.equal(false);
    expect(await holds('deliverableReturned', built.orgUser, d.id)).to.equal(true);
    expect(await holds('deliverableReturned', otherOrg, d.id)).to.equal(false);
  });

  it('an evaluation waits for its evaluator to start and to submit, then for the officer to confirm; rectification items for the organisation', async () => {
    const { evaluation, built, evaluator } = await buildEvaluation({ status: 'scheduled' });
    const otherEvaluator = (await buildUser('evaluator')).user;
    expect(await holds('evaluationStart', evaluator, evaluation.id)).to.equal(true);
    expect(await holds('evaluationStart', otherEvaluator, evaluation.id)).to.equal(false);
    const submitted = await buildEvaluation({ status: 'submitted' });
    expect(await holds('evaluationSubmit', submitted.evaluator, submitted.evaluation.id)).to.equal(false);
    expect(await holds('evaluationConfirm', submitted.built.officer, submitted.evaluation.id)).to.equal(true);
    const inProgress = await buildEvaluation({ status: 'in_progress' });
    expect(await holds('evaluationSubmit', inProgress.evaluator, inProgress.evaluation.id)).to.equal(true);
    expect(await holds('evaluationConfirm', built.officer, evaluation.id)).to.equal(false);

    const failed = await buildEvaluation({ status: 'confirmed', scores: [3000, 3000, 3000, 3000, 3000] });
    const orgUser = (await buildUser('org', { organisation: failed.built.organisation })).user;
    const items = await RectificationItem.findAll({ where: { evaluationId: failed.evaluation.id }, order: [['seq', 'ASC']] });
    expect(items).to.have.length(2);
    expect(await holds('rectificationReport', orgUser, items[0].id)).to.equal(true);
    const otherOrg = (await buildUser('org')).user;
    expect(await holds('rectificationReport', otherOrg, items[0].id)).to.equal(false);
    await rectificationStep(failed.evaluation.id, items[0].id, 'report', '已补充服务台账', by(orgUser));
    expect(await holds('rectificationReport', orgUser, items[0].id)).to.equal(false);
    expect(await holds('rectificationClose', failed.built.officer, items[0].id)).to.equal(true);
    await rectificationStep(failed.evaluation.id, items[0].id, 'close', null, by(failed.built.officer));
    expect(await holds('rectificationClose', failed.built.officer, items[0].id)).to.equal(false);
  });

  it('a contract ending within 60 days without a final evaluation waits for its officer until one is scheduled', async () => {
    const built = await buildPaymentContract({ districtCode: 'BA' });
    setClock(new Date('2026-10-31T04:00:00Z'));
    expect(await holds('contractFinalEvaluation', built.officer, built.contract.id)).to.equal(false);
    setClock(new Date('2026-11-01T04:00:00Z'));
    expect(await holds('contractFinalEvaluation', built.officer, built.contract.id)).to.equal(true);
    const elsewhere = (await buildUser('officer', { districtCode: 'LHUA' })).user;
    expect(await holds('contractFinalEvaluation', elsewhere, built.contract.id)).to.equal(false);
    const template = await buildTemplate(built.officer);
    await evaluationScheduler(
      built.contract.id,
      { kind: 'final', templateId: template.id, periodStart: '2026-01-01', periodEnd: '2026-12-31', dueOn: '2026-12-31' },
      by(built.officer),
    );
    expect(await holds('contractFinalEvaluation', built.officer, built.contract.id)).to.equal(false);
  });

  it('an active contract without a reporting schedule waits for its officer until the schedule is set', async () => {
    const built = await buildContract({ status: 'active', districtCode: 'BA' });
    expect(await holds('contractReportingMissing', built.officer, built.contract.id)).to.equal(true);
    const finance = (await buildUser('finance', { districtCode: 'BA' })).user;
    expect(await holds('contractReportingMissing', finance, built.contract.id)).to.equal(false);
    await reportingScheduleSetter(built.contract.id, { frequency: 'quarterly', graceDays: 10, dates: [], milestones: [] }, by(built.officer));
    expect(await holds('contractReportingMissing', built.officer, built.contract.id)).to.equal(false);
  });

  it('a child director whose training lapses within 30 days waits for the district’s officer until renewed', async () => {
    const { worker } = await buildWorker({ districtCode: 'BA' });
    const officer = (await buildUser('officer', { districtCode: 'BA' })).user;
    await addTrainings(worker, [{ kind: 'initial', trainedOn: '2025-12-01' }], officer);
    setClock(new Date('2026-10-15T04:00:00Z'));
    expect(await holds('workerTrainingLapsing', officer, worker.id)).to.equal(false);
    setClock(new Date('2026-11-15T04:00:00Z'));
    expect(await holds('workerTrainingLapsing', officer, worker.id)).to.equal(true);
    const elsewhere = (await buildUser('officer', { districtCode: 'LHUA' })).user;
    expect(await holds('workerTrainingLapsing', elsewhere, worker.id)).to.equal(false);
    await addTrainings(worker, [{ kind: 'refresher', trainedOn: '2026-11-10' }], officer);
    expect(await holds('workerTrainingLapsing', officer, worker.id)).to.equal(false);
  });

  it('a budget line of this year with less than a tenth available waits for finance of its district', async () => {
    const year = Number(today().slice(0, 4));
    const line = await buildBudgetLine({ districtCode: 'BA', year, amountFen: 1_000_000 });
    const finance = (await buildUser('finance', { districtCode: 'BA' })).user;
    expect(await holds('budgetLineLow', finance, line.id)).to.equal(false);
    await buildAllocation({ status: 'approved', line, amountFen: 910_000, districtCode: 'BA' });
    expect(await holds('budgetLineLow', finance, line.id)).to.equal(true);
    const elsewhere = (await buildUser('finance', { districtCode: 'LHUA' })).user;
    expect(await holds('budgetLineLow', elsewhere, line.id)).to.equal(false);
    const officer = (await buildUser('officer', { districtCode: 'BA' })).user;
    expect(await holds('budgetLineLow', officer, line.id)).to.equal(false);
  });
});

describe('inbox: the page and the badge', () => {
  it('shows the count on every page and the items on /inbox, each linking to where it is done; an inspector has nothing to do', async () => {
    const finance = (await buildUser('finance', { districtCode: 'SS' })).user;
    const allocation = await buildAllocation({ status: 'submitted', districtCode: 'SS' });
    const agent = await loginAs(finance, TEST_PASSWORD);
    const page = await agent.get('/inbox');
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('待审批的资金安排').and.to.contain(`href="/allocations/${allocation.id}"`).and.to.contain('审批资金安排');
    const home = await agent.get('/');
    const badge = /data-testid="inbox-count">(\d+)</.exec(home.text);
    expect(Number(badge?.[1])).to.be.at.least(1);
    const one = await agent.get('/inbox?kind=allocationDecide');
    expect(one.status).to.equal(200);
    expect(one.text).to.contain(`href="/allocations/${allocation.id}"`);
    expect((await agent.get('/inbox?kind=allocationDecide&kind=x')).status).to.equal(400);
    const inspector = (await buildUser('inspector', { districtCode: 'SS' })).user;
    const calm = await (await loginAs(inspector, TEST_PASSWORD)).get('/inbox');
    expect(calm.text).to.contain('目前没有等您处理的事项').and.not.to.contain('data-testid="inbox-count"');
  });

  it('names the organisation to the officer, and only the contract to the organisation’s own people', async () => {
    const built = await buildDeliverableContract({ districtCode: 'BA' });
    const [d] = built.deliverables;
    const org = by(built.orgUser);
    await deliverableDraftSaver(
      d.id,
      { metrics: { visits: 3, households: 3, followUps: 0 }, narrative: '本季度完成入户探访。', purpose: 'report', removeFileIds: [] },
      [],
      org,
    );
    await deliverableSubmitter(d.id, { confirmNoChildData: false }, storeFor(testConfig()), org);
    const itemsOn = async (user: User, kind: string) => {
      const page = await (await loginAs(user, TEST_PASSWORD)).get(`/inbox?kind=${kind}`);
      return (page.text.match(/data-testid="inbox-item"[\s\S]*?<\/li>/g) ?? []).filter((item) => item.includes(`/deliverables/${d.id}"`));
    };
    const [toReview] = await itemsOn(built.officer, 'deliverableReview');
    expect(toReview).to.contain(built.contract.number).and.to.contain(built.organisation.name);
    await deliverableReturner(d.id, { general: '请补充签到表' }, by(built.officer));
    const [returned] = await itemsOn(built.orgUser, 'deliverableReturned');
    expect(returned).to.contain(built.contract.number).and.not.to.contain(built.organisation.name);
  });

  it('sends an anonymous visitor to sign in', async () => {
    const res = await anonymous().get('/inbox').set('Accept', 'text/html');
    expect(res.status).to.equal(302);
  });
});

/** Every SQL statement the app runs while `fn` runs (Sequelize reads `options.logging` at each query). */
async function statements(fn: () => Promise<unknown>): Promise<string[]> {
  const s = testSequelize() as unknown as { options: { logging: unknown } };
  const previous = s.options.logging;
  const seen: string[] = [];
  s.options.logging = (sql: string) => seen.push(sql);
  try {
    await fn();
  } finally {
    s.options.logging = previous;
  }
  return seen;
}

describe('inbox: constant queries', () => {
  it('the list and the badge run the same statements with ten times the data', async function () {
    this.timeout(120_000);
    const finance = (await buildUser('finance', { districtCode: 'LHUA' })).user;
    const year = Number(today().slice(0, 4));
    const grow = async (n: number) => {
      for (let i = 0; i < n; i += 1) await buildAllocation({ status: 'submitted', districtCode: 'LHUA' });
      const built = await buildPaymentContract({ districtCode: 'LHUA', instalmentFen: Array.from({ length: n }, () => 10_000) });
      for (const instalment of built.instalments) await buildPayment(built, instalment);
    };
    // A line running low (one per year, district and fund source: this year's 'other' line of 龙华).
    const line = await buildBudgetLine({ districtCode: 'LHUA', year, fundSource: 'other', amountFen: 1_000_000 });
    await buildAllocation({ status: 'approved', line, amountFen: 950_000, districtCode: 'LHUA' });
    await grow(2);
    const agent = await loginAs(finance, TEST_PASSWORD);
    await agent.get('/inbox');
    // Each read with no figure cached (services/figure-cache.ts): what it costs after a write.
    const cold = (path: string) => statements(() => (forgetCachedFigures(), agent.get(path)));
    const small = await cold('/inbox');
    const smallHome = await cold('/');
    await grow(18);
    const large = await cold('/inbox');
    const largeHome = await cold('/');
    expect(large.length).to.equal(small.length);
    expect(largeHome.length).to.equal(smallHome.length);
    // The badge is one statement on every page, whatever the number of kinds.
    expect(smallHome.filter((sql) => sql.includes('FROM notifications')).length).to.equal(1);
    const page = await agent.get('/inbox');
    // Five of each decision kind (the rest a click away) and the line running low.
    expect(page.text.match(/data-testid="inbox-item"/g)?.length).to.equal(11);
  });
});
