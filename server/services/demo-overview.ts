import { Allocation } from '../../models/Allocation.js';
import { Award } from '../../models/Award.js';
import { BudgetLine } from '../../models/BudgetLine.js';
import { ChildWorker } from '../../models/ChildWorker.js';
import { Claim } from '../../models/Claim.js';
import { Contract } from '../../models/Contract.js';
import { Deliverable } from '../../models/Deliverable.js';
import { DeliverableVersion } from '../../models/DeliverableVersion.js';
import { Engagement } from '../../models/Engagement.js';
import { Evaluation, type Grade } from '../../models/Evaluation.js';
import { EvaluationTemplate } from '../../models/EvaluationTemplate.js';
import { Agency, District, Organisation, SubDistrict, User } from '../../models/index.js';
import { Payment } from '../../models/Payment.js';
import { type ProcurementMethod, Project } from '../../models/Project.js';
import { ReferralFollowUp } from '../../models/ReferralFollowUp.js';
import { TrainingRecord } from '../../models/TrainingRecord.js';
import { beijingDayStart } from '../clock.js';
import { withTransaction } from '../db.js';
import { idCheckDigit, maskIdNumber, maskPhone, usccCheckCharacter } from './identifiers.js';
import { seedDemoAllowances } from './demo-allowances.js';
import { legsOf, post } from './ledger.js';
import type { PersonalDataCipher } from './personal-data.js';
import { categoryYearFor } from './service-categories.js';

/**
 * Demo history for the city overview (#17), development only: for `year` and the year before, in
 * every district, budget lines (general and lottery), contracts bought by different methods,
 * money allocated, committed and paid over the quarters, deliverables handed in on time or late,
 * confirmed evaluations, child directors and their paid claims. Deterministic (the same numbers
 * on every empty database), different per district so the districts can be compared. The ledger
 * movements carry the day they happened in the story, so the quarters differ.
 */
export async function seedDemoOverview(year: number, cipher: PersonalDataCipher): Promise<void> {
  const districts = await District.findAll({ order: [['sortOrder', 'ASC']] });
  const admin = await User.findOne({ where: { username: 'admin' } });
  if (!admin) return;
  const city = districts.find((d) => d.kind === 'city');
  const template = await EvaluationTemplate.create({ name: '演示评价模板', districtId: city?.id ?? districts[0].id, createdBy: admin.id });
  let serial = 0;
  for (const [i, district] of districts.filter((d) => d.kind !== 'city').entries()) {
    for (const y of [year - 1, year]) {
      serial += 1;
      await seedDistrictYear(district, y, i, y === year, admin, template.id, cipher, serial);
    }
  }
  await seedDemoAllowances(districts, year, admin);
}

const METHODS: ProcurementMethod[] = ['open', 'competitive_consultation', 'single_source', 'entrustment', 'request_for_quotation', 'competitive_negotiation'];
const GRADES: Grade[] = ['excellent', 'good', 'good', 'pass', 'fail'];
const at = (day: string) => new Date(beijingDayStart(day).getTime() + 10 * 3600_000);

async function seedDistrictYear(
  district: District,
  year: number,
  i: number,
  current: boolean,
  admin: User,
  templateId: number,
  cipher: PersonalDataCipher,
  serial: number,
): Promise<void> {
  const agency = await Agency.findOne({ where: { districtId: district.id, kind: 'civil_affairs' } });
  if (!agency) return;
  const scale = 8 + ((i * 7) % 11);
  const ctx = (recordType: string, recordId: number, day: string) => ({ recordType, recordId, createdBy: admin.id, at: at(day) });
  const body = `52440300MJ${String(i).padStart(2, '0')}${year % 100}${String(serial).padStart(3, '0')}`;
  const organisation = await Organisation.create({
    name: `深圳市${district.name}童心社会工作服务中心${year}`,
    uscc: body + usccCheckCharacter(body),
    districtId: district.id,
  });
  await withTransaction(async (transaction) => {
    const general = await BudgetLine.create(
      {
        year,
        districtId: district.id,
        fundSource: 'general_budget',
        financeAgencyId: null,
        name: `${year}年困境儿童关爱服务`,
        amountFen: scale * 10_000_000,
        lotteryTotalFen: null,
        lotteryTargetBp: null,
        createdBy: admin.id,
      },
      { transaction },
    );
    const lottery = await BudgetLine.create(
      {
        year,
        districtId: district.id,
        fundSource: 'welfare_lottery_fund',
        financeAgencyId: null,
        name: `${year}年福彩公益金儿童关爱`,
        amountFen: scale * 3_000_000,
        lotteryTotalFen: scale * 30_000_000,
        lotteryTargetBp: 1200,
        createdBy: admin.id,
      },
      { transaction },
    );
    for (const line of [general, lottery])
      await post('fund', legsOf('fund', line.id, line.id, line.amountFen), ctx('budget_line', line.id, `${year}-01-05`), transaction);

    for (let c = 0; c < 3; c += 1) {
      const method = METHODS[(i + c) % METHODS.length];
      const valueFen = scale * (c === 0 ? 4_000_000 : 2_000_000);
      const project = await Project.create(
        {
          year,
          districtId: district.id,
          agencyId: agency.id,
          title: [`${district.name}困境儿童家庭探访`, `${district.name}12355热线协同处置`, `${district.name}儿童心理疏导`][c],
          targetGroup: '辖区困境儿童',
          budgetFen: valueFen,
          procurementMethod: method,
          status: c === 2 && current && i % 3 === 0 ? 'awarded' : 'contracted',
          createdBy: admin.id,
        },
        { transaction },
      );
      const award = await Award.create(
        {
          projectId: project.id,
          activeProjectId: project.id,
          organisationId: organisation.id,
          organisationDistrictId: district.id,
          amountFen: valueFen,
          reasons: '综合评分第一',
          awardedBy: admin.id,
          awardedAt: at(`${year}-02-10`),
        },
        { transaction },
      );
      const draft = project.status === 'awarded';
      const contract = await Contract.create(
        {
          number: `SZ-${district.code}-${year}-${c + 1}`,
          projectId: project.id,
          awardId: award.id,
          organisationId: organisation.id,
          districtId: district.id,
          year,
          // The service categories it buys, as the contract creator records them (#21).
          categoryYear: await categoryYearFor(year, transaction),
          status: draft ? 'draft' : current ? 'active' : 'completed',
          valueFen,
          termStart: `${year}-03-01`,
          termEnd: `${year}-12-31`,
          signedOn: draft ? null : `${year}-02-25`,
          createdBy: admin.id,
        },
        { transaction },
      );
      if (draft) continue;
      const line = c === 1 ? lottery : general;
      const allocation = await Allocation.create(
        {
          budgetLineId: line.id,
          projectId: project.id,
          districtId: district.id,
          lineDistrictId: district.id,
          year,
          fundSource: line.fundSource,
          amountFen: valueFen,
          purpose: '购买困境儿童关爱服务',
          funds: 'service_purchase',
          status: 'approved',
          requestedBy: admin.id,
          submittedAt: at(`${year}-02-01`),
          decidedBy: null,
          decidedAt: at(`${year}-02-05`),
          decisionReason: null,
          releasedBy: null,
          releasedAt: null,
        },
        { transaction },
      );
      await post('allocate', legsOf('allocate', line.id, allocation.id, valueFen), ctx('allocation', allocation.id, `${year}-02-05`), transaction);
      await post('commit', legsOf('commit', allocation.id, contract.id, valueFen), ctx('contract', contract.id, `${year}-03-01`), transaction);
      // Instalments paid over the quarters; the current year is paid up to where the district has got.
      const paidShare = [3000, 4000, 3000];
      const paidDays = [`${year}-03-20`, `${year}-07-15`, `${year}-11-20`];
      const reached = current ? 1 + ((i + c) % 3) : 3;
      for (let k = 0; k < reached; k += 1) {
        // Each paid instalment as the payment command leaves it: a paid payment row and its ledger movement.
        const payment = await Payment.create(
          {
            contractId: contract.id,
            instalmentId: null,
            openInstalmentId: null,
            kind: 'instalment',
            districtId: district.id,
            organisationId: organisation.id,
            year,
            amountFen: (valueFen * paidShare[k]) / 10_000,
            status: 'paid',
            requestedBy: admin.id,
            requestedAt: at(paidDays[k]),
            paidOn: paidDays[k],
            bankReference: `DEMO${contract.id}I${k + 1}`,
          },
          { transaction },
        );
        await post('pay', legsOf('pay', contract.id, contract.id, payment.amountFen), ctx('payment', payment.id, paidDays[k]), transaction);
      }
      // Monthly deliverables from March; some late, some returned once, the latest ones not yet in.
      for (let m = 3; m <= 12; m += 1) {
        const dueOn = `${year}-${String(m).padStart(2, '0')}-10`;
        const future = current && m >= 12;
        const overdue = current && m === 11 && (i + c) % 2 === 0;
        const late = (i + c + m) % 5 === 0 ? 3 + ((i + m) % 9) : 0;
        const twice = (i + m) % 4 === 0;
        const open = future || overdue;
        const deliverable = await Deliverable.create(
          {
            contractId: contract.id,
            organisationId: organisation.id,
            districtId: district.id,
            categoryCode: c === 1 ? 'hotline' : c === 2 ? 'psychological_service' : 'home_visit',
            periodStart: `${year}-${String(m - 1).padStart(2, '0')}-01`,
            periodEnd: `${year}-${String(m - 1).padStart(2, '0')}-28`,
            dueOn,
            status: open ? 'draft' : 'accepted',
            submissionCount: open ? 0 : twice ? 2 : 1,
            currentVersion: open ? 0 : twice ? 2 : 1,
            firstSubmittedAt: open ? null : at(dueOn),
            submittedLateDays: open ? null : late,
          },
          { transaction },
        );
        if (c === 1 && !open) {
          // The 12355 line's monthly figures (counts only), from which the hotline page adds up.
          const received = 120 + ((i * 37 + m * 11) % 90);
          const answered = received - ((i + m) % 9) - 3;
          const metrics: Record<string, number> = {
            callsReceived: received,
            callsAnswered: answered,
            averageAnswerSeconds: 12 + ((i * 5 + m) % 25),
            casesClosed: Math.round(answered * 0.7),
            'referrals.public_security': 2 + ((i + m) % 4),
            'referrals.education': 1 + ((i * 3 + m) % 3),
            'referrals.civil_affairs': 3 + ((i + 2 * m) % 3),
            'referrals.disabled_persons_federation': (i + m) % 3,
            'referrals.justice': (i + m) % 2,
          };
          await deliverable.update({ acceptedVersion: twice ? 2 : 1, acceptedAt: at(dueOn) }, { transaction });
          await DeliverableVersion.create(
            { deliverableId: deliverable.id, version: twice ? 2 : 1, status: 'accepted', metrics, createdBy: admin.id, submittedAt: at(dueOn) },
            { transaction },
          );
          if (current && m % 3 === 0 && m <= 9) {
            for (const department of ['public_security', 'civil_affairs', 'disabled_persons_federation']) {
              const sent = metrics[`referrals.${department}`] * 3;
              await ReferralFollowUp.create(
                {
                  districtId: district.id,
                  year,
                  quarter: m / 3,
                  department,
                  handledCount: Math.max(0, sent - ((i + m) % 3)),
                  closedCount: Math.max(0, sent - 2 - ((i + m) % 3)),
                  recordedBy: admin.id,
                },
                { transaction },
              );
            }
          }
        }
      }
      if (c < 2) {
        const grade = GRADES[(i + c + year) % GRADES.length];
        await Evaluation.create(
          {
            contractId: contract.id,
            templateId,
            districtId: district.id,
            organisationId: organisation.id,
            year,
            kind: current ? 'interim' : 'final',
            status: 'confirmed',
            periodStart: `${year}-03-01`,
            periodEnd: `${year}-08-31`,
            dueOn: `${year}-09-30`,
            grade,
            totalHundredths: { excellent: 9300, good: 8500, pass: 7000, fail: 5500 }[grade],
            consequence: grade === 'fail' ? 'rectification' : 'none',
            rectificationDeadline: grade === 'fail' ? `${year}-12-31` : null,
            rectificationClosedAt: grade === 'fail' && !current ? at(`${year}-12-20`) : null,
            confirmedAt: at(`${year}-10-15`),
            createdBy: admin.id,
          },
          { transaction },
        );
      }
      if (c === 0 && current) await seedDirectors(district, contract, general, scale, i, admin, cipher, transaction);
    }
  });
}

/** Child directors of the district (some full-time, some lapsing, some not yet trained) and their paid claims. */
async function seedDirectors(
  district: District,
  contract: Contract,
  line: BudgetLine,
  scale: number,
  i: number,
  admin: User,
  cipher: PersonalDataCipher,
  transaction: import('sequelize').Transaction,
): Promise<void> {
  const subs = await SubDistrict.findAll({ where: { districtId: district.id }, order: [['sortOrder', 'ASC']], transaction });
  const paid: Payment[] = [];
  const count = Math.max(3, Math.round(scale / 2) + subs.length);
  for (let w = 0; w < count; w += 1) {
    const first17 = `${district.gbCode ?? '440300'}19${80 + (w % 20)}0${1 + (w % 9)}1${w % 9}${String(i * 50 + w).padStart(3, '0')}`;
    const id = first17 + idCheckDigit(first17);
    const phone = `1380${String(i).padStart(2, '0')}${String(w).padStart(5, '0')}`;
    const trained = w % 5 !== 4;
    const lapsing = w % 7 === 3;
    const trainedOn = lapsing ? `${contract.year - 1}-12-20` : `${contract.year}-0${1 + (w % 8)}-15`;
    const worker = await ChildWorker.create(
      {
        kind: 'director',
        name: `儿童主任${district.name.slice(0, 2)}${w + 1}`,
        idNumberEnc: cipher.encrypt(id),
        idNumberIndex: cipher.index('idNumber', id),
        idNumberMasked: maskIdNumber(id),
        phoneEnc: cipher.encrypt(phone),
        phoneMasked: maskPhone(phone),
        districtId: district.id,
        subDistrictId: subs.length ? subs[(w * (i % 2 ? 1 : 2)) % subs.length].id : null,
        community: '演示社区',
        employment: w % 3 === 0 ? 'full_time' : 'part_time',
        trainingPassedOn: trained ? trainedOn : null,
        lastTrainingPassedOn: trained ? trainedOn : null,
        createdBy: admin.id,
      },
      { transaction },
    );
    // The training the registry's days summarise, as its record (what an allowance list reads, #21).
    if (trained) {
      await TrainingRecord.create(
        {
          childWorkerId: worker.id,
          kind: 'initial',
          trainedOn,
          course: '儿童主任岗前培训（演示）',
          hoursTenths: 160,
          trainer: `${district.name}民政局`,
          passed: true,
          certificateFileId: null,
          createdBy: admin.id,
        },
        { transaction },
      );
    }
    if (!trained || w % 2) continue;
    const engagement = await Engagement.create(
      {
        contractId: contract.id,
        organisationId: contract.organisationId,
        districtId: district.id,
        childWorkerId: worker.id,
        startsOn: `${contract.year}-03-01`,
        endsOn: `${contract.year}-12-31`,
        createdBy: admin.id,
      },
      { transaction },
    );
    for (const month of ['03', '06', '09']) {
      const totalFen = 15_000 + ((w * 3_700 + i * 1_100) % 20_000);
      const paidOn = `${contract.year}-${month}-25`;
      const payment = await Payment.create(
        {
          contractId: contract.id,
          instalmentId: null,
          openInstalmentId: null,
          kind: 'claim',
          districtId: district.id,
          organisationId: contract.organisationId,
          year: contract.year,
          amountFen: totalFen,
          status: 'paid',
          requestedBy: admin.id,
          requestedAt: at(paidOn),
          paidOn,
          bankReference: `DEMO${contract.id}${w}${month}`,
        },
        { transaction },
      );
      paid.push(payment);
      await Claim.create(
        {
          contractId: contract.id,
          organisationId: contract.organisationId,
          districtId: district.id,
          childWorkerId: worker.id,
          engagementId: engagement.id,
          month: `${contract.year}-${month}`,
          status: 'paid',
          totalFen,
          createdBy: admin.id,
          paymentId: payment.id,
        },
        { transaction },
      );
    }
  }
  // The claims were paid as the app pays them: their money allocated from the district's general line
  // for child directors' costs, committed to the contract, and each payment moved to paid on its day.
  const claimsFen = paid.reduce((sum, p) => sum + p.amountFen, 0);
  if (claimsFen === 0) return;
  const ctx = (recordType: string, recordId: number, day: string) => ({ recordType, recordId, createdBy: admin.id, at: at(day) });
  const allocation = await Allocation.create(
    {
      budgetLineId: line.id,
      projectId: contract.projectId,
      districtId: district.id,
      lineDistrictId: district.id,
      year: contract.year,
      fundSource: line.fundSource,
      amountFen: claimsFen,
      purpose: '儿童主任交通和通讯费用报销',
      funds: 'child_worker_costs',
      status: 'approved',
      requestedBy: admin.id,
      submittedAt: at(`${contract.year}-02-01`),
      decidedBy: null,
      decidedAt: at(`${contract.year}-02-05`),
      decisionReason: null,
      releasedBy: null,
      releasedAt: null,
    },
    { transaction },
  );
  await post('allocate', legsOf('allocate', line.id, allocation.id, claimsFen), ctx('allocation', allocation.id, `${contract.year}-02-05`), transaction);
  await post('commit', legsOf('commit', allocation.id, contract.id, claimsFen), ctx('contract', contract.id, `${contract.year}-03-01`), transaction);
  for (const p of paid)
    await post('pay', legsOf('pay', contract.id, contract.id, p.amountFen), ctx('payment', p.id, p.paidOn ?? `${contract.year}-03-25`), transaction);
}
