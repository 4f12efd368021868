import type { Transaction } from 'sequelize';
import type { Contract } from '../../../models/Contract.js';
import { Instalment } from '../../../models/Instalment.js';
import { Payment } from '../../../models/Payment.js';
import { rowLock } from '../../db.js';
import { NotFoundError } from '../../errors.js';

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
