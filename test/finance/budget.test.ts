import { expect } from 'chai';
import { BudgetLine } from '../../models/BudgetLine.js';
import { AuditEvent, type User } from '../../models/index.js';
import type { Role } from '../../models/User.js';
import { balance, verifyLedger } from '../../server/services/ledger.js';
import { buildAllocation, buildBudgetLine, buildFinanceProject, financeYear } from '../factories/finance.js';
import { buildUser, district } from '../factories/index.js';
import { type Agent, anonymous, loginAs, postForm } from '../support/agent.js';
import { testSequelize } from '../support/hooks.js';
import { forgetCachedFigures } from '../../server/services/figure-cache.js';

async function signedIn(role: Role, districtCode = 'FT'): Promise<{ agent: Agent; user: User }> {
  const { user, password } = await buildUser(role, { districtCode });
  return { agent: await loginAs(user, password), user };
}

/** A year the form accepts (2000–2100) that no other line of 福田 uses. */
async function formYear(): Promise<number> {
  for (let y = 2100; y >= 2000; y -= 1) {
    if (!(await BudgetLine.findOne({ where: { year: y, districtId: (await district('FT')).id } }))) return y;
  }
  throw new Error('no free year');
}

describe('budget lines', () => {
  it('finance creates a line: the amount is funded in the ledger and audited', async () => {
    const { agent } = await signedIn('finance');
    const year = await formYear();
    const ft = await district('FT');
    const res = await postForm(agent, '/budget-lines', {
      year: String(year),
      districtId: String(ft.id),
      fundSource: 'general_budget',
      name: '儿童关爱专项',
      amount: '50000.00',
    });
    expect(res.status, res.text).to.equal(302);
    const line = (await BudgetLine.findOne({ where: { year, districtId: ft.id, fundSource: 'general_budget' } }))!;
    expect(line.amountFen).to.equal(5_000_000);
    expect(await balance('line_available', line.id)).to.equal(5_000_000);
    expect(await AuditEvent.count({ where: { action: 'budget_line.create', recordId: String(line.id) } })).to.equal(1);
    const again = await postForm(agent, '/budget-lines', {
      year: String(year),
      districtId: String(ft.id),
      fundSource: 'general_budget',
      name: '重复',
      amount: '1',
    });
    expect(again.status).to.equal(422);
    expect(again.text).to.contain('id="f-fundSource-error"');
  });

  it('a lottery line needs the year total and the target share (422, input kept); bad money is refused beside the field', async () => {
    const { agent } = await signedIn('finance');
    const year = await formYear();
    const ft = await district('FT');
    const base = { year: String(year), districtId: String(ft.id), fundSource: 'welfare_lottery_fund', name: '福彩儿童关爱' };
    const missing = await postForm(agent, '/budget-lines', { ...base, amount: '100000' });
    expect(missing.status).to.equal(422);
    expect(missing.text).to.contain('id="f-lotteryTotal-error"').and.to.contain('福彩儿童关爱');
    const badMoney = await postForm(agent, '/budget-lines', { ...base, amount: '1,00', lotteryTotal: '1000000', lotteryTarget: '10' });
    expect(badMoney.status).to.equal(422);
    expect(badMoney.text).to.contain('id="f-amount-error"');
    const badShare = await postForm(agent, '/budget-lines', { ...base, amount: '1000', lotteryTotal: '1000000', lotteryTarget: '120' });
    expect(badShare.text).to.contain('id="f-lotteryTarget-error"');
    const ok = await postForm(agent, '/budget-lines', { ...base, amount: '100000', lotteryTotal: '1000000', lotteryTarget: '12.5' });
    expect(ok.status).to.equal(302);
    const line = (await BudgetLine.findOne({ where: { year, districtId: ft.id, fundSource: 'welfare_lottery_fund' } }))!;
    expect(line.lotteryTotalFen).to.equal(100_000_000);
    expect(line.lotteryTargetBp).to.equal(1_250);
  });

  it('a raise posts fund, a cut posts defund, and never below what is allocated (422)', async () => {
    const { agent, user } = await signedIn('finance');
    const line = await buildBudgetLine({ amountFen: 100_000, creator: user });
    await buildAllocation({ line, status: 'approved', amountFen: 70_000 });
    const edit = async (amount: string) =>
      postForm(agent, `/budget-lines/${line.id}`, { name: line.name, amount, _version: String((await BudgetLine.findByPk(line.id))!.lockVersion) });
    expect((await edit('1500.00')).status).to.equal(302);
    expect(await balance('line_available', line.id)).to.equal(80_000);
    expect((await edit('900.00')).status).to.equal(302);
    expect(await balance('line_available', line.id)).to.equal(20_000);
    const tooLow = await edit('600.00');
    expect(tooLow.status).to.equal(422);
    expect(tooLow.text).to.contain('id="f-amount-error"');
    expect((await BudgetLine.findByPk(line.id))!.amountFen).to.equal(90_000);
    expect(await balance('funding', line.id)).to.equal(-90_000);
    expect((await verifyLedger()).ok).to.equal(true);
  });

  it('shows allocated and available from the ledger; lists filter, export (audited) and read 5 or 50 rows with the same number of queries', async function () {
    this.timeout(120_000);
    const { agent, user } = await signedIn('finance', 'SZ');
    const line = await buildBudgetLine({ amountFen: 100_000, districtCode: 'LG', creator: user });
    await buildAllocation({ line, status: 'approved', amountFen: 25_000 });
    const page = await agent.get(`/budget-lines/${line.id}`);
    expect(page.text)
      .to.match(/data-testid="allocated">¥250.00</)
      .and.to.match(/data-testid="available">¥750.00</);
    const year = line.year;
    const lg = await district('LG');
    const lines = await agent.get(`/budget-lines?year=${year}&districtId=${lg.id}`);
    expect([...lines.text.matchAll(/data-testid="budget-row"/g)].length).to.equal(1);
    const csv = await agent.get(`/budget-lines?year=${year}&districtId=${lg.id}&format=csv`);
    expect(csv.text).to.contain('750.00');
    expect(await AuditEvent.count({ where: { action: 'budget_line.export' } })).to.be.greaterThan(0);

    const sequelize = testSequelize();
    const countQueries = async (url: string) => {
      forgetCachedFigures(); // every read counted afresh: the figures a write would make it compute (services/figure-cache.ts)
      let n = 0;
      sequelize.addHook('beforeQuery', 'count-budget-queries', () => {
        n += 1;
      });
      try {
        expect((await agent.get(url)).status).to.equal(200);
      } finally {
        sequelize.removeHook('beforeQuery', 'count-budget-queries');
      }
      return n;
    };
    const yt = await district('YT');
    // Other test files of this worker process may have made YT lines too: this test's are 50 more.
    const before = await BudgetLine.count({ where: { districtId: yt.id } });
    for (let i = 0; i < 50; i += 1) await buildBudgetLine({ districtCode: 'YT', creator: user, fundSource: i < 5 ? 'other' : 'general_budget' });
    const five = await countQueries(`/budget-lines?districtId=${yt.id}&fundSource=other&perPage=10&sort=district`);
    const fifty = await countQueries(`/budget-lines?districtId=${yt.id}&perPage=50&sort=district`);
    expect(await BudgetLine.count({ where: { districtId: yt.id } })).to.equal(before + 50);
    expect(fifty).to.equal(five);
  });

  it('officers see their district and the city lines; another district answers 404; organisation users none; officers cannot create', async () => {
    const ns = await buildBudgetLine({ districtCode: 'NS' });
    const city = await buildBudgetLine({ districtCode: 'SZ' });
    const { agent } = await signedIn('officer');
    expect((await agent.get(`/budget-lines/${ns.id}`)).status).to.equal(404);
    expect((await agent.get(`/budget-lines/${city.id}`)).status).to.equal(200);
    expect((await agent.get('/budget-lines/new')).status).to.equal(403);
    expect((await postForm(agent, `/budget-lines/${city.id}`, { name: 'x', amount: '1' })).status).to.equal(403);
    const nsFinance = await signedIn('finance', 'NS');
    expect((await postForm(nsFinance.agent, `/budget-lines/${city.id}`, { name: 'x', amount: '1' })).status).to.equal(403);
    const org = await signedIn('org');
    expect((await org.agent.get('/budget-lines')).status).to.equal(403);
    const res = await anonymous().get('/budget-lines');
    expect(res.headers.location).to.match(/^\/login/);
  });

  it('the lottery share: allocated from lottery lines ÷ the year total, against the target, year over year', async () => {
    const { agent, user } = await signedIn('finance', 'GM');
    const y1 = financeYear();
    const y2 = financeYear();
    const first = await buildBudgetLine({
      districtCode: 'GM',
      year: y1,
      fundSource: 'welfare_lottery_fund',
      amountFen: 5_000_000,
      lotteryTotalFen: 40_000_000,
      lotteryTargetBp: 500,
      creator: user,
    });
    const second = await buildBudgetLine({
      districtCode: 'GM',
      year: y2,
      fundSource: 'welfare_lottery_fund',
      amountFen: 5_000_000,
      lotteryTotalFen: 40_000_000,
      lotteryTargetBp: 800,
      creator: user,
    });
    const p1 = await buildFinanceProject({ districtCode: 'GM', year: y1 });
    const p2 = await buildFinanceProject({ districtCode: 'GM', year: y2 });
    await buildAllocation({ line: first, project: p1, status: 'approved', amountFen: 1_000_000 });
    await buildAllocation({ line: first, project: p1, status: 'released', amountFen: 500_000 });
    await buildAllocation({ line: first, project: p1, status: 'submitted', amountFen: 700_000 });
    await buildAllocation({ line: second, project: p2, status: 'approved', amountFen: 4_000_000 });
    const gm = await district('GM');
    const res = await agent.get(`/budget-lines/lottery-share?districtId=${gm.id}`);
    expect(res.status).to.equal(200);
    expect(res.text).to.contain(`data-id="${first.id}" data-share-bp="250"`);
    expect(res.text).to.contain(`data-id="${second.id}" data-share-bp="1000"`);
    expect(res.text).to.contain('+7.50');
  });
});
