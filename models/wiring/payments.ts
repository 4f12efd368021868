import type { Sequelize } from 'sequelize';
import { Contract } from '../Contract.js';
import { District } from '../District.js';
import { Instalment } from '../Instalment.js';
import { Organisation } from '../Organisation.js';
import { Payment } from '../Payment.js';
import { User } from '../User.js';

/** Initialises payments and wires them to their contract, instalment, place and people. */
export function initPayments(sequelize: Sequelize): void {
  Payment.initModel(sequelize);
  Payment.belongsTo(Contract, { as: 'contract', foreignKey: 'contractId' });
  Payment.belongsTo(Instalment, { as: 'instalment', foreignKey: 'instalmentId' });
  Payment.belongsTo(District, { as: 'district', foreignKey: 'districtId' });
  Payment.belongsTo(Organisation, { as: 'organisation', foreignKey: 'organisationId' });
  Payment.belongsTo(User, { as: 'requester', foreignKey: 'requestedBy' });
  Payment.belongsTo(User, { as: 'approver', foreignKey: 'approvedBy' });
  Payment.belongsTo(User, { as: 'payer', foreignKey: 'paidBy' });
  Payment.belongsTo(User, { as: 'rejecter', foreignKey: 'rejectedBy' });
}
