import type { QueryInterface } from 'sequelize';

type Ctx = { context: QueryInterface };

/**
 * Indexes the start pages and lists read on every request (#15, measured with bench:pages):
 *
 * - ledger balances (`SUM(amount_fen)` per account: every contract row's committed and paid sums,
 *   the budget lines' funding on finance's to-do count) read from the index alone, without
 *   visiting each entry: the account index also holds the amount (it replaces the one without);
 * - the child-worker registry's training counts on the officers', finance's and inspectors' start
 *   pages (active workers whose training lapses soon, or who are untrained) were a scan of the
 *   whole table on MariaDB (its OR over the training dates defeated the district index): by
 *   district and status, and by status for city-level readers, each with both training dates,
 *   so the count is read from the index.
 */
export async function up({ context: qi }: Ctx): Promise<void> {
  await qi.addIndex('ledger_entries', ['account_type', 'account_id', 'amount_fen'], { name: 'ledger_entries_account_amount' });
  await qi.removeIndex('ledger_entries', 'ledger_entries_account');
  await qi.addIndex('child_workers', ['district_id', 'status', 'last_training_passed_on', 'training_passed_on'], {
    name: 'child_workers_district_status_training',
  });
  await qi.addIndex('child_workers', ['status', 'last_training_passed_on', 'training_passed_on'], { name: 'child_workers_status_training' });
}

export async function down({ context: qi }: Ctx): Promise<void> {
  await qi.removeIndex('child_workers', 'child_workers_status_training');
  await qi.removeIndex('child_workers', 'child_workers_district_status_training');
  await qi.addIndex('ledger_entries', ['account_type', 'account_id'], { name: 'ledger_entries_account' });
  await qi.removeIndex('ledger_entries', 'ledger_entries_account_amount');
}
