import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { Deliverable } from '../../models/Deliverable.js';
import { DeliverableFile } from '../../models/DeliverableFile.js';
import { DeliverableVersion } from '../../models/DeliverableVersion.js';
import { AuditEvent, StoredFile } from '../../models/index.js';
import { storeFor } from '../../server/services/storage/index.js';
import { buildDeliverableContract } from '../factories/deliverables.js';
import { buildUser, TEST_PASSWORD } from '../factories/index.js';
import { idNumber, mobile } from '../factories/workers.js';
import { type Agent, binaryParser, csrfFrom, loginAs, postForm } from '../support/agent.js';
import { testConfig } from '../support/hooks.js';

const HEADER = '时间,时长,是否接通,类别,转介部门,是否办结';
const csvOf = (rows: string[]) => Buffer.from(`\uFEFF${HEADER}\r\n${rows.join('\r\n')}\r\n`, 'utf8');

/** Five calls in the first quarter of 2026, one outside it and one with a bad duration. */
const ROWS = [
  '2026-01-05 09:00,20,是,咨询,,是',
  '2026-02-10 10:30,1:00,是,求助,公安,是',
  '2026-03-31 23:59,40,是,求助,"教育、公安",否',
  '2026-01-20 08:00,,否,咨询,,否',
  '2026-03-01 12:00,0:30,yes,投诉,民政,yes',
  '2026-04-01 00:00,30,是,咨询,,是', // line 7: after the period
  '2026-02-01 09:00,abc,是,咨询,,是', // line 8: bad duration
];
/** Answered: 20, 60, 40, 30 → 37.5 → 38 s. */
const EXPECTED = {
  callsReceived: 5,
  callsAnswered: 4,
  averageAnswerSeconds: 38,
  casesClosed: 3,
  'referrals.public_security': 2,
  'referrals.education': 1,
  'referrals.civil_affairs': 1,
};

async function hotline() {
  const built = await buildDeliverableContract({ targets: [{ categoryCode: 'hotline', metric: 'callsAnswered', targetCount: 1000 }] });
  const d = built.deliverables.find((x) => x.categoryCode === 'hotline' && x.periodStart === '2026-01-01')!;
  const agent = await loginAs(built.orgUser, TEST_PASSWORD);
  return { built, d, agent };
}

async function postLog(agent: Agent, d: Deliverable, file: Buffer, name: string) {
  const token = encodeURIComponent(csrfFrom((await agent.get(`/deliverables/${d.id}/call-log`)).text));
  return agent.post(`/deliverables/${d.id}/call-log?_csrf=${token}`).attach('file', file, name);
}

/** The figures on a preview, by key. */
function figures(html: string): Record<string, string> {
  return Object.fromEntries([...html.matchAll(/<tr data-key="([\w.]+)">[\s\S]*?<td class="mono text-end">([^<]*)<\/td>/g)].map((m) => [m[1], m[2]]));
}

const fileIdOf = (html: string) => Number(/\/call-log\/(\d+)\/(?:use|cancel)"/.exec(html)?.[1] ?? Number.NaN);
const noticeOf = (html: string) => /data-notice="(\w+)"/.exec(html)?.[1] ?? null;
const callLogsOf = (d: Deliverable) => StoredFile.count({ where: { kind: 'call_log', ownerType: 'deliverable', ownerId: d.id } });

describe('deliverables: hotline call-log import pages', () => {
  it('previews the figures and row errors writing nothing, then “use these figures” fills the draft and attaches the log in one audited step; the same file again is recognised', async () => {
    const { d, agent } = await hotline();
    const page = await agent.get(`/deliverables/${d.id}/edit`);
    expect(page.text).to.include(`href="/deliverables/${d.id}/call-log"`);
    const upload = await agent.get(`/deliverables/${d.id}/call-log`);
    expect(upload.status).to.equal(200);
    expect(upload.text).to.include('data-upload-progress');

    const res = await postLog(agent, d, csvOf(ROWS), '一季度通话记录.csv');
    expect(res.status, res.text.slice(0, 400)).to.equal(200);
    expect(figures(res.text)).to.deep.equal({
      callsReceived: '5',
      callsAnswered: '4',
      answerRate: '80.0%',
      averageAnswerSeconds: '38',
      'referrals.public_security': '2',
      'referrals.education': '1',
      'referrals.civil_affairs': '1',
      casesClosed: '3',
      closureRate: '60.0%',
    });
    expect(res.text).to.match(/data-rows="7" data-counted="5" data-error-rows="2"/);
    const errors = [...res.text.matchAll(/data-testid="row-error" data-line="(\d+)">([^<]*)</g)].map((m) => [m[1], m[2]]);
    expect(errors).to.deep.equal([
      ['7', '第 7 行 · 时间：来电时间不在本期服务成果的期间（2026-01-01 至 2026-03-31）内。'],
      ['8', '第 8 行 · 时长：不是有效的时长，应为秒数（如 35）或 分:秒（如 1:05），且不足 24 小时。'],
    ]);
    // Nothing written to the deliverable yet; the log is kept as a pending import.
    expect(await DeliverableVersion.count({ where: { deliverableId: d.id } })).to.equal(0);
    expect(await DeliverableFile.count({ where: { deliverableId: d.id } })).to.equal(0);
    expect(await callLogsOf(d)).to.equal(1);
    const fileId = fileIdOf(res.text);
    expect((await agent.get(`/deliverables/${d.id}/call-log/${fileId}`)).text).to.include('data-rows="7" data-counted="5"');

    const used = await postForm(agent, `/deliverables/${d.id}/call-log/${fileId}/use`, {}, `/deliverables/${d.id}/call-log/${fileId}`);
    expect(used.status, used.text.slice(0, 300)).to.equal(302);
    expect(used.headers.location).to.equal(`/deliverables/${d.id}/edit`);
    const version = (await DeliverableVersion.findOne({ where: { deliverableId: d.id } }))!;
    expect(version.metricsSource).to.equal('import');
    expect(version.metrics).to.deep.equal(EXPECTED);
    expect(await DeliverableFile.count({ where: { versionId: version.id, storedFileId: fileId, purpose: 'call_log' } })).to.equal(1);
    const events = await AuditEvent.findAll({ where: { action: 'deliverable.import_metrics', recordId: d.id } });
    expect(events).to.have.length(1);
    expect((await agent.get(`/deliverables/${d.id}/edit`)).text).to.include('value="38"');

    const again = await postLog(agent, d, csvOf(ROWS), '改了名字.csv');
    expect(again.status).to.equal(200);
    expect(noticeOf(again.text)).to.equal('imported');
    expect(again.text).not.to.include('data-testid="use"');
    expect(await callLogsOf(d)).to.equal(1);
    const twice = await postForm(agent, `/deliverables/${d.id}/call-log/${fileId}/use`, {}, `/deliverables/${d.id}/call-log/${fileId}`);
    expect(twice.status).to.equal(302);
    expect(await DeliverableFile.count({ where: { deliverableId: d.id } })).to.equal(1);
    expect(await AuditEvent.count({ where: { action: 'deliverable.import_metrics', recordId: d.id } })).to.equal(1);
  });

  it('takes an XLSX log to the same figures, keeps a file uploaded twice once, and cancelling removes the file and its bytes', async () => {
    const { d, agent } = await hotline();
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('通话记录');
    sheet.addRow(HEADER.split(','));
    for (const r of ROWS) sheet.addRow(r.replace('"教育、公安"', '教育、公安').split(','));
    const xlsx = Buffer.from(await book.xlsx.writeBuffer());
    const first = await postLog(agent, d, xlsx, 'log.xlsx');
    expect(first.status).to.equal(200);
    expect(figures(first.text)).to.include({ callsReceived: '5', averageAnswerSeconds: '38', closureRate: '60.0%' });
    const second = await postLog(agent, d, xlsx, 'log (1).xlsx');
    expect(noticeOf(second.text)).to.equal('duplicate');
    expect(fileIdOf(second.text)).to.equal(fileIdOf(first.text));
    expect(await callLogsOf(d)).to.equal(1);

    const stored = (await StoredFile.findByPk(fileIdOf(first.text)))!;
    const cancelled = await postForm(agent, `/deliverables/${d.id}/call-log/${stored.id}/cancel`, {}, `/deliverables/${d.id}/call-log/${stored.id}`);
    expect(cancelled.status).to.equal(302);
    expect(await callLogsOf(d)).to.equal(0);
    expect(await storeFor(testConfig()).exists(stored.storageKey)).to.equal(false);
  });

  it('refuses a log holding ID-card or phone numbers: shown masked with line and column, the file not kept and not usable', async () => {
    const { d, agent } = await hotline();
    const phone = mobile();
    const id = idNumber();
    const res = await postLog(
      agent,
      d,
      csvOf([...ROWS.slice(0, 2), `2026-01-06 09:00,20,是,回电${phone},,是`, `2026-01-07 09:00,20,是,咨询,${id},是`]),
      'log.csv',
    );
    expect(res.status).to.equal(422);
    expect(noticeOf(res.text)).to.equal('personal');
    expect(res.text).to.include(`第 4 行 · 类别：含有电话号码（${phone.slice(0, 3)}****${phone.slice(7)}）`);
    expect(res.text).to.include('第 5 行 · 转介部门：含有身份证号码');
    expect(res.text).not.to.include(phone);
    expect(res.text).not.to.include(id);
    expect(res.text).not.to.include('data-testid="use"');
    expect(await StoredFile.count({ where: { kind: 'call_log', organisationId: d.organisationId } })).to.equal(0);
  });

  it('refuses a file it cannot read with 422 beside the field, and hands out the templates', async () => {
    const { d, agent } = await hotline();
    const res = await postLog(agent, d, Buffer.from('时间,是否接通\r\n2026-01-05 09:00,是\r\n'), 'log.csv');
    expect(res.status).to.equal(422);
    expect(/data-testid="file-error">([^<]*)</.exec(res.text)?.[1]).to.equal('缺少以下列：时长、类别、转介部门、是否办结。请使用模板。');
    const empty = await postLog(agent, d, csvOf([]), 'log.csv');
    expect(empty.status).to.equal(422);
    expect(await callLogsOf(d)).to.equal(0);

    const csv = await agent.get(`/deliverables/${d.id}/call-log/template?format=csv`);
    expect(csv.status).to.equal(200);
    expect(csv.headers['content-disposition']).to.include('attachment');
    expect(csv.text).to.equal(`\uFEFF${HEADER}\r\n`);
    const xlsx = await agent.get(`/deliverables/${d.id}/call-log/template?format=xlsx`).buffer(true).parse(binaryParser);
    expect(xlsx.status).to.equal(200);
    const book = new ExcelJS.Workbook();
    const body = xlsx.body as Buffer;
    await book.xlsx.load(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer);
    expect(book.worksheets.map((w) => w.name)).to.deep.equal(['热线通话记录模板', '说明']);
    expect((book.worksheets[0].getRow(1).values as unknown[]).slice(1)).to.deep.equal(HEADER.split(','));
  });

  it('answers 404 for another organisation’s deliverable and for a deliverable that is no hotline, and 409 once handed in', async () => {
    const { d, agent } = await hotline();
    const first = await postLog(agent, d, csvOf(ROWS), 'log.csv');
    const fileId = fileIdOf(first.text);
    const other = await buildDeliverableContract({ targets: [{ categoryCode: 'hotline', metric: 'callsAnswered', targetCount: 10 }] });
    const stranger = await loginAs(other.orgUser, TEST_PASSWORD);
    const token = encodeURIComponent(csrfFrom((await stranger.get('/')).text));
    const base = `/deliverables/${d.id}/call-log`;
    expect((await stranger.get(base)).status).to.equal(404);
    expect((await stranger.get(`${base}/template?format=csv`)).status).to.equal(404);
    expect((await stranger.post(`${base}?_csrf=${token}`).attach('file', csvOf(ROWS), 'log.csv')).status).to.equal(404);
    expect((await stranger.get(`${base}/${fileId}`)).status).to.equal(404);
    expect((await postForm(stranger, `${base}/${fileId}/use`, {})).status).to.equal(404);
    expect((await postForm(stranger, `${base}/${fileId}/cancel`, {})).status).to.equal(404);
    // Their own deliverable cannot reach this one's file either.
    const theirs = other.deliverables[0];
    expect((await stranger.get(`/deliverables/${theirs.id}/call-log/${fileId}`)).status).to.equal(404);
    expect((await postForm(stranger, `/deliverables/${theirs.id}/call-log/${fileId}/use`, {})).status).to.equal(404);
    expect(await DeliverableVersion.count({ where: { deliverableId: [d.id, theirs.id] } })).to.equal(0);

    const visits = await buildDeliverableContract();
    const visitor = await loginAs(visits.orgUser, TEST_PASSWORD);
    expect((await visitor.get(`/deliverables/${visits.deliverables[0].id}/call-log`)).status).to.equal(404);

    const officer = await loginAs((await buildUser('officer', { districtCode: 'FT' })).user, TEST_PASSWORD);
    expect((await officer.get(base)).status).to.equal(403);

    await Deliverable.update({ status: 'submitted' }, { where: { id: d.id } });
    expect((await postLog(agent, d, csvOf(ROWS.slice(0, 3)), 'other.csv')).status).to.equal(409);
    expect((await postForm(agent, `${base}/${fileId}/use`, {})).status).to.equal(409);
  });
});
