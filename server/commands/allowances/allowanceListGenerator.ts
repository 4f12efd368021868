import { literal, Op, type Transaction } from 'sequelize';
import { ALLOWANCE_LIST_TRANSITIONS, AllowanceList, OPEN_ALLOWANCE_STATUSES, SETTLED_ALLOWANCE_STATUSES } from '../../../models/AllowanceList.js';
import { AllowanceListRow } from '../../../models/AllowanceListRow.js';
import { AllowanceRate } from '../../../models/AllowanceRate.js';
import { ChildWorker } from '../../../models/ChildWorker.js';
import { TrainingRecord } from '../../../models/TrainingRecord.js';
import { now, today } from '../../clock.js';
import { withTransaction } from '../../db.js';
import { ValidationError } from '../../errors.js';
import { ALLOWANCE_LIST_RESOURCE } from '../../policies/allowance.js';
import { can } from '../../policies/index.js';
import { allowanceRows, monthBounds, type WorkerFact } from '../../services/allowance-eligibility.js';
import { recordAudit } from '../../services/audit.js';
import type { TrainingFact } from '../../services/training-status.js';
import { auditActorOf, type By, checkTransition } from '../kernel.js';
import { lockedDistrict } from './allowanceLocks.js';

/** What the officer asks for: the district (their own unless city level) and the month `YYYY-MM`. */
export type GenerateInput = { districtId: number; month: string };

const CHUNK = 500;

/** The district's facts the rules read, inside the transaction: workers, their passed trainings up to the month's end, the schedule, and who is settled elsewhere. */
async function factsOf(districtId: number, month: string, transaction: Transaction) {
  const { first, last } = monthBounds(month);
  const inDistrict = literal(`(SELECT cw.id FROM child_workers cw WHERE cw.district_id = ${Number(districtId)})`);
  const [workers, trainings, rates, settled] = await Promise.all([
    ChildWorker.findAll({
      where: { districtId, anonymisedAt: null },
      attributes: ['id', 'kind', 'employment', 'status', 'leftPostOn', 'subDistrictId'],
      order: [['id', 'ASC']],
      transaction,
    }),
    TrainingRecord.findAll({
      where: { childWorkerId: { [Op.in]: inDistrict }, passed: true, trainedOn: { [Op.lte]: last } },
      attributes: ['childWorkerId', 'kind', 'trainedOn', 'passed'],
      transaction,
    }),
    AllowanceRate.findAll({ where: { districtId, effectiveFrom: { [Op.lte]: first } }, transaction }),
    AllowanceListRow.findAll({
      where: {
        month,
        allowanceListId: {
          [Op.in]: literal(`(SELECT al.id FROM allowance_lists al WHERE al.status IN (${SETTLED_ALLOWANCE_STATUSES.map((s) => `'${s}'`).join(', ')}))`),
        },
      },
      attributes: ['childWorkerId'],
      transaction,
    }),
  ]);
  const byWorker = new Map<number, TrainingFact[]>();
  for (const r of trainings) {
    const list = byWorker.get(r.childWorkerId) ?? [];
    list.push({ kind: r.kind, trainedOn: r.trainedOn, passed: !!r.passed });
    byWorker.set(r.childWorkerId, list);
  }
  return {
    workers: workers.map(
      (w): WorkerFact => ({
        id: w.id,
        kind: w.kind,
        employment: w.employment,
        status: w.status,
        leftPostOn: w.leftPostOn ?? null,
        subDistrictId: w.subDistrictId ?? null,
      }),
    ),
    trainingsOf: (id: number) => byWorker.get(id) ?? [],
    rates,
    settled: new Set(settled.map((r) => r.childWorkerId)),
  };
}

/**
 * The officer generates the month's allowance list of a district (see services/allowance-eligibility.ts
 * for who is on it and at which rate), in ONE transaction under the district's lock. A draft of
 * the month is generated again in place (the same facts give the same rows: idempotent); a list
 * waiting for finance is a 409; after an approved list, a new one lists only those not yet on a
 * settled list (a supplementary list). A month not yet begun, a city-level "district" or a month
 * with nobody to list is a 422 on the form. Writes the audit event with the counts left out.
 */
export async function allowanceListGenerator(input: GenerateInput, by: By): Promise<AllowanceList> {
  if (input.month > today().slice(0, 7)) throw new ValidationError({ month: 'allowances.errors.futureMonth' });
  return withTransaction(async (transaction) => {
    const district = await lockedDistrict(input.districtId, transaction);
    if (district.kind === 'city' || !can(by.actor, 'generate', ALLOWANCE_LIST_RESOURCE, { districtId: district.id })) {
      throw new ValidationError({ districtId: 'allowances.errors.district' });
    }
    const open = await AllowanceList.findOne({
      where: { districtId: district.id, month: input.month, status: { [Op.in]: OPEN_ALLOWANCE_STATUSES } },
      transaction,
    });
    if (open) checkTransition('allowances', ALLOWANCE_LIST_TRANSITIONS, open, 'regenerate');
    const facts = await factsOf(district.id, input.month, transaction);
    const { listed, leftOut } = allowanceRows(input.month, facts.workers, facts.trainingsOf, facts.rates, facts.settled);
    if (listed.length === 0) {
      throw new ValidationError({ month: { key: 'allowances.errors.nobody', vars: { month: input.month, workers: facts.workers.length } } });
    }
    const totalFen = listed.reduce((sum, l) => sum + l.rate.amountFen, 0);
    const fields = {
      workerCount: listed.length,
      totalFen,
      leftOut: JSON.stringify(leftOut),
      generatedBy: by.actor.id,
      generatedAt: now(),
    };
    let list: AllowanceList;
    if (open) {
      await AllowanceListRow.destroy({ where: { allowanceListId: open.id }, transaction });
      list = await open.update({ ...fields, lockVersion: open.lockVersion + 1 }, { transaction });
    } else {
      list = await AllowanceList.create(
        {
          districtId: district.id,
          month: input.month,
          year: Number(input.month.slice(0, 4)),
          budgetLineId: null,
          submittedBy: null,
          submittedAt: null,
          decidedBy: null,
          decidedAt: null,
          decisionReason: null,
          paidBy: null,
          paidAt: null,
          bankReference: null,
          paidOn: null,
          ...fields,
        },
        { transaction },
      );
    }
    for (let i = 0; i < listed.length; i += CHUNK) {
      await AllowanceListRow.bulkCreate(
        listed.slice(i, i + CHUNK).map((l) => ({
          allowanceListId: list.id,
          childWorkerId: l.worker.id,
          month: input.month,
          role: l.worker.kind,
          employment: l.worker.employment,
          subDistrictId: l.worker.subDistrictId,
          allowanceRateId: l.rate.id,
          amountFen: l.rate.amountFen,
          trainedUntil: l.trainedUntil,
        })),
        { transaction },
      );
    }
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'allowance_list.generate',
      recordType: 'allowance_list',
      recordId: list.id,
      districtId: list.districtId,
      detail: { month: input.month, workerCount: listed.length, totalFen, leftOut, regenerated: !!open },
      context: by.context,
    });
    return list;
  });
}
