import { expect } from 'chai';
import { AuditEvent } from '../../models/index.js';
import { Engagement } from '../../models/Engagement.js';
import { engagementRemover } from '../../server/commands/claims/engagementEditor.js';
import type { ConflictError } from '../../server/errors.js';
import { buildClaim, buildClaimSetup } from '../factories/claims.js';
import { actorOf } from '../factories/finance.js';
import { addTrainings, buildWorker } from '../factories/workers.js';
import { fieldError, loginAs, postForm } from '../support/agent.js';
import { versionNow } from '../support/forms.js';

const PASSWORD = 'correct horse battery staple';
const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e,
  );

// Defect #12.13: a child director who leaves mid-contract stayed engaged to its end.
describe('claims: ending, correcting and removing an engagement', () => {
  it('ends an engagement early unless that orphans claimed days (422 on the page), corrects its days, and audits both', async () => {
    const s = await buildClaimSetup();
    await buildClaim(s, { month: '2026-03', lines: [{ spentOn: '2026-03-15' }] });
    const agent = await loginAs(s.orgUser, PASSWORD);
    const base = `/contracts/${s.contract.id}/engagements/${s.engagement.id}`;
    const page = (await agent.get(`/contracts/${s.contract.id}/engagements`)).text;
    expect(page).to.contain(`action="${base}/end"`);
    expect(page).to.contain('已有 1 份报销申请，不能删除');

    const v = () => versionNow(s.engagement);
    const orphaning = await postForm(agent, `${base}/end`, { rowId: String(s.engagement.id), change: 'end', endsOn: '2026-03-01', _version: await v() });
    expect(orphaning.status).to.equal(422);
    expect(fieldError(orphaning.text, 'endsOn')).to.contain('这一天之后已有报销明细');
    expect(orphaning.text).to.contain('value="2026-03-01"');
    expect((await Engagement.findByPk(s.engagement.id))!.endsOn).to.equal('2026-12-31');

    const ended = await postForm(agent, `${base}/end`, { rowId: String(s.engagement.id), change: 'end', endsOn: '2026-03-31', _version: await v() });
    expect(ended.status).to.equal(302);
    expect((await Engagement.findByPk(s.engagement.id))!.endsOn).to.equal('2026-03-31');
    const later = await postForm(agent, `${base}/end`, { rowId: String(s.engagement.id), change: 'end', endsOn: '2026-04-30', _version: await v() });
    expect(fieldError(later.text, 'endsOn')).to.contain('须早于现在的结束日期');

    const corrected = await postForm(agent, `${base}/correct`, {
      rowId: String(s.engagement.id),
      change: 'correct',
      startsOn: '2026-02-01',
      endsOn: '2026-04-15',
      _version: await v(),
    });
    expect(corrected.status).to.equal(302);
    expect((await Engagement.findByPk(s.engagement.id))!.get({ plain: true })).to.include({ startsOn: '2026-02-01', endsOn: '2026-04-15' });
    const audits = await AuditEvent.findAll({ where: { recordType: 'engagement', recordId: String(s.engagement.id) }, order: [['seq', 'ASC']] });
    expect(audits.map((a) => a.action)).to.deep.equal(['engagement.end', 'engagement.correct']);
    expect(JSON.parse(audits[0].detail!)).to.deep.include({
      before: { startsOn: '2026-01-10', endsOn: '2026-12-31' },
      after: { startsOn: '2026-01-10', endsOn: '2026-03-31' },
    });

    // Staff read the page but do not change the organisation's engagements.
    const officer = await loginAs(s.officer, PASSWORD);
    expect((await postForm(officer, `${base}/end`, { endsOn: '2026-03-20' })).status).to.be.oneOf([403, 404]);
  });

  it('removes an engagement without claims, and refuses one with claims (409: end it early instead)', async () => {
    const s = await buildClaimSetup();
    await buildClaim(s, { month: '2026-03' });
    const e = (await errorOf(engagementRemover(s.engagement.id, { actor: actorOf(s.orgUser) }))) as ConflictError;
    expect(e.status).to.equal(409);
    expect(e.messageKey).to.equal('claims.errors.engagementHasClaims');
    const { worker } = await buildWorker({ districtCode: 'FT' });
    await addTrainings(worker, [{ kind: 'initial', trainedOn: '2026-01-10' }]);
    const mistaken = await Engagement.create({
      contractId: s.contract.id,
      organisationId: s.contract.organisationId,
      districtId: s.contract.districtId,
      childWorkerId: worker.id,
      startsOn: '2026-02-01',
      endsOn: '2026-12-31',
      createdBy: s.orgUser.id,
    });
    const agent = await loginAs(s.orgUser, PASSWORD);
    const removed = await postForm(agent, `/contracts/${s.contract.id}/engagements/${mistaken.id}/delete`, {});
    expect(removed.status).to.equal(302);
    expect(await Engagement.findByPk(mistaken.id)).to.equal(null);
    expect(await Engagement.findByPk(s.engagement.id)).to.not.equal(null);
    expect(await AuditEvent.count({ where: { action: 'engagement.remove', recordId: String(mistaken.id) } })).to.equal(1);
  });
});
