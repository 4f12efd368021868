import { expect } from 'chai';
import { versionNow } from '../support/forms.js';
import { Evaluation } from '../../models/Evaluation.js';
import { EvaluationScore } from '../../models/EvaluationScore.js';
import { AuditEvent } from '../../models/index.js';
import { type Agent, fieldError, loginAs, postForm } from '../support/agent.js';
import { buildEvaluation, buildTemplate, INDICATORS } from '../factories/evaluations.js';
import type { IndicatorInput } from '../../server/schemas/evaluations.js';

/** Timeliness (computed, 20: no deliverable is ever due on these contracts) and two scored indicators (50 + 30). */
const WITH_TIMELINESS: IndicatorInput[] = [{ name: '按时提交率', computedCode: 'timeliness', weight: 20, scale: null }, INDICATORS[1]!, INDICATORS[2]!];

const agentOf = (user: Parameters<typeof loginAs>[0]): Promise<Agent> => loginAs(user, 'correct horse battery staple');
const scores = { score_2: '80', comment_2: '服务记录完整', score_3: '70', comment_3: '满意度一般' };

describe('evaluations: an evaluation that cannot be submitted is not stuck (#12 defect 1)', () => {
  it('disables submit with the reason, keeps the typed scores on a refusal shown on the page, and the officer marks the indicator not applicable (weights scaled to 100, audited)', async () => {
    const first = await buildEvaluation();
    const template = await buildTemplate(first.built.officer, WITH_TIMELINESS);
    const { evaluation, built, evaluator } = await buildEvaluation({ template, kind: 'interim', built: first.built });
    const agent = await agentOf(evaluator);
    const page = await agent.get(`/evaluations/${evaluation.id}`);
    expect(page.text).to.contain('data-testid="submit-block"');
    expect(page.text).to.match(/data-testid="submit" disabled aria-describedby="submit-block"/);
    expect(page.text).to.contain('没有可计算的数据');

    // the page's script saves a draft as the evaluator types: no page, the version its save made (#14)
    const autosaved = await postForm(agent, `/evaluations/${evaluation.id}/scores`, {
      _version: await versionNow(evaluation),
      intent: 'autosave',
      score_2: '75',
      comment_2: '',
    });
    expect(autosaved.status).to.equal(200);
    expect(autosaved.body.version).to.equal(Number(await versionNow(evaluation)));
    expect((await EvaluationScore.findOne({ where: { evaluationId: evaluation.id, seq: 2 } }))!.scoreHundredths).to.equal(7500);
    // the button is disabled, but a replayed or scripted submit is refused on the page itself, the input kept and saved
    const refused = await postForm(agent, `/evaluations/${evaluation.id}/scores`, { _version: await versionNow(evaluation), intent: 'submit', ...scores });
    expect(refused.status).to.equal(409);
    expect(refused.text).to.contain('data-testid="refusal"');
    expect(refused.text).to.contain('已填写的评分已保存为草稿');
    expect(refused.text).to.contain('data-testid="score-form"');
    expect(refused.text).to.contain('value="80"');
    const saved = await EvaluationScore.findAll({ where: { evaluationId: evaluation.id }, order: [['seq', 'ASC']] });
    expect(saved.map((s) => s.scoreHundredths)).to.deep.equal([null, 8000, 7000]);
    expect((await Evaluation.findByPk(evaluation.id))!.status).to.equal('in_progress');
    // and the page read again shows them
    expect((await agent.get(`/evaluations/${evaluation.id}`)).text).to.contain('满意度一般');

    const officer = await agentOf(built.officer);
    const officerPage = await officer.get(`/evaluations/${evaluation.id}`);
    expect(officerPage.text).to.contain('data-testid="not-applicable-form"');
    expect(officerPage.text).to.contain('data-testid="cancel-form"');
    const noReason = await postForm(officer, `/evaluations/${evaluation.id}/not-applicable`, { seq: '1', naReason: '', intent: 'mark' });
    expect(noReason.status).to.equal(422);
    expect(fieldError(noReason.text, 'naReason')).to.equal('此项为必填项。');
    const scored = await postForm(officer, `/evaluations/${evaluation.id}/not-applicable`, { seq: '2', naReason: '评估人员评分', intent: 'mark' });
    expect(scored.status).to.equal(422);
    const marked = await postForm(officer, `/evaluations/${evaluation.id}/not-applicable`, { seq: '1', naReason: '中期内没有到期的服务成果', intent: 'mark' });
    expect(marked.status).to.equal(302);
    const audit = await AuditEvent.findOne({ where: { action: 'evaluation.not_applicable', recordId: evaluation.id } });
    expect(audit).to.not.equal(null);
    const scaled = await agent.get(`/evaluations/${evaluation.id}`);
    expect(scaled.text).to.contain('data-testid="not-applicable"');
    expect(scaled.text).to.contain('中期内没有到期的服务成果');
    expect(scaled.text).to.contain('62.50');
    expect(scaled.text).to.contain('37.50');
    expect(scaled.text).not.to.contain('data-testid="submit-block"');

    const submitted = await postForm(agent, `/evaluations/${evaluation.id}/scores`, { _version: await versionNow(evaluation), intent: 'submit', ...scores });
    expect(submitted.status).to.equal(302);
    const done = (await Evaluation.findByPk(evaluation.id))!;
    // (50 × 80 + 30 × 70) / 80 = 76.25 → 合格
    expect([done.status, done.totalHundredths, done.grade]).to.deep.equal(['submitted', 7625, 'pass']);
    // the printed report says so too
    const report = await officer.get(`/evaluations/${evaluation.id}/report`);
    expect(report.text).to.contain('不适用');
    expect(report.text).to.contain('中期内没有到期的服务成果');
    expect(report.text).to.contain('62.50（50）');
  });

  it('the officer cancels a scheduled or in-progress evaluation with a reason (audited), which then blocks no new final one; a submitted one is refused on its page', async () => {
    const { evaluation, built, evaluator } = await buildEvaluation({ status: 'in_progress' });
    const officer = await agentOf(built.officer);
    const noReason = await postForm(officer, `/evaluations/${evaluation.id}/cancel`, { reason: '' });
    expect(noReason.status).to.equal(422);
    const again = await postForm(officer, `/evaluations?contractId=${built.contract.id}`, {
      kind: 'final',
      templateId: String(evaluation.templateId),
      periodStart: '2026-01-01',
      periodEnd: '2026-12-31',
      dueOn: '2026-12-31',
    });
    // still open: a second final is refused on the scheduling form, not on a generic page
    expect(again.status).to.equal(409);
    expect(again.text).to.contain('data-testid="schedule-form"');
    expect(again.text).to.contain('该合同已有终期评价；');
    const cancelled = await postForm(officer, `/evaluations/${evaluation.id}/cancel`, { reason: '模板指标与合同不符' });
    expect(cancelled.status).to.equal(302);
    const row = (await Evaluation.findByPk(evaluation.id))!;
    expect([row.status, row.cancelReason, row.cancelledBy]).to.deep.equal(['cancelled', '模板指标与合同不符', built.officer.id]);
    expect(await AuditEvent.count({ where: { action: 'evaluation.cancel', recordId: evaluation.id } })).to.equal(1);
    const shown = await officer.get(`/evaluations/${evaluation.id}`);
    expect(shown.text).to.contain('已取消');
    expect(shown.text).to.contain('模板指标与合同不符');
    expect(shown.text).not.to.contain('data-testid="cancel-form"');
    expect((await (await agentOf(evaluator)).get(`/evaluations/${evaluation.id}`)).text).not.to.contain('data-testid="score-form"');
    const rescheduled = await postForm(officer, `/evaluations?contractId=${built.contract.id}`, {
      kind: 'final',
      templateId: String(evaluation.templateId),
      periodStart: '2026-01-01',
      periodEnd: '2026-12-31',
      dueOn: '2026-12-31',
    });
    expect(rescheduled.status).to.equal(302);

    const submitted = await buildEvaluation({ status: 'submitted', kind: 'interim', built });
    const late = await postForm(officer, `/evaluations/${submitted.evaluation.id}/cancel`, { reason: '太晚' });
    expect(late.status).to.equal(409);
    expect(late.text).to.contain('data-testid="refusal"');
    expect(late.text).to.contain('data-testid="facts"');
  });

  it('the officer changes the template before scoring starts (indicators replaced, audited), not after; scheduling warns of an indicator with nothing to compute from', async () => {
    const { evaluation, built, evaluator } = await buildEvaluation();
    const other = await buildTemplate(built.officer, WITH_TIMELINESS);
    const officer = await agentOf(built.officer);
    expect((await officer.get(`/evaluations/${evaluation.id}`)).text).to.contain('data-testid="template-form"');
    expect((await postForm(officer, `/evaluations/${evaluation.id}/template`, { templateId: String(other.id) })).status).to.equal(302);
    const names = (await EvaluationScore.findAll({ where: { evaluationId: evaluation.id }, order: [['seq', 'ASC']] })).map((s) => s.name);
    expect(names[0]).to.equal('按时提交率');
    expect((await Evaluation.findByPk(evaluation.id))!.templateId).to.equal(other.id);
    expect(await AuditEvent.count({ where: { action: 'evaluation.change_template', recordId: evaluation.id } })).to.equal(1);
    await postForm(await agentOf(evaluator), `/evaluations/${evaluation.id}/scores`, {
      _version: await versionNow(evaluation),
      intent: 'save',
      score_2: '80',
      comment_2: '',
    });
    const late = await postForm(officer, `/evaluations/${evaluation.id}/template`, { templateId: String(evaluation.templateId) });
    expect(late.status).to.equal(409);
    expect(late.text).to.contain('不能再更换模板');

    const scheduled = await postForm(officer, `/evaluations?contractId=${built.contract.id}`, {
      kind: 'interim',
      templateId: String(other.id),
      periodStart: '2026-01-01',
      periodEnd: '2026-06-30',
      dueOn: '2026-07-31',
    });
    expect(scheduled.status).to.equal(302);
    const next = await officer.get(scheduled.headers.location!);
    expect(next.text).to.contain('目前没有可计算的数据');
    expect(next.text).to.contain('按时提交率');
  });
});
