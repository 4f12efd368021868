import { DataTypes, type QueryInterface } from 'sequelize';

type Ctx = { context: QueryInterface };

/**
 * Reimbursement claims (报销申请, DOMAIN.md "Claim") of child workers' transport and communication
 * costs, their lines, the 发票 they hold and the monthly caps.
 *
 * - `claimed_fapiaos.fapiao_key` is UNIQUE: a 发票 (by `fapiaoKey`, which makes a classic code +
 *   number and a fully digitalised number two different keys of two different invoices) is held by
 *   at most one live claim line in the whole system, however claims race. A returned or rejected
 *   claim deletes its rows (the numbers are free again); a resubmission takes them anew. A paper
 *   数电票 prints both a 12-digit code + 8-digit number and a 20-digit 数电票号码: its line records
 *   both (`fapiao_digital_number`) and holds both keys, so the invoice is taken in either form.
 * - `claim_caps`: the cap of one kind per worker per month; `contract_id` NULL is the city
 *   default (seeded here: ¥300.00 transport, ¥100.00 communication; the administrator changes it),
 *   a row with a contract overrides it for that contract (set by the contract's officers).
 */
export async function up({ context: qi }: Ctx): Promise<void> {
  const user = { type: DataTypes.INTEGER, allowNull: true, references: { model: 'users', key: 'id' } };
  const opts = { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' };
  await qi.createTable(
    'claim_caps',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      contract_id: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'contracts', key: 'id' } },
      kind: { type: DataTypes.STRING(16), allowNull: false },
      cap_fen: { type: DataTypes.BIGINT, allowNull: false },
      updated_by: user,
      created_at: { type: DataTypes.DATE, allowNull: false },
      updated_at: { type: DataTypes.DATE, allowNull: false },
    },
    opts,
  );
  await qi.addIndex('claim_caps', ['contract_id', 'kind'], { name: 'claim_caps_contract_kind', unique: true });
  const at = new Date();
  await qi.bulkInsert('claim_caps', [
    { contract_id: null, kind: 'transport', cap_fen: 30_000, updated_by: null, created_at: at, updated_at: at },
    { contract_id: null, kind: 'communication', cap_fen: 10_000, updated_by: null, created_at: at, updated_at: at },
  ]);
  await qi.createTable(
    'claims',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      contract_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'contracts', key: 'id' } },
      organisation_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'organisations', key: 'id' } },
      district_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'districts', key: 'id' } },
      child_worker_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'child_workers', key: 'id' } },
      engagement_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'engagements', key: 'id' } },
      month: { type: DataTypes.STRING(7), allowNull: false },
      status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'draft' },
      total_fen: { type: DataTypes.BIGINT, allowNull: false, defaultValue: 0 },
      created_by: { ...user, allowNull: false },
      submitted_by: user,
      submitted_at: { type: DataTypes.DATE, allowNull: true },
      verified_by: user,
      verified_at: { type: DataTypes.DATE, allowNull: true },
      approved_by: user,
      approved_at: { type: DataTypes.DATE, allowNull: true },
      decided_by: user,
      decided_at: { type: DataTypes.DATE, allowNull: true },
      reason: { type: DataTypes.TEXT, allowNull: true },
      payment_id: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'payments', key: 'id' } },
      created_at: { type: DataTypes.DATE, allowNull: false },
      updated_at: { type: DataTypes.DATE, allowNull: false },
    },
    opts,
  );
  await qi.addIndex('claims', ['contract_id', 'status'], { name: 'claims_contract_status' });
  await qi.addIndex('claims', ['organisation_id', 'month'], { name: 'claims_organisation_month' });
  await qi.addIndex('claims', ['district_id', 'status', 'month'], { name: 'claims_district_status_month' });
  await qi.addIndex('claims', ['child_worker_id', 'month'], { name: 'claims_worker_month' });
  await qi.addIndex('claims', ['status', 'updated_at'], { name: 'claims_status_updated' });
  await qi.addIndex('claims', ['payment_id'], { name: 'claims_payment' });
  await qi.createTable(
    'claim_lines',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      claim_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'claims', key: 'id' } },
      spent_on: { type: DataTypes.DATEONLY, allowNull: false },
      kind: { type: DataTypes.STRING(16), allowNull: false },
      description: { type: DataTypes.STRING(200), allowNull: false },
      amount_fen: { type: DataTypes.BIGINT, allowNull: false },
      fapiao_code: { type: DataTypes.STRING(12), allowNull: true },
      fapiao_number: { type: DataTypes.STRING(20), allowNull: false },
      fapiao_key: { type: DataTypes.STRING(40), allowNull: false },
      fapiao_digital_number: { type: DataTypes.STRING(20), allowNull: true },
      receipt_file_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'stored_files', key: 'id' } },
      created_at: { type: DataTypes.DATE, allowNull: false },
      updated_at: { type: DataTypes.DATE, allowNull: false },
    },
    opts,
  );
  await qi.addIndex('claim_lines', ['claim_id'], { name: 'claim_lines_claim' });
  await qi.addIndex('claim_lines', ['fapiao_key'], { name: 'claim_lines_fapiao_key' });
  await qi.createTable(
    'claimed_fapiaos',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      fapiao_key: { type: DataTypes.STRING(40), allowNull: false, unique: true },
      claim_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'claims', key: 'id' } },
      claim_line_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'claim_lines', key: 'id' } },
      created_at: { type: DataTypes.DATE, allowNull: false },
    },
    opts,
  );
  await qi.addIndex('claimed_fapiaos', ['claim_id'], { name: 'claimed_fapiaos_claim' });
  await qi.addIndex('claimed_fapiaos', ['claim_line_id'], { name: 'claimed_fapiaos_line' });
}

export async function down({ context: qi }: Ctx): Promise<void> {
  await qi.dropTable('claimed_fapiaos');
  await qi.dropTable('claim_lines');
  await qi.dropTable('claims');
  await qi.dropTable('claim_caps');
}
