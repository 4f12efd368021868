import { AllowanceRate } from '../../models/AllowanceRate.js';
import { BudgetLine } from '../../models/BudgetLine.js';
import type { District, User } from '../../models/index.js';
import { beijingDayStart } from '../clock.js';
import { withTransaction } from '../db.js';
import { legsOf, post } from './ledger.js';

/** Monthly amounts of the demo schedule, in fen: 儿童主任 and 儿童督导员, full- and part-time. */
const DEMO_RATES = [
  ['director', 'full_time', 150_000],
  ['director', 'part_time', 80_000],
  ['supervisor', 'full_time', 200_000],
  ['supervisor', 'part_time', 100_000],
] as const;

/**
 * The demo's allowances (#21), development only: every district's schedule from January of last
 * year, and 福田's allowance budget line of this year (so officer.ft can generate a month's list and
 * finance.ft approve it straight away). No list is made: that is what the demo shows.
 */
export async function seedDemoAllowances(districts: readonly District[], year: number, admin: User): Promise<void> {
  await withTransaction(async (transaction) => {
    for (const district of districts.filter((d) => d.kind !== 'city')) {
      await AllowanceRate.bulkCreate(
        DEMO_RATES.map(([role, employment, amountFen]) => ({
          districtId: district.id,
          role,
          employment,
          amountFen,
          effectiveFrom: `${year - 1}-01-01`,
          note: '演示标准',
          createdBy: admin.id,
        })),
        { transaction },
      );
    }
    const futian = districts.find((d) => d.code === 'FT');
    if (!futian) return;
    const line = await BudgetLine.create(
      {
        year,
        districtId: futian.id,
        fundSource: 'child_worker_allowance',
        financeAgencyId: null,
        name: `${year}年福田区儿童主任津补贴`,
        amountFen: 300_000_000,
        lotteryTotalFen: null,
        lotteryTargetBp: null,
        createdBy: admin.id,
      },
      { transaction },
    );
    await post(
      'fund',
      legsOf('fund', line.id, line.id, line.amountFen),
      { recordType: 'budget_line', recordId: line.id, createdBy: admin.id, at: new Date(beijingDayStart(`${year}-01-05`).getTime() + 10 * 3_600_000) },
      transaction,
    );
  });
}
