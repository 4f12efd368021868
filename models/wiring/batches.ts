import type { Sequelize } from 'sequelize';
import { Batch, BatchItem } from '../Batch.js';
import { User } from '../User.js';

/** Initialises batch decisions and their items. */
export function initBatches(sequelize: Sequelize): void {
  Batch.initModel(sequelize);
  BatchItem.initModel(sequelize);
  Batch.hasMany(BatchItem, { as: 'items', foreignKey: 'batchId' });
  BatchItem.belongsTo(Batch, { as: 'batch', foreignKey: 'batchId' });
  Batch.belongsTo(User, { as: 'creator', foreignKey: 'createdBy' });
}
