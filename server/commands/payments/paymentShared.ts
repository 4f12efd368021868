import type { Transaction } from 'sequelize';
import { Contract } from '../../../models/Contract.js';
import { Instalment } from '../../../models/Instalment.js';
import { PAYMENT_TRANSITIONS, Payment, type PaymentStatus, type PaymentTransition } from '../../../models/Payment.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import type { Actor } from '../../policies/index.js';
import type { AuditContext } from '../../services/audit.js';
import { rowLock } from '../../db.js';

/** Who acts in a payment command (from the session) and from where. */
export type PaymentBy = { actor: Actor; context?: AuditContext };

/** The audit trail's view of the actor. */
export const auditActorOf = (actor: Actor) => ({ id: actor.id, username: actor.username, role: actor.role });

/**
 * The contract of an instalment or a payment, read before the transaction opens (404 when there is
 * none): a read inside it would start MySQL's snapshot before the contract's lock is held.
 */
export async function contractIdOf(record: 'instalment' | 'payment', id: number): Promise<number> {
  const row =
    record === 'instalment' ? await Instalment.findByPk(id, { attributes: ['contractId'] }) : await Payment.findByPk(id, { attributes: ['contractId'] });
  if (!row) throw new NotFoundError();
  return row.contractId;
}

/**
 * The first read of a payment command's transaction: the contract under lock. Every movement on
 * the contract's accounts (commit, pay, uncommit) takes this lock first, so the balances read
 * after it are current and parallel payments of one contract queue on it.
 */
export async function lockedContract(contractId: number, transaction: Transaction): Promise<Contract> {
  const contract = await Contract.findByPk(contractId, { transaction, lock: rowLock() });
  if (!contract) throw new NotFoundError();
  return contract;
}

/** A payment of `contract`, re-read under lock after the contract's. */
export async function lockedPayment(paymentId: number, contract: Contract, transaction: Transaction): Promise<Payment> {
  const payment = await Payment.findByPk(paymentId, { transaction, lock: rowLock() });
  if (!payment || payment.contractId !== contract.id) throw new NotFoundError();
  return payment;
}

/** An instalment of `contract`, re-read under lock after the contract's. */
export async function lockedInstalment(instalmentId: number, contract: Contract, transaction: Transaction): Promise<Instalment> {
  const instalment = await Instalment.findByPk(instalmentId, { transaction, lock: rowLock() });
  if (!instalment || instalment.contractId !== contract.id) throw new NotFoundError();
  return instalment;
}

/** The state machine check: a move the table does not allow is a 409 naming the current state. */
export function checkPaymentTransition(payment: Payment, transition: PaymentTransition): PaymentStatus {
  const { from, to } = PAYMENT_TRANSITIONS[transition];
  if (!(from as readonly string[]).includes(payment.status)) {
    throw new ConflictError(`payments.errors.cannot.${transition}`, { status: payment.status });
  }
  return to;
}
