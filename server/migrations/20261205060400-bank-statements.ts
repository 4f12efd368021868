import { DataTypes, type QueryInterface } from 'sequelize';

type Ctx = { context: QueryInterface };

/**
 * Bank reconciliation (issue #18): an imported bank statement (or treasury payment file) and its
 * outgoing lines, each matched to an approved payment (by our payment reference, or by the payee's
 * account and the amount), unmatched, ambiguous, a duplicate of a line already imported, or
 * recorded (the payment recorded paid from it). A statement is known by its file's SHA-256 per
 * district, a line by its key (day, bank reference, account, amount): importing the same
 * statement twice changes nothing, and no line is counted twice.
 */
export async function up({ context: qi }: Ctx): Promise<void> {
  const opts = { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' };
  await qi.createTable(
    'bank_statements',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      district_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'districts', key: 'id' } },
      sha256: { type: DataTypes.STRING(64), allowNull: false },
      original_name: { type: DataTypes.STRING(255), allowNull: false },
      line_count: { type: DataTypes.INTEGER, allowNull: false },
      imported_by: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'users', key: 'id' } },
      created_at: { type: DataTypes.DATE, allowNull: false },
      updated_at: { type: DataTypes.DATE, allowNull: false },
    },
    opts,
  );
  await qi.addIndex('bank_statements', ['district_id', 'sha256'], { unique: true, name: 'bank_statements_district_sha' });
  await qi.createTable(
    'bank_statement_lines',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      bank_statement_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'bank_statements', key: 'id' } },
      line_no: { type: DataTypes.INTEGER, allowNull: false },
      line_key: { type: DataTypes.STRING(64), allowNull: false },
      value_date: { type: DataTypes.DATEONLY, allowNull: false },
      reference: { type: DataTypes.STRING(64), allowNull: false },
      payee_name: { type: DataTypes.STRING(200), allowNull: false },
      payee_account: { type: DataTypes.STRING(32), allowNull: false },
      amount_fen: { type: DataTypes.BIGINT, allowNull: false },
      remark: { type: DataTypes.STRING(500), allowNull: false },
      status: { type: DataTypes.STRING(16), allowNull: false },
      payment_id: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'payments', key: 'id' } },
      candidate_count: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      reason_key: { type: DataTypes.STRING(120), allowNull: true },
      reason_vars: { type: DataTypes.STRING(1000), allowNull: true },
      created_at: { type: DataTypes.DATE, allowNull: false },
      updated_at: { type: DataTypes.DATE, allowNull: false },
    },
    opts,
  );
  await qi.addIndex('bank_statement_lines', ['bank_statement_id', 'status', 'id'], { name: 'bank_statement_lines_statement' });
  await qi.addIndex('bank_statement_lines', ['line_key'], { name: 'bank_statement_lines_key' });
}

export async function down({ context: qi }: Ctx): Promise<void> {
  await qi.dropTable('bank_statement_lines');
  await qi.dropTable('bank_statements');
}
