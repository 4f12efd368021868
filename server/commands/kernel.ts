import type { Transaction } from 'sequelize';
import { Contract } from '../../models/Contract.js';
import { canMove, type TransitionTable } from '../../models/transitions.js';
import { rowLock } from '../db.js';
import { ConflictError, NotFoundError, StaleEditError } from '../errors.js';
import type { Actor } from '../policies/index.js';
import type { AuditActor, AuditContext } from '../services/audit.js';

/**
 * What every command needs from the kernel of the command layer: who acts (from the session, never
 * the request) and from where, the audit trail's view of them, the contract lock and the
 * transition check. One of each, used by every area.
 */

export type { Actor };

/** Who acts in a command (the signed-in user, from the session) and from where (for the audit trail). */
export type By = { actor: Actor; context?: AuditContext };

/** The audit trail's view of an actor. */
export function auditActorOf(actor: Actor): NonNullable<AuditActor> {
  return { id: actor.id, username: actor.username, role: actor.role };
}

/**
 * Re-reads a contract under a row lock as the first read of the caller's transaction. Every
 * movement on the contract's accounts (commit, pay, uncommit, claims against the ceiling) and
 * every change to its instalments takes this lock first, so what is read after it is current and
 * parallel commands on one contract queue on it. `visible` says whether the actor may act on it:
 * a contract that is unknown or not visible is a 404.
 */
export async function lockedContract(id: number, transaction: Transaction, visible: (contract: Contract) => boolean = () => true): Promise<Contract> {
  const contract = await Contract.findByPk(id, { transaction, lock: rowLock() });
  if (!contract || !visible(contract)) throw new NotFoundError();
  return contract;
}

/**
 * The state machine check of every command: a move `table` does not allow from the record's status
 * is a 409 (`<area>.errors.cannot.<transition>`, naming the current status and the status it would
 * lead to). Returns the status the move leads to.
 */
export function checkTransition<T extends TransitionTable, K extends keyof T & string>(
  area: string,
  table: T,
  record: { status: string },
  transition: K,
): T[K]['to'] {
  if (!canMove(table, record.status, transition)) {
    throw new ConflictError(`${area}.errors.cannot.${transition}`, { status: record.status, to: table[transition].to ?? record.status });
  }
  return table[transition].to;
}

/**
 * The optimistic lock of every edit form. `record` is read under the command's row lock (so two
 * saves of one version cannot both pass); `submitted` is the version the form was opened on (its
 * hidden `_version`, see schemas/common.ts `lockVersion`; a form without one parses as older than
 * any). Another version is a StaleEditError: nothing is written, and the form comes back with the
 * user's input and what the other save changed. `undefined` is a caller that is not a form (an
 * import, a script), which edits what the lock shows it. Returns the bump to write with the save.
 */
export function checkVersion(record: { lockVersion: number }, submitted: number | undefined): { lockVersion: number } {
  if (submitted !== undefined && submitted !== record.lockVersion) throw new StaleEditError(record);
  return { lockVersion: record.lockVersion + 1 };
}
