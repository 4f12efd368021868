import { expect } from 'chai';
import { setClock } from '../../server/clock.js';
import { median } from '../../server/presenters/overview.js';
import { overviewFigures } from '../../server/services/overview-figures.js';
import { overviewPeriod, previousPeriod } from '../../server/services/overview-periods.js';
import { buildUser } from '../factories/index.js';
import { noonOf } from '../factories/overview.js';
import { type Agent, loginAs } from '../support/agent.js';
import { buildOverviewFixture, type Fixture, TODAY, YEAR } from './fixture.js';

/** The text of a figure's cell in a district's row of one table, its link and its change. */
function cell(html: string, table: string, districtId: number | string, figure: string) {
  const section = html.split('data-testid="overview-table"').find((s) => s.includes(`data-table="${table}"`)) ?? '';
  const row = section.split('<tr').find((r) => r.includes(`data-district="${districtId}"`)) ?? '';
  const td = row.split('<td').find((c) => c.includes(`data-figure="${figure}"`)) ?? '';
  const text = td
    .replace(/<small[\s\S]*<\/small>/, '')
    .replace(/<[^>]+>/g, '')
    .replace(/^[^>]*>/, '')
    .trim();
  const href = /href="([^"]+)"/.exec(td)?.[1]?.replace(/&amp;/g, '&') ?? null;
  const change =
    /<small[^>]*>([\s\S]*?)<\/small>/
      .exec(td)?.[1]
      .replace(/<span[\s\S]*?<\/span>/, '')
      .trim() ?? '';
  return { text, href, change };
}

describe('city overview: every figure against a hand-computed fixture of two districts and two periods (#17)', () => {
  let f: Fixture;
  before(async () => {
    f = await buildOverviewFixture();
  });
  afterEach(() => setClock(null));

  it('counts each family of figures per district in Q1 and Q2', async () => {
    const q1 = overviewPeriod(YEAR, 'q1');
    const q2 = overviewPeriod(YEAR, 'q2');
    const figures = await overviewFigures([q1, q2], TODAY);
    const a1 = figures.periods[0].get(f.a.id)!;
    const a2 = figures.periods[1].get(f.a.id)!;
    const b1 = figures.periods[0].get(f.b.id)!;
    const b2 = figures.periods[1].get(f.b.id)!;

    // Money as at each quarter's end; paid shared over the fund sources that committed it (5:1).
    expect(a1.money.all).to.deep.equal({ budgetFen: 1_400_000, allocatedFen: 800_000, committedFen: 600_000, paidFen: 300_000 });
    expect(a1.money.general_budget).to.deep.equal({ budgetFen: 1_000_000, allocatedFen: 600_000, committedFen: 500_000, paidFen: 250_000 });
    expect(a1.money.welfare_lottery_fund).to.deep.equal({ budgetFen: 400_000, allocatedFen: 200_000, committedFen: 100_000, paidFen: 50_000 });
    expect(a2.money.all).to.deep.equal({ budgetFen: 1_400_000, allocatedFen: 900_000, committedFen: 600_000, paidFen: 600_000 });
    expect(a2.money.general_budget.paidFen).to.equal(500_000);
    expect(b1.money.all).to.deep.equal({ budgetFen: 2_000_000, allocatedFen: 1_000_000, committedFen: 1_000_000, paidFen: 0 });
    expect(b2.money.all.paidFen).to.equal(1_000_000);
    expect(a1.lottery).to.deep.equal({ allocatedFen: 200_000, totalFen: 4_000_000, targetWeighted: 4_000_000 * 1000 });

    // Contracts and grades: the year's.
    expect(a1.contracts.total).to.equal(2);
    expect(a1.contracts.byStatus).to.include({ active: 1, draft: 1, completed: 0, terminated: 0 });
    expect(a1.contracts.byMethod).to.include({ open: 1, single_source: 1, competitive_consultation: 0 });
    expect(b2.contracts.byStatus.completed).to.equal(1);
    expect(b2.contracts.byMethod.competitive_consultation).to.equal(1);
    expect(a1.grades).to.include({ good: 1, fail: 1, excellent: 0, total: 2 });
    expect(b1.grades).to.include({ excellent: 1, total: 1 });

    // Deliverables due in each quarter.
    expect(a1.deliverables).to.deep.equal({ due: 2, onTime: 1, acceptedFirst: 1, overdue: 0 });
    expect(a2.deliverables).to.deep.equal({ due: 2, onTime: 1, acceptedFirst: 0, overdue: 1 });
    expect(b1.deliverables).to.deep.equal({ due: 1, onTime: 1, acceptedFirst: 1, overdue: 0 });
    expect(b2.deliverables).to.deep.equal({ due: 0, onTime: 0, acceptedFirst: 0, overdue: 0 });

    // Claims paid in each quarter, directors only.
    expect(a1.claims).to.deep.equal({ paidFen: 12_000, claims: 1, workers: 1 });
    expect(a2.claims).to.deep.equal({ paidFen: 18_000, claims: 2, workers: 2 });
    expect(b2.claims).to.deep.equal({ paidFen: 0, claims: 0, workers: 0 });

    // Today's: organisations and child directors.
    expect(figures.current.get(f.a.id)).to.deep.equal({
      organisations: { rectifying: 1, ineligible: 1 },
      directors: { registered: 3, trained: 2, lapsing: 1, subDistricts: 3, covered: 1 },
    });
    expect(figures.current.get(f.b.id)!.directors).to.deep.equal({ registered: 0, trained: 0, lapsing: 0, subDistricts: 2, covered: 0 });
  });

  it('names the period before: the quarter before, Q4 of the year before Q1, the year before a year', () => {
    expect(previousPeriod(overviewPeriod(YEAR, 'q2'))).to.include({ year: YEAR, kind: 'q1', from: `${YEAR}-01-01`, to: `${YEAR}-03-31` });
    expect(previousPeriod(overviewPeriod(YEAR, 'q1'))).to.include({ year: YEAR - 1, kind: 'q4', from: `${YEAR - 1}-10-01` });
    expect(previousPeriod(overviewPeriod(YEAR, 'year'))).to.include({ year: YEAR - 1, kind: 'year', to: `${YEAR - 1}-12-31` });
    expect(overviewPeriod(YEAR, 'q2').endsAt.toISOString()).to.equal(`${YEAR}-06-30T16:00:00.000Z`);
    expect(median([3, null, 1, 2])).to.equal(2);
    expect(median([1, 2])).to.equal(2);
    expect(median([null])).to.equal(null);
  });

  it('shows each figure of Q2 with its change against Q1 and its link to the list it counts', async () => {
    setClock(noonOf(TODAY));
    const inspector = await loginAs((await buildUser('inspector', { districtCode: 'SZ' })).user, 'correct horse battery staple');
    const html = (await inspector.get(`/overview?year=${YEAR}&period=q2`).expect(200)).text;
    const a = f.a.id;
    const b = f.b.id;
    expect(cell(html, 'money', a, 'budget')).to.deep.equal({ text: '¥14,000.00', href: `/budget-lines?year=${YEAR}&districtId=${a}`, change: '±¥0.00' });
    expect(cell(html, 'money', a, 'allocated')).to.include({ text: '¥9,000.00', change: '+¥1,000.00' });
    expect(cell(html, 'money', a, 'allocated').href).to.equal(`/allocations?year=${YEAR}&districtId=${a}&asAt=${YEAR}-06-30`);
    expect(cell(html, 'money', a, 'paid')).to.deep.equal({
      text: '¥6,000.00',
      href: `/payments?year=${YEAR}&districtId=${a}&status=paid&paidTo=${YEAR}-06-30`,
      change: '+¥3,000.00',
    });
    // 600,000 / 1,400,000 = 42.86 %; Q1 300,000 / 1,400,000 = 21.43 %.
    expect(cell(html, 'money', a, 'execution')).to.include({ text: '42.9%', change: '+21.4 个百分点' });
    expect(cell(html, 'money', b, 'execution')).to.include({ text: '50.0%', change: '+50.0 个百分点' });
    expect(cell(html, 'lottery', a, 'lotteryShare')).to.include({ text: '5.0%', href: `/budget-lines/lottery-share?districtId=${a}` });
    expect(cell(html, 'lottery', a, 'lotteryTarget').text).to.equal('10.0%');
    // The share's link: the finance pages' lottery-share table, the district's year at the same share and target.
    const shareRow = (await inspector.get(`/budget-lines/lottery-share?districtId=${a}`).expect(200)).text;
    expect(shareRow).to.contain('5.00%').and.to.contain('10.00%');
    expect(cell(html, 'contracts', a, 'contract_active')).to.deep.equal({
      text: '1',
      href: `/contracts?year=${YEAR}&districtId=${a}&status=active`,
      change: '+1',
    });
    expect(cell(html, 'methods', a, 'method_single_source')).to.include({ text: '1', href: `/contracts?year=${YEAR}&districtId=${a}&method=single_source` });
    expect(cell(html, 'deliverables', a, 'due')).to.deep.equal({
      text: '2',
      href: `/deliverables?districtId=${a}&dueFrom=${YEAR}-04-01&dueTo=${YEAR}-06-30`,
      change: '±0',
    });
    expect(cell(html, 'deliverables', a, 'acceptedFirst')).to.include({ text: '0', change: '−1' });
    expect(cell(html, 'deliverables', a, 'overdue')).to.include({ text: '1', change: '+1' });
    expect(cell(html, 'deliverables', a, 'overdue').href).to.contain('timeliness=overdue');
    expect(cell(html, 'deliverables', b, 'onTimeRate')).to.include({ text: '—', change: '' });
    expect(cell(html, 'grades', a, 'grade_fail')).to.include({ text: '1', href: `/evaluations?year=${YEAR}&districtId=${a}&status=confirmed&grade=fail` });
    expect(cell(html, 'organisations', a, 'rectifying')).to.deep.equal({ text: '1', href: `/evaluations?districtId=${a}&rectification=open`, change: '' });
    expect(cell(html, 'organisations', a, 'ineligible').href).to.equal(`/organisations?districtId=${a}&status=ineligible`);
    expect(cell(html, 'directors', a, 'lapsing')).to.include({ text: '1', href: `/workers?districtId=${a}&kind=director&status=active&training=lapsing` });
    expect(cell(html, 'directors', a, 'coverage').text).to.equal('33.3%');
    expect(cell(html, 'directors', b, 'coverage').text).to.equal('0.0%');
    expect(cell(html, 'claims', a, 'claimsPaid')).to.include({ text: '¥180.00', change: '+¥60.00' });
    expect(cell(html, 'claims', a, 'perDirector')).to.include({ text: '¥90.00', change: '−¥30.00' });
    expect(cell(html, 'claims', b, 'perDirector').text).to.equal('—');
  });

  it('shows one fund source when asked: the lottery fund of district A', async () => {
    setClock(noonOf(TODAY));
    const inspector: Agent = await loginAs((await buildUser('inspector', { districtCode: 'SZ' })).user, 'correct horse battery staple');
    const html = (await inspector.get(`/overview?year=${YEAR}&period=q1&fundSource=welfare_lottery_fund`).expect(200)).text;
    expect(cell(html, 'money', f.a.id, 'budget')).to.include({
      text: '¥4,000.00',
      href: `/budget-lines?year=${YEAR}&districtId=${f.a.id}&fundSource=welfare_lottery_fund`,
    });
    expect(cell(html, 'money', f.a.id, 'paid').text).to.equal('¥500.00');
    expect(cell(html, 'money', f.a.id, 'execution').text).to.equal('12.5%');
  });
});
