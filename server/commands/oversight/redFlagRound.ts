import { Op } from 'sequelize';
import { RedFlag } from '../../../models/RedFlag.js';
import { withTransaction } from '../../db.js';
import { recordAudit } from '../../services/audit.js';
import { findRedFlags } from '../../services/red-flag-rules.js';
import { auditActorOf, type By } from '../kernel.js';

export type RedFlagRoundResult = { found: number; opened: number; reopened: number; cleared: number };

/**
 * The red flags' round (#17), run nightly (housekeeping's `red_flags` lease) as of `today`: every
 * rule asked once; a new finding opens a flag, a known one gets its evidence as found today (an
 * open or dismissed flag stays so; a cleared one opens again), and an open flag no rule finds any
 * more is cleared. Nothing is deleted. One audit event says what the round did (and who asked for
 * it, when an inspector or the administrator did: redFlagsComputer).
 */
export async function redFlagRound(today: string, by?: By): Promise<RedFlagRoundResult> {
  const findings = await findRedFlags(today);
  return withTransaction(async (transaction) => {
    const fingerprints = findings.map((f) => f.fingerprint);
    const known = await RedFlag.findAll({
      where: { [Op.or]: [{ status: 'open' }, ...(fingerprints.length ? [{ fingerprint: { [Op.in]: fingerprints } }] : [])] },
      transaction,
    });
    const byFingerprint = new Map(known.map((f) => [f.fingerprint, f]));
    const result: RedFlagRoundResult = { found: findings.length, opened: 0, reopened: 0, cleared: 0 };
    for (const f of findings) {
      const evidence = JSON.stringify(f.evidence);
      const flag = byFingerprint.get(f.fingerprint);
      if (!flag) {
        await RedFlag.create(
          {
            rule: f.rule,
            fingerprint: f.fingerprint,
            districtId: f.districtId,
            organisationId: f.organisationId,
            contractId: f.contractId,
            subject: f.subject.slice(0, 255),
            evidence,
            firstFoundOn: today,
            lastFoundOn: today,
          },
          { transaction },
        );
        result.opened += 1;
        continue;
      }
      const reopen = flag.status === 'cleared';
      if (reopen) result.reopened += 1;
      await flag.update(
        { evidence, subject: f.subject.slice(0, 255), lastFoundOn: today, ...(reopen ? { status: 'open' as const, clearedOn: null } : {}) },
        { transaction },
      );
    }
    const stillFound = new Set(fingerprints);
    for (const flag of known) {
      if (flag.status !== 'open' || stillFound.has(flag.fingerprint)) continue;
      await flag.update({ status: 'cleared', clearedOn: today }, { transaction });
      result.cleared += 1;
    }
    await recordAudit({
      actor: by ? auditActorOf(by.actor) : null,
      action: 'red_flags.round',
      recordType: 'red_flag',
      detail: { day: today, ...result, asked: Boolean(by) },
      context: by?.context,
    });
    return result;
  });
}
