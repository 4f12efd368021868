import type { BudgetLine } from '../../../models/BudgetLine.js';
import { withTransaction } from '../../db.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import { keepsMoneyOf } from '../../policies/finance.js';
import type { Versioned } from '../../schemas/common.js';
import type { EditBudgetLineForm } from '../../schemas/finance.js';
import { recordAudit } from '../../services/audit.js';
import { balance, legsOf, post } from '../../services/ledger.js';
import { formatFen } from '../../services/money.js';
import { auditActorOf, type By, checkVersion } from '../kernel.js';
import { checkFinanceAgency, lotteryFigures } from './budgetLineChecks.js';
import { lockedBudgetLine } from './financeLocks.js';

/**
 * Changes a budget line. A change of amount is a movement, never an overwrite of history: a
 * raise posts `fund`, a cut posts `defund`, and a cut may only take what is still available (a
 * line never drops below what is allocated from it; 422 beside the amount).
 */
export async function budgetLineEditor(lineId: number, form: Versioned<EditBudgetLineForm>, by: By): Promise<BudgetLine> {
  return withTransaction(async (transaction) => {
    const line = await lockedBudgetLine(lineId, transaction);
    if (!keepsMoneyOf(by.actor, line.districtId)) throw new NotFoundError();
    const bump = checkVersion(line, form._version);
    await checkFinanceAgency(form.financeAgencyId, line.districtId, transaction);
    if (form.amount <= 0) throw new ValidationError({ amount: 'finance.errors.amountPositive' });
    const before = { amountFen: line.amountFen, name: line.name, lotteryTotalFen: line.lotteryTotalFen, lotteryTargetBp: line.lotteryTargetBp };
    const delta = form.amount - line.amountFen;
    const ctx = { recordType: 'budget_line', recordId: line.id, createdBy: by.actor.id };
    if (delta > 0) await post('fund', legsOf('fund', line.id, line.id, delta), ctx, transaction);
    if (delta < 0) {
      const available = await balance('line_available', line.id, transaction);
      if (available < -delta) {
        throw new ValidationError({ amount: 'finance.errors.belowAllocated' });
      }
      await post('defund', legsOf('defund', line.id, line.id, -delta), ctx, transaction);
    }
    await line.update(
      { name: form.name, financeAgencyId: form.financeAgencyId, amountFen: form.amount, ...lotteryFigures(line.fundSource, form), ...bump },
      { transaction },
    );
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'budget_line.update',
      recordType: 'budget_line',
      recordId: line.id,
      districtId: line.districtId,
      detail: {
        before,
        after: { amountFen: line.amountFen, name: line.name, lotteryTotalFen: line.lotteryTotalFen, lotteryTargetBp: line.lotteryTargetBp },
        movement: delta === 0 ? null : `${delta > 0 ? 'fund' : 'defund'} ${formatFen(Math.abs(delta))}`,
      },
      context: by.context,
    });
    return line;
  });
}
