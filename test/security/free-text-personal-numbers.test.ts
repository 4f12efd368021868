import { expect } from 'chai';
import { formValues, versionNow } from '../support/forms.js';
import { AuditEvent } from '../../models/index.js';
import { ClaimLine } from '../../models/Claim.js';
import { Evaluation } from '../../models/Evaluation.js';
import { EvaluationScore } from '../../models/EvaluationScore.js';
import { Organisation } from '../../models/Organisation.js';
import { RectificationItem } from '../../models/RectificationItem.js';
import { OrganisationDocument } from '../../models/OrganisationDocument.js';
import { TrainingRecord } from '../../models/TrainingRecord.js';
import { beijingDay, now } from '../../server/clock.js';
import { buildClaim, buildClaimSetup, classicFapiao } from '../factories/claims.js';
import { buildEvaluation } from '../factories/evaluations.js';
import { buildUser, TEST_PASSWORD } from '../factories/index.js';
import { buildRegisteredOrganisation, pdfBytes } from '../factories/organisations.js';
import { buildWorker } from '../factories/workers.js';
import { type Agent, csrfFrom, fieldError, loginAs, postForm } from '../support/agent.js';

/**
 * DOMAIN.md "Children's personal information": free text is checked for ID-card and phone
 * numbers and the user is warned before saving. Outside deliverables (which have their own
 * check at hand-in), every free-text field refuses numbers until the user confirms, shows them
 * masked beside the field, keeps the input, and records the confirmation in the audit trail.
 */
const PHONE = '13812345678';
const PHONE_MASKED = '138****5678';

async function signedIn(role: 'officer' | 'org', attrs: Parameters<typeof buildUser>[1] = {}): Promise<Agent> {
  const { user, password } = await buildUser(role, attrs);
  return loginAs(user, password);
}

/** A multipart form posted with its CSRF token (taken from `page`). */
async function postMultipart(agent: Agent, page: string, url: string, fields: Record<string, string>, file: { field: string; name: string }) {
  const token = csrfFrom((await agent.get(page)).text);
  let req = agent.post(`${url}?_csrf=${encodeURIComponent(token)}`);
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  return req.attach(file.field, pdfBytes('文件'), file.name);
}

/** The confirmation box shown, the number masked at the field, never in full outside the kept input. */
function expectRefusedAt(html: string, field: string) {
  const error = fieldError(html, field);
  expect(error, 'field error').to.be.a('string');
  expect(error).to.contain(PHONE_MASKED);
  expect(error).not.to.contain(PHONE);
  expect(html).to.contain('data-testid="personal-data-confirm"');
}

/** The detail of the newest audit event of an action on a record. */
async function auditDetail(action: string, recordId: number): Promise<Record<string, unknown>> {
  const [event] = await AuditEvent.findAll({ where: { action, recordId }, order: [['id', 'DESC']], limit: 1 });
  expect(event, `audit ${action}`).to.exist;
  return JSON.parse(event.detail ?? '{}');
}

describe('personal numbers in free text outside deliverables', () => {
  describe('a claim line’s description', () => {
    async function addLine(agent: Agent, claimId: number, fields: Record<string, string>) {
      const page = (await agent.get(`/claims/${claimId}`)).text;
      const token = csrfFrom(page);
      // The line form's claim version, as the page carries it (a stale one is refused, #14).
      let req = agent
        .post(`/claims/${claimId}/lines?_csrf=${encodeURIComponent(token)}`)
        .field('_version', formValues(page, `/claims/${claimId}/lines`)._version);
      for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
      return req.attach('receipt', pdfBytes('发票'), '发票.pdf');
    }

    it('is refused with the number masked beside it and the input kept, then saved after confirmation (audited)', async () => {
      const s = await buildClaimSetup();
      const claim = await buildClaim(s, { lines: [] });
      const org = await loginAs(s.orgUser, TEST_PASSWORD);
      const f = classicFapiao();
      const fields = {
        spentOn: '2026-03-05',
        kind: 'transport',
        description: `送到家长 ${PHONE} 处`,
        amount: '12.00',
        fapiaoCode: f.code,
        fapiaoNumber: f.number,
      };
      const refused = await addLine(org, claim.id, fields);
      expect(refused.status).to.equal(422);
      expectRefusedAt(refused.text, 'description');
      expect(refused.text).to.contain(f.number);
      expect(await ClaimLine.count({ where: { claimId: claim.id } })).to.equal(0);

      const saved = await addLine(org, claim.id, { ...fields, confirmPersonalData: '1' });
      expect(saved.status, saved.text).to.equal(302);
      expect(await ClaimLine.count({ where: { claimId: claim.id } })).to.equal(1);
      expect(await auditDetail('claim.add_line', claim.id)).to.deep.include({ personalDataConfirmed: ['description'] });
    });

    it('saves text without numbers at once, with no confirmation in the audit', async () => {
      const s = await buildClaimSetup();
      const claim = await buildClaim(s, { lines: [] });
      const org = await loginAs(s.orgUser, TEST_PASSWORD);
      const f = classicFapiao();
      const saved = await addLine(org, claim.id, {
        spentOn: '2026-03-05',
        kind: 'transport',
        description: '福田—南山 往返',
        amount: '12.00',
        fapiaoCode: f.code,
        fapiaoNumber: f.number,
      });
      expect(saved.status).to.equal(302);
      expect(await auditDetail('claim.add_line', claim.id)).not.to.have.property('personalDataConfirmed');
    });
  });

  describe('an organisation’s status reason', () => {
    it('is refused with the number masked beside it, the status unchanged, then saved after confirmation (audited)', async () => {
      const org = await buildRegisteredOrganisation();
      const officer = await signedIn('officer');
      const url = `/organisations/${org.id}/status`;
      const form = { status: 'suspended', reason: `负责人电话 ${PHONE} 长期无人接听` };
      const refused = await postForm(officer, url, form);
      expect(refused.status).to.equal(422);
      expectRefusedAt(refused.text, 'reason');
      expect(refused.text).to.contain('长期无人接听');
      expect((await Organisation.findByPk(org.id))!.status).to.equal('active');
      expect((await postForm(officer, url, { ...form, confirmPersonalData: '1' })).status).to.equal(302);
      expect((await Organisation.findByPk(org.id))!.status).to.equal('suspended');
      expect(await auditDetail('organisation.change_status', org.id)).to.deep.include({ personalDataConfirmed: ['reason'] });
    });
  });

  describe('a document’s title', () => {
    it('is refused, also when the file’s own name (the title by default) holds the number, then saved after confirmation (audited)', async () => {
      const own = await buildRegisteredOrganisation();
      const agent = await signedIn('org', { organisation: own });
      const url = `/organisations/${own.id}/documents`;
      const typed = await postMultipart(agent, '/', url, { docType: 'qualification', title: `联系人 ${PHONE}` }, { field: 'files', name: '资质.pdf' });
      expect(typed.status).to.equal(422);
      expectRefusedAt(typed.text, 'title');
      const named = await postMultipart(agent, '/', url, { docType: 'qualification' }, { field: 'files', name: `资质-${PHONE}.pdf` });
      expect(named.status).to.equal(422);
      expectRefusedAt(named.text, 'title');
      expect(await OrganisationDocument.count({ where: { organisationId: own.id } })).to.equal(0);
      const saved = await postMultipart(agent, '/', url, { docType: 'qualification', confirmPersonalData: '1' }, { field: 'files', name: `资质-${PHONE}.pdf` });
      expect(saved.status, saved.text.slice(0, 300)).to.equal(302);
      expect(await OrganisationDocument.count({ where: { organisationId: own.id } })).to.equal(1);
      expect(await auditDetail('organisation.upload_document', own.id)).to.deep.include({ personalDataConfirmed: ['title'] });
    });
  });

  describe('a training’s course and trainer', () => {
    it('are refused with the number masked beside the field, then recorded after confirmation (audited)', async () => {
      const officer = await signedIn('officer');
      const { worker } = await buildWorker();
      const fields = { kind: 'initial', trainedOn: beijingDay(now()), course: '儿童主任岗前培训', hours: '2', trainer: `王老师 ${PHONE}`, passed: 'yes' };
      const page = `/workers/${worker.id}/trainings/new`;
      const refused = await postMultipart(officer, page, `/workers/${worker.id}/trainings`, fields, { field: 'certificate', name: '证书.pdf' });
      expect(refused.status).to.equal(422);
      expectRefusedAt(refused.text, 'trainer');
      expect(fieldError(refused.text, 'course')).to.equal(null);
      expect(await TrainingRecord.count({ where: { childWorkerId: worker.id } })).to.equal(0);
      const saved = await postMultipart(
        officer,
        page,
        `/workers/${worker.id}/trainings`,
        { ...fields, confirmPersonalData: '1' },
        { field: 'certificate', name: '证书.pdf' },
      );
      expect(saved.status).to.equal(302);
      expect(await TrainingRecord.count({ where: { childWorkerId: worker.id } })).to.equal(1);
      expect(await auditDetail('child_worker.training', worker.id)).to.deep.include({ personalDataConfirmed: ['trainer'] });
    });
  });

  describe('evaluations: the evaluator’s comments, the organisation’s response and rectification report', () => {
    it('a comment with a number stops the submission (the draft kept), and submits after confirmation (audited)', async () => {
      const { evaluation, evaluator } = await buildEvaluation();
      const agent = await loginAs(evaluator, TEST_PASSWORD);
      const scored = await EvaluationScore.findAll({ where: { evaluationId: evaluation.id, computedCode: null }, order: [['seq', 'ASC']] });
      const form: Record<string, string> = { intent: 'submit' };
      for (const sc of scored) Object.assign(form, { [`score_${sc.seq}`]: '80', [`comment_${sc.seq}`]: '服务记录完整' });
      const first = scored[0].seq;
      form[`comment_${first}`] = `回访家长电话 ${PHONE}，满意`;
      const refused = await postForm(agent, `/evaluations/${evaluation.id}/scores`, { ...form, _version: await versionNow(evaluation) });
      expect(refused.status).to.equal(422);
      expectRefusedAt(refused.text, `comment_${first}`);
      expect((await Evaluation.findByPk(evaluation.id))!.status).not.to.equal('submitted');
      const saved = await postForm(agent, `/evaluations/${evaluation.id}/scores`, {
        _version: await versionNow(evaluation),
        ...form,
        confirmPersonalData: '1',
      });
      expect(saved.status).to.equal(302);
      expect((await Evaluation.findByPk(evaluation.id))!.status).to.equal('submitted');
      expect(await auditDetail('evaluation.submit', evaluation.id)).to.deep.include({ personalDataConfirmed: [`comment_${first}`] });
    });

    it('the response and a rectification report are refused with the number masked, then saved after confirmation (audited)', async () => {
      const { evaluation, built } = await buildEvaluation({ status: 'confirmed', scores: [3000, 3000] });
      const organisation = (await Organisation.findByPk(built.contract.organisationId))!;
      const org = await signedIn('org', { organisation });
      const item = (await RectificationItem.findOne({ where: { evaluationId: evaluation.id }, order: [['seq', 'ASC']] }))!;
      const reportUrl = `/evaluations/${evaluation.id}/rectification/${item.id}/report`;
      const report = `已联系监护人（${PHONE}）补签台账`;
      const refusedReport = await postForm(org, reportUrl, { report });
      expect(refusedReport.status).to.equal(422);
      expectRefusedAt(refusedReport.text, 'report');
      expect((await RectificationItem.findByPk(item.id))!.status).to.equal('open');
      expect((await postForm(org, reportUrl, { report, confirmPersonalData: '1' })).status).to.equal(302);
      expect(await auditDetail('rectification.report', evaluation.id)).to.deep.include({ personalDataConfirmed: ['report'] });

      const response = `如有疑问请致电 ${PHONE}`;
      const refusedResponse = await postForm(org, `/evaluations/${evaluation.id}/response`, { response });
      expect(refusedResponse.status).to.equal(422);
      expectRefusedAt(refusedResponse.text, 'response');
      expect((await Evaluation.findByPk(evaluation.id))!.response).to.equal(null);
      expect((await postForm(org, `/evaluations/${evaluation.id}/response`, { response, confirmPersonalData: '1' })).status).to.equal(302);
      expect(await auditDetail('evaluation.respond', evaluation.id)).to.deep.include({ personalDataConfirmed: ['response'] });
    });
  });
});
