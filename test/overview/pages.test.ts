import ExcelJS from 'exceljs';
import { expect } from 'chai';
import { AuditEvent } from '../../models/index.js';
import { setClock } from '../../server/clock.js';
import { formatFen } from '../../server/services/money.js';
import { buildUser, TEST_PASSWORD } from '../factories/index.js';
import {
  buildFixtureDistrict,
  fixtureAllocate,
  fixtureCommit,
  fixtureContract,
  fixtureDeliverable,
  fixtureDirector,
  fixtureEvaluation,
  fixtureLine,
  fixturePaidClaim,
  fixturePay,
} from '../factories/overview.js';
import { anonymous, binaryParser, loginAs } from '../support/agent.js';
import { testSequelize } from '../support/hooks.js';
import { buildOverviewFixture, type Fixture, YEAR } from './fixture.js';

/** The `data-district` of every row of the page's tables (empty for the total and the median). */
const rowDistricts = (html: string) => new Set([...html.matchAll(/data-row="([a-zA-Z]+)" data-district="(\d*)"/g)].map((m) => `${m[1]}:${m[2]}`));
const toArrayBuffer = (b: Buffer) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
/** The count a list page says it holds ("共 N 条"). */
const listTotal = (html: string) => Number(/共 (\d+) 条/.exec(html)?.[1] ?? 0);
/** A sum a list page says its filtered rows add up to ("已安排合计：¥1,234.00"), as the overview shows money. */
const listSum = (html: string, key: string) => new RegExp(`data-sum="${key}">[^<：]*合计：([^<]+)<`).exec(html)?.[1] ?? null;

describe('city overview: who sees what, the links, the exports and the queries (#17)', () => {
  let f: Fixture;
  before(async () => {
    f = await buildOverviewFixture();
  });
  afterEach(() => setClock(null));

  it('lets inspectors, the administrator and city officers see every district side by side with the city total and the median', async () => {
    for (const [role, code] of [
      ['inspector', 'SZ'],
      ['admin', 'SZ'],
      ['officer', 'SZ'],
    ] as const) {
      const agent = await loginAs((await buildUser(role, { districtCode: code })).user, TEST_PASSWORD);
      const html = (await agent.get(`/overview?year=${YEAR}&period=q2`).expect(200)).text;
      const rows = rowDistricts(html);
      expect(rows.has(`district:${f.a.id}`) && rows.has(`district:${f.b.id}`), role).to.equal(true);
      expect(rows.has('total:') && rows.has('median:'), role).to.equal(true);
      expect(html).to.contain('各区并列对比');
    }
  });

  it("shows a district officer its own district against the city's median, never another district's figures, also in the export", async () => {
    const agent = await loginAs(f.officerA, TEST_PASSWORD);
    const html = (await agent.get(`/overview?year=${YEAR}&period=q2`).expect(200)).text;
    expect([...rowDistricts(html)].sort()).to.deep.equal([`district:${f.a.id}`, 'median:'].sort());
    expect(html).to.not.contain(f.b.name);
    expect(html).to.not.contain('福田区');
    expect(html).to.contain('其他区的明细不向区级用户显示');
    // The chart's data holds the same two rows.
    const chart = JSON.parse((/id="overview-chart-data">([^<]*)</.exec(html)?.[1] ?? '{}').replace(/&#34;/g, '"').replace(/&quot;/g, '"'));
    expect(chart.execution.labels).to.deep.equal([f.a.name, '各区中位数']);
    const res = await agent.get(`/overview?year=${YEAR}&period=q2&format=xlsx&table=money`).buffer(true).parse(binaryParser).expect(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(toArrayBuffer(res.body as Buffer));
    const names = book.worksheets[0]
      .getSheetValues()
      .slice(2)
      .map((r) => (r as unknown[])[1]);
    expect(names).to.deep.equal([f.a.name, '各区中位数']);
  });

  it('refuses the roles it is not for, and sends a visitor to sign in', async () => {
    for (const role of ['finance', 'evaluator', 'org'] as const) {
      const agent = await loginAs((await buildUser(role)).user, TEST_PASSWORD);
      await agent.get('/overview').expect(403);
    }
    const res = await anonymous().get('/overview').expect(302);
    expect(res.headers.location).to.match(/^\/login/);
    const inspector = await loginAs((await buildUser('inspector', { districtCode: 'SZ' })).user, TEST_PASSWORD);
    await inspector.get('/overview?period=q9').expect(400);
  });

  it('exports each table as XLSX with its changes, and records the export in the audit trail', async () => {
    const inspector = await buildUser('inspector', { districtCode: 'SZ' });
    const agent = await loginAs(inspector.user, TEST_PASSWORD);
    const res = await agent.get(`/overview?year=${YEAR}&period=q2&format=xlsx&table=deliverables`).buffer(true).parse(binaryParser).expect(200);
    expect(res.headers['content-type']).to.contain('spreadsheetml');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(toArrayBuffer(res.body as Buffer));
    const sheet = book.worksheets[0];
    expect(sheet.getRow(1).getCell(2).value).to.equal('应交');
    expect(sheet.getRow(1).getCell(3).value).to.equal('应交 变化');
    const rowA = sheet.getSheetValues().find((r) => Array.isArray(r) && r[1] === f.a.name) as unknown[];
    expect(rowA.slice(2, 4)).to.deep.equal(['2', '±0']);
    const event = await AuditEvent.findOne({ where: { action: 'overview.export', actorId: inspector.user.id } });
    expect(JSON.parse(event?.detail ?? '{}')).to.include({ table: 'deliverables', period: 'q2', year: YEAR, format: 'xlsx' });
  });

  it('links every figure to a list that holds exactly what it counts', async () => {
    const agent = await loginAs((await buildUser('inspector', { districtCode: 'SZ' })).user, TEST_PASSWORD);
    const html = (await agent.get(`/overview?year=${YEAR}&period=q2`).expect(200)).text;
    const section = (table: string) => html.split('data-testid="overview-table"').find((s) => s.includes(`data-table="${table}"`)) ?? '';
    const links = (table: string) => {
      const row =
        section(table)
          .split('<tr')
          .find((r) => r.includes(`data-district="${f.a.id}"`)) ?? '';
      return [...row.matchAll(/data-figure="(\w+)">\s*<a href="([^"]+)">([^<]+)</g)].map((m) => ({
        figure: m[1],
        href: m[2].replace(/&amp;/g, '&'),
        value: m[3],
      }));
    };
    const counted = [
      ...links('contracts'),
      ...links('methods'),
      ...links('deliverables').filter((l) => !l.figure.endsWith('Rate')),
      ...links('grades'),
      ...links('organisations'),
      ...links('directors').filter((l) => ['registered', 'trained', 'lapsing'].includes(l.figure)),
      ...links('claims').filter((l) => l.figure === 'claimsCount'),
    ];
    expect(counted.map((l) => l.figure)).to.include('claimsCount');
    expect(counted.length).to.be.greaterThan(20);
    for (const l of counted) {
      const res = await agent.get(l.href);
      expect(res.status, `${l.figure} → ${l.href} ${res.headers.location ?? ''}`).to.equal(200);
      const list = res.text;
      expect(listTotal(list), `${l.figure} → ${l.href}`).to.equal(Number(l.value));
    }
    // The claims list also says how much its filter paid and to how many directors: the money and per-director figures.
    const claims = Object.fromEntries(links('claims').map((l) => [l.figure, l]));
    expect(Object.keys(claims)).to.include.members(['claimsPaid', 'directorsPaid', 'perDirector']);
    const list = (await agent.get(claims.directorsPaid.href).expect(200)).text;
    expect(listSum(list, 'amount')).to.equal(claims.claimsPaid.value);
    const directors = /data-sum="workers">涉及 (\d+) 名儿童主任</.exec(list)?.[1];
    expect(directors).to.equal(claims.directorsPaid.value);
    const paidFen = Number(claims.claimsPaid.value.replace(/[¥,.]/g, ''));
    expect(formatFen(Math.round(paidFen / Number(directors)))).to.equal(claims.perDirector.value);
  });

  it('links every money figure to a list whose sum, as at the period end, is the figure', async () => {
    const agent = await loginAs((await buildUser('inspector', { districtCode: 'SZ' })).user, TEST_PASSWORD);
    const sums: Record<string, string> = { budget: 'amount', allocated: 'allocated', committed: 'committed', paid: 'amount' };
    let checked = 0;
    // Paid is checked in B: A's claims have payments the fixture never posts to the ledger (the app does),
    // and a fund source's paid is the payments' share of it, which no list of payments can sum.
    for (const [period, fundSource, district, figures] of [
      ['q1', '', f.a.id, ['budget', 'allocated', 'committed']],
      ['q2', 'general_budget', f.a.id, ['budget', 'allocated', 'committed']],
      ['q2', 'welfare_lottery_fund', f.a.id, ['budget', 'allocated', 'committed']],
      ['q1', '', f.b.id, ['budget', 'allocated', 'committed', 'paid']],
      ['q2', '', f.b.id, ['budget', 'allocated', 'committed', 'paid']],
    ] as const) {
      const html = (await agent.get(`/overview?year=${YEAR}&period=${period}&fundSource=${fundSource}`).expect(200)).text;
      const section = html.split('data-testid="overview-table"').find((s) => s.includes('data-table="money"')) ?? '';
      const row = section.split('<tr').find((r) => r.includes(`data-district="${district}"`)) ?? '';
      const links = [...row.matchAll(/data-figure="(\w+)">\s*<a href="([^"]+)">([^<]+)</g)].map((m) => ({
        figure: m[1],
        href: m[2].replace(/&amp;/g, '&'),
        value: m[3],
      }));
      for (const figure of figures) {
        const l = links.find((x) => x.figure === figure);
        expect(l, `${period} ${fundSource} ${figure}`).to.not.equal(undefined);
        const list = (await agent.get(l!.href).expect(200)).text;
        expect(listSum(list, sums[figure]), `${period} ${fundSource} ${figure} → ${l!.href}`).to.equal(l!.value);
        checked += 1;
      }
    }
    expect(checked).to.equal(17);
  });

  it('links the covered sub-districts and the coverage to the coverage page, which shows the same figures for the district', async () => {
    const agent = await loginAs((await buildUser('inspector', { districtCode: 'SZ' })).user, TEST_PASSWORD);
    const html = (await agent.get(`/overview?year=${YEAR}&period=q2`).expect(200)).text;
    const section = html.split('data-testid="overview-table"').find((s) => s.includes('data-table="directors"')) ?? '';
    for (const [district, covered, share] of [
      [f.a.id, '1', '33.3%'],
      [f.b.id, '0', '0.0%'],
    ] as const) {
      const row = section.split('<tr').find((r) => r.includes(`data-district="${district}"`)) ?? '';
      const links = Object.fromEntries(
        [...row.matchAll(/data-figure="(\w+)">\s*<a href="([^"]+)">([^<]+)</g)].map((m) => [m[1], { href: m[2].replace(/&amp;/g, '&'), value: m[3] }]),
      );
      expect(links.covered).to.deep.equal({ href: `/workers/coverage?districtId=${district}`, value: covered });
      expect(links.coverage.value).to.equal(share);
      const page = (await agent.get(links.coverage.href).expect(200)).text;
      const line = /data-testid="coverage-sub-district-totals" data-covered="(\d+)">([^<]+)</.exec(page);
      expect(line?.[1]).to.equal(covered);
      expect(line?.[2]).to.contain(`覆盖率 ${share}`);
    }
  });

  it('reads the overview with the same number of queries for one contract as for twenty, with their money, evaluations, directors and claims', async () => {
    const { district, officer, subDistricts } = await buildFixtureDistrict(1);
    const agent = await loginAs((await buildUser('inspector', { districtCode: 'SZ' })).user, TEST_PASSWORD);
    const sequelize = testSequelize();
    const count = async () => {
      let n = 0;
      sequelize.addHook('beforeQuery', 'count-overview-queries', () => {
        n += 1;
      });
      try {
        await agent.get(`/overview?year=${YEAR + 1}`).expect(200);
      } finally {
        sequelize.removeHook('beforeQuery', 'count-overview-queries');
      }
      return n;
    };
    const one = await fixtureContract(district, officer, YEAR + 1, 'open', 'active');
    await fixtureDeliverable(one.contract, `${YEAR + 1}-03-01`, { status: 'accepted', submissions: 1, lateDays: 0 });
    const small = await count();
    // Twenty times of every family the page counts: contracts, deliverables, money lines and their
    // movements, evaluations, directors and their paid claims.
    const general = await fixtureLine(district, officer, YEAR + 1, 'general_budget', 10_000_000);
    const lottery = await fixtureLine(district, officer, YEAR + 1, 'welfare_lottery_fund', 10_000_000, { totalFen: 100_000_000, targetBp: 1000 });
    for (let i = 0; i < 19; i += 1) {
      const c = await fixtureContract(district, officer, YEAR + 1, i % 2 ? 'open' : 'entrustment', 'active');
      await fixtureDeliverable(c.contract, `${YEAR + 1}-0${1 + (i % 9)}-01`, { status: 'draft', submissions: 0, lateDays: null });
      const line = i % 2 ? general : lottery;
      const allocation = await fixtureAllocate(line, c.project.id, officer, 50_000);
      await fixtureCommit(allocation, c.contract, officer, 40_000);
      await fixturePay(c.contract, officer, 10_000);
      await fixtureEvaluation(c.contract, officer, i % 3 ? 'good' : 'fail', i % 3 === 0);
      const director = await fixtureDirector(district, { subDistrictId: subDistricts[0].id, employment: 'full_time', trainedOn: `${YEAR}-06-01` });
      await fixturePaidClaim(c.contract, director.id, officer, 5_000, `${YEAR + 1}-0${1 + (i % 9)}-15`);
    }
    const large = await count();
    expect(large).to.equal(small);
    expect(small).to.be.lessThan(25);
  });
});
