import type { Sequelize } from 'sequelize';
import { Agency } from '../Agency.js';
import { BudgetLine } from '../BudgetLine.js';
import { District } from '../District.js';
import { LedgerEntry } from '../LedgerEntry.js';

/** Initialises the budget lines and the ledger, and wires a line to its district and finance agency. */
export function initFinance(sequelize: Sequelize): void {
  BudgetLine.initModel(sequelize);
  LedgerEntry.initModel(sequelize);
  BudgetLine.belongsTo(District, { as: 'district', foreignKey: 'districtId' });
  BudgetLine.belongsTo(Agency, { as: 'financeAgency', foreignKey: 'financeAgencyId' });
}
