import { DataTypes, type QueryInterface } from 'sequelize';

type Ctx = { context: QueryInterface };

const utf8 = { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' };

/**
 * Evaluations (绩效评价, DOMAIN.md "Evaluation"): templates of weighted indicators; yearly
 * spot-check samples with their recorded seed; evaluations of a contract with one score row per
 * indicator (a copy of the template's indicator, so a later edit of the template never changes a
 * past evaluation); rectification items of a confirmed evaluation. Scores are integers: weights in
 * whole points, scores in hundredths of a point (0–10000), totals in hundredths.
 */
export async function up({ context: qi }: Ctx): Promise<void> {
  const user = (allowNull = true) => ({ type: DataTypes.INTEGER, allowNull, references: { model: 'users', key: 'id' } });
  const stamps = { created_at: { type: DataTypes.DATE, allowNull: false }, updated_at: { type: DataTypes.DATE, allowNull: false } };
  await qi.createTable(
    'evaluation_templates',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      district_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'districts', key: 'id' } },
      name: { type: DataTypes.STRING(128), allowNull: false },
      category_code: { type: DataTypes.STRING(32), allowNull: true },
      project_id: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'projects', key: 'id' } },
      created_by: user(false),
      ...stamps,
    },
    utf8,
  );
  await qi.addIndex('evaluation_templates', ['district_id', 'name'], { name: 'evaluation_templates_district_name' });
  await qi.createTable(
    'evaluation_template_indicators',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      template_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'evaluation_templates', key: 'id' } },
      seq: { type: DataTypes.INTEGER, allowNull: false },
      name: { type: DataTypes.STRING(128), allowNull: false },
      computed_code: { type: DataTypes.STRING(32), allowNull: true },
      weight: { type: DataTypes.INTEGER, allowNull: false },
      scale: { type: DataTypes.TEXT, allowNull: true },
      ...stamps,
    },
    utf8,
  );
  await qi.addIndex('evaluation_template_indicators', ['template_id', 'seq'], { name: 'evaluation_template_indicators_template_seq', unique: true });
  await qi.createTable(
    'evaluation_samples',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      district_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'districts', key: 'id' } },
      year: { type: DataTypes.INTEGER, allowNull: false },
      seed: { type: DataTypes.BIGINT, allowNull: false },
      eligible_ids: { type: DataTypes.TEXT, allowNull: false },
      excluded_ids: { type: DataTypes.TEXT, allowNull: false },
      manual_ids: { type: DataTypes.TEXT, allowNull: false },
      drawn_ids: { type: DataTypes.TEXT, allowNull: false },
      required_count: { type: DataTypes.INTEGER, allowNull: false },
      created_by: user(false),
      ...stamps,
    },
    utf8,
  );
  await qi.addIndex('evaluation_samples', ['district_id', 'year'], { name: 'evaluation_samples_district_year', unique: true });
  await qi.createTable(
    'evaluations',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      contract_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'contracts', key: 'id' } },
      template_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'evaluation_templates', key: 'id' } },
      sample_id: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'evaluation_samples', key: 'id' } },
      district_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'districts', key: 'id' } },
      organisation_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'organisations', key: 'id' } },
      year: { type: DataTypes.INTEGER, allowNull: false },
      kind: { type: DataTypes.STRING(16), allowNull: false },
      status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'scheduled' },
      period_start: { type: DataTypes.DATEONLY, allowNull: false },
      period_end: { type: DataTypes.DATEONLY, allowNull: false },
      due_on: { type: DataTypes.DATEONLY, allowNull: false },
      evaluator_id: user(),
      total_hundredths: { type: DataTypes.INTEGER, allowNull: true },
      grade: { type: DataTypes.STRING(16), allowNull: true },
      consequence: { type: DataTypes.STRING(16), allowNull: true },
      consequence_note: { type: DataTypes.TEXT, allowNull: true },
      rectification_deadline: { type: DataTypes.DATEONLY, allowNull: true },
      rectification_closed_at: { type: DataTypes.DATE, allowNull: true },
      ineligible_until: { type: DataTypes.DATEONLY, allowNull: true },
      return_reason: { type: DataTypes.TEXT, allowNull: true },
      submitted_by: user(),
      submitted_at: { type: DataTypes.DATE, allowNull: true },
      confirmed_by: user(),
      confirmed_at: { type: DataTypes.DATE, allowNull: true },
      response: { type: DataTypes.TEXT, allowNull: true },
      responded_by: user(),
      responded_at: { type: DataTypes.DATE, allowNull: true },
      created_by: user(false),
      ...stamps,
    },
    utf8,
  );
  await qi.addIndex('evaluations', ['contract_id', 'kind', 'status'], { name: 'evaluations_contract_kind_status' });
  await qi.addIndex('evaluations', ['district_id', 'year', 'status'], { name: 'evaluations_district_year_status' });
  await qi.addIndex('evaluations', ['organisation_id', 'status'], { name: 'evaluations_organisation_status' });
  await qi.addIndex('evaluations', ['evaluator_id', 'status'], { name: 'evaluations_evaluator_status' });
  await qi.addIndex('evaluations', ['sample_id'], { name: 'evaluations_sample' });
  await qi.addIndex('evaluations', ['due_on'], { name: 'evaluations_due_on' });
  await qi.addIndex('evaluations', ['updated_at'], { name: 'evaluations_updated_at' });
  await qi.createTable(
    'evaluation_scores',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      evaluation_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'evaluations', key: 'id' } },
      seq: { type: DataTypes.INTEGER, allowNull: false },
      name: { type: DataTypes.STRING(128), allowNull: false },
      computed_code: { type: DataTypes.STRING(32), allowNull: true },
      weight: { type: DataTypes.INTEGER, allowNull: false },
      scale: { type: DataTypes.TEXT, allowNull: true },
      score_hundredths: { type: DataTypes.INTEGER, allowNull: true },
      comment: { type: DataTypes.TEXT, allowNull: true },
      sources: { type: DataTypes.TEXT, allowNull: true },
      ...stamps,
    },
    utf8,
  );
  await qi.addIndex('evaluation_scores', ['evaluation_id', 'seq'], { name: 'evaluation_scores_evaluation_seq', unique: true });
  await qi.createTable(
    'rectification_items',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      evaluation_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'evaluations', key: 'id' } },
      organisation_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'organisations', key: 'id' } },
      seq: { type: DataTypes.INTEGER, allowNull: false },
      description: { type: DataTypes.TEXT, allowNull: false },
      status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'open' },
      report: { type: DataTypes.TEXT, allowNull: true },
      reported_by: user(),
      reported_at: { type: DataTypes.DATE, allowNull: true },
      closed_by: user(),
      closed_at: { type: DataTypes.DATE, allowNull: true },
      reopen_reason: { type: DataTypes.TEXT, allowNull: true },
      ...stamps,
    },
    utf8,
  );
  await qi.addIndex('rectification_items', ['evaluation_id', 'seq'], { name: 'rectification_items_evaluation_seq', unique: true });
  await qi.addIndex('rectification_items', ['organisation_id', 'status'], { name: 'rectification_items_organisation_status' });
}

export async function down({ context: qi }: Ctx): Promise<void> {
  await qi.dropTable('rectification_items');
  await qi.dropTable('evaluation_scores');
  await qi.dropTable('evaluations');
  await qi.dropTable('evaluation_samples');
  await qi.dropTable('evaluation_template_indicators');
  await qi.dropTable('evaluation_templates');
}
