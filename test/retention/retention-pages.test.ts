import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { AuditEvent } from '../../models/AuditEvent.js';
import { RetentionHold, RetentionRule } from '../../models/Retention.js';
import { StoredFile } from '../../models/index.js';
import { ClaimLine } from '../../models/Claim.js';
import { setClock } from '../../server/clock.js';
import { applyRetention } from '../../server/commands/retention/retentionJob.js';
import { storeFor } from '../../server/services/storage/index.js';
import { findPersonalNumbers } from '../../server/services/identifiers.js';
import { buildDossierFixture, type DossierFixture } from '../factories/dossier.js';
import { buildUser, TEST_PASSWORD } from '../factories/index.js';
import { binaryParser, csrfFrom, loginAs, postForm } from '../support/agent.js';
import { testConfig } from '../support/hooks.js';
import { readZip } from '../support/zip.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe("retention page and the organisation's download (#20)", () => {
  let f: DossierFixture;
  before(async () => {
    f = await buildDossierFixture();
    await f.contract.update({ status: 'completed', endedAt: new Date('2019-11-30T04:00:00Z') });
  });
  after(async () => {
    setClock(null);
    await RetentionRule.update({ months: 12 }, { where: { kind: 'workerNumbers' } });
  });

  it('shows the administrator what is due, held and done; refuses a bad period beside its field; saves and audits', async () => {
    const admin = (await buildUser('admin')).user;
    const agent = await loginAs(admin, TEST_PASSWORD);
    setClock(new Date('2020-11-20T04:00:00Z'));
    const page = await agent.get('/admin/retention');
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('个人信息保存期限').and.contain('到期待删除').and.contain('法律保留').and.contain('已删除记录');
    expect(page.text).to.match(new RegExp(`data-testid="retention-due-row" data-number="${f.contract.number}"`));
    const fields = (worker: string) => ({ workerNumbers_months: worker, receiptImages_months: '36', organisationContacts_months: '24' });
    const bad = await postForm(agent, '/admin/retention', fields('0'), '/admin/retention');
    expect(bad.status).to.equal(422);
    expect(bad.text).to.contain('value="0"').and.contain('请填写 1 到 360 之间的整数月数');
    csrfFrom(bad.text);
    const ok = await postForm(agent, '/admin/retention', fields('18'), '/admin/retention');
    expect(ok.status).to.equal(303);
    expect((await RetentionRule.findByPk('workerNumbers'))!.months).to.equal(18);
    expect(await AuditEvent.count({ where: { action: 'retention_rules.update', recordId: 'workerNumbers', actorId: admin.id } })).to.equal(1);
    await RetentionRule.update({ months: 12 }, { where: { kind: 'workerNumbers' } });

    const unknown = await postForm(agent, '/admin/retention/holds', { contractNumber: 'NO-SUCH', reason: '审计' }, '/admin/retention');
    expect(unknown.status).to.equal(422);
    expect(unknown.text).to.contain('没有这个编号的合同').and.contain('value="NO-SUCH"');
    const held = await postForm(agent, '/admin/retention/holds', { contractNumber: f.contract.number, reason: '区审计局专项审计' }, '/admin/retention');
    expect(held.status).to.equal(303);
    expect(await RetentionHold.findByPk(f.contract.id)).to.not.equal(null);
    const withHold = await agent.get('/admin/retention');
    expect(withHold.text)
      .to.match(new RegExp(`data-testid="retention-held-row" data-number="${f.contract.number}"`))
      .and.contain('区审计局专项审计');
    expect(withHold.text).to.not.match(new RegExp(`data-testid="retention-due-row" data-number="${f.contract.number}"`));
    expect(withHold.text, 'the lift button asks the confirm modal first').to.match(/data-testid="release" data-confirm-first/);
    // Lifting lets the night's round delete what is due: the first post only says so, and lifts nothing.
    const asked = await postForm(agent, `/admin/retention/holds/${f.contract.id}/release`, {}, '/admin/retention');
    expect(asked.status).to.equal(200);
    expect(asked.text)
      .to.contain('data-testid="confirmation"')
      .and.contain(`解除合同 ${f.contract.number} 的法律保留`)
      .and.contain('区审计局专项审计')
      .and.contain('无法恢复');
    expect(await RetentionHold.findByPk(f.contract.id), 'nothing lifted before the confirmation').to.not.equal(null);
    const lifted = await postForm(agent, `/admin/retention/holds/${f.contract.id}/release`, { confirmed: '1' }, '/admin/retention');
    expect(lifted.status).to.equal(303);
    expect(await RetentionHold.findByPk(f.contract.id)).to.equal(null);
    expect(await AuditEvent.count({ where: { action: ['retention.hold', 'retention.release'], recordId: String(f.contract.id) } })).to.equal(2);

    for (const role of ['officer', 'inspector', 'finance'] as const) {
      const other = await loginAs((await buildUser(role)).user, TEST_PASSWORD);
      expect((await other.get('/admin/retention')).status, role).to.equal(403);
    }
  });

  it("lets the organisation download its contract's personal data (numbers masked, receipts as stored), audited; nobody else", async () => {
    setClock(null);
    const agent = await loginAs(f.orgUser, TEST_PASSWORD);
    const page = await agent.get(`/contracts/${f.contract.id}`);
    expect(page.text).to.contain('data-testid="personal-data-link"').and.contain(`/contracts/${f.contract.id}/personal-data.zip`);
    const res = await agent.get(`/contracts/${f.contract.id}/personal-data.zip`).buffer(true).parse(binaryParser);
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.equal('application/zip');
    const entries = readZip(res.body as Buffer);
    const names = entries.map((e) => e.name);
    expect(names).to.include.members(['README.txt', 'engagements.csv', 'claims.csv', 'organisation-contact.csv', 'manifest.json']);
    const engagements = entries.find((e) => e.name === 'engagements.csv')!.data.toString('utf8');
    expect(engagements).to.contain(f.worker.name).and.contain(f.worker.idNumberMasked);
    for (const e of entries.filter((x) => x.name.endsWith('.csv')))
      expect(
        findPersonalNumbers(e.data.toString('utf8')).filter((n) => n.kind === 'idNumber'),
        e.name,
      ).to.have.length(0);
    const lines = await ClaimLine.findAll({ where: { claimId: f.claim.id } });
    const receipts = await StoredFile.findAll({ where: { id: lines.map((l) => l.receiptFileId) } });
    for (const r of receipts) {
      const e = entries.find((x) => x.name.startsWith(`receipts/${r.id}-`));
      expect(e, `receipt ${r.id}`).to.not.equal(undefined);
      expect(sha(e!.data)).to.equal(r.sha256);
    }
    expect(await AuditEvent.count({ where: { action: 'contract.personal_data', recordId: String(f.contract.id), actorId: f.orgUser.id } })).to.equal(1);

    const otherOrg = await loginAs((await buildUser('org')).user, TEST_PASSWORD);
    expect((await otherOrg.get(`/contracts/${f.contract.id}/personal-data.zip`)).status).to.equal(404);
    const officer = await loginAs(f.officer, TEST_PASSWORD);
    expect((await officer.get(`/contracts/${f.contract.id}/personal-data.zip`)).status).to.equal(403);
    expect(await AuditEvent.count({ where: { action: 'contract.personal_data', recordId: String(f.contract.id) } })).to.equal(1);

    // Once every kind is deleted, the download is gone from the page; the contract page says so.
    setClock(new Date('2024-01-05T04:00:00Z'));
    await f.worker.update({ status: 'inactive' });
    await applyRetention(storeFor(testConfig()));
    const after = await agent.get(`/contracts/${f.contract.id}`);
    expect(after.text).to.not.contain('data-testid="personal-data-link"');
    expect(after.text).to.contain('data-state="done"');
    // The claim keeps its lines and amounts; its receipts say they were deleted, no preview of what is gone.
    const claimPage = await officer.get(`/claims/${f.claim.id}`);
    expect(claimPage.status).to.equal(200);
    expect(claimPage.text.match(/data-testid="receipt-deleted"/g)).to.have.length(2);
    expect(claimPage.text).to.not.contain('?inline=1');
  });
});
