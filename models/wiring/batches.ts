import type { Sequelize } from 'sequelize';
import { BankStatement, BankStatementLine } from '../BankStatement.js';
import { Batch, BatchItem } from '../Batch.js';
import { Payment } from '../Payment.js';
import { PaymentRun, PaymentRunItem } from '../PaymentRun.js';
import { User } from '../User.js';

/** Initialises batch decisions, payment runs (拨付清单) and bank statements, with their items and lines. */
export function initBatches(sequelize: Sequelize): void {
  Batch.initModel(sequelize);
  BatchItem.initModel(sequelize);
  Batch.hasMany(BatchItem, { as: 'items', foreignKey: 'batchId' });
  BatchItem.belongsTo(Batch, { as: 'batch', foreignKey: 'batchId' });
  Batch.belongsTo(User, { as: 'creator', foreignKey: 'createdBy' });
  PaymentRun.initModel(sequelize);
  PaymentRunItem.initModel(sequelize);
  PaymentRun.hasMany(PaymentRunItem, { as: 'items', foreignKey: 'paymentRunId' });
  PaymentRunItem.belongsTo(PaymentRun, { as: 'run', foreignKey: 'paymentRunId' });
  PaymentRunItem.belongsTo(Payment, { as: 'payment', foreignKey: 'paymentId' });
  PaymentRun.belongsTo(User, { as: 'creator', foreignKey: 'createdBy' });
  PaymentRun.belongsTo(User, { as: 'payer', foreignKey: 'paidBy' });
  BankStatement.initModel(sequelize);
  BankStatementLine.initModel(sequelize);
  BankStatement.hasMany(BankStatementLine, { as: 'lines', foreignKey: 'bankStatementId' });
  BankStatement.belongsTo(User, { as: 'importer', foreignKey: 'importedBy' });
  BankStatementLine.belongsTo(Payment, { as: 'payment', foreignKey: 'paymentId' });
}
