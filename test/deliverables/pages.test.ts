import { expect } from 'chai';
import { versionNow } from '../support/forms.js';
import ExcelJS from 'exceljs';
import { Deliverable } from '../../models/Deliverable.js';
import { DeliverableFile } from '../../models/DeliverableFile.js';
import { AuditEvent, StoredFile } from '../../models/index.js';
import { setClock } from '../../server/clock.js';
import { storeFor } from '../../server/services/storage/index.js';
import { buildDeliverableContract } from '../factories/deliverables.js';
import { buildUser, TEST_PASSWORD } from '../factories/index.js';
import { type Agent, binaryParser, csrfFrom, fieldError, loginAs, postForm } from '../support/agent.js';
import { testConfig, testSequelize } from '../support/hooks.js';
import { jpegWithGps } from '../support/files.js';

async function uploadToken(agent: Agent): Promise<string> {
  return encodeURIComponent(csrfFrom((await agent.get('/')).text));
}

async function bytesOf(file: StoredFile): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of await storeFor(testConfig()).get(file.storageKey)) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const fullVisits = { m_visits: '30', m_households: '25', m_followUps: '5' };

describe('deliverables: pages', () => {
  it('an organisation fills in, attaches a photo (stored without its EXIF location) and a CSV, is shown where personal numbers are, and submits after confirming', async () => {
    const built = await buildDeliverableContract();
    const [d] = built.deliverables;
    const agent = await loginAs(built.orgUser, TEST_PASSWORD);
    expect((await agent.get(`/deliverables/${d.id}/edit`)).status).to.equal(200);
    const token = await uploadToken(agent);
    const bad = await agent
      .post(`/deliverables/${d.id}/draft?_csrf=${token}`)
      .field('_version', await versionNow(d))
      .field('m_visits', '10')
      .field('m_households', '11')
      .field('narrative', '草稿');
    expect(bad.status).to.equal(422);
    expect(fieldError(bad.text, 'm_households')).to.not.equal(null);
    expect(bad.text).to.include('value="11"');
    const photo = jpegWithGps();
    const csv = Buffer.from('日期,联系电话,备注\n2026-03-01,13912345678,回访\n', 'utf8');
    let res = await agent
      .post(`/deliverables/${d.id}/draft?_csrf=${await uploadToken(agent)}`)
      .field('_version', await versionNow(d))
      .field('m_visits', '30')
      .field('purpose', 'photo')
      .field('narrative', '第一季度探访')
      .attach('files', photo, '探访现场.jpg');
    expect(res.status, res.text.slice(0, 300)).to.equal(302);
    res = await agent
      .post(`/deliverables/${d.id}/draft?_csrf=${await uploadToken(agent)}`)
      .field('_version', await versionNow(d))
      .field('m_visits', '30')
      .field('m_households', '25')
      .field('m_followUps', '5')
      .field('purpose', 'sign_in')
      .field('narrative', '第一季度探访')
      .attach('files', csv, '签到表.csv');
    expect(res.status, res.text.slice(0, 300)).to.equal(302);
    const links = await DeliverableFile.findAll({ where: { deliverableId: d.id }, include: [{ model: StoredFile, as: 'storedFile' }], order: [['id', 'ASC']] });
    expect(links.map((l) => l.purpose)).to.deep.equal(['photo', 'sign_in']);
    const stored = await bytesOf(links[0].storedFile!);
    expect(stored.subarray(0, 2)).to.deep.equal(Buffer.from([0xff, 0xd8]));
    expect(stored.includes('GPSLatitude')).to.equal(false);
    expect(stored.includes(Buffer.from('Exif\0\0', 'latin1'))).to.equal(false);
    expect(links[0].storedFile!).to.include({ organisationId: built.organisation.id, ownerType: 'deliverable', ownerId: d.id });

    const refused = await postForm(agent, `/deliverables/${d.id}/submit`, {});
    expect(refused.status).to.equal(422);
    expect(refused.text).to.include('签到表.csv，第 2 行，第 B 列');
    expect(refused.text).to.include('139****5678');
    expect(refused.text).not.to.include('13912345678');
    expect((await Deliverable.findByPk(d.id))!.status).to.equal('draft');
    const ok = await postForm(agent, `/deliverables/${d.id}/submit`, { confirmNoChildData: '1' });
    expect(ok.status).to.equal(302);
    expect((await Deliverable.findByPk(d.id))!.status).to.equal('submitted');
    expect(await AuditEvent.count({ where: { action: 'deliverable.confirm_no_child_data', recordId: String(d.id) } })).to.equal(1);
    const page = await agent.get(`/deliverables/${d.id}`);
    expect(page.text).to.include('data-testid="confirmed"');
  });

  it('another organisation never sees the deliverable, its files or its export rows (404 / absent)', async () => {
    const built = await buildDeliverableContract();
    const [d] = built.deliverables;
    const owner = await loginAs(built.orgUser, TEST_PASSWORD);
    await owner
      .post(`/deliverables/${d.id}/draft?_csrf=${await uploadToken(owner)}`)
      .field('_version', await versionNow(d))
      .field('m_visits', '3')
      .attach('files', Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n'), '报告.pdf');
    const link = (await DeliverableFile.findOne({ where: { deliverableId: d.id } }))!;
    expect((await owner.get(`/deliverables/${d.id}/files/${link.storedFileId}`)).status).to.equal(200);
    const stranger = await loginAs((await buildUser('org')).user, TEST_PASSWORD);
    for (const url of [`/deliverables/${d.id}`, `/deliverables/${d.id}/edit`, `/deliverables/${d.id}/files/${link.storedFileId}`]) {
      expect((await stranger.get(url)).status, url).to.equal(404);
    }
    expect((await postForm(stranger, `/deliverables/${d.id}/submit`, {})).status).to.equal(404);
    const list = await stranger.get(`/deliverables?contractId=${built.contract.id}`);
    expect(list.text).not.to.include(`data-id="${d.id}"`);
    const csv = await stranger.get(`/deliverables?contractId=${built.contract.id}&format=csv`);
    expect(csv.text).not.to.include(built.contract.number);
    const officerNS = await loginAs((await buildUser('officer', { districtCode: 'NS' })).user, TEST_PASSWORD);
    expect((await officerNS.get(`/deliverables/${d.id}`)).status).to.equal(404);
  });

  it('officers review in a queue oldest first; return needs a comment (422), acceptance shows progress on the contract page', async () => {
    const built = await buildDeliverableContract();
    const [q1, q2] = built.deliverables;
    const org = await loginAs(built.orgUser, TEST_PASSWORD);
    for (const d of [q2, q1]) {
      let req = org.post(`/deliverables/${d.id}/draft?_csrf=${await uploadToken(org)}`).field('_version', await versionNow(d));
      for (const [k, v] of Object.entries(fullVisits)) req = req.field(k, v);
      expect((await req).status).to.equal(302);
      expect((await postForm(org, `/deliverables/${d.id}/submit`, {})).status).to.equal(302);
    }
    // MySQL DATETIME keeps whole seconds: make q2 clearly the older submission.
    await Deliverable.update({ submittedAt: new Date(Date.now() - 3_600_000) }, { where: { id: q2.id } });
    const officer = await loginAs(built.officer, TEST_PASSWORD);
    const queue = await officer.get(`/deliverables/queue?contractId=${built.contract.id}`);
    const order = [...queue.text.matchAll(/data-testid="queue-row" data-id="(\d+)"/g)].map((m) => Number(m[1]));
    expect(order).to.deep.equal([q2.id, q1.id]);
    const noComment = await postForm(officer, `/deliverables/${q2.id}/return`, { c_general: '' });
    expect(noComment.status).to.equal(422);
    expect(noComment.text).to.include('退回须至少填写一条意见');
    expect((await postForm(officer, `/deliverables/${q2.id}/return`, { c_m_visits: 'x', c_visits: '探访数与签到表不符' })).status).to.equal(302);
    expect((await postForm(officer, `/deliverables/${q1.id}/accept`, {})).status).to.equal(302);
    expect((await postForm(officer, `/deliverables/${q1.id}/accept`, {})).status).to.equal(409);
    expect((await postForm(org, `/deliverables/${q1.id}/accept`, {})).status).to.equal(403);
    const returned = await org.get(`/deliverables/${q2.id}`);
    expect(returned.text).to.include('探访数与签到表不符');
    const contractPage = await org.get(`/contracts/${built.contract.id}`);
    expect(contractPage.status).to.equal(200);
    expect(contractPage.text).to.include('data-testid="deliverables-section"');
    expect(contractPage.text).to.match(/data-testid="progress-figures">30 \/ 600 \(5 %\)/);
    const dashboard = await officer.get('/');
    expect(dashboard.text).to.include('待审核的服务成果');
  });

  it('exports deliverables with their metrics as CSV and XLSX (audited), filtered by contract and period', async () => {
    const built = await buildDeliverableContract();
    const [q1] = built.deliverables;
    const org = await loginAs(built.orgUser, TEST_PASSWORD);
    let req = org.post(`/deliverables/${q1.id}/draft?_csrf=${await uploadToken(org)}`).field('_version', await versionNow(q1));
    for (const [k, v] of Object.entries(fullVisits)) req = req.field(k, v);
    await req;
    await postForm(org, `/deliverables/${q1.id}/submit`, {});
    const officer = await loginAs(built.officer, TEST_PASSWORD);
    await postForm(officer, `/deliverables/${q1.id}/accept`, {});
    const csv = await officer.get(`/deliverables?contractId=${built.contract.id}&dueTo=2026-06-30&format=csv`);
    expect(csv.status).to.equal(200);
    const lines = csv.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/);
    expect(lines).to.have.length(2);
    const header = lines[0].split(',');
    const row = lines[1].split(',');
    expect(row[header.indexOf('家庭探访 · 探访次数')]).to.equal('30');
    expect(row[header.indexOf('截止日期')]).to.equal('2026-04-10');
    const xlsx = await officer.get(`/deliverables?contractId=${built.contract.id}&format=xlsx`).buffer(true).parse(binaryParser);
    const book = new ExcelJS.Workbook();
    const body = xlsx.body as Buffer;
    await book.xlsx.load(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer);
    expect(book.worksheets[0].rowCount).to.equal(5);
    expect(await AuditEvent.count({ where: { action: 'deliverable.export', actorId: built.officer.id } })).to.equal(2);
  });

  it('an officer sets the reporting schedule on the contract; 422 beside a bad field; the organisation cannot', async () => {
    const built = await buildDeliverableContract();
    const officer = await loginAs(built.officer, TEST_PASSWORD);
    const form = await officer.get(`/contracts/${built.contract.id}/reporting`);
    expect(form.status).to.equal(200);
    const bad = await postForm(officer, `/contracts/${built.contract.id}/reporting`, {
      frequency: 'dates',
      graceDays: '0',
      dates: '2027-05-01',
      _version: await versionNow(built.contract),
    });
    expect(bad.status).to.equal(422);
    expect(fieldError(bad.text, 'dates')).to.not.equal(null);
    const ok = await postForm(officer, `/contracts/${built.contract.id}/reporting`, {
      frequency: 'monthly',
      graceDays: '5',
      dates: '',
      _version: await versionNow(built.contract),
    });
    expect(ok.status).to.equal(302);
    expect(await Deliverable.count({ where: { contractId: built.contract.id } })).to.equal(12);
    const org = await loginAs(built.orgUser, TEST_PASSWORD);
    expect((await org.get(`/contracts/${built.contract.id}/reporting`)).status).to.equal(403);
  });

  it('the list and the contract page read a constant number of queries whatever the number of deliverables', async () => {
    const few = await buildDeliverableContract();
    const many = await buildDeliverableContract({ frequency: 'monthly' });
    const officer = await loginAs(few.officer, TEST_PASSWORD);
    const officerMany = await loginAs(many.officer, TEST_PASSWORD);
    const sequelize = testSequelize();
    const countQueries = async (agent: Agent, url: string) => {
      let n = 0;
      sequelize.addHook('beforeQuery', 'count-queries', () => {
        n += 1;
      });
      try {
        expect((await agent.get(url)).status, url).to.equal(200);
      } finally {
        sequelize.removeHook('beforeQuery', 'count-queries');
      }
      return n;
    };
    for (const path of ['/deliverables?contractId=', '/contracts/']) {
      const four = await countQueries(officer, `${path}${few.contract.id}`);
      const twelve = await countQueries(officerMany, `${path}${many.contract.id}`);
      expect(twelve, `${path}: 12 deliverables as 4`).to.equal(four);
    }
  });

  describe('on a fixed day', () => {
    afterEach(() => setClock(null));

    it('shows what is due and overdue, and by how many days a deliverable is late, to the organisation', async () => {
      const built = await buildDeliverableContract();
      const [q1, q2] = built.deliverables;
      // 2026-06-20 noon in Shanghai: Q1 (due 2026-04-10) is 71 days overdue, Q2 (due 2026-07-10) due within 30 days.
      setClock(new Date('2026-06-20T04:00:00Z'));
      let org = await loginAs(built.orgUser, TEST_PASSWORD);
      const dashboard = await org.get('/');
      expect(dashboard.text).to.match(/30 天内到期的服务成果<\/div>\s*<div class="fs-3 fw-semibold"><a href="[^"]*">1<\/a>/);
      expect(dashboard.text).to.match(/逾期未交的服务成果<\/div>\s*<div class="fs-3 fw-semibold"><a href="[^"]*">1<\/a>/);
      const overdue = await org.get('/deliverables?timeliness=overdue');
      expect([...overdue.text.matchAll(/data-testid="deliverable-row" data-id="(\d+)"/g)].map((m) => Number(m[1]))).to.deep.equal([q1.id]);
      expect(overdue.text).to.include('逾期 71 天');
      let req = org.post(`/deliverables/${q1.id}/draft?_csrf=${await uploadToken(org)}`).field('_version', await versionNow(q1));
      for (const [k, v] of Object.entries(fullVisits)) req = req.field(k, v);
      expect((await req).status).to.equal(302);
      expect((await postForm(org, `/deliverables/${q1.id}/submit`, {})).status).to.equal(302);
      expect((await Deliverable.findByPk(q1.id))!.submittedLateDays).to.equal(71);
      // Handed in late stays late; Q2 handed in on time is not.
      setClock(new Date('2026-07-09T04:00:00Z'));
      org = await loginAs(built.orgUser, TEST_PASSWORD); // the session of 19 days ago has expired
      req = org.post(`/deliverables/${q2.id}/draft?_csrf=${await uploadToken(org)}`).field('_version', await versionNow(q2));
      for (const [k, v] of Object.entries(fullVisits)) req = req.field(k, v);
      await req;
      await postForm(org, `/deliverables/${q2.id}/submit`, {});
      const late = await org.get(`/deliverables?contractId=${built.contract.id}&timeliness=late`);
      expect([...late.text.matchAll(/data-testid="deliverable-row" data-id="(\d+)"/g)].map((m) => Number(m[1]))).to.deep.equal([q1.id]);
      expect((await Deliverable.findByPk(q2.id))!.submittedLateDays).to.equal(0);
    });
  });
});
