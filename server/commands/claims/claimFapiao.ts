import { type Transaction, UniqueConstraintError } from 'sequelize';
import { ClaimedFapiao, type ClaimLine } from '../../../models/Claim.js';
import { ValidationError } from '../../errors.js';

/**
 * Holds every key of a claim line's 发票: the unique key refuses a second holder anywhere in the
 * system (422 beside the number that is taken, and on the line), also when two claims race.
 */
export async function holdFapiao(line: ClaimLine, claimId: number, transaction: Transaction): Promise<void> {
  for (const key of line.fapiaoKeys) {
    const field = key.startsWith('e:') && line.fapiaoDigitalNumber ? 'fapiaoDigitalNumber' : 'fapiaoNumber';
    const refused = () => new ValidationError({ [field]: 'claims.validation.fapiaoTaken', [`line_${line.id}`]: 'claims.validation.fapiaoTaken' });
    const taken = await ClaimedFapiao.findOne({ where: { fapiaoKey: key }, transaction });
    if (taken && taken.claimLineId !== line.id) throw refused();
    if (taken) continue;
    try {
      await ClaimedFapiao.create({ fapiaoKey: key, claimId, claimLineId: line.id }, { transaction });
    } catch (e) {
      if (e instanceof UniqueConstraintError) throw refused();
      throw e;
    }
  }
}
