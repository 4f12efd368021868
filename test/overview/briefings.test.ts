import { expect } from 'chai';
import { AuditEvent, type District, type User } from '../../models/index.js';
import { Briefing } from '../../models/Briefing.js';
import { buildUser, TEST_PASSWORD } from '../factories/index.js';
import { buildFixtureDistrict, fixtureContract } from '../factories/overview.js';
import { type Agent, binaryParser, loginAs, postForm } from '../support/agent.js';

const YEAR = 2094;

/** The figure of a row of a table of the page (the row found by its label). */
const cell = (html: string, table: string, label: string, figure: string) => {
  const section = html.split(`data-table="${table}"`)[1]?.split('</section>')[0] ?? '';
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
    // District staff do not read a draft; a district inspector cannot issue.
    expect((await (await loginAs(officerA, TEST_PASSWORD)).get(`/overview/briefings/${briefing.id}`)).status).to.equal(404);
    const ftInspector = await loginAs((await buildUser('inspector', { districtCode: 'FT' })).user, TEST_PASSWORD);
    expect((await postForm(ftInspector, `/overview/briefings/${briefing.id}/issue`, {}, '/overview/briefings')).status).to.equal(403);
  });

  it('issued, it keeps its figures whatever the data does after, and is not edited again', async () => {
    expect((await postForm(inspector, `/overview/briefings/${briefing.id}/issue`, {}, `/overview/briefings/${briefing.id}`)).status).to.equal(303);
    expect((await postForm(inspector, `/overview/briefings/${briefing.id}/issue`, {}, `/overview/briefings/${briefing.id}`)).status).to.equal(409);
    await fixtureContract(a, officerA, YEAR, 'open', 'active');
    const issued = (await inspector.get(`/overview/briefings/${briefing.id}`).expect(200)).text;
    expect(cell(issued, 'contracts', a.name, 'contractsTotal')).to.equal('1');
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
    expect(cell((await inspector.get(`/overview/briefings/${second.id}`)).text, 'contracts', a.name, 'contractsTotal')).to.equal('2');
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
    expect((xlsx.body as Buffer).subarray(0, 2).toString()).to.equal('PK');
  });
});
