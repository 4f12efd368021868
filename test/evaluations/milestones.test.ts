import { expect } from 'chai';
import { Op } from 'sequelize';
import { AuditEvent } from '../../models/index.js';
import { Instalment } from '../../models/Instalment.js';
import { evaluationConfirmer } from '../../server/commands/evaluations/evaluationConfirmer.js';
import { milestoneMarker } from '../../server/commands/payments/paymentRequester.js';
import type { ConflictError } from '../../server/errors.js';
import { buildContract } from '../factories/contracts.js';
import { buildEvaluation, by } from '../factories/evaluations.js';
import { buildPaymentContract } from '../factories/payments.js';
import { loginAs, postForm } from '../support/agent.js';
import { formValues } from '../support/forms.js';

/**
 * Issue #12, defect 5: a milestone named after an evaluation ("中期评估合格") is tied to a
 * confirmed evaluation of that kind reaching a grade, met by it alone (at its confirmation), never
 * by hand; and the page says what each missing payment button waits for.
 */

const PASSWORD = 'correct horse battery staple';
const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e,
  );

const tieInterimPass = (i: Instalment) =>
  i.update({ milestone: '中期评估合格', milestoneKind: 'evaluation', milestoneEvaluationKind: 'interim', milestoneMinGrade: 'pass' });

describe('evaluations: milestones tied to an evaluation (#12 defect 5)', () => {
  it('is chosen in the contract form beside the milestone, kept when the form comes back, and shown on the contract page', async () => {
    const { contract, officer } = await buildContract({ valueFen: 1_000_000 });
    const agent = await loginAs(officer, PASSWORD);
    const form = await agent.get(`/contracts/${contract.id}/edit`);
    expect(form.text).to.contain('name="tie_1"').and.to.contain('value="interim:pass"');
    const { _csrf, ...shown } = formValues(form.text, `/contracts/${contract.id}`);
    const res = await postForm(agent, `/contracts/${contract.id}`, {
      ...shown,
      scheduleMode: 'percent',
      figure_0: '30',
      milestone_0: '合同签订',
      figure_1: '40',
      milestone_1: '中期评估合格',
      tie_1: 'interim:pass',
      figure_2: '30',
      milestone_2: '终期评估合格',
    });
    expect(res.status, res.text.slice(0, 400)).to.equal(302);
    const rows = await Instalment.findAll({ where: { contractId: contract.id }, order: [['seq', 'ASC']] });
    expect(rows.map((i) => [i.milestoneKind, i.milestoneEvaluationKind ?? null, i.milestoneMinGrade ?? null])).to.deep.equal([
      ['manual', null, null],
      ['evaluation', 'interim', 'pass'],
      ['manual', null, null],
    ]);
    const again = await agent.get(`/contracts/${contract.id}/edit`);
    expect(again.text).to.match(/name="tie_1"[\s\S]*?<option value="interim:pass"\s*selected/);
    const page = await agent.get(`/contracts/${contract.id}`);
    expect(page.text).to.contain('中期评价').and.to.contain('合格及以上');
  });

  it('is not met by hand nor by a 不合格 interim evaluation; a confirmed interim evaluation of 合格 meets it in its own transaction, audited', async () => {
    const built = await buildPaymentContract({ lastNeedsEvaluation: true, instalmentStatus: 'scheduled' });
    const tied = built.instalments[1];
    await tieInterimPass(tied);
    const byHand = await errorOf(milestoneMarker(tied.id, by(built.officer)));
    expect((byHand as ConflictError).messageKey).to.equal('payments.errors.milestoneTiedToEvaluation');

    const officer = await loginAs(built.officer, PASSWORD);
    expect((await postForm(officer, `/payments/instalments/${tied.id}/milestone`, {})).status).to.equal(409);
    await buildEvaluation({ built, kind: 'interim', status: 'confirmed', scores: [3000, 3000] });
    expect((await tied.reload()).status).to.equal('scheduled');
    const waiting = await officer.get(`/payments/contracts/${built.contract.id}`);
    expect(waiting.text).to.match(new RegExp(`data-testid="waits-${tied.id}"[^>]*>[^<]*中期评价[^<]*合格`));
    expect(waiting.text).not.to.contain(`data-testid="request-${tied.id}"`);
    expect(waiting.text).to.match(new RegExp(`<button[^>]*disabled aria-describedby="waits-${tied.id}"[^>]*data-testid="request-blocked-${tied.id}"`));
    const contractPage = await officer.get(`/contracts/${built.contract.id}`);
    expect(contractPage.text).to.match(/中期评价[^<]*不合格/);

    // a final evaluation of 优秀 is of another kind
    await buildEvaluation({ built, kind: 'final', status: 'confirmed', scores: [9500, 9500] });
    expect((await tied.reload()).status).to.equal('scheduled');

    const passing = await buildEvaluation({ built, kind: 'interim', status: 'submitted', scores: [7000, 7000] });
    expect(passing.evaluation.grade).to.equal('pass');
    await evaluationConfirmer(passing.evaluation.id, { consequence: 'none', note: null, rectificationDeadline: null, items: [] }, by(built.officer));
    expect((await tied.reload()).status).to.equal('due');
    const audit = await AuditEvent.findOne({ where: { action: 'instalment.milestone_met', recordId: String(tied.id) } });
    expect(JSON.parse(String(audit?.detail))).to.deep.include({ metBy: 'evaluation', evaluationKind: 'interim', minGrade: 'pass' });
    const ready = await officer.get(`/payments/contracts/${built.contract.id}`);
    expect(ready.text).to.contain(`data-testid="request-${tied.id}"`);
  });

  it('asks a higher grade when told: 合格 does not meet a milestone that needs 良好', async () => {
    const built = await buildPaymentContract({ instalmentStatus: 'scheduled' });
    const tied = built.instalments[0];
    await tied.update({ milestoneKind: 'evaluation', milestoneEvaluationKind: 'spot_check', milestoneMinGrade: 'good' });
    await buildEvaluation({ built, kind: 'spot_check', status: 'confirmed', scores: [7000, 7000] });
    expect((await tied.reload()).status).to.equal('scheduled');
    await buildEvaluation({ built, kind: 'spot_check', status: 'confirmed', scores: [8500, 8500] });
    expect((await tied.reload()).status).to.equal('due');
    expect(await Instalment.count({ where: { contractId: built.contract.id, status: { [Op.ne]: 'scheduled' } } })).to.equal(1);
  });

  it('says on the payments page why the last instalment cannot be requested yet (its final evaluation), and why a hand-marked one waits', async () => {
    const built = await buildPaymentContract({ lastNeedsEvaluation: true, instalmentStatus: 'scheduled' });
    const [first, , last] = built.instalments;
    await last.update({ status: 'due' });
    const officer = await loginAs(built.officer, PASSWORD);
    const page = await officer.get(`/payments/contracts/${built.contract.id}`);
    expect(page.text).to.match(new RegExp(`data-testid="waits-${last.id}"[^>]*>[^<]*终期评价`));
    expect(page.text).to.match(new RegExp(`data-testid="waits-${first.id}"[^>]*>[^<]*标记`));
  });
});
