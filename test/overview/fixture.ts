import type { Contract } from '../../models/Contract.js';
import type { District, User } from '../../models/index.js';
import {
  buildFixtureDistrict,
  type FixtureEnv,
  fixtureAllocate,
  fixtureCommit,
  fixtureContract,
  fixtureDeliverable,
  fixtureDirector,
  fixtureEvaluation,
  fixtureLine,
  fixturePaidClaim,
  fixturePay,
  on,
} from '../factories/overview.js';
import { Organisation } from '../../models/index.js';
import { uscc, unique } from '../factories/index.js';

/** The year of the hand-computed fixture, and the day its figures are read on (after Q2). */
export const YEAR = 2091;
export const TODAY = `${YEAR}-07-10`;
const Q1 = `${YEAR}-02-15`;
const Q2 = `${YEAR}-05-15`;

export type Fixture = { a: District; b: District; officerA: User; contractA: Contract };

/**
 * Two districts of their own, over Q1 and Q2 of YEAR, with the figures written out in
 * test/overview/figures.test.ts by hand:
 *
 * A: general line ¥10,000.00, lottery line ¥4,000.00 (lottery total ¥40,000.00, target 10 %).
 *    Q1: allocate ¥6,000.00 general + ¥2,000.00 lottery; commit ¥5,000.00 + ¥1,000.00 to C1; pay ¥3,000.00.
 *    Q2: allocate ¥1,000.00 general more; pay ¥3,000.00 more.
 *    Contracts: C1 active by open tender, C2 draft by single source.
 *    Deliverables: Q1 due 2 (one on time and accepted first, one 5 days late accepted at the second);
 *                  Q2 due 2 (one never handed in: overdue; one on time, waiting for review).
 *    Evaluations: good, fail with an open rectification. One ineligible organisation.
 *    Directors (3 sub-districts): full-time trained in S1; part-time lapsing in S2; full-time untrained in S2; a supervisor.
 *    Claims paid: ¥120.00 (W1, Q1); ¥80.00 (W2, Q2) and ¥100.00 (W1, Q2).
 * B: general line ¥20,000.00. Q1: allocate and commit ¥10,000.00 to C3; Q2: pay ¥10,000.00.
 *    C3 completed by competitive consultation; one deliverable due in Q1 on time, accepted first;
 *    an excellent evaluation; 2 sub-districts, no directors; no claims.
 */
export async function buildOverviewFixture(env?: FixtureEnv): Promise<Fixture> {
  const {
    district: a,
    subDistricts: [s1, s2],
    officer: officerA,
  } = await buildFixtureDistrict(3, env);
  const { district: b, officer: officerB } = await buildFixtureDistrict(2, env);

  const contractA = await on(Q1, async () => {
    const general = await fixtureLine(a, officerA, YEAR, 'general_budget', 1_000_000);
    const lottery = await fixtureLine(a, officerA, YEAR, 'welfare_lottery_fund', 400_000, { totalFen: 4_000_000, targetBp: 1000 });
    const c1 = await fixtureContract(a, officerA, YEAR, 'open', 'active');
    await fixtureContract(a, officerA, YEAR, 'single_source', 'draft');
    const g = await fixtureAllocate(general, c1.project.id, officerA, 600_000);
    const l = await fixtureAllocate(lottery, c1.project.id, officerA, 200_000);
    await fixtureCommit(g, c1.contract, officerA, 500_000);
    await fixtureCommit(l, c1.contract, officerA, 100_000);
    await fixturePay(c1.contract, officerA, 300_000);
    await on(Q2, async () => {
      await fixtureAllocate(general, c1.project.id, officerA, 100_000);
      await fixturePay(c1.contract, officerA, 300_000);
    });
    return c1.contract;
  });
  await fixtureDeliverable(contractA, `${YEAR}-02-10`, { status: 'accepted', submissions: 1, lateDays: 0 });
  await fixtureDeliverable(contractA, `${YEAR}-03-20`, { status: 'accepted', submissions: 2, lateDays: 5 });
  await fixtureDeliverable(contractA, `${YEAR}-05-10`, { status: 'draft', submissions: 0, lateDays: null });
  await fixtureDeliverable(contractA, `${YEAR}-06-10`, { status: 'submitted', submissions: 1, lateDays: 0 });
  await fixtureEvaluation(contractA, officerA, 'good');
  await fixtureEvaluation(contractA, officerA, 'fail', true);
  await Organisation.create({ name: `测试社工${unique()}`, uscc: uscc(), districtId: a.id, status: 'ineligible', ineligibleUntil: `${YEAR + 1}-12-31` });
  const w1 = await fixtureDirector(a, { subDistrictId: s1.id, employment: 'full_time', trainedOn: `${YEAR}-01-05` }, env);
  const w2 = await fixtureDirector(a, { subDistrictId: s2.id, employment: 'part_time', trainedOn: `${YEAR - 1}-07-20` }, env);
  await fixtureDirector(a, { subDistrictId: s2.id, employment: 'full_time', trainedOn: null }, env);
  await fixtureDirector(a, { subDistrictId: s2.id, employment: 'full_time', trainedOn: `${YEAR}-01-05`, kind: 'supervisor' }, env);
  await fixturePaidClaim(contractA, w1.id, officerA, 12_000, `${YEAR}-03-05`);
  await fixturePaidClaim(contractA, w2.id, officerA, 8_000, `${YEAR}-05-05`);
  await fixturePaidClaim(contractA, w1.id, officerA, 10_000, `${YEAR}-05-20`);

  await on(Q1, async () => {
    const line = await fixtureLine(b, officerB, YEAR, 'general_budget', 2_000_000);
    const c3 = await fixtureContract(b, officerB, YEAR, 'competitive_consultation', 'completed');
    const g = await fixtureAllocate(line, c3.project.id, officerB, 1_000_000);
    await fixtureCommit(g, c3.contract, officerB, 1_000_000);
    await on(Q2, () => fixturePay(c3.contract, officerB, 1_000_000));
    await fixtureDeliverable(c3.contract, `${YEAR}-03-01`, { status: 'accepted', submissions: 1, lateDays: 0 });
    await fixtureEvaluation(c3.contract, officerB, 'excellent');
  });
  return { a, b, officerA, contractA };
}
