import type { AllowanceList } from '../../models/AllowanceList.js';
import { allowanceListApprover } from '../../server/commands/allowances/allowanceListApprover.js';
import { allowanceListGenerator } from '../../server/commands/allowances/allowanceListGenerator.js';
import { allowanceListSubmitter } from '../../server/commands/allowances/allowanceListSubmitter.js';
import { allowanceRateSetter } from '../../server/commands/allowances/allowanceRateSetter.js';
import { setClock, stoppedClock } from '../../server/clock.js';
import { actorOf, buildBudgetLine, financeYear } from './finance.js';
import { type BuiltUser, buildUser, district } from './index.js';
import { addTrainings, buildWorker } from './workers.js';

export type BuiltAllowanceList = { list: AllowanceList; officer: BuiltUser; finance: BuiltUser; finance2: BuiltUser; month: string };

/**
 * A month's allowance list of 福田 (June of a fresh year), generated through the commands with one
 * trained full-time director at ¥1,500.00, an allowance budget line of ¥100,000.00, and taken to
 * `status`: draft, submitted or approved (by `finance`; `finance2` may record it paid).
 */
export async function buildAllowanceList(status: 'draft' | 'submitted' | 'approved' = 'draft'): Promise<BuiltAllowanceList> {
  const year = financeYear();
  const month = `${year}-06`;
  const [officer, finance, finance2] = [
    await buildUser('officer', { districtCode: 'FT' }),
    await buildUser('finance', { districtCode: 'FT' }),
    await buildUser('finance', { districtCode: 'FT' }),
  ];
  const by = { actor: actorOf(officer.user) };
  // The fresh year may lie ahead of today (each test of a process takes the next one): the list is
  // made as of that July, when June has passed and the director's December training is not in the future.
  const stopped = stoppedClock();
  setClock(new Date(`${year}-07-01T04:00:00Z`));
  try {
    return await generated(status, { year, month, officer, finance, finance2, by });
  } finally {
    setClock(stopped);
  }
}

async function generated(
  status: 'draft' | 'submitted' | 'approved',
  { year, month, officer, finance, finance2, by }: Omit<BuiltAllowanceList, 'list'> & { year: number; by: { actor: ReturnType<typeof actorOf> } },
): Promise<BuiltAllowanceList> {
  const ft = await district('FT');
  await allowanceRateSetter({ districtId: ft.id, role: 'director', employment: 'full_time', amount: 150_000, effectiveFrom: `${year}-01`, note: null }, by);
  const line = await buildBudgetLine({ year, fundSource: 'child_worker_allowance', creator: finance.user });
  const { worker } = await buildWorker({ employment: 'full_time' });
  await addTrainings(worker, [{ kind: 'initial', trainedOn: `${year - 1}-12-01` }]);
  let list = await allowanceListGenerator({ districtId: ft.id, month }, by);
  if (status !== 'draft') list = await allowanceListSubmitter(list.id, by);
  if (status === 'approved') list = await allowanceListApprover(list.id, { budgetLineId: line.id }, { actor: actorOf(finance.user) });
  return { list, officer, finance, finance2, month };
}
