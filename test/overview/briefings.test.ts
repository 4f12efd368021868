import ExcelJS from 'exceljs';
import { expect } from 'chai';
import { AuditEvent, type District, type User } from '../../models/index.js';
import { Briefing } from '../../models/Briefing.js';
import { Inspection } from '../../models/Inspection.js';
import { buildUser, TEST_PASSWORD } from '../factories/index.js';
import { buildFixtureDistrict, fixtureContract } from '../factories/overview.js';
import { type Agent, binaryParser, loginAs, postForm } from '../support/agent.js';

const YEAR = 2094;
const toArrayBuffer = (b: Buffer) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

/** The figure of a row of a table of the page (the row found by its label). */
const cell = (html: string, table: string, label: string, figure: string) => {
  const section = html.split(`data-table="${table}"`)[1]?.split('</section>')[0] ?? '';
  const row = section.split('<tr').find((r) => r.includes(`>${label}</th>`)) ?? '';
  return (new RegExp(`data-figure="${figure}">([^<]*)<`).exec(row)?.[1] ?? '').trim();
};

/** A figure of the red flags' or the inspections' part of the page (the row found by its district's name). */
const partCell = (html: string, part: string, label: string, figure: string) => {
  const section = html.split(`data-testid="briefing-${part}"`)[1]?.split('</section>')[0] ?? '';
  const row = section.split('<tr').find((r) => r.includes(`>${label}</th>`)) ?? '';
  return (new RegExp(`data-figure="${figure}">([^<]*)<`).exec(row)?.[1] ?? '').trim();
};

describe('the 通报 (#17): drafted from the overview, the red flags and the inspections with commentary; kept as issued', () => {
  let a: District;
  let b: District;
  let officerA: User;
  let officerB: User;
  let inspector: Agent;
  let briefing: Briefing;

  before(async () => {
    ({ district: a, officer: officerA } = await buildFixtureDistrict(1));
    ({ district: b, officer: officerB } = await buildFixtureDistrict(1));
    await fixtureContract(a, officerA, YEAR, 'open', 'active');
    await fixtureContract(b, officerB, YEAR, 'open', 'active');
    await fixtureContract(b, officerB, YEAR, 'single_source', 'active');
    inspector = await loginAs((await buildUser('inspector', { districtCode: 'SZ' })).user, TEST_PASSWORD);
  });

  it('a city inspector drafts one (no commentary refused beside the field); the draft shows the figures as they stand', async () => {
    const empty = await postForm(
      inspector,
      '/overview/briefings',
      { year: String(YEAR), period: 'year', title: '第一期通报', commentary: '' },
      '/overview/briefings',
    );
    expect(empty.status).to.equal(422);
    expect(empty.text).to.contain('第一期通报');
    const res = await postForm(
      inspector,
      '/overview/briefings',
      { year: String(YEAR), period: 'year', title: `${YEAR} 年困境儿童保障工作通报`, commentary: '各区执行进度不均，请相关区加快。' },
      '/overview/briefings',
    );
    expect(res.status).to.equal(303);
    briefing = (await Briefing.findOne({ where: { title: `${YEAR} 年困境儿童保障工作通报` } }))!;
    const page = (await inspector.get(`/overview/briefings/${briefing.id}`).expect(200)).text;
    expect(cell(page, 'contracts', a.name, 'contractsTotal')).to.equal('1');
    expect(cell(page, 'contracts', b.name, 'contractsTotal')).to.equal('2');
    expect(page).to.contain('各区执行进度不均').and.to.contain('督查进展').and.to.contain('待处理的红旗预警');
    // District staff do not read a draft, a district inspector neither (so it cannot issue one), nor gets a button to start one.
    expect((await (await loginAs(officerA, TEST_PASSWORD)).get(`/overview/briefings/${briefing.id}`)).status).to.equal(404);
    const ftInspector = await loginAs((await buildUser('inspector', { districtCode: 'FT' })).user, TEST_PASSWORD);
    expect((await ftInspector.get(`/overview/briefings/${briefing.id}`)).status).to.equal(404);
    expect((await postForm(ftInspector, `/overview/briefings/${briefing.id}/issue`, {}, '/overview/briefings')).status).to.equal(404);
    expect(
      (await postForm(ftInspector, '/overview/briefings', { year: String(YEAR), period: 'year', title: '区里的通报', commentary: '无' }, '/overview/briefings'))
        .status,
    ).to.equal(403);
    const ftList = (await ftInspector.get('/overview/briefings').expect(200)).text;
    expect(ftList).to.not.contain('data-testid="new-briefing"');
    expect((await inspector.get('/overview/briefings').expect(200)).text).to.contain('data-testid="new-briefing"');
  });

  it('issued, it keeps its figures whatever the data does after, and is not edited again', async () => {
    expect((await postForm(inspector, `/overview/briefings/${briefing.id}/issue`, {}, `/overview/briefings/${briefing.id}`)).status).to.equal(303);
    expect((await postForm(inspector, `/overview/briefings/${briefing.id}/issue`, {}, `/overview/briefings/${briefing.id}`)).status).to.equal(409);
    await fixtureContract(a, officerA, YEAR, 'open', 'active');
    // An inspection opened after the issue is not in it either.
    const opener = (await buildUser('inspector', { districtCode: 'SZ' })).user;
    await Inspection.create({ districtId: a.id, agencyId: null, title: '印发后的督查', openedBy: opener.id, openedOn: `${YEAR}-12-01` });
    const issued = (await inspector.get(`/overview/briefings/${briefing.id}`).expect(200)).text;
    expect(cell(issued, 'contracts', a.name, 'contractsTotal')).to.equal('1');
    expect(partCell(issued, 'inspections', a.name, 'open')).to.equal('0');
    expect(partCell(issued, 'inspections', '全市合计', 'findings')).to.match(/^\d+$/);
    expect(issued).to.contain('已印发');
    expect(issued).not.to.contain('name="commentary"');
    const edit = await postForm(
      inspector,
      `/overview/briefings/${briefing.id}`,
      { year: String(YEAR), period: 'year', title: '改', commentary: '改', _version: String((await Briefing.findByPk(briefing.id))!.lockVersion) },
      `/overview/briefings/${briefing.id}`,
    );
    expect(edit.status).to.equal(409);
    expect((await Briefing.findByPk(briefing.id))?.title).to.equal(`${YEAR} 年困境儿童保障工作通报`);
    // A new draft of the same period reads the data as it stands.
    await postForm(inspector, '/overview/briefings', { year: String(YEAR), period: 'year', title: '第二期', commentary: '跟进' }, '/overview/briefings');
    const second = (await Briefing.findOne({ where: { title: '第二期' } }))!;
    const secondPage = (await inspector.get(`/overview/briefings/${second.id}`)).text;
    expect(cell(secondPage, 'contracts', a.name, 'contractsTotal')).to.equal('2');
    expect(partCell(secondPage, 'inspections', a.name, 'open')).to.equal('1');
    expect(await AuditEvent.count({ where: { action: 'briefing.issue', recordId: String(briefing.id) } })).to.equal(1);
  });

  it('a district officer reads the issued briefing with its own district and the median only; it exports as XLSX', async () => {
    const agent = await loginAs(officerB, TEST_PASSWORD);
    const page = (await agent.get(`/overview/briefings/${briefing.id}`).expect(200)).text;
    expect(cell(page, 'contracts', b.name, 'contractsTotal')).to.equal('2');
    expect(page).to.contain('各区中位数').and.not.to.contain(a.name).and.not.to.contain('全市合计');
    expect((await agent.get('/overview/briefings').expect(200)).text)
      .to.contain(`${YEAR} 年困境儿童保障工作通报`)
      .and.not.to.contain('第二期');
    const xlsx = await inspector.get(`/overview/briefings/${briefing.id}?format=xlsx`).buffer(true).parse(binaryParser).expect(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(toArrayBuffer(xlsx.body as Buffer));
    // One sheet per part: the briefing, each overview table, the red flags, the inspections.
    expect(book.worksheets.map((w) => w.name)).to.deep.equal(
      [
        '通报正文',
        '预算与执行',
        '福利彩票公益金用于儿童关爱的比例',
        '合同（按阶段）',
        '合同（按采购方式）',
        '服务成果',
        '绩效评价等级',
        '整改中与不合格资格的社会组织',
        '儿童主任',
        '儿童主任交通通讯费报销',
        '待处理的红旗预警（按规则）',
        '督查进展',
      ].map((n) => n.slice(0, 31)),
    );
    const text = book.getWorksheet('通报正文')!;
    expect(text.getRow(1).values).to.include(`${YEAR} 年困境儿童保障工作通报`);
    expect(JSON.stringify(text.getSheetValues())).to.contain('各区执行进度不均');
    const contracts = book.getWorksheet('合同（按阶段）')!;
    expect(contracts.getRow(1).getCell(2).value).to.equal('合同总数');
    expect(contracts.getRow(1).getCell(3).value).to.equal('合同总数 变化');
    // As issued: district A's one contract, not the one made after issue.
    const rowA = contracts.getSheetValues().find((r) => Array.isArray(r) && r[1] === a.name) as unknown[];
    expect(rowA[2]).to.equal('1');
    const flags = book.getWorksheet('待处理的红旗预警（按规则）')!;
    expect(flags.getRow(1).getCell(1).value).to.equal('区');
    expect(flags.rowCount).to.be.greaterThan(2);
    const csv = await inspector.get(`/overview/briefings/${briefing.id}?format=csv`).expect(200);
    expect(csv.text).to.contain('通报正文').and.to.contain('督查进展').and.to.contain('各区执行进度不均');
  });

  it('lists the briefings by year and state, sorted and paged, exported as filtered; district staff list the issued ones only', async () => {
    const draft = (await inspector.get(`/overview/briefings?periodYear=${YEAR}&status=draft`).expect(200)).text;
    expect(draft).to.contain('第二期').and.not.to.contain(`${YEAR} 年困境儿童保障工作通报`);
    expect(/共 (\d+) 条/.exec(draft)?.[1]).to.equal('1');
    const byTitle = (await inspector.get(`/overview/briefings?periodYear=${YEAR}&sort=title&dir=asc`).expect(200)).text;
    expect(byTitle).to.contain('aria-sort="ascending"');
    expect((await inspector.get('/overview/briefings?sort=commentary')).status).to.equal(400);
    const csv = await inspector.get(`/overview/briefings?periodYear=${YEAR}&status=issued&format=csv`).expect(200);
    const lines = csv.text.trim().split(/\r?\n/);
    expect(lines).to.have.length(2);
    expect(lines[1]).to.contain(`${YEAR} 年困境儿童保障工作通报`).and.to.contain('已印发');
    expect(await AuditEvent.count({ where: { action: 'briefing.list_export' } })).to.be.greaterThan(0);
    const officer = await loginAs(officerA, TEST_PASSWORD);
    const drafts = (await officer.get(`/overview/briefings?periodYear=${YEAR}&status=draft`).expect(200)).text;
    expect(drafts).not.to.contain('第二期');
  });
});
