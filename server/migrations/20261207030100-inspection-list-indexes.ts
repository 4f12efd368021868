import type { QueryInterface } from 'sequelize';

type Ctx = { context: QueryInterface };

/**
 * The inspections' list (#17) sorts by the day an inspection was opened (its default order) and
 * filters those with a rectification past its deadline (findings in rectification, by deadline).
 */
export async function up({ context: qi }: Ctx): Promise<void> {
  await qi.addIndex('inspections', ['opened_on', 'id'], { name: 'inspections_opened_on' });
  await qi.addIndex('inspection_findings', ['status', 'deadline', 'inspection_id'], { name: 'inspection_findings_status_deadline' });
}

export async function down({ context: qi }: Ctx): Promise<void> {
  await qi.removeIndex('inspection_findings', 'inspection_findings_status_deadline');
  await qi.removeIndex('inspections', 'inspections_opened_on');
}
