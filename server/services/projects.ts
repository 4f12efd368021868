import type { Transaction } from 'sequelize';
import { Award } from '../../models/Award.js';
import { Organisation } from '../../models/index.js';

/**
 * The standing award of a project (with its organisation), or null: what a contract of the
 * project must match (organisation, amount). Pass the caller's transaction to read it there.
 */
export async function activeAwardOf(projectId: number, transaction?: Transaction): Promise<Award | null> {
  return Award.findOne({
    where: { activeProjectId: projectId },
    include: [{ model: Organisation, as: 'organisation' }],
    transaction,
  });
}
