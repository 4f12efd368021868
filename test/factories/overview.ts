import { randomBytes } from 'node:crypto';
import { Award } from '../../models/Award.js';
import { Contract } from '../../models/Contract.js';
import { Agency, District, Organisation, SubDistrict, type User } from '../../models/index.js';
import { type ProcurementMethod, Project } from '../../models/Project.js';
import { Allocation } from '../../models/Allocation.js';
import { BudgetLine, type FundSource } from '../../models/BudgetLine.js';
import { Claim } from '../../models/Claim.js';
import { Deliverable } from '../../models/Deliverable.js';
import { Engagement } from '../../models/Engagement.js';
import { Evaluation, type Grade } from '../../models/Evaluation.js';
import { Payment } from '../../models/Payment.js';
import { now, setClock, today } from '../../server/clock.js';
import { withTransaction } from '../../server/db.js';
import { legsOf, post } from '../../server/services/ledger.js';
import { ChildWorker } from '../../models/ChildWorker.js';
import { EvaluationTemplate } from '../../models/EvaluationTemplate.js';
import { userCreator } from '../../server/commands/users/userCreator.js';
import { maskIdNumber, maskPhone } from '../../server/services/identifiers.js';
import type { PersonalDataCipher } from '../../server/services/personal-data.js';
import { testConfig } from '../support/hooks.js';
import { TEST_PASSWORD, unique, uscc } from './index.js';
import { idNumber, mobile, testCipher } from './workers.js';

/**
 * A district of its own for a test (no other test's records point at it), with its agencies and
 * `subDistricts` sub-districts: the overview's figures of it are exactly what the test builds.
 */
/**
 * What the fixture needs of the app's configuration: the password cost of the users it makes and
 * the cipher of the workers' numbers (the unit suite's by default; the browser suite passes its app's).
 */
export type FixtureEnv = { passwordCost: number; cipher: PersonalDataCipher };
const unitEnv = (): FixtureEnv => ({ passwordCost: testConfig().passwordCost, cipher: testCipher() });

export async function buildFixtureDistrict(
  subDistricts = 2,
  env: FixtureEnv = unitEnv(),
): Promise<{ district: District; subDistricts: SubDistrict[]; officer: User }> {
  // Eight characters at most (districts.code); random, so runs and workers never collide.
  const code = `T${randomBytes(4).toString('hex').slice(0, 7).toUpperCase()}`;
  const district = await District.create({ code, name: `测试区${code}`, nameEn: `Test ${code}`, gbCode: null, kind: 'district', sortOrder: 900 });
  for (const kind of ['civil_affairs', 'finance'] as const) await Agency.create({ districtId: district.id, kind, name: `${district.name}${kind}` });
  const subs: SubDistrict[] = [];
  for (let i = 0; i < subDistricts; i += 1)
    subs.push(await SubDistrict.create({ districtId: district.id, name: `测试街道${i + 1}${code}`, kind: 'subdistrict', sortOrder: i }));
  const agency = await Agency.findOne({ where: { districtId: district.id, kind: 'civil_affairs' } });
  const officer = await userCreator(
    {
      username: unique('officer.'),
      displayName: `${district.name}民政局 经办人`,
      role: 'officer',
      districtId: district.id,
      agencyId: agency?.id ?? null,
      organisationId: null,
      password: TEST_PASSWORD,
      mustChangePassword: false,
    },
    { actor: null, passwordCost: env.passwordCost },
  );
  return { district, subDistricts: subs, officer };
}

/** An instant in Beijing on `day` (noon), for the test clock. */
export const noonOf = (day: string) => new Date(`${day}T04:00:00Z`);

/** Runs `fn` with the clock stopped at noon on `day`, then lets it run again. */
export async function on<T>(day: string, fn: () => Promise<T>): Promise<T> {
  setClock(noonOf(day));
  try {
    return await fn();
  } finally {
    setClock(null);
  }
}

/** A budget line funded in the ledger (at the clock's time). */
export async function fixtureLine(
  district: District,
  by: User,
  year: number,
  fundSource: FundSource,
  amountFen: number,
  lottery?: { totalFen: number; targetBp: number },
) {
  return withTransaction(async (transaction) => {
    const line = await BudgetLine.create(
      {
        year,
        districtId: district.id,
        fundSource,
        financeAgencyId: null,
        name: `测试预算${unique()}`,
        amountFen,
        lotteryTotalFen: lottery?.totalFen ?? null,
        lotteryTargetBp: lottery?.targetBp ?? null,
        createdBy: by.id,
      },
      { transaction },
    );
    await post('fund', legsOf('fund', line.id, line.id, amountFen), { recordType: 'budget_line', recordId: line.id, createdBy: by.id }, transaction);
    return line;
  });
}

/** A contracted project and its contract (in `status`), bought by `method`, with an organisation of the district. */
export async function fixtureContract(
  district: District,
  by: User,
  year: number,
  method: ProcurementMethod,
  status: Contract['status'],
  organisation?: Organisation,
) {
  const agency = await Agency.findOne({ where: { districtId: district.id, kind: 'civil_affairs' } });
  const org = organisation ?? (await Organisation.create({ name: `测试社工${unique()}`, uscc: uscc(), districtId: district.id }));
  const project = await Project.create({
    year,
    districtId: district.id,
    agencyId: agency!.id,
    title: `困境儿童关爱服务${unique()}`,
    targetGroup: '辖区困境儿童',
    budgetFen: 10_000_000,
    procurementMethod: method,
    status: 'contracted',
    createdBy: by.id,
  });
  const award = await Award.create({
    projectId: project.id,
    activeProjectId: project.id,
    organisationId: org.id,
    organisationDistrictId: district.id,
    amountFen: 10_000_000,
    reasons: '综合评分第一',
    awardedBy: by.id,
    awardedAt: new Date(),
  });
  const contract = await Contract.create({
    number: unique('SZHT-'),
    projectId: project.id,
    awardId: award.id,
    organisationId: org.id,
    districtId: district.id,
    year,
    status,
    valueFen: 10_000_000,
    termStart: `${year}-01-01`,
    termEnd: `${year}-12-31`,
    createdBy: by.id,
  });
  return { project, contract, organisation: org };
}

/** An approved allocation of `amountFen` from `line` to `project`, moved in the ledger at the clock's time. */
export async function fixtureAllocate(line: BudgetLine, projectId: number, by: User, amountFen: number): Promise<Allocation> {
  return withTransaction(async (transaction) => {
    const allocation = await Allocation.create(
      {
        budgetLineId: line.id,
        projectId,
        districtId: line.districtId,
        lineDistrictId: line.districtId,
        year: line.year,
        fundSource: line.fundSource,
        amountFen,
        purpose: '购买家庭探访服务',
        funds: 'service_purchase',
        status: 'approved',
        requestedBy: by.id,
        submittedAt: new Date(),
        decidedBy: null,
        decidedAt: new Date(),
        decisionReason: null,
        releasedBy: null,
        releasedAt: null,
      },
      { transaction },
    );
    await post(
      'allocate',
      legsOf('allocate', line.id, allocation.id, amountFen),
      { recordType: 'allocation', recordId: allocation.id, createdBy: by.id },
      transaction,
    );
    return allocation;
  });
}

/** Commits `amountFen` of an allocation to a contract (at the clock's time). */
export async function fixtureCommit(allocation: Allocation, contract: Contract, by: User, amountFen: number): Promise<void> {
  await withTransaction((transaction) =>
    post('commit', legsOf('commit', allocation.id, contract.id, amountFen), { recordType: 'contract', recordId: contract.id, createdBy: by.id }, transaction),
  );
}

/** Pays `amountFen` of a contract (at the clock's time, paid on the clock's day): its payment and the ledger's `pay`, as paymentPayer records them. */
export async function fixturePay(contract: Contract, by: User, amountFen: number): Promise<void> {
  await withTransaction(async (transaction) => {
    const payment = await Payment.create(
      {
        contractId: contract.id,
        instalmentId: null,
        openInstalmentId: null,
        kind: 'instalment',
        districtId: contract.districtId,
        organisationId: contract.organisationId,
        year: contract.year,
        amountFen,
        status: 'paid',
        requestedBy: by.id,
        requestedAt: now(),
        paidOn: today(),
      },
      { transaction },
    );
    await post('pay', legsOf('pay', contract.id, contract.id, amountFen), { recordType: 'payment', recordId: payment.id, createdBy: by.id }, transaction);
  });
}

/** A deliverable of a contract due on `dueOn`, in the state its submissions left it. */
export async function fixtureDeliverable(
  contract: Contract,
  dueOn: string,
  state: { status: Deliverable['status']; submissions: number; lateDays: number | null },
): Promise<Deliverable> {
  return Deliverable.create({
    contractId: contract.id,
    organisationId: contract.organisationId,
    districtId: contract.districtId,
    categoryCode: 'home_visit',
    periodStart: `${dueOn.slice(0, 7)}-01`,
    periodEnd: dueOn,
    dueOn,
    status: state.status,
    submissionCount: state.submissions,
    currentVersion: state.submissions,
    firstSubmittedAt: state.lateDays === null ? null : new Date(`${dueOn}T02:00:00Z`),
    submittedLateDays: state.lateDays,
  });
}

/** A confirmed evaluation of a contract with `grade`, a rectification left open when asked. */
export async function fixtureEvaluation(contract: Contract, by: User, grade: Grade, rectificationOpen = false): Promise<Evaluation> {
  const template = await EvaluationTemplate.create({ name: unique('评价模板'), districtId: contract.districtId, createdBy: by.id });
  return Evaluation.create({
    contractId: contract.id,
    templateId: template.id,
    districtId: contract.districtId,
    organisationId: contract.organisationId,
    year: contract.year,
    kind: 'interim',
    status: 'confirmed',
    periodStart: `${contract.year}-01-01`,
    periodEnd: `${contract.year}-06-30`,
    dueOn: `${contract.year}-07-31`,
    grade,
    totalHundredths: grade === 'fail' ? 5000 : 8500,
    consequence: rectificationOpen ? 'rectification' : 'none',
    rectificationDeadline: rectificationOpen ? `${contract.year}-09-30` : null,
    createdBy: by.id,
  });
}

/** A child director of the district with its training days (the registry's summary), its numbers sealed with the app's cipher. */
export async function fixtureDirector(
  district: District,
  attrs: { subDistrictId: number; employment: 'full_time' | 'part_time'; trainedOn: string | null; kind?: 'director' | 'supervisor' },
  env: FixtureEnv = unitEnv(),
) {
  let number = idNumber();
  while ((await ChildWorker.count({ where: { idNumberIndex: env.cipher.index('idNumber', number) } })) > 0) number = idNumber();
  const phone = mobile();
  return ChildWorker.create({
    kind: attrs.kind ?? 'director',
    name: `儿童主任${unique()}`,
    idNumberEnc: env.cipher.encrypt(number),
    idNumberIndex: env.cipher.index('idNumber', number),
    idNumberMasked: maskIdNumber(number),
    phoneEnc: env.cipher.encrypt(phone),
    phoneMasked: maskPhone(phone),
    districtId: district.id,
    subDistrictId: attrs.subDistrictId,
    community: '测试社区',
    employment: attrs.employment,
    trainingPassedOn: attrs.trainedOn,
    lastTrainingPassedOn: attrs.trainedOn,
    createdBy: null,
  });
}

/** A paid claim of `totalFen` for a worker on a contract, its payment paid on `paidOn`. */
export async function fixturePaidClaim(contract: Contract, workerId: number, by: User, totalFen: number, paidOn: string): Promise<Claim> {
  const engagement = await Engagement.create({
    contractId: contract.id,
    organisationId: contract.organisationId,
    districtId: contract.districtId,
    childWorkerId: workerId,
    startsOn: `${contract.year}-01-01`,
    endsOn: `${contract.year}-12-31`,
    createdBy: by.id,
  });
  const payment = await Payment.create({
    contractId: contract.id,
    instalmentId: null,
    openInstalmentId: null,
    kind: 'claim',
    districtId: contract.districtId,
    organisationId: contract.organisationId,
    year: contract.year,
    amountFen: totalFen,
    status: 'paid',
    requestedBy: by.id,
    requestedAt: new Date(`${paidOn}T01:00:00Z`),
    paidOn,
  });
  return Claim.create({
    contractId: contract.id,
    organisationId: contract.organisationId,
    districtId: contract.districtId,
    childWorkerId: workerId,
    engagementId: engagement.id,
    month: paidOn.slice(0, 7),
    status: 'paid',
    totalFen,
    createdBy: by.id,
    paymentId: payment.id,
  });
}
