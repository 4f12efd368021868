import { DataTypes, type QueryInterface } from 'sequelize';

type Ctx = { context: QueryInterface };

const timestamps = {
  created_at: { type: DataTypes.DATE, allowNull: false },
  updated_at: { type: DataTypes.DATE, allowNull: false },
};

export async function up({ context: qi }: Ctx): Promise<void> {
  await qi.createTable('districts', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    code: { type: DataTypes.STRING(8), allowNull: false, unique: true },
    name: { type: DataTypes.STRING(64), allowNull: false },
    name_en: { type: DataTypes.STRING(64), allowNull: false },
    gb_code: { type: DataTypes.STRING(6), allowNull: true },
    kind: { type: DataTypes.STRING(20), allowNull: false },
    sort_order: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    ...timestamps,
  });
  await qi.createTable('sub_districts', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    district_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'districts', key: 'id' } },
    name: { type: DataTypes.STRING(64), allowNull: false },
    kind: { type: DataTypes.STRING(16), allowNull: false },
    sort_order: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    ...timestamps,
  });
  await qi.addIndex('sub_districts', ['district_id', 'name'], { unique: true, name: 'sub_districts_district_name' });
  await qi.createTable('agencies', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    district_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'districts', key: 'id' } },
    kind: { type: DataTypes.STRING(40), allowNull: false },
    name: { type: DataTypes.STRING(128), allowNull: false },
    active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
    ...timestamps,
  });
  await qi.addIndex('agencies', ['district_id', 'kind'], { name: 'agencies_district_kind' });
  await qi.createTable('service_categories', {
    code: { type: DataTypes.STRING(40), primaryKey: true },
    parent_code: { type: DataTypes.STRING(40), allowNull: true },
    name: { type: DataTypes.STRING(32), allowNull: false },
    name_en: { type: DataTypes.STRING(64), allowNull: false },
    unit: { type: DataTypes.STRING(16), allowNull: false },
    unit_en: { type: DataTypes.STRING(32), allowNull: false },
    sort_order: { type: DataTypes.INTEGER, allowNull: false },
  });
  await qi.createTable('organisations', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    district_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'districts', key: 'id' } },
    name: { type: DataTypes.STRING(128), allowNull: false },
    uscc: { type: DataTypes.STRING(18), allowNull: false, unique: true },
    status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'active' },
    ...timestamps,
  });
  await qi.addIndex('organisations', ['district_id', 'status'], { name: 'organisations_district_status' });
  await qi.createTable('users', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    username: { type: DataTypes.STRING(64), allowNull: false, unique: true },
    display_name: { type: DataTypes.STRING(64), allowNull: false },
    password_hash: { type: DataTypes.STRING(255), allowNull: false },
    role: { type: DataTypes.STRING(16), allowNull: false },
    district_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'districts', key: 'id' } },
    agency_id: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'agencies', key: 'id' } },
    organisation_id: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'organisations', key: 'id' } },
    status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'active' },
    must_change_password: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    password_changed_at: { type: DataTypes.DATE, allowNull: true },
    last_sign_in_at: { type: DataTypes.DATE, allowNull: true },
    ...timestamps,
  });
  await qi.addIndex('users', ['role', 'status'], { name: 'users_role_status' });
  await qi.addIndex('users', ['district_id'], { name: 'users_district' });
  await qi.addIndex('users', ['organisation_id'], { name: 'users_organisation' });
  await qi.createTable('sessions', {
    sid: { type: DataTypes.STRING(128), primaryKey: true },
    user_id: { type: DataTypes.INTEGER, allowNull: true },
    data: { type: DataTypes.TEXT, allowNull: false },
    expires_at: { type: DataTypes.DATE, allowNull: false },
    ...timestamps,
  });
  await qi.addIndex('sessions', ['user_id'], { name: 'sessions_user' });
  await qi.addIndex('sessions', ['expires_at'], { name: 'sessions_expires' });
  await qi.createTable('login_attempts', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    username: { type: DataTypes.STRING(64), allowNull: false },
    ip: { type: DataTypes.STRING(64), allowNull: false },
    outcome: { type: DataTypes.STRING(16), allowNull: false },
    at: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex('login_attempts', ['username', 'at'], { name: 'login_attempts_username_at' });
  await qi.addIndex('login_attempts', ['ip', 'at'], { name: 'login_attempts_ip_at' });
  await qi.createTable('audit_events', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    seq: { type: DataTypes.INTEGER, allowNull: false, unique: true },
    at: { type: DataTypes.DATE(3), allowNull: false },
    actor_id: { type: DataTypes.INTEGER, allowNull: true },
    actor_name: { type: DataTypes.STRING(64), allowNull: true },
    actor_role: { type: DataTypes.STRING(16), allowNull: true },
    action: { type: DataTypes.STRING(64), allowNull: false },
    record_type: { type: DataTypes.STRING(40), allowNull: true },
    record_id: { type: DataTypes.STRING(40), allowNull: true },
    district_id: { type: DataTypes.INTEGER, allowNull: true },
    detail: { type: DataTypes.TEXT, allowNull: true },
    ip: { type: DataTypes.STRING(64), allowNull: true },
    request_id: { type: DataTypes.STRING(40), allowNull: true },
    prev_hash: { type: DataTypes.STRING(64), allowNull: false },
    hash: { type: DataTypes.STRING(64), allowNull: false },
  });
  await qi.addIndex('audit_events', ['at'], { name: 'audit_events_at' });
  await qi.addIndex('audit_events', ['actor_id', 'at'], { name: 'audit_events_actor_at' });
  await qi.addIndex('audit_events', ['action', 'at'], { name: 'audit_events_action_at' });
  await qi.addIndex('audit_events', ['record_type', 'record_id'], { name: 'audit_events_record' });
  await qi.addIndex('audit_events', ['district_id', 'at'], { name: 'audit_events_district_at' });
  await qi.createTable('audit_heads', {
    id: { type: DataTypes.INTEGER, primaryKey: true },
    last_seq: { type: DataTypes.INTEGER, allowNull: false },
    last_hash: { type: DataTypes.STRING(64), allowNull: false },
  });
  await qi.bulkInsert('audit_heads', [{ id: 1, last_seq: 0, last_hash: '0'.repeat(64) }]);
}

export async function down({ context: qi }: Ctx): Promise<void> {
  for (const table of [
    'audit_heads',
    'audit_events',
    'login_attempts',
    'sessions',
    'users',
    'organisations',
    'service_categories',
    'agencies',
    'sub_districts',
    'districts',
  ]) {
    await qi.dropTable(table);
  }
}
