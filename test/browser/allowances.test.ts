import { expect } from 'chai';
import { AllowanceList } from '../../models/AllowanceList.js';
import { AllowanceListRow } from '../../models/AllowanceListRow.js';
import { ALLOWANCE_FUND, BudgetLine } from '../../models/BudgetLine.js';
import { ChildWorker, type Employment } from '../../models/ChildWorker.js';
import { User } from '../../models/index.js';
import { thisYear, today } from '../../server/clock.js';
import { withTransaction } from '../../server/db.js';
import { addMonths } from '../../server/services/calendar.js';
import { maskIdNumber } from '../../server/services/identifiers.js';
import { legsOf, post, verifyLedger } from '../../server/services/ledger.js';
import { PersonalDataCipher } from '../../server/services/personal-data.js';
import { district, unique } from '../factories/index.js';
import { userCreator } from '../../server/commands/users/userCreator.js';
import { addTrainings, idNumber } from '../factories/workers.js';
import { openPage, seriousA11yViolations, type WatchedPage } from './support/browser.js';
import { Walk } from './support/journey.js';

/**
 * Child workers' allowances (津补贴, #21) walked at 1366×768 in Chinese: the Futian officer
 * (officer.ft) sets the schedule (full-time and part-time directors), generates last month's list
 * (the trained workers on it, an untrained and an out-of-post one left out and counted), and
 * submits it; finance.ft approves it against the district's allowance budget line from the to-do
 * list, through the confirmation; a second finance reviewer of Futian records it paid; the
 * worker's page shows the month. Workers are picked by their unique names in the shared demo
 * database. Clicks counted; SCREENSHOT_DIR keeps a shot per step.
 */
const DESK = { width: 1366, height: 768 };

describe('browser: child workers’ allowances (#21)', () => {
  let watched: WatchedPage | undefined;
  afterEach(async () => {
    await watched?.context.close();
    watched = undefined;
  });

  it('the officer keeps the schedule and generates the month; finance approves; a second reviewer records it paid', async () => {
    const ft = await district('FT');
    const officerUser = (await User.findOne({ where: { username: 'officer.ft' } }))!;
    const financeUser = (await User.findOne({ where: { username: 'finance.ft' } }))!;
    const month = addMonths(today(), -1).slice(0, 7);
    const year = Number(month.slice(0, 4));
    const tag = unique('津补贴走查');
    // The browser app has its own configuration: seal the numbers with any key (pages show only the masks).
    const cipher = new PersonalDataCipher(Buffer.alloc(32, 7));
    const director = async (name: string, employment: Employment, trainedOn: string | null) => {
      const id = idNumber();
      const w = await ChildWorker.create({
        kind: 'director',
        name,
        idNumberEnc: cipher.encrypt(id),
        idNumberIndex: cipher.index('idNumber', id),
        idNumberMasked: maskIdNumber(id),
        phoneEnc: null,
        phoneMasked: null,
        districtId: ft.id,
        subDistrictId: null,
        community: '莲花社区',
        employment,
        createdBy: null,
      });
      if (trainedOn) await addTrainings(w, [{ kind: 'initial', trainedOn }], officerUser);
      return w;
    };
    const trainedOn = `${year - 1}-12-10`;
    const full = await director(`${tag}甲`, 'full_time', trainedOn);
    const part = await director(`${tag}乙`, 'part_time', trainedOn);
    const untrained = await director(`${tag}丙`, 'full_time', null);
    const left = await director(`${tag}丁`, 'full_time', trainedOn);
    await left.update({ status: 'inactive', leftPostOn: `${month}-10` });
    // The district's allowance budget line of the year (finance keeps it; one per district, year and fund source).
    const line =
      (await BudgetLine.findOne({ where: { districtId: ft.id, year, fundSource: ALLOWANCE_FUND } })) ??
      (await withTransaction(async (transaction) => {
        const created = await BudgetLine.create(
          {
            year,
            districtId: ft.id,
            fundSource: ALLOWANCE_FUND,
            financeAgencyId: null,
            name: `${year}年福田区儿童主任津补贴`,
            amountFen: 200_000_000,
            lotteryTotalFen: null,
            lotteryTargetBp: null,
            createdBy: financeUser.id,
          },
          { transaction },
        );
        await post(
          'fund',
          legsOf('fund', created.id, created.id, created.amountFen),
          { recordType: 'budget_line', recordId: created.id, createdBy: financeUser.id },
          transaction,
        );
        return created;
      }));
    // A second finance reviewer of 福田区: who approved a list does not record it paid.
    const cashierName = `cashier.allowance.${Date.now()}`;
    const cashierPassword = 'a second reviewer pass-phrase';
    await userCreator(
      {
        username: cashierName,
        displayName: '福田区财政局 出纳',
        role: 'finance',
        districtId: ft.id,
        agencyId: financeUser.agencyId,
        organisationId: null,
        password: cashierPassword,
        mustChangePassword: false,
      },
      { actor: null, passwordCost: 12 },
    );
    expect(year).to.be.at.most(thisYear());

    watched = await openPage({ viewport: DESK });
    const { page, problems } = watched;
    const walk = new Walk('allowances');
    const { click, shot, confirm } = walk;
    const violations: string[] = [];
    const check = async (label: string) => violations.push(...(await seriousA11yViolations(page)).map((v) => `${label} ${v}`));

    // The officer: the schedule, then the month's list.
    await walk.signIn('officer', page, 'officer.ft');
    await walk.fromMenu('officer', page, '津补贴');
    await page.locator('[data-testid="generate-form"]').waitFor();
    await shot(page, 'lists');
    await check('lists');
    await click('officer', page, page.locator('[data-testid="rates-link"]'));
    for (const [employment, amount] of [
      ['full_time', '1500'],
      ['part_time', '800'],
    ]) {
      await page.locator('#f-role').selectOption('director');
      await page.locator('#f-employment').selectOption(employment);
      await page.locator('#f-amount').fill(amount);
      await page.locator('#f-effectiveFrom').fill(`${year}-01`);
      await page.locator('#f-note').fill('福田区津补贴标准（演示）');
      await click('officer', page, page.locator('[data-testid="add-rate"]'));
    }
    expect(await page.locator('[data-testid="rate-in-force"][data-employment="full_time"][data-role="director"]').innerText()).to.contain('¥1,500.00');
    await shot(page, 'rates');
    await check('rates');
    await click('officer', page, page.getByRole('link', { name: '返回津补贴名单' }));
    expect(await page.locator('#f-month').inputValue()).to.equal(month);
    await click('officer', page, page.locator('[data-testid="generate"]'));
    await page.locator('[data-testid="list-status"]').waitFor();
    await shot(page, 'draft');
    await check('draft');
    const list = (await AllowanceList.findOne({ where: { districtId: ft.id, month }, order: [['id', 'DESC']] }))!;
    const onList = new Set(
      (await AllowanceListRow.findAll({ where: { allowanceListId: list.id }, attributes: ['childWorkerId'] })).map((r) => r.childWorkerId),
    );
    expect(onList.has(full.id) && onList.has(part.id)).to.equal(true);
    expect(onList.has(untrained.id) || onList.has(left.id)).to.equal(false);
    expect(await page.locator('[data-testid="left-out"]').innerText())
      .to.contain('当月初未培训合格')
      .and.contain('当月不在岗');
    // The rows filtered by name: the two tagged directors with their amounts, ID numbers masked.
    await page.locator('#f-q').fill(tag);
    await click('officer', page, page.locator('[data-testid="rows-filter"] button[type="submit"]'));
    expect(await page.locator('[data-testid="allowance-row"]').count()).to.equal(2);
    const text = await page.locator('[data-testid="allowance-rows"]').innerText();
    expect(text).to.contain('¥1,500.00').and.contain('¥800.00').and.contain(full.idNumberMasked);
    await click('officer', page, page.locator('[data-testid="submit"]'));
    expect(await page.locator('[data-testid="list-status"]').innerText()).to.equal('待审批');
    await shot(page, 'submitted');
    await page.context().clearCookies();

    // Finance: from the to-do list to the decision, through the confirmation.
    await walk.signIn('finance', page, 'finance.ft');
    await page.goto('/inbox?kind=allowanceDecide');
    await click('finance', page, page.locator(`a[href="/allowances/${list.id}"]`).first());
    await page.locator('[data-testid="decision-form"]').waitFor();
    await shot(page, 'review');
    await check('review');
    expect(await page.locator('#f-budgetLineId').inputValue()).to.equal(String(line.id));
    await click('finance', page, page.locator('[data-testid="approve"]'), false);
    await page.locator('[data-testid="confirmation"]').waitFor();
    await shot(page, 'confirm');
    await check('confirm');
    await confirm('finance', page, (await page.locator('[data-testid="total"]').innerText()).trim());
    expect(await page.locator('[data-testid="list-status"]').innerText()).to.equal('已批准');
    expect(await page.locator('[data-testid="second-reviewer"]').count()).to.equal(1);
    await shot(page, 'approved');
    await check('approved');
    await page.context().clearCookies();

    // A second finance reviewer records the transfer.
    await walk.signIn('cashier', page, cashierName, cashierPassword);
    await page.goto(`/allowances/${list.id}`);
    await page.locator('#f-bankReference').fill('FT-JBT-0001');
    await click('cashier', page, page.locator('[data-testid="pay"]'), false);
    await confirm('cashier', page, (await page.locator('[data-testid="total"]').innerText()).trim());
    expect(await page.locator('[data-testid="list-status"]').innerText()).to.equal('已发放');
    expect(await page.locator('[data-testid="bank-reference"]').innerText()).to.equal('FT-JBT-0001');
    await shot(page, 'paid');
    await check('paid');
    await click('cashier', page, page.getByRole('link', { name: full.name }).first());
    expect(await page.locator('[data-testid="worker-allowances"]').innerText())
      .to.contain(month)
      .and.contain('¥1,500.00')
      .and.contain('已发放');
    await shot(page, 'worker');
    await check('worker');
    expect((await verifyLedger()).ok).to.equal(true);

    console.log(`      clicks: ${JSON.stringify(walk.clicks)}`);
    expect(violations, violations.join('\n')).to.deep.equal([]);
    expect(
      problems.filter((p) => !/status of 422/.test(p)),
      problems.join('\n'),
    ).to.deep.equal([]);
  });
});
