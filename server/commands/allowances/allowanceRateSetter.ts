import type { ChildWorkerKind, Employment } from '../../../models/ChildWorker.js';
import { AllowanceRate } from '../../../models/AllowanceRate.js';
import { withTransaction } from '../../db.js';
import { ValidationError } from '../../errors.js';
import { ALLOWANCE_RATE_RESOURCE } from '../../policies/allowance.js';
import { can } from '../../policies/index.js';
import { recordAudit } from '../../services/audit.js';
import { auditActorOf, type By } from '../kernel.js';
import { lockedDistrict } from './allowanceLocks.js';

/** A line of the schedule as the form gives it: the amount in fen per month from a month (`YYYY-MM`) on. */
export type RateInput = { districtId: number; role: ChildWorkerKind; employment: Employment; amount: number; effectiveFrom: string; note: string | null };

/**
 * The officer adds a line to a district's allowance schedule. Lines are only added (history, never
 * overwritten): a new amount from a month on is a new line, and the month's rate is the latest line
 * in force on its first day. Lists already generated keep their amounts; a draft picks the new one
 * up when generated again. The district must be one the officer keeps, and not the city level (422).
 */
export async function allowanceRateSetter(input: RateInput, by: By): Promise<AllowanceRate> {
  return withTransaction(async (transaction) => {
    const district = await lockedDistrict(input.districtId, transaction);
    if (district.kind === 'city' || !can(by.actor, 'create', ALLOWANCE_RATE_RESOURCE, { districtId: district.id })) {
      throw new ValidationError({ districtId: 'allowances.errors.district' });
    }
    const rate = await AllowanceRate.create(
      {
        districtId: district.id,
        role: input.role,
        employment: input.employment,
        amountFen: input.amount,
        effectiveFrom: `${input.effectiveFrom}-01`,
        note: input.note,
        createdBy: by.actor.id,
      },
      { transaction },
    );
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'allowance_rate.create',
      recordType: 'allowance_rate',
      recordId: rate.id,
      districtId: district.id,
      detail: { role: rate.role, employment: rate.employment, amountFen: rate.amountFen, effectiveFrom: rate.effectiveFrom },
      context: by.context,
    });
    return rate;
  });
}
