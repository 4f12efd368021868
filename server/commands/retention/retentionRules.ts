import { Contract } from '../../../models/Contract.js';
import { RetentionHold, RetentionRule } from '../../../models/Retention.js';
import { now } from '../../clock.js';
import { rowLock, withTransaction } from '../../db.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../errors.js';
import { can } from '../../policies/index.js';
import { RETENTION_RESOURCE } from '../../policies/retention.js';
import type { RetentionRuleInput } from '../../schemas/retention.js';
import { recordAudit } from '../../services/audit.js';
import { auditActorOf, type By } from '../kernel.js';

/** The administrator saves the retention periods (#20), under the rows' locks; each kind that changed is audited with its before and after. */
export async function retentionRulesSaver(rules: readonly RetentionRuleInput[], by: By): Promise<number> {
  if (!can(by.actor, 'update', RETENTION_RESOURCE)) throw new ForbiddenError();
  return withTransaction(async (transaction) => {
    let changed = 0;
    for (const input of rules) {
      const row = await RetentionRule.findByPk(input.kind, { transaction, lock: rowLock() });
      if (!row || row.months === input.months) continue;
      const before = { months: row.months };
      await row.update({ months: input.months, updatedBy: by.actor.id, updatedAt: now(), lockVersion: row.lockVersion + 1 }, { transaction });
      await recordAudit({
        actor: auditActorOf(by.actor),
        action: 'retention_rules.update',
        recordType: 'retention_rules',
        recordId: input.kind,
        detail: { before, after: { months: input.months } },
        context: by.context,
      });
      changed += 1;
    }
    return changed;
  });
}

/**
 * Places a legal hold on a contract named by its number (#20): while it stands, the retention job
 * removes nothing of the contract's personal data (nor of a worker or organisation contact it
 * shares with another contract). Holding a held contract changes nothing.
 */
export async function retentionHoldPlacer(input: { contractNumber: string; reason: string }, by: By): Promise<Contract> {
  if (!can(by.actor, 'hold', RETENTION_RESOURCE)) throw new ForbiddenError();
  return withTransaction(async (transaction) => {
    const contract = await Contract.findOne({ where: { number: input.contractNumber }, transaction, lock: rowLock() });
    if (!contract) throw new ValidationError({ contractNumber: 'retention.validation.noSuchContract' });
    if (await RetentionHold.findByPk(contract.id, { transaction, lock: rowLock() })) return contract;
    await RetentionHold.create({ contractId: contract.id, reason: input.reason, placedBy: by.actor.id, placedAt: now() }, { transaction });
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'retention.hold',
      recordType: 'contract',
      recordId: contract.id,
      districtId: contract.districtId,
      detail: { number: contract.number, reason: input.reason },
      context: by.context,
    });
    return contract;
  });
}

/** Lifts a contract's legal hold (#20); the next night's round removes what is due. */
export async function retentionHoldLifter(contractId: number, by: By): Promise<void> {
  if (!can(by.actor, 'release', RETENTION_RESOURCE)) throw new ForbiddenError();
  await withTransaction(async (transaction) => {
    const hold = await RetentionHold.findByPk(contractId, { transaction, lock: rowLock() });
    const contract = await Contract.findByPk(contractId, { transaction });
    if (!hold || !contract) throw new NotFoundError();
    await hold.destroy({ transaction });
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'retention.release',
      recordType: 'contract',
      recordId: contract.id,
      districtId: contract.districtId,
      detail: { number: contract.number, reason: hold.reason },
      context: by.context,
    });
  });
}
