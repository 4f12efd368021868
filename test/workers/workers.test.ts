import { Writable } from 'node:stream';
import { versionNow } from '../support/forms.js';
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import pino from 'pino';
import { ChildWorker } from '../../models/ChildWorker.js';
import { AuditEvent, StoredFile, SubDistrict } from '../../models/index.js';
import { TrainingRecord } from '../../models/TrainingRecord.js';
import type { Role } from '../../models/User.js';
import { logger } from '../../server/logger.js';
import { addDays, addMonths } from '../../server/services/calendar.js';
import { earliestValidTrainingDay, latestLapsingTrainingDay } from '../../server/services/training-status.js';
import { beijingDay, now } from '../../server/clock.js';
import { workerTrainingStatus } from '../../server/services/worker-training.js';
import { buildUser, district, unique } from '../factories/index.js';
import { addTrainings, buildWorker, idNumber, mobile, testCipher } from '../factories/workers.js';
import { anonymous, binaryParser, csrf, fieldError, loginAs, postForm } from '../support/agent.js';

async function signedIn(role: Role, districtCode?: string) {
  const { user, password } = await buildUser(role, { districtCode });
  return { agent: await loginAs(user, password), user };
}

function inputValue(html: string, name: string): string | null {
  return new RegExp(`name="${name}" type="[a-z]+"\\s+value="([^"]*)"`).exec(html)?.[1] ?? null;
}

function listedIds(html: string): number[] {
  return [...html.matchAll(/data-testid="worker-row" data-id="(\d+)"/g)].map((m) => Number(m[1]));
}

function occurrences(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

const pdf = (text: string) => Buffer.from(`%PDF-1.7\n% ${text}\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n`, 'utf8');

async function newWorkerFields(overrides: Record<string, string> = {}) {
  const ft = await district('FT');
  const sub = await SubDistrict.findOne({ where: { districtId: ft.id }, order: [['id', 'ASC']] });
  return {
    kind: 'director',
    name: `张${unique()}`,
    idNumber: idNumber(),
    phone: mobile(),
    districtId: String(ft.id),
    subDistrictId: String(sub!.id),
    community: '香蜜湖社区',
    employment: 'full_time',
    ...overrides,
  };
}

describe('child workers: the real-name registry', () => {
  describe('who may come in', () => {
    it('sends an anonymous visitor to sign in', async () => {
      const res = await anonymous().get('/workers').set('Accept', 'text/html');
      expect(res.status).to.equal(302);
      expect(res.headers.location).to.match(/^\/login\?next=/);
    });

    it('refuses administrators, evaluators and organisation users (403), and finance and inspectors every change', async () => {
      const { worker } = await buildWorker();
      for (const role of ['admin', 'evaluator', 'org'] as Role[]) {
        const { agent } = await signedIn(role, role === 'admin' ? 'SZ' : 'FT');
        for (const path of ['/workers', '/workers/new', `/workers/${worker.id}`, '/workers?format=csv']) {
          expect((await agent.get(path).set('Accept', 'text/html')).status, `${role} GET ${path}`).to.equal(403);
        }
      }
      for (const role of ['finance', 'inspector'] as Role[]) {
        const { agent } = await signedIn(role);
        expect((await agent.get('/workers')).status, `${role} list`).to.equal(200);
        expect((await agent.get(`/workers/${worker.id}`)).status, `${role} detail`).to.equal(200);
        for (const path of ['/workers/new', `/workers/${worker.id}/edit`, `/workers/${worker.id}/trainings/new`]) {
          expect((await agent.get(path)).status, `${role} GET ${path}`).to.equal(403);
        }
        expect((await postForm(agent, '/workers', await newWorkerFields())).status, `${role} create`).to.equal(403);
        expect((await postForm(agent, `/workers/${worker.id}/reveal`, { field: 'idNumber' })).status, `${role} reveal`).to.equal(403);
      }
    });

    it('shows the nav item to roles that may list the registry', async () => {
      const { agent } = await signedIn('inspector');
      expect((await agent.get('/')).text).to.contain('href="/workers"');
      const { agent: evaluator } = await signedIn('evaluator');
      expect((await evaluator.get('/')).text).to.not.contain('href="/workers"');
    });

    it("answers 404 for another district's worker, and lets the city level see it", async () => {
      const { worker } = await buildWorker({ districtCode: 'FT' });
      for (const role of ['officer', 'finance', 'inspector'] as Role[]) {
        const { agent } = await signedIn(role, 'LH');
        expect((await agent.get(`/workers/${worker.id}`)).status, role).to.equal(404);
        expect(listedIds((await agent.get(`/workers?q=${encodeURIComponent(worker.name)}`)).text)).to.deep.equal([]);
      }
      const { agent: other } = await signedIn('officer', 'LH');
      expect((await other.get(`/workers/${worker.id}/edit`)).status).to.equal(404);
      expect((await postForm(other, `/workers/${worker.id}/reveal`, { field: 'idNumber' })).status).to.equal(404);
      const { agent: city } = await signedIn('officer', 'SZ');
      expect((await city.get(`/workers/${worker.id}`)).status).to.equal(200);
      expect(listedIds((await city.get(`/workers?q=${encodeURIComponent(worker.name)}`)).text)).to.deep.equal([worker.id]);
    });
  });

  describe('registering', () => {
    it('stores the ID number and phone encrypted, indexed and masked, and audits with masks only', async () => {
      const { agent, user } = await signedIn('officer');
      const fields = await newWorkerFields();
      const res = await postForm(agent, '/workers', fields);
      expect(res.status, res.text).to.equal(302);
      const worker = await ChildWorker.findOne({ where: { name: fields.name } });
      expect(worker).to.not.equal(null);
      expect(res.headers.location).to.equal(`/workers/${worker!.id}`);
      expect(worker!.idNumberEnc).to.not.contain(fields.idNumber);
      expect(worker!.idNumberEnc).to.match(/^v1:/);
      expect(testCipher().decrypt(worker!.idNumberEnc)).to.equal(fields.idNumber);
      expect(worker!.idNumberIndex).to.equal(testCipher().index('idNumber', fields.idNumber));
      expect(worker!.idNumberMasked).to.equal(`${fields.idNumber.slice(0, 4)}**********${fields.idNumber.slice(-4)}`);
      expect(worker!.phoneEnc).to.not.contain(fields.phone);
      expect(testCipher().decrypt(worker!.phoneEnc!)).to.equal(fields.phone);
      const [raw] = (await ChildWorker.sequelize!.query('SELECT * FROM child_workers WHERE id = ?', { replacements: [worker!.id], raw: true }))[0] as Record<
        string,
        unknown
      >[];
      expect(JSON.stringify(raw)).to.not.contain(fields.idNumber).and.not.contain(fields.phone);
      const event = await AuditEvent.findOne({ where: { action: 'child_worker.create', recordId: String(worker!.id) } });
      expect(event!.actorId).to.equal(user.id);
      expect(event!.detail).to.contain(worker!.idNumberMasked);
      expect(event!.detail).to.not.contain(fields.idNumber).and.not.contain(fields.phone);

      const page = await agent.get(res.headers.location);
      expect(page.status).to.equal(200);
      expect(page.text).to.contain(worker!.idNumberMasked).and.contain(worker!.phoneMasked!);
      expect(page.text).to.not.contain(fields.idNumber).and.not.contain(fields.phone);
    });

    for (const [label, bad, message] of [
      [
        'a wrong check digit',
        () => {
          const n = idNumber();
          return n.slice(0, 17) + (n[17] === '0' ? '1' : '0');
        },
        '校验码',
      ],
      [
        'a birth date that does not exist',
        () => {
          const n = idNumber({ born: '1990-02-30' });
          return n;
        },
        '出生日期',
      ],
    ] as const) {
      it(`refuses ${label} with 422 beside the field, keeping the input`, async () => {
        const { agent } = await signedIn('officer');
        const fields = await newWorkerFields({ idNumber: bad() });
        const before = await ChildWorker.count();
        const res = await postForm(agent, '/workers', fields);
        expect(res.status).to.equal(422);
        expect(fieldError(res.text, 'idNumber')).to.contain(message);
        expect(inputValue(res.text, 'name')).to.equal(fields.name);
        expect(inputValue(res.text, 'community')).to.equal(fields.community);
        // The number is shown again as typed, in its field only.
        expect(inputValue(res.text, 'idNumber')).to.equal(fields.idNumber);
        expect(occurrences(res.text, fields.idNumber)).to.equal(1);
        expect(await ChildWorker.count()).to.equal(before);
      });
    }

    it('refuses a number already registered (also typed with a lower-case x), without naming it', async () => {
      const { agent } = await signedIn('officer');
      let existing = idNumber();
      while (!existing.endsWith('X')) existing = idNumber();
      await buildWorker({ idNumber: existing, districtCode: 'NS' });
      const fields = await newWorkerFields({ idNumber: existing.toLowerCase() });
      const res = await postForm(agent, '/workers', fields);
      expect(res.status).to.equal(422);
      expect(fieldError(res.text, 'idNumber')).to.equal('该身份证号码已登记。');
      expect(occurrences(res.text.toUpperCase(), existing)).to.equal(1);
      expect(await ChildWorker.count({ where: { name: fields.name } })).to.equal(0);
    });

    it('refuses a sub-district of another district, a bad phone and a missing name', async () => {
      const { agent } = await signedIn('officer');
      const lh = await district('LH');
      const otherSub = await SubDistrict.findOne({ where: { districtId: lh.id } });
      const res = await postForm(agent, '/workers', await newWorkerFields({ subDistrictId: String(otherSub!.id) }));
      expect(res.status).to.equal(422);
      expect(fieldError(res.text, 'subDistrictId')).to.equal('该街道（镇）不属于所选的区。');
      const bad = await postForm(agent, '/workers', await newWorkerFields({ phone: '12345', name: '' }));
      expect(bad.status).to.equal(422);
      expect(fieldError(bad.text, 'phone')).to.not.equal(null);
      expect(fieldError(bad.text, 'name')).to.not.equal(null);
    });

    it('registers a number once when two registrations race (the unique blind index decides)', async () => {
      const { agent } = await signedIn('officer');
      const fields = await newWorkerFields();
      // One token for both: fetching a token per request would replace the session's token mid-race.
      const token = await csrf(agent, '/workers/new');
      const send = (name: string) =>
        agent
          .post('/workers')
          .type('form')
          .send({ ...fields, name, _csrf: token });
      const results = await Promise.all([send(fields.name), send(`${fields.name}二`)]);
      expect(results.map((r) => r.status).sort()).to.deep.equal([302, 422]);
      expect(await ChildWorker.count({ where: { idNumberIndex: testCipher().index('idNumber', fields.idNumber) } })).to.equal(1);
    });

    it('refuses a district officer registering in another district (403); the city level may', async () => {
      const { agent } = await signedIn('officer', 'FT');
      const lh = await district('LH');
      const res = await postForm(agent, '/workers', await newWorkerFields({ districtId: String(lh.id), subDistrictId: '' }));
      expect(res.status).to.equal(403);
      const { agent: city } = await signedIn('officer', 'SZ');
      const ok = await postForm(city, '/workers', await newWorkerFields({ districtId: String(lh.id), subDistrictId: '' }));
      expect(ok.status).to.equal(302);
    });
  });

  describe('the registry list for district staff (#13)', () => {
    it('offers no district filter or column to a district officer, and their district’s sub-districts at once; the city sees both', async () => {
      const { agent } = await signedIn('officer', 'FT');
      const ft = await district('FT');
      const sub = (await SubDistrict.findOne({ where: { districtId: ft.id }, order: [['sortOrder', 'ASC']] }))!;
      const page = (await agent.get('/workers')).text;
      expect(page).to.not.match(/name="districtId"/);
      expect(page).to.match(new RegExp(`<select[^>]*name="subDistrictId"[^]*?<option value="${sub.id}">${sub.name}</option>`));
      const city = (await (await signedIn('officer', 'SZ')).agent.get('/workers')).text;
      expect(city).to.match(/name="districtId"/);
    });
  });

  describe('masked everywhere', () => {
    it('shows masks on the list and finds a worker by exact ID number through the blind index', async () => {
      const { agent } = await signedIn('officer');
      const { worker, idNumber: number, phone } = await buildWorker();
      const list = await agent.get(`/workers?q=${encodeURIComponent(worker.name)}`);
      expect(listedIds(list.text)).to.deep.equal([worker.id]);
      expect(list.text).to.contain(worker.idNumberMasked);
      expect(list.text).to.not.contain(number).and.not.contain(phone);

      // Typed straight into an address, the number is moved behind an opaque token at once: neither
      // it nor its blind index is in the next address or any link of the page.
      const search = await agent.get(`/workers?q=${number}&kind=director`);
      expect(search.status).to.equal(303);
      expect(search.headers.location).to.match(/^\/workers\?kind=director&held=[A-Za-z0-9_-]{22}$/);
      const found = await agent.get(search.headers.location);
      expect(listedIds(found.text)).to.deep.equal([worker.id]);
      expect(found.text).to.contain('data-testid="by-id-number"');
      expect(found.text.split(number)).to.have.length(2, 'only the search box shows what was typed');
      expect(found.text).to.contain(`value="${number}"`);
      expect(found.text).to.not.contain(worker.idNumberIndex);
    });

    it('exports masked numbers only, as CSV and XLSX, and audits the export', async () => {
      const { agent, user } = await signedIn('inspector');
      const tag = unique('导出');
      const { worker, idNumber: number, phone } = await buildWorker({ name: `${tag}甲` });
      await buildWorker({ name: `${tag}乙`, kind: 'supervisor' });
      const csv = await agent.get(`/workers?q=${encodeURIComponent(tag)}&kind=director&format=csv`);
      expect(csv.status).to.equal(200);
      expect(csv.headers['content-type']).to.contain('text/csv');
      const lines = csv.text
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n');
      expect(lines).to.have.length(2);
      expect(lines[1]).to.contain(worker.name).and.contain(worker.idNumberMasked).and.contain(worker.phoneMasked!);
      expect(csv.text).to.not.contain(number).and.not.contain(phone);
      const event = await AuditEvent.findOne({ where: { action: 'child_worker.export', actorId: user.id } });
      expect(JSON.parse(event!.detail!)).to.deep.include({ format: 'csv', rows: 1 });

      const xlsx = await agent
        .get(`/workers?q=${encodeURIComponent(tag)}&format=xlsx`)
        .buffer(true)
        .parse(binaryParser);
      expect(xlsx.status).to.equal(200);
      const book = new ExcelJS.Workbook();
      const body = xlsx.body as Buffer;
      await book.xlsx.load(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer);
      const cells = book.worksheets[0].getSheetValues().flat().map(String).join('|');
      expect(cells).to.contain(worker.idNumberMasked);
      expect(cells).to.not.contain(number).and.not.contain(phone);
    });

    it('keeps the full numbers out of the logs, also when searched for', async () => {
      const lines: string[] = [];
      const capture = new Writable({
        write(chunk, _enc, cb) {
          lines.push(String(chunk));
          cb();
        },
      });
      const streamSym = pino.symbols.streamSym as unknown as keyof typeof logger;
      const original = logger[streamSym];
      const level = logger.level;
      const { agent } = await signedIn('officer');
      const fields = await newWorkerFields();
      Object.assign(logger, { [streamSym]: capture });
      logger.level = 'info';
      try {
        await postForm(agent, '/workers', fields);
        await postForm(agent, '/workers', { ...fields, name: '重复' });
        await agent.get(`/workers?q=${fields.idNumber}`);
      } finally {
        Object.assign(logger, { [streamSym]: original });
        logger.level = level;
      }
      expect(lines.length).to.be.greaterThan(0);
      expect(lines.join('\n')).to.not.contain(fields.idNumber).and.not.contain(fields.phone);
    });
  });

  describe('the audited reveal', () => {
    it('shows an officer the full number once and records which field, never the value', async () => {
      const { agent, user } = await signedIn('officer');
      const { worker, idNumber: number, phone } = await buildWorker();
      const detail = await agent.get(`/workers/${worker.id}`);
      expect(detail.text).to.contain('data-testid="reveal-idNumber"');
      const res = await postForm(agent, `/workers/${worker.id}/reveal`, { field: 'idNumber' });
      expect(res.status).to.equal(200);
      expect(res.headers['cache-control']).to.contain('no-store');
      expect(res.text).to.contain(`data-testid="revealed-value">${number}<`);
      const event = await AuditEvent.findOne({ where: { action: 'child_worker.reveal', recordId: String(worker.id) } });
      expect(event!.actorId).to.equal(user.id);
      expect(JSON.parse(event!.detail!)).to.deep.equal({ field: 'idNumber' });
      const phoneRes = await postForm(agent, `/workers/${worker.id}/reveal`, { field: 'phone' });
      expect(phoneRes.text).to.contain(phone);
      const events = await AuditEvent.findAll({ where: { action: 'child_worker.reveal', recordId: String(worker.id) } });
      expect(events.map((e) => JSON.parse(e.detail!).field)).to.have.members(['idNumber', 'phone']);
      for (const e of events) expect(e.detail).to.not.contain(number).and.not.contain(phone);
      // Back on the page, it is masked again, and the reveals are listed among the worker's events.
      const after = await agent.get(`/workers/${worker.id}`);
      expect(after.text).to.not.contain(number);
      expect(occurrences(after.text, 'data-action="child_worker.reveal"')).to.equal(2);
    });

    it('gives finance and inspectors no reveal button, refuses them with 403 and audits the refusal', async () => {
      const { worker } = await buildWorker();
      const { agent, user } = await signedIn('finance');
      const detail = await agent.get(`/workers/${worker.id}`);
      expect(detail.text).to.not.contain('data-testid="reveal-');
      const res = await postForm(agent, `/workers/${worker.id}/reveal`, { field: 'idNumber' });
      expect(res.status).to.equal(403);
      expect(await AuditEvent.count({ where: { action: 'child_worker.reveal', actorId: user.id } })).to.equal(0);
      expect(await AuditEvent.count({ where: { action: 'access.refused', actorId: user.id } })).to.equal(1);
    });

    it('answers 400 for a field that is not revealable', async () => {
      const { agent } = await signedIn('officer');
      const { worker } = await buildWorker();
      expect((await postForm(agent, `/workers/${worker.id}/reveal`, { field: 'idNumberEnc' })).status).to.equal(400);
    });
  });

  describe('editing', () => {
    it('re-encrypts and re-indexes a changed ID number; empty keeps the numbers', async () => {
      const { agent } = await signedIn('officer');
      const { worker, idNumber: oldNumber, phone } = await buildWorker();
      const form = await agent.get(`/workers/${worker.id}/edit`);
      expect(form.status).to.equal(200);
      expect(form.text).to.contain(worker.idNumberMasked).and.not.contain(oldNumber);
      const base = {
        kind: 'director',
        name: worker.name,
        districtId: String(worker.districtId),
        subDistrictId: '',
        community: '新社区',
        employment: 'full_time',
      };
      let res = await postForm(agent, `/workers/${worker.id}`, { _version: await versionNow(worker), ...base, idNumber: '', phone: '' });
      expect(res.status).to.equal(302);
      await worker.reload();
      expect(worker.community).to.equal('新社区');
      expect(testCipher().decrypt(worker.idNumberEnc)).to.equal(oldNumber);
      expect(testCipher().decrypt(worker.phoneEnc!)).to.equal(phone);

      const newNumber = idNumber({ born: '1979-12-31' });
      res = await postForm(agent, `/workers/${worker.id}`, { _version: await versionNow(worker), ...base, idNumber: newNumber, phone: '' });
      expect(res.status).to.equal(302);
      await worker.reload();
      expect(worker.idNumberIndex).to.equal(testCipher().index('idNumber', newNumber));
      expect(testCipher().decrypt(worker.idNumberEnc)).to.equal(newNumber);
      expect(worker.idNumberMasked).to.equal(`${newNumber.slice(0, 4)}**********${newNumber.slice(-4)}`);
      const event = await AuditEvent.findOne({ where: { action: 'child_worker.update', recordId: String(worker.id) }, order: [['seq', 'DESC']] });
      expect(JSON.parse(event!.detail!).changes.idNumber.to).to.equal(worker.idNumberMasked);
      expect(event!.detail).to.not.contain(newNumber).and.not.contain(oldNumber);
      const old = await agent.get(`/workers?q=${oldNumber}`).redirects(1);
      expect(listedIds(old.text)).to.deep.equal([]);
      const found = await agent.get(`/workers?q=${newNumber}`).redirects(1);
      expect(listedIds(found.text)).to.deep.equal([worker.id]);
    });

    it("refuses another worker's ID number with 422", async () => {
      const { agent } = await signedIn('officer');
      const { worker } = await buildWorker();
      const { idNumber: taken } = await buildWorker();
      const res = await postForm(agent, `/workers/${worker.id}`, {
        _version: await versionNow(worker),
        kind: 'director',
        name: worker.name,
        districtId: String(worker.districtId),
        subDistrictId: '',
        community: '',
        employment: 'part_time',
        idNumber: taken,
        phone: '',
      });
      expect(res.status).to.equal(422);
      expect(fieldError(res.text, 'idNumber')).to.equal('该身份证号码已登记。');
    });

    it('never takes the status from the edit form: it changes only through its own action, once', async () => {
      const { agent } = await signedIn('officer');
      const { worker } = await buildWorker();
      const fields = {
        kind: 'director',
        name: worker.name,
        districtId: String(worker.districtId),
        subDistrictId: '',
        community: '',
        employment: 'part_time',
        idNumber: '',
        phone: '',
      };
      expect((await postForm(agent, `/workers/${worker.id}`, { _version: await versionNow(worker), ...fields, status: 'inactive' })).status).to.equal(302);
      await worker.reload();
      expect(worker.status, 'a status posted with the form is ignored').to.equal('active');

      const page = await agent.get(`/workers/${worker.id}`);
      expect(page.text).to.contain(`action="/workers/${worker.id}/deactivate"`);
      expect((await postForm(agent, `/workers/${worker.id}/deactivate`, {})).status).to.equal(302);
      await worker.reload();
      expect(worker.status).to.equal('inactive');
      const again = await postForm(agent, `/workers/${worker.id}/deactivate`, {});
      expect(again.status, 'a second click changes nothing').to.equal(409);
      expect(await AuditEvent.count({ where: { action: 'child_worker.deactivate', recordId: String(worker.id) } })).to.equal(1);
      expect((await postForm(agent, `/workers/${worker.id}/activate`, {})).status).to.equal(302);
      await worker.reload();
      expect(worker.status).to.equal('active');
    });

    it('lets nobody outside the district, or outside the officer role, change the status', async () => {
      const { worker } = await buildWorker();
      const { agent: other } = await signedIn('officer', 'LH');
      expect((await postForm(other, `/workers/${worker.id}/deactivate`, {})).status).to.equal(404);
      const { agent: finance } = await signedIn('finance');
      expect((await postForm(finance, `/workers/${worker.id}/deactivate`, {})).status).to.equal(403);
      await worker.reload();
      expect(worker.status).to.equal('active');
    });
  });

  describe('training records and status', () => {
    it('records a passed initial training with its certificate, and the worker becomes trained', async () => {
      const { agent, user } = await signedIn('officer');
      const { worker } = await buildWorker();
      const today = beijingDay(now());
      const token = await csrf(agent, `/workers/${worker.id}/trainings/new`);
      const res = await agent
        .post(`/workers/${worker.id}/trainings?_csrf=${encodeURIComponent(token)}`)
        .field('_csrf', token)
        .field('kind', 'initial')
        .field('trainedOn', today)
        .field('course', '儿童主任岗前培训')
        .field('hours', '1.5')
        .field('trainer', '福田区民政局')
        .field('passed', 'yes')
        .attach('certificate', pdf('证书'), '培训证书.pdf');
      expect(res.status, res.text).to.equal(302);
      const record = await TrainingRecord.findOne({ where: { childWorkerId: worker.id } });
      expect(record).to.deep.include({ kind: 'initial', trainedOn: today, hoursTenths: 15, passed: true, createdBy: user.id });
      const file = await StoredFile.findByPk(record!.certificateFileId!);
      expect(file).to.deep.include({ kind: 'training_certificate', ownerType: 'training_record', ownerId: record!.id });
      await worker.reload();
      expect(worker.trainingPassedOn).to.equal(today);
      const page = await agent.get(`/workers/${worker.id}`);
      expect(page.text).to.contain('data-status="trained"');
      const download = await agent.get(`/workers/${worker.id}/trainings/${record!.id}/certificate`).buffer(true).parse(binaryParser);
      expect(download.status).to.equal(200);
      expect(download.headers['content-disposition']).to.contain('attachment');
      expect(await AuditEvent.count({ where: { action: 'child_worker.training', recordId: String(worker.id) } })).to.equal(1);
    });

    it('refuses a training dated after today or without its fields (422, input kept)', async () => {
      const { agent } = await signedIn('officer');
      const { worker } = await buildWorker();
      const token = await csrf(agent, `/workers/${worker.id}/trainings/new`);
      const res = await agent
        .post(`/workers/${worker.id}/trainings?_csrf=${encodeURIComponent(token)}`)
        .field('kind', 'initial')
        .field('trainedOn', addDays(beijingDay(now()), 1))
        .field('course', '岗前培训')
        .field('hours', '2')
        .field('trainer', '')
        .field('passed', 'yes');
      expect(res.status).to.equal(422);
      expect(fieldError(res.text, 'trainer')).to.not.equal(null);
      expect(inputValue(res.text, 'course')).to.equal('岗前培训');
      const future = await agent
        .post(`/workers/${worker.id}/trainings?_csrf=${encodeURIComponent(token)}`)
        .field('kind', 'initial')
        .field('trainedOn', addDays(beijingDay(now()), 1))
        .field('course', '岗前培训')
        .field('hours', '2')
        .field('trainer', '区民政局')
        .field('passed', 'yes');
      expect(future.status).to.equal(422);
      expect(fieldError(future.text, 'trainedOn')).to.equal('培训日期不能晚于今天。');
      expect(await TrainingRecord.count({ where: { childWorkerId: worker.id } })).to.equal(0);
    });

    it('refuses a certificate that is not a PDF or image (422 beside the field, nothing kept), and serves certificates only in scope', async () => {
      const { agent } = await signedIn('officer');
      const { worker } = await buildWorker();
      const token = await csrf(agent, `/workers/${worker.id}/trainings/new`);
      const post = (file: Buffer, name: string) =>
        agent
          .post(`/workers/${worker.id}/trainings?_csrf=${encodeURIComponent(token)}`)
          .field('kind', 'initial')
          .field('trainedOn', beijingDay(now()))
          .field('course', '岗前培训')
          .field('hours', '2')
          .field('trainer', '区民政局')
          .field('passed', 'yes')
          .attach('certificate', file, name);
      const refused = await post(Buffer.from('<html><script>alert(1)</script></html>'), '证书.pdf');
      expect(refused.status).to.equal(422);
      expect(fieldError(refused.text, 'certificate')).to.not.equal(null);
      expect(await TrainingRecord.count({ where: { childWorkerId: worker.id } })).to.equal(0);
      expect((await post(pdf('ok'), '证书.pdf')).status).to.equal(302);
      const record = await TrainingRecord.findOne({ where: { childWorkerId: worker.id } });
      const href = `/workers/${worker.id}/trainings/${record!.id}/certificate`;
      const { agent: other } = await signedIn('finance', 'LH');
      expect((await other.get(href)).status).to.equal(404);
      const { agent: finance } = await signedIn('finance', 'FT');
      expect((await finance.get(href).buffer(true).parse(binaryParser)).status).to.equal(200);
      const { worker: another } = await buildWorker();
      expect((await agent.get(`/workers/${another.id}/trainings/${record!.id}/certificate`)).status).to.equal(404);
    });

    it("lets only the city level record a supervisor's training", async () => {
      const { worker } = await buildWorker({ kind: 'supervisor' });
      const { agent } = await signedIn('officer', 'FT');
      expect((await agent.get(`/workers/${worker.id}/trainings/new`)).status).to.equal(403);
      const { agent: city } = await signedIn('officer', 'SZ');
      expect((await city.get(`/workers/${worker.id}/trainings/new`)).status).to.equal(200);
    });

    it('gives later rules the status of a worker on any day', async () => {
      const { worker } = await buildWorker();
      const today = beijingDay(now());
      await addTrainings(worker, [{ kind: 'initial', trainedOn: addDays(today, -20) }]);
      expect(await workerTrainingStatus(worker.id, addDays(today, -21))).to.include({ trained: false });
      expect(await workerTrainingStatus(worker.id)).to.include({ trained: true, since: addDays(today, -20) });
    });

    it('filters by status at the 12-month and 30-day boundaries', async () => {
      const { agent } = await signedIn('officer');
      const today = beijingDay(now());
      const tag = unique('培训');
      // The first day that still counts: 12 months ago, as the rule reads it (see the unit tests for exact dates).
      const twelve = earliestValidTrainingDay(today);
      const lastLapsing = latestLapsingTrainingDay(today);
      const make = async (name: string, trainings: Parameters<typeof addTrainings>[1]) => {
        const { worker } = await buildWorker({ name: `${tag}${name}` });
        await addTrainings(worker, trainings);
        return worker.id;
      };
      const exactly12 = await make('满12个月', [{ kind: 'initial', trainedOn: twelve }]);
      const oneDayMore = await make('多1天', [{ kind: 'initial', trainedOn: addDays(twelve, -1) }]);
      const failedThenPassed = await make('补考合格', [
        { kind: 'initial', trainedOn: addDays(today, -100), passed: false },
        { kind: 'initial', trainedOn: addDays(today, -50) },
      ]);
      const onlyFailed = await make('不合格', [{ kind: 'initial', trainedOn: addDays(today, -10), passed: false }]);
      const refreshed = await make('复训', [
        { kind: 'initial', trainedOn: addMonths(today, -30) },
        { kind: 'refresher', trainedOn: addMonths(today, -6) },
      ]);
      const lapsingEdge = await make('30天', [{ kind: 'initial', trainedOn: lastLapsing }]);
      const notYetLapsing = await make('31天', [{ kind: 'initial', trainedOn: addDays(lastLapsing, 1) }]);
      const never = await make('未培训', []);
      const q = `q=${encodeURIComponent(tag)}&perPage=100`;
      const ids = async (training: string) => listedIds((await agent.get(`/workers?${q}&training=${training}`)).text).sort();
      expect(await ids('trained')).to.have.members([exactly12, failedThenPassed, refreshed, lapsingEdge, notYetLapsing]);
      expect(await ids('untrained')).to.have.members([oneDayMore, onlyFailed, never]);
      expect(await ids('lapsing')).to.have.members([exactly12, lapsingEdge]);
      const page = await agent.get(`/workers/${oneDayMore}`);
      expect(page.text).to.contain('data-status="lapsed"');
      expect((await agent.get(`/workers/${exactly12}`)).text).to.contain('data-status="lapsing"');
    });
  });
});
