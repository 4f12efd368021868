import type { Sequelize } from 'sequelize';
import { Contract } from '../Contract.js';
import { RetentionAction, RetentionHold, RetentionRule } from '../Retention.js';

/** Initialises the retention of personal data (#20): rules, legal holds and what the job did, each of a contract. */
export function initRetention(sequelize: Sequelize): void {
  RetentionRule.initModel(sequelize);
  RetentionHold.initModel(sequelize);
  RetentionAction.initModel(sequelize);
  RetentionHold.belongsTo(Contract, { as: 'contract', foreignKey: 'contractId' });
  RetentionAction.belongsTo(Contract, { as: 'contract', foreignKey: 'contractId' });
}
