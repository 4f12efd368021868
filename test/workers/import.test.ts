import { Writable } from 'node:stream';
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import pino from 'pino';
import { ChildWorker } from '../../models/ChildWorker.js';
import { AuditEvent, StoredFile, SubDistrict } from '../../models/index.js';
import type { Role } from '../../models/User.js';
import { toActor } from '../../server/auth/passport.js';
import { ImportWriteError, workerImporter } from '../../server/commands/workers/workerImporter.js';
import { ValidationError } from '../../server/errors.js';
import { logger } from '../../server/logger.js';
import { PersonalDataCipher } from '../../server/services/personal-data.js';
import { storeFor } from '../../server/services/storage/index.js';
import { buildUser, district, unique } from '../factories/index.js';
import { buildWorker, idNumber, mobile, testCipher } from '../factories/workers.js';
import { type Agent, csrf, loginAs, postForm } from '../support/agent.js';
import { gbk } from '../support/gbk.js';
import { testConfig } from '../support/hooks.js';

async function signedIn(role: Role, districtCode?: string) {
  const { user, password } = await buildUser(role, { districtCode });
  return { agent: await loginAs(user, password), user };
}

const HEADER = '类别,姓名,身份证号码,联系电话,街道,社区,专兼职';
const csvOf = (rows: string[]) => Buffer.from(`\uFEFF${HEADER}\r\n${rows.join('\r\n')}\r\n`, 'utf8');

async function postImport(agent: Agent, districtId: number, file: Buffer, name: string) {
  const token = await csrf(agent, '/workers/import');
  return agent
    .post(`/workers/import?_csrf=${encodeURIComponent(token)}`)
    .field('districtId', String(districtId))
    .attach('file', file, name);
}

/** Each row of a preview or result page: line → outcome. */
function outcomes(html: string): Record<number, string> {
  return Object.fromEntries([...html.matchAll(/data-testid="import-row" data-line="(\d+)" data-outcome="(\w+)"/g)].map((m) => [Number(m[1]), m[2]]));
}

/** The problems listed on one row of the page. */
function problemsOf(html: string, line: number): string[] {
  const row = new RegExp(`data-line="${line}"[\\s\\S]*?</tr>`).exec(html)?.[0] ?? '';
  return [...row.matchAll(/data-testid="row-problem">([^<]*)</g)].map((m) => m[1]);
}

function fileIdOf(html: string): number {
  const m = /action="\/workers\/import\/(\d+)\/(?:confirm|cancel)"/.exec(html);
  if (!m) throw new Error(`No import actions on the page: ${html.slice(0, 300)}`);
  return Number(m[1]);
}

const confirm = (agent: Agent, fileId: number, previewErrors = '') =>
  postForm(agent, `/workers/import/${fileId}/confirm`, { previewErrors }, '/workers/import');
const cancel = (agent: Agent, fileId: number) => postForm(agent, `/workers/import/${fileId}/cancel`, {}, '/workers/import');

describe('child workers: bulk import', () => {
  it('reads a CSV saved by Excel on a Chinese Windows (GBK) like a UTF-8 one', async () => {
    const { agent } = await signedIn('officer', 'FT');
    const ft = await district('FT');
    const file = gbk(`${HEADER}\r\n儿童主任,王小明,${idNumber()},${mobile()},,,专职\r\n校长,李四,${idNumber()},${mobile()},,,兼职\r\n`);
    const res = await postImport(agent, ft.id, file, '名单（GBK）.csv');
    expect(res.status, res.text).to.equal(200);
    expect(outcomes(res.text)).to.deep.equal({ 2: 'new', 3: 'error' });
    expect(res.text).to.contain('王小明');
    expect(problemsOf(res.text, 3)[0]).to.match(/^类别：请选择/);
  });

  it('previews every row with its outcome and its errors in the user language, writing nothing and never showing a full number', async () => {
    const { agent, user } = await signedIn('officer', 'FT');
    const ft = await district('FT');
    const good = idNumber();
    const badCheck = `${good.slice(0, 17)}${good[17] === '1' ? '2' : '1'}`;
    const twice = idNumber();
    const { idNumber: here, worker: hereWorker } = await buildWorker({ districtCode: 'FT' });
    const { idNumber: elsewhere } = await buildWorker({ districtCode: 'NS' });
    const rows = [
      `儿童主任,好人,${good},${mobile()},,,专职`,
      `儿童主任,校验错,${badCheck},${mobile()},,,专职`,
      `儿童主任,重复甲,${twice},${mobile()},,,专职`,
      `儿童主任,重复乙,${twice},${mobile()},,,专职`,
      `儿童主任,街道错,${idNumber()},${mobile()},不存在街道,,专职`,
      `儿童主任,已登记,${here},${mobile()},,,兼职`,
      `儿童主任,他区,${elsewhere},${mobile()},,,专职`,
      `校长,类别错,${idNumber()},${mobile()},,,兼职`,
    ];
    const before = await ChildWorker.count();
    const res = await postImport(agent, ft.id, csvOf(rows), 'list.csv');
    expect(res.status, res.text).to.equal(200);
    expect(outcomes(res.text)).to.deep.equal({ 2: 'new', 3: 'error', 4: 'error', 5: 'error', 6: 'error', 7: 'update', 8: 'error', 9: 'error' });
    expect(res.text).to.match(/data-new="1" data-update="1" data-error="6"/);
    expect(problemsOf(res.text, 3)[0]).to.match(/^身份证号码：/);
    expect(problemsOf(res.text, 4)).to.deep.equal(['身份证号码：该身份证号码在文件中重复出现。']);
    expect(problemsOf(res.text, 5)).to.deep.equal(['身份证号码：该身份证号码在文件中重复出现。']);
    expect(problemsOf(res.text, 6)).to.deep.equal(['街道（镇）：该街道不属于所选的区。']);
    expect(problemsOf(res.text, 8)).to.deep.equal(['身份证号码：该身份证号码已在其他区登记，不能在此导入。']);
    expect(problemsOf(res.text, 9)).to.have.length(1);
    expect(problemsOf(res.text, 9)[0]).to.match(/^类别：请选择/);
    for (const n of [good, badCheck, twice, here, elsewhere]) expect(res.text).to.not.contain(n);
    expect(res.text).to.contain(`${good.slice(0, 4)}**********${good.slice(-4)}`);
    // Nothing written; the file is kept as this officer's pending import.
    expect(await ChildWorker.count()).to.equal(before);
    expect((await hereWorker.reload()).name).to.not.equal('已登记');
    const file = await StoredFile.findByPk(fileIdOf(res.text));
    expect([file!.kind, file!.ownerType, file!.ownerId, file!.uploadedBy, file!.districtId]).to.deep.equal([
      'worker_import',
      'worker_import',
      null,
      user.id,
      ft.id,
    ]);

    const token = await csrf(agent, '/workers/import');
    await agent.post('/lang').type('form').send({ lang: 'en', back: '/', _csrf: token });
    const en = await agent.get(`/workers/import/${file!.id}`);
    expect(en.status).to.equal(200);
    expect(problemsOf(en.text, 4)).to.deep.equal(['ID number: This ID number appears twice in the file.']);
    expect(problemsOf(en.text, 8)).to.deep.equal(['ID number: This ID number is registered in another district; it cannot be imported here.']);
    for (const n of [good, badCheck, twice, here, elsewhere]) expect(en.text).to.not.contain(n);
  });

  it('imports all valid rows, new and updated, skipping the rows with errors; a re-import updates without duplicating', async () => {
    const { agent, user } = await signedIn('officer', 'FT');
    const ft = await district('FT');
    const sub = await SubDistrict.findOne({ where: { districtId: ft.id } });
    const tag = unique('导入');
    const [a, b] = [idNumber(), idNumber({ born: '1975-01-31' })];
    const { idNumber: here, worker: existing } = await buildWorker({ districtCode: 'FT' });
    const phone = mobile();
    const file1 = csvOf([
      `儿童主任,${tag}甲,${a},${mobile()},${sub!.name},沙头社区,专职`,
      `儿童督导员,"${tag}乙",${b.toLowerCase()},${mobile()},,,兼职`,
      `儿童督导员,${tag}丙,${here},${phone},,,专职`,
      `儿童主任,${tag}错,123,${mobile()},,,专职`,
    ]);
    const preview = await postImport(agent, ft.id, file1, '名单.csv');
    const fileId = fileIdOf(preview.text);
    const done = await confirm(agent, fileId, '5');
    expect(done.status, done.text).to.equal(200);
    expect(done.text).to.match(/data-created="2" data-updated="1" data-skipped="1"/);
    expect(outcomes(done.text)).to.deep.equal({ 5: 'error' });
    expect(done.text).to.not.contain('data-testid="changed-since-preview"');
    const created = await ChildWorker.findAll({ where: { districtId: ft.id, createdBy: user.id }, order: [['id', 'ASC']] });
    expect(created.map((w) => [w.name, w.kind, w.employment, w.subDistrictId])).to.deep.equal([
      [`${tag}甲`, 'director', 'full_time', sub!.id],
      [`${tag}乙`, 'supervisor', 'part_time', null],
    ]);
    expect(testCipher().decrypt(created[1].idNumberEnc)).to.equal(b);
    await existing.reload();
    expect([existing.name, existing.kind, existing.employment, existing.status]).to.deep.equal([`${tag}丙`, 'supervisor', 'full_time', 'active']);
    expect(testCipher().decrypt(existing.phoneEnc!)).to.equal(phone);
    const event = await AuditEvent.findOne({ where: { action: 'child_worker.import', actorId: user.id } });
    const file = await StoredFile.findByPk(fileId);
    expect(JSON.parse(event!.detail!)).to.deep.equal({ districtId: ft.id, fileId, sha256: file!.sha256, created: 2, updated: 1, skipped: 1 });
    expect(file!.ownerId).to.equal(event!.id);
    expect(await AuditEvent.count({ where: { action: 'child_worker.create', actorId: user.id } })).to.equal(2);
    expect(await AuditEvent.count({ where: { action: 'child_worker.update', actorId: user.id } })).to.equal(1);

    // The same people again, a name and a phone changed: updates, no new rows.
    const newPhone = mobile();
    const oldCipher = created[0].phoneEnc;
    const again = await postImport(
      agent,
      ft.id,
      csvOf([`儿童主任,${tag}甲改,${a},${newPhone},${sub!.name},沙头社区,专职`, `儿童督导员,${tag}乙,${b},${mobile()},,,兼职`]),
      '名单2.csv',
    );
    expect(outcomes(again.text)).to.deep.equal({ 2: 'update', 3: 'update' });
    const second = await confirm(agent, fileIdOf(again.text));
    expect(second.text).to.match(/data-created="0" data-updated="2" data-skipped="0"/);
    expect(await ChildWorker.count({ where: { idNumberIndex: [a, b].map((n) => testCipher().index('idNumber', n)) } })).to.equal(2);
    await created[0].reload();
    expect(created[0].name).to.equal(`${tag}甲改`);
    expect(created[0].phoneEnc).to.not.equal(oldCipher);
    expect(testCipher().decrypt(created[0].phoneEnc!)).to.equal(newPhone);
    expect(created[0].phoneEnc).to.not.contain(newPhone);
  });

  it('checks again on confirm: a number registered elsewhere since the preview is skipped and said to have changed', async () => {
    const { agent, user } = await signedIn('officer', 'FT');
    const ft = await district('FT');
    const [a, b] = [idNumber(), idNumber()];
    const preview = await postImport(agent, ft.id, csvOf([`儿童主任,甲,${a},${mobile()},,,专职`, `儿童主任,乙,${b},${mobile()},,,专职`]), 'x.csv');
    expect(outcomes(preview.text)).to.deep.equal({ 2: 'new', 3: 'new' });
    await buildWorker({ districtCode: 'NS', idNumber: b });
    const done = await confirm(agent, fileIdOf(preview.text));
    expect(done.status).to.equal(200);
    expect(done.text).to.match(/data-created="1" data-updated="0" data-skipped="1"/);
    expect(outcomes(done.text)).to.deep.equal({ 3: 'error' });
    expect(done.text).to.contain('data-testid="changed-since-preview"');
    expect(problemsOf(done.text, 3)).to.deep.equal(['身份证号码：该身份证号码已在其他区登记，不能在此导入。']);
    expect(await ChildWorker.count({ where: { createdBy: user.id } })).to.equal(1);
    expect(done.text).to.not.contain(b);
  });

  it('writes all or none: a write failing mid-way rolls back the rows written before it, and the file stays for a retry', async () => {
    // No row that passed the check inside the transaction can fail in the database without a
    // test double, so the cipher here refuses its fifth seal: the third new row, after two were written.
    class FailingCipher extends PersonalDataCipher {
      seals = 0;
      override encrypt(plain: string): string {
        this.seals += 1;
        if (this.seals === 5) throw new ValidationError({ phone: 'validation.invalid_value' });
        return super.encrypt(plain);
      }
    }
    const { agent, user } = await signedIn('officer', 'FT');
    const ft = await district('FT');
    const { idNumber: here, worker: existing } = await buildWorker({ districtCode: 'FT' });
    const rows = [
      `儿童主任,甲,${idNumber()},${mobile()},,,专职`,
      `儿童主任,乙,${idNumber()},${mobile()},,,专职`,
      `儿童主任,丙,${idNumber()},${mobile()},,,专职`,
      `儿童督导员,改名,${here},${mobile()},,,专职`,
    ];
    const preview = await postImport(agent, ft.id, csvOf(rows), 'x.csv');
    const fileId = fileIdOf(preview.text);
    const by = { actor: toActor(user), cipher: new FailingCipher(testConfig().dataKey) };
    const failure = await workerImporter(fileId, storeFor(testConfig()), by).catch((err: unknown) => err);
    expect(failure).to.be.instanceOf(ImportWriteError);
    expect((failure as ImportWriteError).line).to.equal(4);
    expect(await ChildWorker.count({ where: { createdBy: user.id } })).to.equal(0);
    expect((await existing.reload()).name).to.not.equal('改名');
    expect(await AuditEvent.count({ where: { actorId: user.id, action: ['child_worker.create', 'child_worker.update', 'child_worker.import'] } })).to.equal(0);
    expect((await StoredFile.findByPk(fileId))!.ownerId).to.equal(null);

    const retry = await confirm(agent, fileId);
    expect(retry.text).to.match(/data-created="3" data-updated="1" data-skipped="0"/);
    expect(await ChildWorker.count({ where: { createdBy: user.id } })).to.equal(3);
  });

  it('keeps the full numbers out of the logs through preview and confirm', async () => {
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
    const { agent } = await signedIn('officer', 'FT');
    const ft = await district('FT');
    const [good, phone] = [idNumber(), mobile()];
    const bad = `${good.slice(0, 17)}${good[17] === '1' ? '2' : '1'}`;
    Object.assign(logger, { [streamSym]: capture });
    logger.level = 'info';
    try {
      const preview = await postImport(agent, ft.id, csvOf([`儿童主任,甲,${good},${phone},,,专职`, `儿童主任,乙,${bad},${mobile()},,,专职`]), 'x.csv');
      await confirm(agent, fileIdOf(preview.text));
    } finally {
      Object.assign(logger, { [streamSym]: original });
      logger.level = level;
    }
    expect(lines.length).to.be.greaterThan(0);
    expect(lines.join('\n')).to.not.contain(good).and.not.contain(bad).and.not.contain(phone);
  });

  it('confirms once: a second confirm is a 409 that changes nothing; a cancelled file is gone', async () => {
    const { agent, user } = await signedIn('officer', 'FT');
    const ft = await district('FT');
    const preview = await postImport(agent, ft.id, csvOf([`儿童主任,甲,${idNumber()},${mobile()},,,专职`]), 'x.csv');
    const fileId = fileIdOf(preview.text);
    expect((await confirm(agent, fileId)).status).to.equal(200);
    const second = await confirm(agent, fileId);
    expect(second.status).to.equal(409);
    expect(second.text).to.contain('该文件已导入或已取消。');
    expect(await ChildWorker.count({ where: { createdBy: user.id } })).to.equal(1);
    expect(await AuditEvent.count({ where: { action: 'child_worker.import', actorId: user.id } })).to.equal(1);
    expect((await cancel(agent, fileId)).status).to.equal(409);

    const other = await postImport(agent, ft.id, csvOf([`儿童主任,乙,${idNumber()},${mobile()},,,专职`]), 'y.csv');
    const otherId = fileIdOf(other.text);
    const key = (await StoredFile.findByPk(otherId))!.storageKey;
    const cancelled = await cancel(agent, otherId);
    expect(cancelled.status).to.equal(302);
    expect(await StoredFile.findByPk(otherId)).to.equal(null);
    expect(await storeFor(testConfig()).exists(key)).to.equal(false);
    expect((await confirm(agent, otherId)).status).to.equal(404);
    expect(await ChildWorker.count({ where: { createdBy: user.id } })).to.equal(1);
  });

  it('is only for the officer who uploaded the file', async () => {
    const { agent } = await signedIn('officer', 'FT');
    const ft = await district('FT');
    const preview = await postImport(agent, ft.id, csvOf([`儿童主任,甲,${idNumber()},${mobile()},,,专职`]), 'x.csv');
    const fileId = fileIdOf(preview.text);
    const { agent: colleague, user: colleagueUser } = await signedIn('officer', 'FT');
    expect((await colleague.get(`/workers/import/${fileId}`)).status).to.equal(404);
    expect((await confirm(colleague, fileId)).status).to.equal(404);
    expect((await cancel(colleague, fileId)).status).to.equal(404);
    expect(await ChildWorker.count({ where: { createdBy: colleagueUser.id } })).to.equal(0);
    const file = await StoredFile.findByPk(fileId);
    expect(file!.ownerId).to.equal(null);
    const { agent: finance } = await signedIn('finance', 'FT');
    expect((await confirm(finance, fileId)).status).to.equal(403);
  });

  it('reads an XLSX file, and refuses a file without the header or without rows', async () => {
    const { agent, user } = await signedIn('officer', 'SZ');
    const lh = await district('LH');
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('名单');
    sheet.addRow(HEADER.split(','));
    const number = idNumber({ area: '440303' });
    sheet.addRow(['儿童主任', '罗湖甲', number, mobile(), '', '', '兼职']);
    const res = await postImport(agent, lh.id, Buffer.from(await book.xlsx.writeBuffer()), 'list.xlsx');
    expect(res.status, res.text).to.equal(200);
    expect(outcomes(res.text)).to.deep.equal({ 2: 'new' });
    expect((await confirm(agent, fileIdOf(res.text))).status).to.equal(200);
    const worker = await ChildWorker.findOne({ where: { createdBy: user.id } });
    expect(worker!.idNumberIndex).to.equal(testCipher().index('idNumber', number));

    const headless = await postImport(agent, lh.id, Buffer.from('a,b\n1,2\n', 'utf8'), 'x.csv');
    expect(headless.status).to.equal(422);
    expect(headless.text).to.contain('第一行应为表头');
    const empty = await postImport(agent, lh.id, Buffer.from(`${HEADER}\n,,,,,,\n`, 'utf8'), 'x.csv');
    expect(empty.status).to.equal(422);
    expect(empty.text).to.contain('文件中没有数据行。');
    expect(await StoredFile.count({ where: { uploadedBy: user.id } })).to.equal(1);
  });

  it('is for officers, in their own district; offers a template and an upload with progress', async () => {
    const { agent: finance } = await signedIn('finance');
    expect((await finance.get('/workers/import')).status).to.equal(403);
    const { agent } = await signedIn('officer', 'FT');
    const list = await agent.get('/workers');
    expect(list.text).to.contain('data-testid="import-workers"');
    const form = await agent.get('/workers/import');
    expect(form.text).to.match(/data-upload-progress data-upload-label="正在上传导入文件" data-upload-failed="[^"]+"/);
    const lh = await district('LH');
    const res = await postImport(agent, lh.id, csvOf([`儿童主任,甲,${idNumber()},${mobile()},,,专职`]), 'x.csv');
    expect(res.status).to.equal(403);
    const template = await agent.get('/workers/import/template');
    expect(template.status).to.equal(200);
    expect(template.text.replace(/^\uFEFF/, '').trim()).to.equal(HEADER);
  });
});
