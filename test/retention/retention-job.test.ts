import { expect } from 'chai';
import { AuditEvent } from '../../models/AuditEvent.js';
import { ChildWorker } from '../../models/ChildWorker.js';
import { ClaimLine } from '../../models/Claim.js';
import { Organisation, StoredFile } from '../../models/index.js';
import { RetentionAction, RetentionHold, RetentionRule } from '../../models/Retention.js';
import { applyRetention, retentionDueOn } from '../../server/commands/retention/retentionJob.js';
import { setClock, today } from '../../server/clock.js';
import { retentionRound, untilRetentionHour } from '../../server/housekeeping.js';
import { recordAudit, verifyAuditChain } from '../../server/services/audit.js';
import { verifyLedger } from '../../server/services/ledger.js';
import { storeFor } from '../../server/services/storage/index.js';
import { buildDossierFixture, type DossierFixture } from '../factories/dossier.js';
import { buildUser, TEST_PASSWORD } from '../factories/index.js';
import { loginAs, postForm } from '../support/agent.js';
import { testConfig } from '../support/hooks.js';

/**
 * The retention job under a frozen clock (#20). The fixture's contract ends on 2019-12-31, long
 * before any other test's contracts (which end in 2026 or later), so a round on a day of 2020–2022
 * can only reach this file's contracts.
 */
const store = () => storeFor(testConfig());
const ENDED = new Date('2019-12-31T04:00:00Z');

async function roundOn(day: string) {
  setClock(new Date(`${day}T04:00:00Z`));
  return applyRetention(store(), today());
}

async function endedFixture(): Promise<DossierFixture> {
  setClock(null);
  const f = await buildDossierFixture();
  await f.contract.update({ status: 'completed', endedAt: ENDED });
  await f.worker.update({ status: 'inactive' });
  await f.organisation.update({ contactName: '王小明', contactPhone: '13800138000', contactEmail: 'wang@example.org' });
  return f;
}

async function receipts(f: DossierFixture): Promise<StoredFile[]> {
  const lines = await ClaimLine.findAll({ where: { claimId: f.claim.id } });
  return StoredFile.findAll({ where: { id: lines.map((l) => l.receiptFileId) }, order: [['id', 'ASC']] });
}

async function snapshot(f: DossierFixture) {
  const lines = await ClaimLine.findAll({ where: { claimId: f.claim.id }, order: [['id', 'ASC']] });
  return lines.map((l) => ({ amountFen: l.amountFen, fapiaoKey: l.fapiaoKey, spentOn: l.spentOn, receiptFileId: l.receiptFileId }));
}

describe('retention of personal data (frozen clock)', () => {
  before(async () => {
    // 12 months for workers' numbers, 24 for receipts, 6 for contacts: due 2020-12-31, 2021-12-31, 2020-06-30.
    await RetentionRule.update({ months: 12 }, { where: { kind: 'workerNumbers' } });
    await RetentionRule.update({ months: 24 }, { where: { kind: 'receiptImages' } });
    await RetentionRule.update({ months: 6 }, { where: { kind: 'organisationContacts' } });
  });
  after(async () => {
    setClock(null);
    await RetentionRule.update({ months: 12 }, { where: { kind: 'workerNumbers' } });
    await RetentionRule.update({ months: 36 }, { where: { kind: 'receiptImages' } });
    await RetentionRule.update({ months: 24 }, { where: { kind: 'organisationContacts' } });
  });

  it('does nothing before the period, removes each kind once its period has passed, keeps the money and the chain, and changes nothing when run again', async () => {
    const f = await endedFixture();
    const money = await snapshot(f);
    const files = await receipts(f);
    expect(files).to.have.length(2);
    for (const file of files) expect(await store().exists(file.storageKey)).to.equal(true);
    expect(retentionDueOn(f.contract, 12)).to.equal('2020-12-31');

    await roundOn('2020-06-29');
    expect((await Organisation.findByPk(f.organisation.id))!.contactPhone).to.equal('13800138000');
    expect(await RetentionAction.count({ where: { contractId: f.contract.id } })).to.equal(0);

    await roundOn('2020-06-30');
    const org = (await Organisation.findByPk(f.organisation.id))!;
    expect([org.contactName, org.contactPhone, org.contactEmail]).to.deep.equal([null, null, null]);
    expect(org.name).to.equal(f.organisation.name);
    expect(org.uscc).to.equal(f.organisation.uscc);
    let worker = (await ChildWorker.findByPk(f.worker.id))!;
    expect(worker.anonymisedAt).to.equal(null);

    await roundOn('2020-12-31');
    worker = (await ChildWorker.findByPk(f.worker.id))!;
    expect(worker.anonymisedAt).to.not.equal(null);
    expect(worker.name).to.not.contain(f.worker.name);
    expect(worker.idNumberEnc).to.equal('');
    expect(worker.idNumberIndex).to.not.equal(f.worker.idNumberIndex);
    expect(worker.idNumberMasked).to.equal('******');
    expect([worker.phoneEnc, worker.phoneMasked]).to.deep.equal([null, null]);
    for (const file of files) expect(await store().exists(file.storageKey)).to.equal(true);

    await roundOn('2021-12-31');
    for (const file of await receipts(f)) {
      expect(file.deletedAt).to.not.equal(null);
      expect(file.originalName).to.equal(`receipt-${file.id}`);
      expect(await store().exists(file.storageKey)).to.equal(false);
    }
    // Amounts, 发票 keys and dates stay; the ledger and the audit chain hold.
    expect(await snapshot(f)).to.deep.equal(money);
    expect((await verifyAuditChain()).ok).to.equal(true);
    expect((await verifyLedger()).ok).to.equal(true);

    const events = await AuditEvent.findAll({
      where: { action: 'retention.apply', recordType: 'contract', recordId: String(f.contract.id) },
      order: [['seq', 'ASC']],
    });
    expect(events.map((e) => JSON.parse(e.detail!).kind)).to.deep.equal(['organisationContacts', 'workerNumbers', 'receiptImages']);
    // The lines' two receipts and the two the claim first had (replaced, still owned by the claim).
    expect(await StoredFile.count({ where: { kind: 'receipt', ownerType: 'claim', ownerId: f.claim.id, deletedAt: null } })).to.equal(0);
    expect(JSON.parse(events[2].detail!)).to.include({ removed: 4, kept: 0, dueOn: '2021-12-31' });
    for (const e of events) expect(e.detail).to.not.contain('13800138000').and.not.contain(f.worker.name);

    // Twice: nothing changes, nothing more is written.
    const before = { events: await AuditEvent.count(), actions: await RetentionAction.findAll({ where: { contractId: f.contract.id }, raw: true }) };
    const again = await roundOn('2022-03-01');
    expect(again.removed).to.deep.equal({ workerNumbers: 0, receiptImages: 0, organisationContacts: 0 });
    expect(await AuditEvent.count()).to.equal(before.events);
    expect(await RetentionAction.findAll({ where: { contractId: f.contract.id }, raw: true })).to.deep.equal(before.actions);
  });

  it('a legal hold stops every kind until it is lifted', async () => {
    const f = await endedFixture();
    await RetentionHold.create({ contractId: f.contract.id, reason: '审计局审计', placedBy: f.officer.id, placedAt: ENDED });
    await roundOn('2022-06-01');
    expect((await Organisation.findByPk(f.organisation.id))!.contactPhone).to.equal('13800138000');
    expect((await ChildWorker.findByPk(f.worker.id))!.anonymisedAt).to.equal(null);
    for (const file of await receipts(f)) {
      expect(file.deletedAt).to.equal(null);
      expect(await store().exists(file.storageKey)).to.equal(true);
    }
    expect(await RetentionAction.count({ where: { contractId: f.contract.id } })).to.equal(0);
    await RetentionHold.destroy({ where: { contractId: f.contract.id } });
    await roundOn('2022-06-02');
    expect((await ChildWorker.findByPk(f.worker.id))!.anonymisedAt).to.not.equal(null);
    expect(await RetentionAction.count({ where: { contractId: f.contract.id } })).to.equal(3);
  });

  it('keeps a worker still in post (the registry needs them) and anonymises them the night after they leave', async () => {
    const f = await endedFixture();
    await f.worker.update({ status: 'active' });
    await roundOn('2021-01-05');
    expect((await ChildWorker.findByPk(f.worker.id))!.anonymisedAt).to.equal(null);
    expect((await RetentionAction.findOne({ where: { contractId: f.contract.id, kind: 'workerNumbers' } }))!.kept).to.equal(1);
    await f.worker.update({ status: 'inactive' });
    await roundOn('2021-01-06');
    expect((await ChildWorker.findByPk(f.worker.id))!.anonymisedAt).to.not.equal(null);
    const action = (await RetentionAction.findOne({ where: { contractId: f.contract.id, kind: 'workerNumbers' } }))!;
    expect([action.removed, action.kept]).to.deep.equal([1, 0]);

    // Their pages and their claims name them as anonymised, in the reader's language (not the stored marker).
    setClock(null);
    const officer = await loginAs(f.officer, TEST_PASSWORD);
    const id = f.worker.id;
    for (const [lang, shown] of [
      ['zh-CN', `已匿名人员 #${id}`],
      ['en', `Anonymised person #${id}`],
    ]) {
      await postForm(officer, '/lang', { lang });
      for (const href of [`/workers/${id}`, `/claims/${f.claim.id}`, '/claims']) {
        const page = await officer.get(href);
        expect(page.status, href).to.equal(200);
        expect(page.text, `${href} in ${lang}`).to.contain(shown).and.not.to.contain(`*** #${id}`);
      }
    }
    // The audit trail names the record the same way.
    await recordAudit({
      actor: null,
      action: 'child_worker.reveal',
      recordType: 'child_worker',
      recordId: id,
      districtId: f.worker.districtId,
      detail: { field: 'phone' },
    });
    const admin = await loginAs((await buildUser('admin')).user, TEST_PASSWORD);
    const trail = await admin.get(`/audit?recordType=child_worker&recordId=${id}`);
    expect(trail.status).to.equal(200);
    expect(trail.text).to.contain(`已匿名人员 #${id}`).and.not.to.contain(`*** #${id}`);
  });

  it('runs once a day across servers (the retention lease), at 02:00 Beijing after the first round', async () => {
    setClock(new Date('2020-01-10T10:00:00Z'));
    expect(untilRetentionHour(new Date('2020-01-10T10:00:00Z'))).to.equal(8 * 3600_000);
    const [a, b] = await Promise.all([retentionRound(testConfig(), 'server-a'), retentionRound(testConfig(), 'server-b')]);
    expect([a.ran, b.ran].filter(Boolean)).to.have.length(1);
  });
});
