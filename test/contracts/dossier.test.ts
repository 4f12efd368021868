import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { expect } from 'chai';
import request from 'supertest';
import { AuditEvent } from '../../models/AuditEvent.js';
import { Deliverable } from '../../models/Deliverable.js';
import { DeliverableFile } from '../../models/DeliverableFile.js';
import { DeliverableVersion } from '../../models/DeliverableVersion.js';
import { StoredFile } from '../../models/StoredFile.js';
import { findPersonalNumbers } from '../../server/services/identifiers.js';
import { storeFor } from '../../server/services/storage/index.js';
import { buildDossierFixture, type DossierFixture } from '../factories/dossier.js';
import { buildUser, TEST_PASSWORD } from '../factories/index.js';
import { buildPaymentContract } from '../factories/payments.js';
import { type Agent, anonymous, binaryParser, loginAs } from '../support/agent.js';
import { createApp } from '../../server/app.js';
import { S3Store } from '../../server/services/storage/index.js';
import { testConfig } from '../support/hooks.js';
import { startLocalS3 } from '../support/s3-server.js';
import { readZip, type ZipEntry } from '../support/zip.js';

type Manifest = {
  contract: { id: number; number: string };
  auditChain: { ok: boolean; count: number };
  generatedBy: { username: string };
  files: { file: string; size: number; sha256: string; record: { type: string; id: number } | null; storedSha256?: string; matchesStored?: boolean }[];
};

async function download(agent: Agent, contractId: number) {
  return agent.get(`/contracts/${contractId}/dossier.zip`).buffer(true).parse(binaryParser);
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const entry = (entries: ZipEntry[], name: string) => {
  const e = entries.find((x) => x.name === name);
  expect(e, `${name} in the ZIP`).to.not.equal(undefined);
  return e!;
};

describe('contract dossier (合同档案包)', () => {
  let f: DossierFixture;
  before(async () => {
    f = await buildDossierFixture();
  });

  it('holds every record of the contract, each file listed in the manifest with its SHA-256 and record', async () => {
    const res = await download(await loginAs(f.officer, TEST_PASSWORD), f.contract.id);
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.equal('application/zip');
    expect(res.headers['content-disposition']).to.contain(encodeURIComponent('合同档案包'));
    const entries = readZip(res.body as Buffer);
    const names = entries.map((e) => e.name);
    const { claim, payment, evaluation, deliverable, contract } = f;
    for (const expected of [
      'contract/contract.json',
      'contract/versions/v1.json',
      'contract/versions/v2.json',
      'project/project.json',
      'project/awards.json',
      'finance/allocations.json',
      `deliverables/${deliverable.id}/deliverable.json`,
      `evaluations/${evaluation.id}/evaluation.json`,
      `evaluations/${evaluation.id}/report.html`,
      `payments/${payment.id}/payment.json`,
      `payments/${payment.id}/approval-form.html`,
      'claims/engagements.json',
      `claims/${claim.id}/claim.json`,
      `claims/${claim.id}/claim-form.html`,
      'audit/audit-trail.csv',
      'manifest.json',
      'manifest.csv',
    ]) {
      expect(names).to.include(expected);
    }
    expect(names.filter((n) => n.startsWith('contract/announcement/'))).to.have.length(1);
    expect(names.filter((n) => n.startsWith('contract/signed/'))).to.have.length(1);
    expect(names.filter((n) => n.startsWith(`deliverables/${deliverable.id}/v1/`))).to.have.length(1);
    expect(names.filter((n) => n.startsWith(`deliverables/${deliverable.id}/v2/`))).to.have.length(1);
    expect(names.filter((n) => n.startsWith(`claims/${claim.id}/receipts/`))).to.have.length(2);

    const manifest = JSON.parse(entry(entries, 'manifest.json').data.toString('utf8')) as Manifest;
    expect(manifest.contract).to.deep.equal({ id: contract.id, number: contract.number });
    expect(manifest.auditChain.ok).to.equal(true);
    expect(manifest.generatedBy.username).to.equal(f.officer.username);
    // Every file but the manifest itself, in the order written, with the SHA-256 of its bytes in the ZIP.
    expect(manifest.files.map((m) => m.file)).to.deep.equal(names.filter((n) => !n.startsWith('manifest.')));
    for (const m of manifest.files) expect(m.sha256, m.file).to.equal(sha(entry(entries, m.file).data));
    expect(manifest.files.find((m) => m.file === `claims/${claim.id}/claim.json`)!.record).to.deep.equal({ type: 'claim', id: claim.id });
    expect(manifest.files.find((m) => m.file === `evaluations/${evaluation.id}/report.html`)!.record).to.deep.equal({ type: 'evaluation', id: evaluation.id });

    // Each stored file's bytes are the ones recorded at upload.
    const stored = manifest.files.filter((m) => m.storedSha256);
    expect(stored).to.have.length(f.files.length);
    for (const file of f.files) {
      const m = stored.find((s) => s.file.includes(`/${file.id}-`));
      expect(m, file.originalName).to.not.equal(undefined);
      expect(m!.storedSha256).to.equal(file.sha256);
      expect(m!.matchesStored).to.equal(true);
      expect(m!.size).to.equal(file.size);
    }
    const csv = entry(entries, 'manifest.csv').data.toString('utf8');
    expect(csv).to.contain('audit:verify,,ok');
  });

  it('shows personal numbers masked, as on the pages, and holds the printed forms and the contract’s audit trail', async () => {
    const res = await download(await loginAs(f.officer, TEST_PASSWORD), f.contract.id);
    const entries = readZip(res.body as Buffer);
    const all = entries.filter((e) => !/\.pdf$/.test(e.name)).map((e) => e.data.toString('utf8'));
    // No whole ID-card or mobile number anywhere: what is written is masked (4403**********1234).
    for (const text of all) expect(findPersonalNumbers(text)).to.deep.equal([]);
    const claimJson = entry(entries, `claims/${f.claim.id}/claim.json`).data.toString('utf8');
    expect(claimJson).to.contain('"claimedFen": 8000');
    const engagements = entry(entries, 'claims/engagements.json').data.toString('utf8');
    expect(engagements).to.contain(f.worker.idNumberMasked);
    expect(engagements).to.not.contain('idNumberEnc');
    const form = entry(entries, `claims/${f.claim.id}/claim-form.html`).data.toString('utf8');
    expect(form).to.contain('儿童主任交通通讯费报销单');
    expect(form).to.contain('捌拾元整');
    expect(form).to.contain(f.worker.idNumberMasked);
    expect(form).to.not.contain('/public/css/');
    const approval = entry(entries, `payments/${f.payment.id}/approval-form.html`).data.toString('utf8');
    expect(approval).to.contain('支付审批表');
    expect(approval).to.contain('叁仟元整');
    const trail = entry(entries, 'audit/audit-trail.csv').data.toString('utf8');
    expect(trail).to.contain('claim.approve');
    expect(trail).to.contain('evaluation.confirm');
    expect(trail).to.contain('contract.dossier');
  });

  it('records every download in the audit trail', async () => {
    const before = await AuditEvent.count({ where: { action: 'contract.dossier', recordId: String(f.contract.id) } });
    await download(await loginAs(f.officer, TEST_PASSWORD), f.contract.id);
    const events = await AuditEvent.findAll({ where: { action: 'contract.dossier', recordId: String(f.contract.id) }, order: [['seq', 'ASC']] });
    expect(events).to.have.length(before + 1);
    expect(events.at(-1)!.actorName).to.equal(f.officer.username);
  });

  it('is for officers and inspectors of the district and the administrator; anybody else gets 403/404 and no ZIP', async () => {
    const inspector = (await buildUser('inspector', { districtCode: 'FT' })).user;
    const admin = (await buildUser('admin')).user;
    for (const who of [inspector, admin]) {
      const res = await download(await loginAs(who, TEST_PASSWORD), f.contract.id);
      expect(res.status, who.role).to.equal(200);
    }
    const page = await (await loginAs(f.officer, TEST_PASSWORD)).get(`/contracts/${f.contract.id}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain(`href="/contracts/${f.contract.id}/dossier.zip"`);
    expect(page.text).to.contain('下载合同档案包');
    const financePage = await (await loginAs(f.finance, TEST_PASSWORD)).get(`/contracts/${f.contract.id}`);
    expect(financePage.status).to.equal(200);
    expect(financePage.text).to.not.contain('dossier.zip');
    const before = await AuditEvent.count({ where: { action: 'contract.dossier' } });
    const outsiders = [
      { user: f.finance, status: 403 },
      { user: f.orgUser, status: 403 },
      { user: (await buildUser('officer', { districtCode: 'NS' })).user, status: 404 },
      { user: (await buildUser('inspector', { districtCode: 'NS' })).user, status: 404 },
      { user: (await buildUser('evaluator')).user, status: 403 },
    ];
    for (const { user, status } of outsiders) {
      const res = await download(await loginAs(user, TEST_PASSWORD), f.contract.id);
      expect(res.status, user.role).to.equal(status);
      expect(res.headers['content-type'] ?? '', user.role).to.not.contain('application/zip');
      expect((res.body as Buffer).subarray(0, 2).toString('latin1'), user.role).to.not.equal('PK');
    }
    expect(await AuditEvent.count({ where: { action: 'contract.dossier' } })).to.equal(before);
    const signedOut = await anonymous().get(`/contracts/${f.contract.id}/dossier.zip`);
    expect(signedOut.status).to.equal(302);
  });

  it('streams the stored files from an S3-compatible store the same way', async function () {
    this.timeout(60_000);
    const s3 = await startLocalS3();
    try {
      const config = { ...testConfig(), storage: { kind: 's3' as const, ...s3.location } };
      const fixture = await buildDossierFixture(new S3Store(s3.location));
      const agent = await loginAs(fixture.officer, TEST_PASSWORD);
      const jar = (agent as unknown as { jar: { getCookie(n: string, a: object): { value: string } } }).jar;
      const cookie = jar.getCookie('careprocure.sid', { domain: '127.0.0.1', path: '/', secure: false, script: false }).value;
      const res = await request(createApp(config))
        .get(`/contracts/${fixture.contract.id}/dossier.zip`)
        .set('Cookie', `careprocure.sid=${cookie}`)
        .buffer(true)
        .parse(binaryParser);
      expect(res.status).to.equal(200);
      const entries = readZip(res.body as Buffer);
      const manifest = JSON.parse(entry(entries, 'manifest.json').data.toString('utf8')) as Manifest;
      const stored = manifest.files.filter((m) => m.storedSha256);
      expect(stored).to.have.length(fixture.files.length);
      for (const m of stored) expect(m.matchesStored, m.file).to.equal(true);
    } finally {
      await s3.close();
    }
  });

  it('streams a 100-file, 500 MB dossier with bounded memory', async function () {
    this.timeout(240_000);
    const built = await buildPaymentContract();
    const d = await Deliverable.create({
      contractId: built.contract.id,
      organisationId: built.contract.organisationId,
      districtId: built.contract.districtId,
      categoryCode: 'home_visit',
      periodStart: '2026-01-01',
      periodEnd: '2026-03-31',
      dueOn: '2026-04-10',
      status: 'accepted',
      currentVersion: 1,
    });
    const v = await DeliverableVersion.create({ deliverableId: d.id, version: 1, status: 'accepted', metrics: {}, createdBy: built.officer.id });
    // 100 files of 5 MiB: sparse files on disk (zeros cost no disk and little time), all alike.
    const FILE = 5 * 1024 * 1024;
    const zeros = createHash('sha256').update(Buffer.alloc(FILE)).digest('hex');
    const store = storeFor(testConfig());
    for (let i = 0; i < 100; i += 1) {
      const put = await store.put(Readable.from([Buffer.from('x')]));
      fs.truncateSync(path.join(testConfig().uploadDir, put.key), 0);
      fs.truncateSync(path.join(testConfig().uploadDir, put.key), FILE);
      const file = await StoredFile.create({
        storageKey: put.key,
        kind: 'deliverable_attachment',
        originalName: `录像-${i}.pdf`,
        mimeType: 'application/pdf',
        size: FILE,
        sha256: zeros,
        uploadedBy: built.officer.id,
        ownerType: 'deliverable',
        ownerId: d.id,
        districtId: built.contract.districtId,
        organisationId: built.contract.organisationId,
      });
      await DeliverableFile.create({ deliverableId: d.id, versionId: v.id, storedFileId: file.id, purpose: 'other' });
    }
    const agent = await loginAs(built.officer, TEST_PASSWORD);
    global.gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    let total = 0;
    let tail = Buffer.alloc(0);
    const res = await agent
      .get(`/contracts/${built.contract.id}/dossier.zip`)
      .buffer(true)
      .maxResponseSize(2 * 1024 * 1024 * 1024)
      .parse((stream, cb) => {
        stream.on('data', (c: Buffer) => {
          total += c.length;
          tail = Buffer.concat([tail, c]).subarray(-65_536);
        });
        stream.on('end', () => cb(null, null));
      });
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    expect(res.status).to.equal(200);
    expect(total).to.be.greaterThan(100 * FILE);
    // The ZIP closes with its central directory: 100 files + the dossier's own records.
    expect(tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))).to.be.greaterThan(-1);
    const growthMb = (peak - baseline) / 1024 / 1024;
    console.log(`      dossier of ${(total / 1024 / 1024).toFixed(0)} MiB streamed; RSS grew ${growthMb.toFixed(1)} MiB at most`);
    expect(growthMb).to.be.lessThan(160);
  });
});
