import { BankStatementLine, type BankStatement } from '../../../models/BankStatement.js';
import { withTransaction } from '../../db.js';
import { ForbiddenError, HttpError } from '../../errors.js';
import { can } from '../../policies/index.js';
import { BANK_STATEMENT_RESOURCE } from '../../policies/batch.js';
import { recordAudit } from '../../services/audit.js';
import { reasonOf } from '../batches/batchRunner.js';
import { auditActorOf, type By } from '../kernel.js';
import { paymentPayer } from './paymentPayer.js';

/**
 * Confirms a reconciliation in one step: every matched line records its payment paid with the
 * bank's day and reference, by the single action's command (`paymentPayer`: the contract's lock,
 * the ledger, segregation of duties, the claim following, its audit event), each in its own
 * transaction with the line marked `recorded`. A payment already paid is refused by that command
 * (409), so nothing is paid twice: the line keeps the reason. Confirming again finds nothing left.
 * Returns how many were recorded and refused.
 */
export async function bankStatementConfirmer(statement: BankStatement, by: By): Promise<{ recorded: number; refused: number }> {
  if (!can(by.actor, 'reconcile', BANK_STATEMENT_RESOURCE, statement)) throw new ForbiddenError();
  const lines = await BankStatementLine.findAll({ where: { bankStatementId: statement.id, status: 'matched' }, order: [['id', 'ASC']] });
  let recorded = 0;
  for (const line of lines) {
    try {
      await withTransaction(async (transaction) => {
        await paymentPayer(line.paymentId!, { bankReference: line.reference, paidOn: line.valueDate }, by);
        const [n] = await BankStatementLine.update(
          { status: 'recorded', reasonKey: null, reasonVars: null },
          { where: { id: line.id, status: 'matched' }, transaction },
        );
        if (n !== 1) throw new Error('statement line changed meanwhile');
      });
      recorded++;
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      await withTransaction((transaction) => line.update(reasonOf(err), { transaction }));
    }
  }
  await recordAudit({
    actor: auditActorOf(by.actor),
    action: 'bank_statement.confirm',
    recordType: 'bank_statement',
    recordId: statement.id,
    districtId: statement.districtId,
    detail: { recorded, refused: lines.length - recorded },
    context: by.context,
  });
  return { recorded, refused: lines.length - recorded };
}
