import type { Sequelize } from 'sequelize';
import { Agency } from '../Agency.js';
import { BudgetLine } from '../BudgetLine.js';
import { District } from '../District.js';
import { LedgerEntry } from '../LedgerEntry.js';
import { LotteryAnnouncement } from '../LotteryAnnouncement.js';

/** Initialises the budget lines, the ledger and the lottery-fund announcements, and wires a line to its district and finance agency. */
export function initFinance(sequelize: Sequelize): void {
  BudgetLine.initModel(sequelize);
  LedgerEntry.initModel(sequelize);
  LotteryAnnouncement.initModel(sequelize);
  LotteryAnnouncement.belongsTo(Agency, { as: 'agency', foreignKey: 'agencyId' });
  LotteryAnnouncement.belongsTo(District, { as: 'district', foreignKey: 'districtId' });
  BudgetLine.belongsTo(District, { as: 'district', foreignKey: 'districtId' });
  BudgetLine.belongsTo(Agency, { as: 'financeAgency', foreignKey: 'financeAgencyId' });
}
