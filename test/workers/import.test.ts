import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { ChildWorker } from '../../models/ChildWorker.js';
import { AuditEvent, SubDistrict } from '../../models/index.js';
import type { Role } from '../../models/User.js';
import { buildUser, district, unique } from '../factories/index.js';
import { buildWorker, idNumber, mobile, testCipher } from '../factories/workers.js';
import { type Agent, csrf, loginAs } from '../support/agent.js';

async function signedIn(role: Role, districtCode?: string) {
  const { user, password } = await buildUser(role, { districtCode });
  return { agent: await loginAs(user, password), user };
}

const HEADER = '类别,姓名,身份证号码,联系电话,街道,社区,专兼职';

async function postImport(agent: Agent, districtId: number, file: Buffer, name: string) {
  const token = await csrf(agent, '/workers/import');
  return agent
    .post(`/workers/import?_csrf=${encodeURIComponent(token)}`)
    .field('districtId', String(districtId))
    .attach('file', file, name);
}

function problemLines(html: string): number[] {
  return [...html.matchAll(/data-testid="import-problem" data-line="(\d+)"/g)].map((m) => Number(m[1]));
}

describe('child workers: bulk import', () => {
  it('registers every row of a CSV file, encrypted and audited', async () => {
    const { agent, user } = await signedIn('officer');
    const ft = await district('FT');
    const sub = await SubDistrict.findOne({ where: { districtId: ft.id } });
    const tag = unique('导入');
    const [a, b] = [idNumber(), idNumber({ born: '1975-01-31' })];
    const csv = `\uFEFF${HEADER}\r\n儿童主任,${tag}甲,${a},${mobile()},${sub!.name},沙头社区,专职\r\n儿童督导员,"${tag}乙",${b.toLowerCase()},${mobile()},,,兼职\r\n,,,,,,\r\n`;
    const res = await postImport(agent, ft.id, Buffer.from(csv, 'utf8'), '名单.csv');
    expect(res.status, res.text).to.equal(302);
    const workers = await ChildWorker.findAll({ where: { districtId: ft.id, createdBy: user.id }, order: [['id', 'ASC']] });
    expect(workers.map((w) => [w.name, w.kind, w.employment, w.subDistrictId])).to.deep.equal([
      [`${tag}甲`, 'director', 'full_time', sub!.id],
      [`${tag}乙`, 'supervisor', 'part_time', null],
    ]);
    expect(testCipher().decrypt(workers[1].idNumberEnc)).to.equal(b);
    expect(workers[0].idNumberEnc).to.not.contain(a);
    const event = await AuditEvent.findOne({ where: { action: 'child_worker.import', actorId: user.id } });
    expect(JSON.parse(event!.detail!)).to.deep.equal({ districtId: ft.id, rows: 2 });
    expect(await AuditEvent.count({ where: { action: 'child_worker.create', actorId: user.id } })).to.equal(2);
  });

  it('imports nothing when a row is wrong, and lists the problems by line without echoing numbers', async () => {
    const { agent, user } = await signedIn('officer');
    const ft = await district('FT');
    const good = idNumber();
    const badCheck = `${good.slice(0, 17)}${good[17] === '1' ? '2' : '1'}`;
    const { idNumber: registered } = await buildWorker({ districtCode: 'NS' });
    const rows = [
      `儿童主任,好人,${good},${mobile()},,,专职`,
      `儿童主任,校验错,${badCheck},${mobile()},,,专职`,
      `儿童主任,重复,${good},${mobile()},,,专职`,
      `儿童主任,街道错,${idNumber()},${mobile()},不存在街道,,专职`,
      `儿童主任,已登记,${registered},${mobile()},,,专职`,
      `校长,类别错,${idNumber()},${mobile()},,,兼职`,
    ];
    const res = await postImport(agent, ft.id, Buffer.from(`${HEADER}\n${rows.join('\n')}\n`, 'utf8'), 'list.csv');
    expect(res.status).to.equal(422);
    expect(problemLines(res.text)).to.deep.equal([3, 4, 5, 6, 7]);
    for (const n of [good, badCheck, registered]) expect(res.text).to.not.contain(n);
    expect(await ChildWorker.count({ where: { createdBy: user.id } })).to.equal(0);
    expect(await ChildWorker.count({ where: { name: '好人', districtId: ft.id } })).to.equal(0);
  });

  it('reads an XLSX file, and refuses a file without the header', async () => {
    const { agent, user } = await signedIn('officer', 'SZ');
    const lh = await district('LH');
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('名单');
    sheet.addRow(HEADER.split(','));
    const number = idNumber({ area: '440303' });
    sheet.addRow(['儿童主任', '罗湖甲', number, mobile(), '', '', '兼职']);
    const file = Buffer.from(await book.xlsx.writeBuffer());
    const res = await postImport(agent, lh.id, file, 'list.xlsx');
    expect(res.status, res.text).to.equal(302);
    const worker = await ChildWorker.findOne({ where: { createdBy: user.id } });
    expect(worker!.idNumberIndex).to.equal(testCipher().index('idNumber', number));

    const headless = await postImport(agent, lh.id, Buffer.from(`a,b\n1,2\n`, 'utf8'), 'x.csv');
    expect(headless.status).to.equal(422);
    expect(headless.text).to.contain('第一行应为表头');
  });

  it('is for officers, in their own district; offers a template', async () => {
    const { agent: finance } = await signedIn('finance');
    expect((await finance.get('/workers/import')).status).to.equal(403);
    const { agent } = await signedIn('officer', 'FT');
    const list = await agent.get('/workers');
    expect(list.text).to.contain('data-testid="import-workers"');
    const lh = await district('LH');
    const res = await postImport(agent, lh.id, Buffer.from(`${HEADER}\n儿童主任,甲,${idNumber()},${mobile()},,,专职\n`, 'utf8'), 'x.csv');
    expect(res.status).to.equal(403);
    const template = await agent.get('/workers/import/template');
    expect(template.status).to.equal(200);
    expect(template.text.replace(/^\uFEFF/, '').trim()).to.equal(HEADER);
  });
});
