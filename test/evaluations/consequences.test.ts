import { expect } from 'chai';
import { Award } from '../../models/Award.js';
import { Evaluation } from '../../models/Evaluation.js';
import { Organisation } from '../../models/index.js';
import { evaluationConfirmer } from '../../server/commands/evaluations/evaluationConfirmer.js';
import { projectAwarder } from '../../server/commands/projects/projectAwarder.js';
import type { ValidationError } from '../../server/errors.js';
import { fieldError, loginAs, postForm } from '../support/agent.js';
import { buildEvaluation, by } from '../factories/evaluations.js';
import { buildProject } from '../factories/projects.js';

const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e,
  );
const agentOf = (user: Parameters<typeof loginAs>[0]) => loginAs(user, 'correct horse battery staple');

describe('evaluations: 不合格 has a consequence, and the next award sees it (#12 defect 4)', () => {
  it('refuses to confirm 不合格 without a consequence: 422 beside the field on the evaluation page, the input kept, nothing confirmed', async () => {
    const { evaluation, built } = await buildEvaluation({ status: 'submitted', scores: [3000, 3000] });
    expect(evaluation.grade).to.equal('fail');
    const officer = await agentOf(built.officer);
    const page = await officer.get(`/evaluations/${evaluation.id}`);
    expect(page.text).to.contain('data-testid="confirm-form"');
    expect(page.text).not.to.match(/<option value="none"/);
    const res = await postForm(officer, `/evaluations/${evaluation.id}/confirm`, { consequence: 'none', note: '服务记录严重缺失' });
    expect(res.status).to.equal(422);
    expect(fieldError(res.text, 'consequence')).to.contain('不合格');
    expect(res.text).to.contain('服务记录严重缺失').and.to.contain('data-testid="confirm-form"');
    expect((await Evaluation.findByPk(evaluation.id))!.status).to.equal('submitted');
    const refused = await errorOf(
      evaluationConfirmer(evaluation.id, { consequence: 'none', note: null, rectificationDeadline: null, items: [] }, by(built.officer)),
    );
    expect((refused as ValidationError).fieldErrors.consequence).to.equal('evaluations.validation.failNeedsConsequence');
  });

  it('makes an organisation ineligible until the day the officer chose (a day to come), refused beside the field otherwise', async () => {
    const { evaluation, built } = await buildEvaluation({ status: 'submitted', scores: [3000, 3000] });
    const officer = await agentOf(built.officer);
    const past = await postForm(officer, `/evaluations/${evaluation.id}/confirm`, {
      consequence: 'ineligibility',
      ineligibleUntil: '2001-01-01',
      note: '严重违约',
    });
    expect(past.status).to.equal(422);
    expect(fieldError(past.text, 'ineligibleUntil')).to.be.a('string').and.not.equal('');
    expect(past.text).to.contain('严重违约');
    const ok = await postForm(officer, `/evaluations/${evaluation.id}/confirm`, {
      consequence: 'ineligibility',
      ineligibleUntil: '2098-06-30',
      note: '严重违约',
    });
    expect(ok.status).to.equal(302);
    const organisation = (await Organisation.findByPk(built.contract.organisationId))!;
    expect([organisation.status, organisation.ineligibleUntil]).to.deep.equal(['ineligible', '2098-06-30']);
    expect((await Evaluation.findByPk(evaluation.id))!.ineligibleUntil).to.equal('2098-06-30');
  });

  it('warns on the award page of every 不合格 evaluation and open rectification of the organisation, and awards only once the officer has seen them', async () => {
    const failed = await buildEvaluation({ status: 'confirmed', scores: [3000, 3000], consequence: 'rectification' });
    const organisationId = failed.built.contract.organisationId;
    const { project } = await buildProject({ creator: failed.built.officer, status: 'tendering' });
    const officer = await agentOf(failed.built.officer);
    const page = await officer.get(`/projects/${project.id}/award?organisationId=${organisationId}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('data-testid="organisation-warnings"').and.to.contain(`/evaluations/${failed.evaluation.id}`);
    expect(page.text).to.contain('不合格').and.to.contain('整改');
    const unseen = await postForm(officer, `/projects/${project.id}/award`, { organisationId: String(organisationId), amount: '100', reasons: '评分第一' });
    expect(unseen.status).to.equal(422);
    expect(fieldError(unseen.text, 'acknowledged')).to.be.a('string').and.not.equal('');
    expect(unseen.text).to.contain('评分第一').and.to.contain('data-testid="organisation-warnings"');
    expect(await Award.count({ where: { projectId: project.id } })).to.equal(0);
    const refused = await errorOf(
      projectAwarder(project.id, { organisationId, amount: 100, reasons: '评分第一', acknowledged: false }, by(failed.built.officer)),
    );
    expect((refused as ValidationError).fieldErrors.acknowledged).to.equal('projects.errors.acknowledgeRecord');
    const seen = await postForm(officer, `/projects/${project.id}/award`, {
      organisationId: String(organisationId),
      amount: '100',
      reasons: '评分第一',
      acknowledged: '1',
    });
    expect(seen.status).to.equal(302);
    expect(await Award.count({ where: { projectId: project.id } })).to.equal(1);
    // a second award (another officer was first) is refused on the award page, the input kept
    const again = await postForm(officer, `/projects/${project.id}/award`, {
      organisationId: String(organisationId),
      amount: '100',
      reasons: '第二次',
      acknowledged: '1',
    });
    expect(again.status).to.equal(409);
    expect(again.text).to.contain('data-testid="refusal"').and.to.contain('第二次');
  });

  it('warns of an open rectification after a passing grade too, and not once it is closed; a clean record needs no acknowledgement', async () => {
    const rectifying = await buildEvaluation({ status: 'confirmed', scores: [7000, 7000], consequence: 'rectification' });
    const { project } = await buildProject({ creator: rectifying.built.officer, status: 'tendering' });
    const officer = await agentOf(rectifying.built.officer);
    const organisationId = rectifying.built.contract.organisationId;
    const open = await officer.get(`/projects/${project.id}/award?organisationId=${organisationId}`);
    expect(open.text).to.contain('data-testid="organisation-warnings"').and.to.contain(`/evaluations/${rectifying.evaluation.id}`);
    await rectifying.evaluation.update({ rectificationClosedAt: new Date() });
    const closed = await officer.get(`/projects/${project.id}/award?organisationId=${organisationId}`);
    expect(closed.text).not.to.contain('data-testid="organisation-warnings"');
    const res = await postForm(officer, `/projects/${project.id}/award`, { organisationId: String(organisationId), amount: '100', reasons: '评分第一' });
    expect(res.status).to.equal(302);
  });
});
