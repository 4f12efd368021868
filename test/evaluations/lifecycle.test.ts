import { expect } from 'chai';
import { Award } from '../../models/Award.js';
import { Evaluation } from '../../models/Evaluation.js';
import { EvaluationScore } from '../../models/EvaluationScore.js';
import { AuditEvent, Organisation, User } from '../../models/index.js';
import { OrganisationStatusChange } from '../../models/OrganisationStatusChange.js';
import { RectificationItem } from '../../models/RectificationItem.js';
import { evaluationAssigner } from '../../server/commands/evaluations/evaluationAssigner.js';
import { evaluationConfirmer } from '../../server/commands/evaluations/evaluationConfirmer.js';
import { evaluationResponder } from '../../server/commands/evaluations/evaluationResponder.js';
import { evaluationReturner } from '../../server/commands/evaluations/evaluationReturner.js';
import { rectificationStep } from '../../server/commands/evaluations/rectificationStep.js';
import { evaluationScheduler } from '../../server/commands/evaluations/evaluationScheduler.js';
import { scoreSaver } from '../../server/commands/evaluations/scoreSaver.js';
import { paymentRequester } from '../../server/commands/payments/paymentRequester.js';
import { projectAwarder } from '../../server/commands/projects/projectAwarder.js';
import { ConflictError, NotFoundError, type ValidationError } from '../../server/errors.js';
import { recordAudit } from '../../server/services/audit.js';
import { financialCompliance } from '../../server/services/evaluation-indicators.js';
import { buildEvaluation, buildTemplate, by } from '../factories/evaluations.js';
import { buildClaim, buildClaimSetup } from '../factories/claims.js';
import { buildUser } from '../factories/index.js';
import { buildPayment, buildPaymentContract } from '../factories/payments.js';
import { buildProject } from '../factories/projects.js';

const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e,
  );
const confirmNone = { consequence: 'none' as const, note: null, rectificationDeadline: null, items: [] };

describe('evaluations: scheduling, scoring, confirmation and consequences', () => {
  it('refuses an evaluator who belongs to the organisation or took part in the award (422), and takes any other', async () => {
    const { evaluation, built } = await buildEvaluation();
    const member = (await buildUser('evaluator')).user;
    await User.update({ organisationId: built.contract.organisationId }, { where: { id: member.id } });
    const e1 = await errorOf(evaluationAssigner(evaluation.id, member.id, by(built.officer)));
    expect((e1 as ValidationError).fieldErrors.evaluatorId).to.equal('evaluations.errors.recusalOrganisation');
    const awarder = (await buildUser('evaluator')).user;
    await Award.update({ awardedBy: awarder.id }, { where: { id: built.contract.awardId } });
    const e2 = await errorOf(evaluationAssigner(evaluation.id, awarder.id, by(built.officer)));
    expect((e2 as ValidationError).fieldErrors.evaluatorId).to.equal('evaluations.errors.recusalAward');
    const stepped = (await buildUser('evaluator')).user;
    // someone with a step in the project's audit trail (a user whose role has since changed)
    await recordAudit({
      actor: { id: stepped.id, username: stepped.username, role: 'officer' },
      action: 'project.tender',
      recordType: 'project',
      recordId: built.contract.projectId,
    });
    const e3 = await errorOf(evaluationAssigner(evaluation.id, stepped.id, by(built.officer)));
    expect((e3 as ValidationError).fieldErrors.evaluatorId).to.equal('evaluations.errors.recusalAward');
    const notEvaluator = (await buildUser('finance')).user;
    expect(((await errorOf(evaluationAssigner(evaluation.id, notEvaluator.id, by(built.officer)))) as ValidationError).fieldErrors.evaluatorId).to.equal(
      'evaluations.validation.evaluator',
    );
    const fine = (await buildUser('evaluator', { districtCode: 'SZ' })).user;
    expect((await evaluationAssigner(evaluation.id, fine.id, by(built.officer))).evaluatorId).to.equal(fine.id);
  });

  it('runs scheduled → in_progress → submitted → (returned) → confirmed, with 409 on refused moves and the grade from the truncated total', async () => {
    const { evaluation, built, evaluator } = await buildEvaluation({ status: 'in_progress', scores: [8599, 9000] });
    expect(evaluation.status).to.equal('in_progress');
    expect(((await errorOf(evaluationConfirmer(evaluation.id, confirmNone, by(built.officer)))) as ConflictError).messageKey).to.equal(
      'evaluations.errors.cannot.confirm',
    );
    expect(await errorOf(evaluationReturner(evaluation.id, '理由', by(built.officer)))).to.be.instanceOf(ConflictError);
    // another evaluator cannot touch it
    const stranger = (await buildUser('evaluator')).user;
    expect(await errorOf(scoreSaver(evaluation.id, {}, true, by(stranger)))).to.be.instanceOf(NotFoundError);
    const submitted = await scoreSaver(evaluation.id, {}, true, by(evaluator));
    // 20 × 100 (no payment: nothing non-compliant) + 50 × 85.99 + 30 × 90.00 = 89.995 → 89.99, 良好
    expect(submitted.status).to.equal('submitted');
    expect(submitted.totalHundredths).to.equal(8999);
    expect(submitted.grade).to.equal('good');
    expect(await errorOf(scoreSaver(evaluation.id, {}, true, by(evaluator)))).to.be.instanceOf(ConflictError);
    const returned = await evaluationReturner(evaluation.id, '服务质量评分依据不足', by(built.officer));
    expect([returned.status, returned.returnReason, returned.grade]).to.deep.equal(['in_progress', '服务质量评分依据不足', null]);
    const scored = await EvaluationScore.findOne({ where: { evaluationId: evaluation.id, seq: 2 } });
    await scoreSaver(evaluation.id, { 2: { score: 9000, comment: '补充了依据' } }, true, by(evaluator));
    const confirmed = await evaluationConfirmer(evaluation.id, { ...confirmNone, consequence: 'reward', note: '通报表扬' }, by(built.officer));
    expect([confirmed.status, confirmed.totalHundredths, confirmed.grade, confirmed.consequence]).to.deep.equal(['confirmed', 9200, 'excellent', 'reward']);
    expect(scored).to.not.equal(null);
    const actions = (await AuditEvent.findAll({ where: { recordType: 'evaluation', recordId: String(evaluation.id) }, order: [['id', 'ASC']] })).map(
      (e) => e.action,
    );
    expect(actions).to.deep.equal([
      'evaluation.schedule',
      'evaluation.assign',
      'evaluation.start',
      'evaluation.submit',
      'evaluation.return',
      'evaluation.submit',
      'evaluation.confirm',
    ]);
  });

  it('refuses to submit without a score and a comment for each scored indicator (422), or when a computed indicator has nothing to compute from (409: a contract without targets)', async () => {
    const { evaluation, evaluator } = await buildEvaluation();
    const e = await errorOf(scoreSaver(evaluation.id, { 2: { score: 8000, comment: '' } }, true, by(evaluator)));
    expect((e as ValidationError).fieldErrors.score_2).to.equal('evaluations.validation.scoreAndComment');
    const built = await buildPaymentContract();
    const template = await buildTemplate(built.officer, [
      { name: '目标完成率', computedCode: 'target_completion', weight: 40, scale: null },
      { name: '服务质量', computedCode: null, weight: 60, scale: '综合评分' },
    ]);
    const other = await buildEvaluation({ built, template, status: 'in_progress' });
    const refused = await errorOf(scoreSaver(other.evaluation.id, {}, true, by(other.evaluator)));
    expect((refused as ConflictError).messageKey).to.equal('evaluations.errors.indicatorUnavailable');
    const row = await EvaluationScore.findOne({ where: { evaluationId: other.evaluation.id, computedCode: 'target_completion' } });
    expect(row!.scoreHundredths).to.equal(null);
    expect((await Evaluation.findByPk(other.evaluation.id))!.status).to.equal('in_progress');
  });

  it('computes financial compliance from the contract’s payments in the period, with the records it came from', async () => {
    const built = await buildPaymentContract();
    const period = { start: '2020-01-01', end: '2099-12-31' };
    const none = await financialCompliance(built.contract, period);
    expect(none).to.deep.include({ available: true, scoreHundredths: 10000, part: 0, whole: 0 });
    const p1 = await buildPayment(built, built.instalments[0], { status: 'approved' });
    const p2 = await buildPayment(built, built.instalments[1], { status: 'rejected' });
    const p3 = await buildPayment(built, built.instalments[2], { status: 'requested' });
    const value = await financialCompliance(built.contract, period);
    if (!value.available) throw new Error('financial compliance must be available');
    expect([value.part, value.whole, value.scoreHundredths]).to.deep.equal([2, 3, 6666]);
    expect(value.sources.map((s) => [s.id, s.state, s.counts])).to.deep.equal([
      [p1.id, 'approved', true],
      [p2.id, 'rejected', false],
      [p3.id, 'requested', true],
    ]);
    const outside = await financialCompliance(built.contract, { start: '2000-01-01', end: '2000-12-31' });
    expect(outside).to.deep.include({ whole: 0 });
  });

  it('counts the contract’s claims in financial compliance: a rejected (or returned) claim is out of order, a draft is not counted', async () => {
    const setup = await buildClaimSetup();
    const inOrder = await buildClaim(setup, { month: '2026-03', status: 'submitted' });
    const rejected = await buildClaim(setup, { month: '2026-04', status: 'submitted' });
    await rejected.update({ status: 'rejected' });
    await buildClaim(setup, { month: '2026-05' }); // a draft: never handed in
    const value = await financialCompliance(setup.contract, { start: '2020-01-01', end: '2099-12-31' });
    if (!value.available) throw new Error('financial compliance must be available');
    expect(value.sources.map((s) => [s.kind, s.id, s.counts])).to.deep.equal([
      ['claim', inOrder.id, true],
      ['claim', rejected.id, false],
    ]);
    expect(value.scoreHundredths).to.equal(5000);
  });

  it('checks the consequence against the grade, and keeps a rectification through report, reopen and close by both sides', async () => {
    const { evaluation, built } = await buildEvaluation({ status: 'submitted', scores: [7000, 7000] });
    expect(evaluation.grade).to.equal('pass');
    const wrong = await errorOf(evaluationConfirmer(evaluation.id, { ...confirmNone, consequence: 'reward' }, by(built.officer)));
    expect((wrong as ValidationError).fieldErrors.consequence).to.equal('evaluations.validation.consequenceForGrade');
    const noItems = await errorOf(
      evaluationConfirmer(evaluation.id, { ...confirmNone, consequence: 'rectification', rectificationDeadline: '2099-01-01' }, by(built.officer)),
    );
    expect((noItems as ValidationError).fieldErrors.item_0).to.equal('evaluations.validation.rectificationItems');
    const past = await errorOf(
      evaluationConfirmer(
        evaluation.id,
        { ...confirmNone, consequence: 'rectification', rectificationDeadline: '2000-01-01', items: ['x'] },
        by(built.officer),
      ),
    );
    expect((past as ValidationError).fieldErrors.rectificationDeadline).to.equal('evaluations.validation.deadlineFuture');
    await evaluationConfirmer(
      evaluation.id,
      { consequence: 'rectification', note: '限期整改', rectificationDeadline: '2099-01-01', items: ['完善服务台账', '补充督导记录'] },
      by(built.officer),
    );
    const items = await RectificationItem.findAll({ where: { evaluationId: evaluation.id }, order: [['seq', 'ASC']] });
    expect(items.map((i) => [i.seq, i.status])).to.deep.equal([
      [1, 'open'],
      [2, 'open'],
    ]);
    const orgUser = (await buildUser('org', { organisation: (await Organisation.findByPk(built.contract.organisationId))! })).user;
    const otherOrg = (await buildUser('org')).user;
    expect(await errorOf(rectificationStep(evaluation.id, items[0].id, 'report', '已完善', by(otherOrg)))).to.be.instanceOf(NotFoundError);
    expect(await errorOf(rectificationStep(evaluation.id, items[0].id, 'close', null, by(built.officer)))).to.be.instanceOf(ConflictError);
    await rectificationStep(evaluation.id, items[0].id, 'report', '已完善台账', by(orgUser));
    await rectificationStep(evaluation.id, items[0].id, 'reopen', '台账仍缺三月', by(built.officer));
    expect((await RectificationItem.findByPk(items[0].id))!.status).to.equal('open');
    for (const item of items) {
      await rectificationStep(evaluation.id, item.id, 'report', '已整改', by(orgUser));
      await rectificationStep(evaluation.id, item.id, 'close', null, by(built.officer));
    }
    expect((await Evaluation.findByPk(evaluation.id))!.rectificationClosedAt).to.be.instanceOf(Date);
    await evaluationResponder(evaluation.id, '我们接受评价结果并已整改。', by(orgUser));
    expect((await Evaluation.findByPk(evaluation.id))!.response).to.equal('我们接受评价结果并已整改。');
    expect(await errorOf(evaluationResponder(evaluation.id, '再说一次', by(orgUser)))).to.be.instanceOf(ConflictError);
    expect(await errorOf(evaluationResponder(evaluation.id, '别人的', by(otherOrg)))).to.be.instanceOf(NotFoundError);
  });

  it('makes a 不合格 organisation ineligible for the next year, which the award then refuses', async () => {
    const { evaluation, built } = await buildEvaluation({ status: 'submitted', scores: [3000, 3000] });
    expect(evaluation.grade).to.equal('fail');
    await evaluationConfirmer(evaluation.id, { ...confirmNone, consequence: 'ineligibility', note: '严重违约' }, by(built.officer));
    const organisation = (await Organisation.findByPk(built.contract.organisationId))!;
    const nextYear = new Date().getUTCFullYear() + 1;
    expect([organisation.status, organisation.ineligibleUntil]).to.deep.equal(['ineligible', `${nextYear}-12-31`]);
    expect(organisation.eligibleOn(`${nextYear}-06-30`)).to.equal(false);
    expect(organisation.eligibleOn(`${nextYear + 1}-01-01`)).to.equal(true);
    expect(await OrganisationStatusChange.count({ where: { organisationId: organisation.id, toStatus: 'ineligible' } })).to.equal(1);
    const tendering = await buildProject({ status: 'tendering', creator: built.officer });
    const refused = await errorOf(
      projectAwarder(tendering.project.id, { organisationId: organisation.id, amount: 100_000, reasons: '综合评分第一' }, by(built.officer)),
    );
    expect((refused as ValidationError).fieldErrors.organisationId).to.equal('projects.errors.organisationIneligible');
  });

  it('lets the final instalment be requested only after a confirmed final evaluation of at least 合格', async () => {
    const failed = await buildEvaluation({ status: 'confirmed', scores: [2000, 2000] });
    expect(failed.evaluation.grade).to.equal('fail');
    const last = failed.built.instalments[2];
    await last.update({ status: 'due' });
    expect(((await errorOf(paymentRequester(last.id, by(failed.built.officer)))) as ConflictError).messageKey).to.equal('payments.errors.needsFinalEvaluation');

    const submitted = await buildEvaluation({ status: 'submitted', scores: [6000, 6000] });
    const lastOfSubmitted = submitted.built.instalments[2];
    await lastOfSubmitted.update({ status: 'due' });
    expect(await errorOf(paymentRequester(lastOfSubmitted.id, by(submitted.built.officer)))).to.be.instanceOf(ConflictError);
    await evaluationConfirmer(submitted.evaluation.id, confirmNone, by(submitted.built.officer));
    const payment = await paymentRequester(lastOfSubmitted.id, by(submitted.built.officer));
    expect(payment.status).to.equal('requested');

    // an interim evaluation of 优秀 does not open it
    const interim = await buildEvaluation({ status: 'confirmed', kind: 'interim', scores: [9500, 9500] });
    await interim.built.instalments[2].update({ status: 'due' });
    expect(await errorOf(paymentRequester(interim.built.instalments[2].id, by(interim.built.officer)))).to.be.instanceOf(ConflictError);
  });

  it('schedules only within the term of an active contract of the officer’s district, one final evaluation per contract', async () => {
    const { built, template } = await buildEvaluation();
    const form = { kind: 'final' as const, templateId: template.id, periodStart: '2026-01-01', periodEnd: '2026-12-31', dueOn: '2026-12-31' };
    expect(((await errorOf(evaluationScheduler(built.contract.id, form, by(built.officer)))) as ConflictError).messageKey).to.equal(
      'evaluations.errors.finalExists',
    );
    const outside = await errorOf(
      evaluationScheduler(built.contract.id, { ...form, kind: 'interim', periodEnd: '2027-03-31', dueOn: '2027-03-31' }, by(built.officer)),
    );
    expect((outside as ValidationError).fieldErrors.periodEnd).to.equal('evaluations.validation.periodInTerm');
    const stranger = (await buildUser('officer', { districtCode: 'NS' })).user;
    expect(await errorOf(evaluationScheduler(built.contract.id, { ...form, kind: 'interim' }, by(stranger)))).to.be.instanceOf(NotFoundError);
    const interim = await evaluationScheduler(built.contract.id, { ...form, kind: 'interim', periodEnd: '2026-06-30', dueOn: '2026-07-15' }, by(built.officer));
    expect(await EvaluationScore.count({ where: { evaluationId: interim.id } })).to.equal(3);
  });
});
