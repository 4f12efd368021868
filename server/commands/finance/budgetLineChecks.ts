import type { Transaction } from 'sequelize';
import { Agency } from '../../../models/Agency.js';
import { LOTTERY_FUND } from '../../../models/BudgetLine.js';
import { ValidationError } from '../../errors.js';

/** The finance agency named on a line must be a finance agency of the line's district. */
export async function checkFinanceAgency(agencyId: number | null, districtId: number, transaction: Transaction): Promise<void> {
  if (agencyId === null) return;
  const agency = await Agency.findByPk(agencyId, { transaction });
  if (agency?.kind !== 'finance' || agency.districtId !== districtId) {
    throw new ValidationError({ financeAgencyId: 'finance.errors.financeAgency' });
  }
}

/**
 * A lottery-fund line records the district's total lottery public-welfare fund of the year and
 * the share targeted at child care (section 四(二)); other lines carry neither.
 */
export function lotteryFigures(fundSource: string, form: { lotteryTotal: number | null; lotteryTarget: number | null }) {
  if (fundSource !== LOTTERY_FUND) return { lotteryTotalFen: null, lotteryTargetBp: null };
  const errors: Record<string, string> = {};
  if (form.lotteryTotal === null || form.lotteryTotal <= 0) errors.lotteryTotal = 'finance.errors.lotteryTotalRequired';
  if (form.lotteryTarget === null) errors.lotteryTarget = 'finance.errors.lotteryTargetRequired';
  if (Object.keys(errors).length) throw new ValidationError(errors);
  return { lotteryTotalFen: form.lotteryTotal, lotteryTargetBp: form.lotteryTarget };
}
