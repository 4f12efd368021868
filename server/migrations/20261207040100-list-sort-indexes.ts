import type { QueryInterface } from 'sequelize';

type Ctx = { context: QueryInterface };

/**
 * The default orders of the claim, payment and allocation lists (#15, EXPLAIN at scale 1 in
 * bench/results): newest first (`updated_at` or `requested_at` descending) with the id ascending
 * as the tie-break, an order no ascending index gives, so MariaDB read and sorted every claim
 * (200,000 at city scale), payment and allocation in scope for each page. A descending first part
 * gives it both ways (read backwards for the other direction), city-wide and within a district;
 * the page's ids then come from the index alone (services/list-query.ts findListPage).
 */
const INDEXES = [
  { table: 'claims', column: 'updated_at', name: 'claims_updated_desc' },
  { table: 'payments', column: 'requested_at', name: 'payments_requested_desc' },
  { table: 'allocations', column: 'updated_at', name: 'allocations_updated_desc' },
] as const;

export async function up({ context: qi }: Ctx): Promise<void> {
  for (const { table, column, name } of INDEXES) {
    await qi.addIndex(table, { name, fields: [{ name: column, order: 'DESC' }, 'id'] });
    await qi.addIndex(table, { name: `${name}_district`, fields: ['district_id', { name: column, order: 'DESC' }, 'id'] });
  }
}

export async function down({ context: qi }: Ctx): Promise<void> {
  for (const { table, name } of [...INDEXES].reverse()) {
    await qi.removeIndex(table, `${name}_district`);
    await qi.removeIndex(table, name);
  }
}
