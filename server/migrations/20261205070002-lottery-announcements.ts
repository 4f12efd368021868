import { DataTypes, type QueryInterface } from 'sequelize';

type Ctx = { context: QueryInterface };

/**
 * The yearly lottery-fund usage announcement (福利彩票公益金使用情况公告, #19): one per purchasing
 * body and year, drafted from the ledger and the records, the body's own text beside it; its
 * content is stored (frozen) when submitted, approved by finance, then issued and public.
 */
export async function up({ context: qi }: Ctx): Promise<void> {
  const long = qi.sequelize.getDialect() === 'mysql' ? DataTypes.TEXT('long') : DataTypes.TEXT;
  await qi.createTable('lottery_announcements', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    agency_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'agencies', key: 'id' } },
    district_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'districts', key: 'id' } },
    year: { type: DataTypes.INTEGER, allowNull: false },
    status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'draft' },
    body_text: { type: DataTypes.TEXT, allowNull: true },
    content: { type: long, allowNull: true },
    return_reason: { type: DataTypes.TEXT, allowNull: true },
    created_by: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'users', key: 'id' } },
    submitted_by: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'users', key: 'id' } },
    submitted_at: { type: DataTypes.DATE, allowNull: true },
    approved_by: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'users', key: 'id' } },
    approved_at: { type: DataTypes.DATE, allowNull: true },
    issued_by: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'users', key: 'id' } },
    issued_at: { type: DataTypes.DATE, allowNull: true },
    lock_version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    created_at: { type: DataTypes.DATE, allowNull: false },
    updated_at: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex('lottery_announcements', ['agency_id', 'year'], { name: 'lottery_announcements_agency_year', unique: true });
  await qi.addIndex('lottery_announcements', ['district_id', 'year', 'status'], { name: 'lottery_announcements_district_year' });
  await qi.addIndex('lottery_announcements', ['status', 'issued_at'], { name: 'lottery_announcements_issued' });
}

export async function down({ context: qi }: Ctx): Promise<void> {
  await qi.dropTable('lottery_announcements');
}
