import { expect } from 'chai';
import { Allocation } from '../../models/Allocation.js';
import { BudgetLine } from '../../models/BudgetLine.js';
import { Notification } from '../../models/Notification.js';
import { Project } from '../../models/Project.js';
import { type User, User as UserModel } from '../../models/index.js';
import { claimDecider, claimVerifier, claimApprover } from '../../server/commands/claims/claimWorkflow.js';
import { deliverableDraftSaver } from '../../server/commands/deliverables/deliverableDraftSaver.js';
import { deliverableAccepter, deliverableReturner } from '../../server/commands/deliverables/deliverableReviews.js';
import { deliverableSubmitter } from '../../server/commands/deliverables/deliverableSubmitter.js';
import { evaluationReturner } from '../../server/commands/evaluations/evaluationReturner.js';
import { allocationApprover } from '../../server/commands/finance/allocationApprover.js';
import { allocationRejecter } from '../../server/commands/finance/allocationRejecter.js';
import { paymentApprover } from '../../server/commands/payments/paymentApprover.js';
import { paymentPayer } from '../../server/commands/payments/paymentPayer.js';
import { paymentRejecter } from '../../server/commands/payments/paymentRejecter.js';
import { setClock, today } from '../../server/clock.js';
import { housekeeping } from '../../server/housekeeping.js';
import { translator } from '../../server/i18n/index.js';
import { notificationMessage } from '../../server/services/notifications.js';
import { storeFor } from '../../server/services/storage/index.js';
import { buildClaim, buildClaimSetup } from '../factories/claims.js';
import { buildDeliverableContract } from '../factories/deliverables.js';
import { buildEvaluation } from '../factories/evaluations.js';
import { actorOf, buildAllocation } from '../factories/finance.js';
import { buildUser, TEST_PASSWORD } from '../factories/index.js';
import { buildPayment, buildPaymentContract } from '../factories/payments.js';
import { loginAs, postForm } from '../support/agent.js';
import { testConfig } from '../support/hooks.js';

const by = (user: User) => ({ actor: actorOf(user) });
/** The notifications of `user` about one record, oldest first, as kinds. */
async function kindsOf(user: User, recordType: string, recordId: number): Promise<string[]> {
  const rows = await Notification.findAll({ where: { userId: user.id, recordType, recordId }, order: [['id', 'ASC']] });
  return rows.map((n) => n.kind);
}

describe('notifications: written with the change that causes them', () => {
  afterEach(() => setClock(null));

  it('tells the requester an allocation was approved or rejected (with the reason), and the decider nothing', async () => {
    const finance = (await buildUser('finance', { districtCode: 'BA' })).user;
    const approved = await buildAllocation({ status: 'submitted', districtCode: 'BA' });
    await allocationApprover(approved.id, by(finance));
    const requester = { id: approved.requestedBy } as User;
    expect(await kindsOf(requester, 'allocation', approved.id)).to.deep.equal(['allocationApproved']);
    expect(await kindsOf(finance, 'allocation', approved.id)).to.deep.equal([]);
    const rejected = await buildAllocation({ status: 'submitted', districtCode: 'BA' });
    await allocationRejecter(rejected.id, '项目预算重复', by(finance));
    const [n] = await Notification.findAll({ where: { userId: rejected.requestedBy, recordType: 'allocation', recordId: rejected.id } });
    expect(n.kind).to.equal('allocationRejected');
    expect(n.params).to.include({ reason: '项目预算重复', amount: '¥10,000.00' });
    expect(n.href).to.equal(`/allocations/${rejected.id}`);
    expect(n.readAt).to.equal(null);
  });

  it('reads a notice of an allocation stored before it named the project with the sentence it was sent under', () => {
    const before = { kind: 'allocationApproved', params: { id: 12, amount: '¥10,000.00' } };
    expect(notificationMessage(before, { t: translator('zh-CN'), locale: 'zh-CN' })).to.equal('您申请的资金安排 #12（¥10,000.00）已获批准。');
    expect(notificationMessage({ ...before, kind: 'allocationRejected' }, { t: translator('en'), locale: 'en' })).to.equal(
      'Your allocation #12 (¥10,000.00) was rejected.',
    );
    const now = { kind: 'allocationApproved', params: { id: 12, project: '困境儿童探访', line: '2026 一般公共预算', amount: '¥10,000.00' } };
    expect(notificationMessage(now, { t: translator('zh-CN'), locale: 'zh-CN' })).to.equal(
      '您为项目“困境儿童探访”申请的资金安排（2026 一般公共预算，¥10,000.00）已获批准。',
    );
  });

  it('writes none when the change rolls back', async () => {
    const finance = (await buildUser('finance', { districtCode: 'BA' })).user;
    const allocation = await buildAllocation({ status: 'submitted', districtCode: 'BA' });
    const failing = allocationApprover(allocation.id, by(finance), {
      afterLedger: async () => {
        throw new Error('the database went away mid-approval');
      },
    });
    await failing.then(
      () => expect.fail('should have failed'),
      (e: Error) => expect(e.message).to.contain('went away'),
    );
    expect((await Allocation.findByPk(allocation.id))!.status).to.equal('submitted');
    expect(await Notification.count({ where: { recordType: 'allocation', recordId: allocation.id } })).to.equal(0);
  });

  it('tells the officer a payment was approved, rejected or paid, and the organisation when its instalment is paid', async () => {
    const built = await buildPaymentContract({ districtCode: 'BA' });
    const approver = (await buildUser('finance', { districtCode: 'BA' })).user;
    const cashier = (await buildUser('finance', { districtCode: 'BA' })).user;
    const org = (await buildUser('org', { organisation: built.organisation, districtCode: 'BA' })).user;
    const paid = await buildPayment(built, built.instalments[0]);
    await paymentApprover(paid.id, by(approver));
    await paymentPayer(paid.id, { bankReference: 'BOC-2026-7781', paidOn: today() }, by(cashier));
    expect(await kindsOf(built.officer, 'payment', paid.id)).to.deep.equal(['paymentApproved', 'paymentPaid']);
    expect(await kindsOf(org, 'payment', paid.id)).to.deep.equal(['paymentPaid']);
    const rejected = await buildPayment(built, built.instalments[1]);
    await paymentRejecter(rejected.id, '缺少验收材料', by(approver));
    expect(await kindsOf(built.officer, 'payment', rejected.id)).to.deep.equal(['paymentRejected']);
    expect(await kindsOf(org, 'payment', rejected.id)).to.deep.equal([]);
  });

  it('tells the organisation its claim was returned, approved and paid', async () => {
    const setup = await buildClaimSetup({ districtCode: 'BA' });
    const colleague = (await buildUser('org', { organisation: setup.organisation, districtCode: 'BA' })).user;
    const claim = await buildClaim(setup, { status: 'submitted' });
    await claimDecider(claim.id, 'return', '发票抬头不符', by(setup.officer));
    expect(await kindsOf(setup.orgUser, 'claim', claim.id)).to.deep.equal(['claimReturned']);
    expect(await kindsOf(colleague, 'claim', claim.id)).to.deep.equal(['claimReturned']);
    const approved = await buildClaim(setup, { status: 'verified', month: '2026-04' });
    const approvedClaim = await claimApprover(approved.id, by(setup.finance));
    await paymentPayer(approvedClaim.paymentId!, { bankReference: 'BOC-2026-7782', paidOn: today() }, by(setup.cashier));
    expect(await kindsOf(setup.orgUser, 'claim', approved.id)).to.deep.equal(['claimApproved', 'claimPaid']);
    // Verification is a step between staff: the organisation is not told of it.
    const verified = await buildClaim(setup, { status: 'submitted', month: '2026-05' });
    await claimVerifier(verified.id, by(setup.officer));
    expect(await kindsOf(setup.orgUser, 'claim', verified.id)).to.deep.equal([]);
  });

  it('tells the organisation its deliverable was returned or accepted', async () => {
    const built = await buildDeliverableContract({ districtCode: 'BA' });
    const [d] = built.deliverables;
    const org = by(built.orgUser);
    const handIn = async () => {
      await deliverableDraftSaver(
        d.id,
        { metrics: { visits: 10, households: 10, followUps: 0 }, narrative: '本季度完成入户探访。', purpose: 'report', removeFileIds: [] },
        [],
        org,
      );
      await deliverableSubmitter(d.id, { confirmNoChildData: false }, storeFor(testConfig()), org);
    };
    await handIn();
    await deliverableReturner(d.id, { general: '请补充签到表' }, by(built.officer));
    await handIn();
    await deliverableAccepter(d.id, {}, by(built.officer));
    expect(await kindsOf(built.orgUser, 'deliverable', d.id)).to.deep.equal(['deliverableReturned', 'deliverableAccepted']);
  });

  it('tells the evaluator of an assignment and a return, the organisation and the evaluator of the confirmed result', async () => {
    const submitted = await buildEvaluation({ status: 'submitted' });
    await evaluationReturner(submitted.evaluation.id, '评分依据不足', by(submitted.built.officer));
    expect(await kindsOf(submitted.evaluator, 'evaluation', submitted.evaluation.id)).to.deep.equal(['evaluationAssigned', 'evaluationReturned']);
    const contract = await buildPaymentContract({ lastNeedsEvaluation: true, instalmentStatus: 'scheduled' });
    const org = (await buildUser('org', { organisation: contract.organisation })).user;
    const confirmed = await buildEvaluation({ status: 'confirmed', built: contract });
    expect(await kindsOf(org, 'evaluation', confirmed.evaluation.id)).to.deep.equal(['evaluationConfirmed']);
    expect(await kindsOf(confirmed.evaluator, 'evaluation', confirmed.evaluation.id)).to.deep.equal(['evaluationAssigned', 'evaluationConfirmed']);
  });

  it('housekeeping deletes notifications older than a year and keeps the rest', async () => {
    const user = (await buildUser('officer', { districtCode: 'BA' })).user;
    const at = (day: string) => new Date(`${day}T04:00:00Z`);
    const old = await Notification.create({
      userId: user.id,
      kind: 'allocationApproved',
      recordType: 'allocation',
      recordId: 1,
      href: '/allocations/1',
      params: {},
      createdAt: at('2025-01-10'),
    });
    const recent = await Notification.create({
      userId: user.id,
      kind: 'allocationApproved',
      recordType: 'allocation',
      recordId: 2,
      href: '/allocations/2',
      params: {},
      createdAt: at('2025-03-10'),
    });
    setClock(at('2026-02-01'));
    const removed = await housekeeping(testConfig());
    expect(removed.notifications).to.be.at.least(1);
    expect(await Notification.findByPk(old.id)).to.equal(null);
    expect(await Notification.findByPk(recent.id)).not.to.equal(null);
  });
});

describe('notifications: the page', () => {
  it('lists a person’s own notifications in their language, opens one (read, to its record), marks all read; another’s is 404', async () => {
    const finance = (await buildUser('finance', { districtCode: 'SS' })).user;
    const allocation = await buildAllocation({ status: 'submitted', districtCode: 'SS' });
    await allocationRejecter(allocation.id, '项目预算重复', by(finance));
    const officer = (await Notification.findOne({ where: { userId: allocation.requestedBy, recordType: 'allocation', recordId: allocation.id } }))!;
    // The notice names the project and the budget line the money was asked of, not a bare number.
    const project = (await Project.findByPk(allocation.projectId))!.title;
    const line = (await BudgetLine.findByPk(allocation.budgetLineId))!.name;
    const user = (await UserModel.findByPk(officer.userId))!;
    const agent = await loginAs(user, TEST_PASSWORD);
    const home = await agent.get('/');
    expect(home.text).to.match(/data-testid="notifications-count">1</);
    const page = await agent.get('/notifications');
    expect(page.status).to.equal(200);
    expect(page.text).to.contain(`您为项目“${project}”申请的资金安排（${line}，¥10,000.00）未获批准。 原因：项目预算重复`);
    expect(page.text).not.to.contain(`资金安排 #${allocation.id}`);
    await postForm(agent, '/lang', { lang: 'en' });
    const en = await agent.get('/notifications');
    expect(en.text).to.contain(`Your allocation for project “${project}” (${line}, ¥10,000.00) was rejected. Reason: 项目预算重复`);
    const other = await loginAs(finance, TEST_PASSWORD);
    expect((await postForm(other, `/notifications/${officer.id}/open`, {})).status).to.equal(404);
    const opened = await postForm(agent, `/notifications/${officer.id}/open`, {});
    expect(opened.status).to.equal(303);
    expect(opened.headers.location).to.equal(`/allocations/${allocation.id}`);
    expect((await Notification.findByPk(officer.id))!.readAt).not.to.equal(null);
    const unread = await agent.get('/notifications');
    expect(unread.text).to.contain('No unread notifications.');
    const all = await agent.get('/notifications?show=all');
    expect(all.text).to.contain(`Your allocation for project “${project}”`);
    await Notification.create({
      userId: user.id,
      kind: 'allocationApproved',
      recordType: 'allocation',
      recordId: allocation.id,
      href: '/allocations/1',
      params: { id: 1, amount: '¥1.00' },
      createdAt: new Date(),
    });
    expect((await postForm(agent, '/notifications/read-all', {})).status).to.equal(303);
    expect(await Notification.count({ where: { userId: user.id, readAt: null } })).to.equal(0);
    expect((await agent.get('/notifications?show=some')).status).to.equal(400);
  });
});
