import { ClaimCap, type ClaimKind } from '../../../models/Claim.js';
import { capsRowsOf, capsVersionOf } from './claimCaps.js';
import { withTransaction } from '../../db.js';
import { can } from '../../policies/index.js';
import { CLAIM_RESOURCE } from '../../policies/claim.js';
import type { CapsForm } from '../../schemas/claims.js';
import { recordAudit } from '../../services/audit.js';
import { auditActorOf, type By, checkVersion, lockedContract } from '../kernel.js';

/**
 * Sets the monthly caps per worker and kind: the city default (`contractId` null, the
 * administrator) or a contract's own (an officer of its district, else 404), audited with what
 * they were. Claims already submitted keep what they were checked against; later lines and
 * submissions are checked against the new caps. A form opened on an older version of the set
 * (`capsVersionOf`) is refused as stale (409) under the rows' lock.
 */
export async function claimCapsSetter(contractId: number | null, form: CapsForm & { _version?: number }, by: By): Promise<void> {
  await withTransaction(async (transaction) => {
    let districtId: number | null = null;
    if (contractId !== null) {
      const contract = await lockedContract(contractId, transaction, (c) => can(by.actor, 'set_caps', CLAIM_RESOURCE, c));
      districtId = contract.districtId;
    }
    const rows = await capsRowsOf(contractId, transaction, true);
    const set = { contractId, lockVersion: capsVersionOf(rows) };
    checkVersion(set, form._version);
    const before: Record<string, number> = {};
    for (const kind of ['transport', 'communication'] as ClaimKind[]) {
      const capFen = form[kind];
      const row = rows.find((r) => r.kind === kind);
      if (row) {
        before[kind] = row.capFen;
        await row.update({ capFen, updatedBy: by.actor.id, lockVersion: row.lockVersion + 1 }, { transaction });
      } else await ClaimCap.create({ contractId, kind, capFen, updatedBy: by.actor.id, lockVersion: 1 }, { transaction });
    }
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'claim.set_caps',
      recordType: contractId === null ? 'claim_caps' : 'contract',
      recordId: contractId,
      districtId,
      detail: { before, after: { transport: form.transport, communication: form.communication } },
      context: by.context,
    });
  });
}
