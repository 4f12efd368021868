import { expect } from 'chai';
import { AuditEvent } from '../../models/index.js';
import { ClaimLine } from '../../models/Claim.js';
import { buildClaim, buildClaimSetup, classicFapiao } from '../factories/claims.js';
import { TEST_PASSWORD } from '../factories/index.js';
import { pdfBytes } from '../factories/organisations.js';
import { type Agent, csrfFrom, fieldError, loginAs } from '../support/agent.js';

/**
 * DOMAIN.md "Children's personal information": free text is checked for ID-card and phone
 * numbers and the user is warned before saving. Outside deliverables (which have their own
 * check at hand-in), every free-text field refuses numbers until the user confirms, shows them
 * masked beside the field, keeps the input, and records the confirmation in the audit trail.
 */
const PHONE = '13812345678';
const PHONE_MASKED = '138****5678';

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
      const token = csrfFrom((await agent.get(`/claims/${claimId}`)).text);
      let req = agent.post(`/claims/${claimId}/lines?_csrf=${encodeURIComponent(token)}`);
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
});
