import type { Sequelize } from 'sequelize';
import { Allocation } from '../Allocation.js';
import { BudgetLine } from '../BudgetLine.js';
import { District } from '../District.js';
import { Project } from '../Project.js';
import { User } from '../User.js';

/** Initialises allocations and wires each to its budget line, project, district and the people who acted. */
export function initAllocations(sequelize: Sequelize): void {
  Allocation.initModel(sequelize);
  Allocation.belongsTo(BudgetLine, { as: 'budgetLine', foreignKey: 'budgetLineId' });
  Allocation.belongsTo(Project, { as: 'project', foreignKey: 'projectId' });
  Allocation.belongsTo(District, { as: 'district', foreignKey: 'districtId' });
  Allocation.belongsTo(User, { as: 'requester', foreignKey: 'requestedBy' });
  Allocation.belongsTo(User, { as: 'decider', foreignKey: 'decidedBy' });
}
