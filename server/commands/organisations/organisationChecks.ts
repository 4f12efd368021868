import { Op, type Transaction, UniqueConstraintError } from 'sequelize';
import { Organisation } from '../../../models/index.js';
import { ValidationError } from '../../errors.js';

/** Refuses a unified social credit code that another organisation already has (422 beside the field). */
export async function checkUsccFree(uscc: string, exceptId: number | null, transaction: Transaction): Promise<void> {
  const where = exceptId ? { uscc, id: { [Op.ne]: exceptId } } : { uscc };
  if (await Organisation.findOne({ where, attributes: ['id'], transaction })) {
    throw new ValidationError({ uscc: 'organisations.validation.usccTaken' });
  }
}

/** A race past `checkUsccFree` ends at the unique index: the same answer. */
export function usccTakenOnUnique(err: unknown): never {
  if (err instanceof UniqueConstraintError) throw new ValidationError({ uscc: 'organisations.validation.usccTaken' });
  throw err;
}
