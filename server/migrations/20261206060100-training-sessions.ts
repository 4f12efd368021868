import { DataTypes, type QueryInterface } from 'sequelize';
import { dropColumns } from './support/drop-columns.js';

type Ctx = { context: QueryInterface };

/**
 * Training sessions of the child workforce (#21, section 二(二) of the policy): a session is held
 * at city level (supervisors) or district level (directors), on a day, by a trainer, on topics from
 * the policy's list (家庭走访, 信息更新, 强制报告, 政策衔接, 家庭监护主体责任, 家庭教育; the table
 * takes more), and its roster is a training record per worker with their result, so a worker's
 * trained status and renewal come from their sessions.
 */
const TOPICS = [
  ['home_visits', '家庭走访', 'Home visits'],
  ['information_update', '信息更新', 'Keeping records up to date'],
  ['mandatory_reporting', '强制报告', 'Mandatory reporting'],
  ['policy_linkage', '政策衔接', 'Linking up policies'],
  ['family_guardianship', '家庭监护主体责任', "Families' duty of guardianship"],
  ['family_education', '家庭教育', 'Family education'],
] as const;

export async function up({ context: qi }: Ctx): Promise<void> {
  const table = { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' };
  await qi.createTable(
    'training_topics',
    {
      code: { type: DataTypes.STRING(40), primaryKey: true },
      name: { type: DataTypes.STRING(64), allowNull: false },
      name_en: { type: DataTypes.STRING(128), allowNull: false },
      sort_order: { type: DataTypes.INTEGER, allowNull: false },
    },
    table,
  );
  await qi.bulkInsert(
    'training_topics',
    TOPICS.map(([code, name, nameEn], i) => ({ code, name, name_en: nameEn, sort_order: (i + 1) * 10 })),
  );
  await qi.createTable(
    'training_sessions',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      level: { type: DataTypes.STRING(16), allowNull: false },
      district_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'districts', key: 'id' } },
      kind: { type: DataTypes.STRING(16), allowNull: false },
      held_on: { type: DataTypes.DATEONLY, allowNull: false },
      title: { type: DataTypes.STRING(128), allowNull: false },
      trainer: { type: DataTypes.STRING(128), allowNull: false },
      hours_tenths: { type: DataTypes.INTEGER, allowNull: false },
      created_by: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'users', key: 'id' } },
      created_at: { type: DataTypes.DATE, allowNull: false },
      updated_at: { type: DataTypes.DATE, allowNull: false },
      lock_version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    },
    table,
  );
  await qi.addIndex('training_sessions', ['district_id', 'held_on'], { name: 'training_sessions_district_held' });
  await qi.addIndex('training_sessions', ['held_on'], { name: 'training_sessions_held' });
  await qi.createTable(
    'training_session_topics',
    {
      training_session_id: { type: DataTypes.INTEGER, allowNull: false, primaryKey: true, references: { model: 'training_sessions', key: 'id' } },
      topic_code: { type: DataTypes.STRING(40), allowNull: false, primaryKey: true, references: { model: 'training_topics', key: 'code' } },
    },
    table,
  );
  await qi.addIndex('training_session_topics', ['topic_code', 'training_session_id'], { name: 'training_session_topics_topic' });
  await qi.addColumn('training_records', 'training_session_id', {
    type: DataTypes.INTEGER,
    allowNull: true,
    references: { model: 'training_sessions', key: 'id' },
  });
  // One result per worker per session (a replayed roster cannot record a worker twice); NULLs (a
  // training recorded on the worker's page) are never equal, on SQLite as on MySQL.
  await qi.addIndex('training_records', ['training_session_id', 'child_worker_id'], { unique: true, name: 'training_records_session_worker' });
}

export async function down({ context: qi }: Ctx): Promise<void> {
  // With its index (training_records_session_worker) and foreign key: MariaDB keeps an index a key leans on.
  await dropColumns(qi, 'training_records', ['training_session_id']);
  await qi.dropTable('training_session_topics');
  await qi.dropTable('training_sessions');
  await qi.dropTable('training_topics');
}
