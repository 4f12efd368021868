import type { Sequelize } from 'sequelize';
import { AllowanceList } from '../AllowanceList.js';
import { AllowanceListRow } from '../AllowanceListRow.js';
import { AllowanceRate } from '../AllowanceRate.js';
import { BudgetLine } from '../BudgetLine.js';
import { ChildWorker } from '../ChildWorker.js';
import { District } from '../District.js';
import { SubDistrict } from '../SubDistrict.js';

/** Initialises the allowance schedule and the month's lists, and wires a list to its district, line and rows. */
export function initAllowances(sequelize: Sequelize): void {
  AllowanceRate.initModel(sequelize);
  AllowanceList.initModel(sequelize);
  AllowanceListRow.initModel(sequelize);
  AllowanceRate.belongsTo(District, { as: 'district', foreignKey: 'districtId' });
  AllowanceList.belongsTo(District, { as: 'district', foreignKey: 'districtId' });
  AllowanceList.belongsTo(BudgetLine, { as: 'budgetLine', foreignKey: 'budgetLineId' });
  AllowanceList.hasMany(AllowanceListRow, { as: 'rows', foreignKey: 'allowanceListId' });
  AllowanceListRow.belongsTo(AllowanceList, { as: 'list', foreignKey: 'allowanceListId' });
  AllowanceListRow.belongsTo(ChildWorker, { as: 'childWorker', foreignKey: 'childWorkerId' });
  AllowanceListRow.belongsTo(SubDistrict, { as: 'subDistrict', foreignKey: 'subDistrictId' });
}
