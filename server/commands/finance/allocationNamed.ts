import type { Transaction } from 'sequelize';
import type { Allocation } from '../../../models/Allocation.js';
import type { BudgetLine } from '../../../models/BudgetLine.js';
import { Project } from '../../../models/Project.js';
import { formatFen } from '../../services/money.js';

/** What an allocation's notices name: its project, its budget line and its amount (a bare "#id" tells the requester nothing). */
export async function allocationNamed(
  allocation: Allocation,
  line: BudgetLine,
  transaction: Transaction,
): Promise<{ id: number; project: string; line: string; amount: string }> {
  const project = await Project.findByPk(allocation.projectId, { attributes: ['title'], transaction });
  return { id: allocation.id, project: project?.title ?? '', line: line.name, amount: formatFen(allocation.amountFen) };
}
