import type { Transaction } from 'sequelize';
import { Contract } from '../../../models/Contract.js';
import { Deliverable } from '../../../models/Deliverable.js';
import { rowLock } from '../../db.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { DELIVERABLE_RESOURCE } from '../../policies/deliverable.js';
import { type Actor, can } from '../../policies/index.js';

/**
 * What every deliverable command reads first: the contract to lock before the deliverable (a
 * review may move its instalments), the deliverable under lock in the actor's reach, and the
 * rule that a deliverable moves only while its contract is active.
 */

/** The contract of a deliverable, read before the transaction opens (404 when there is none). */
export async function contractIdOfDeliverable(id: number): Promise<number> {
  const row = await Deliverable.findByPk(id, { attributes: ['contractId'] });
  if (!row) throw new NotFoundError();
  return row.contractId;
}

/**
 * A deliverable re-read under lock, which the policy lets `actor` do `action` on (`hand_in`: the
 * organisation's own; `review`: an officer who keeps the contract); any other is a 404.
 */
export async function lockedDeliverable(id: number, transaction: Transaction, actor: Actor, action: 'hand_in' | 'review'): Promise<Deliverable> {
  const d = await Deliverable.findByPk(id, { transaction, lock: rowLock() });
  if (!d || !can(actor, action, DELIVERABLE_RESOURCE, d)) throw new NotFoundError();
  return d;
}

/** Deliverables are handed in and reviewed only while their contract is active (409). */
export async function checkContractActive(d: Deliverable, transaction: Transaction, contract?: Contract): Promise<Contract> {
  const c = contract ?? (await Contract.findByPk(d.contractId, { transaction }));
  if (!c) throw new NotFoundError();
  if (c.status !== 'active') throw new ConflictError('deliverables.errors.contractNotActive', { status: c.status });
  return c;
}
