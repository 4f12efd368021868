import { UniqueConstraintError } from 'sequelize';
import { BudgetLine } from '../../../models/BudgetLine.js';
import { District } from '../../../models/index.js';
import { withTransaction } from '../../db.js';
import { ValidationError } from '../../errors.js';
import { keepsMoneyOf } from '../../policies/finance.js';
import type { NewBudgetLineForm } from '../../schemas/finance.js';
import { recordAudit } from '../../services/audit.js';
import { legsOf, post } from '../../services/ledger.js';
import { auditActorOf, type By } from '../kernel.js';
import { checkFinanceAgency, lotteryFigures } from './budgetLineChecks.js';

/**
 * Creates a budget line and funds it in the ledger (funding → line_available) in one transaction.
 * One line per year, district and fund source: a second is refused beside the fund source, also
 * when two finance users race (the unique index answers for the second).
 */
export async function budgetLineCreator(form: NewBudgetLineForm, by: By): Promise<BudgetLine> {
  try {
    return await withTransaction(async (transaction) => {
      const district = await District.findByPk(form.districtId, { transaction });
      if (!district) throw new ValidationError({ districtId: 'validation.unknownDistrict' });
      if (!keepsMoneyOf(by.actor, district.id)) throw new ValidationError({ districtId: 'finance.errors.districtNotYours' });
      await checkFinanceAgency(form.financeAgencyId, district.id, transaction);
      if (form.amount <= 0) throw new ValidationError({ amount: 'finance.errors.amountPositive' });
      const taken = await BudgetLine.findOne({ where: { year: form.year, districtId: district.id, fundSource: form.fundSource }, transaction });
      if (taken) throw new ValidationError({ fundSource: 'finance.errors.lineExists' });
      const line = await BudgetLine.create(
        {
          year: form.year,
          districtId: district.id,
          fundSource: form.fundSource,
          financeAgencyId: form.financeAgencyId,
          name: form.name,
          amountFen: form.amount,
          ...lotteryFigures(form.fundSource, form),
          createdBy: by.actor.id,
        },
        { transaction },
      );
      await post(
        'fund',
        legsOf('fund', line.id, line.id, line.amountFen),
        { recordType: 'budget_line', recordId: line.id, createdBy: by.actor.id },
        transaction,
      );
      await recordAudit({
        actor: auditActorOf(by.actor),
        action: 'budget_line.create',
        recordType: 'budget_line',
        recordId: line.id,
        districtId: line.districtId,
        detail: {
          year: line.year,
          fundSource: line.fundSource,
          amountFen: line.amountFen,
          lotteryTotalFen: line.lotteryTotalFen,
          lotteryTargetBp: line.lotteryTargetBp,
        },
        context: by.context,
      });
      return line;
    });
  } catch (err) {
    if (err instanceof UniqueConstraintError) throw new ValidationError({ fundSource: 'finance.errors.lineExists' });
    throw err;
  }
}
