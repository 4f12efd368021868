import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { DataTypes, QueryTypes, Sequelize } from 'sequelize';
import { createSequelize } from '../../server/db.js';
import { migrator } from '../../server/migrate.js';
import { dropColumns } from '../../server/migrations/support/drop-columns.js';

/**
 * Rolling the migrations back and up again, on this run's dialect: a temp SQLite file, or a
 * database of its own beside TEST_DATABASE_URL's on MariaDB (never the suite's own database).
 */
async function scratchDatabase(dir: string, suffix: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) return { url: `sqlite:${path.join(dir, `${suffix}.sqlite`)}`, drop: async () => {} };
  const u = new URL(base);
  const name = `${u.pathname.replace(/^\//, '')}_${suffix}${process.env.MOCHA_WORKER_ID === undefined ? '' : `_w${process.env.MOCHA_WORKER_ID}`}`;
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`odd database name: ${name}`);
  u.pathname = '/';
  const admin = new Sequelize(u.toString(), { dialect: 'mysql', logging: false });
  await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.close();
    },
  };
}

type IndexInfo = { name: string; unique: boolean; fields: { attribute: string }[] };
type KeyInfo = { columnName: string; referencedTableName: string; referencedColumnName: string };

/** Each table's columns, indexes and foreign keys as the dialect describes them, sorted. */
async function schema(s: Sequelize): Promise<Record<string, { columns: string[]; indexes: string[]; keys: string[] }>> {
  const qi = s.getQueryInterface();
  const names = ((await qi.showAllTables()) as unknown[]).map((t) => (typeof t === 'string' ? t : (t as { tableName: string }).tableName)).sort();
  const out: Record<string, { columns: string[]; indexes: string[]; keys: string[] }> = {};
  for (const table of names) {
    const columns = await qi.describeTable(table);
    const indexes = (await qi.showIndex(table)) as unknown as IndexInfo[];
    const keys = (await qi.getForeignKeyReferencesForTable(table)) as unknown as KeyInfo[];
    out[table] = {
      columns: Object.entries(columns)
        .map(([name, c]) => `${name} ${c.type} ${c.allowNull ? 'null' : 'not null'} default=${c.defaultValue ?? ''}${c.primaryKey ? ' pk' : ''}`)
        .sort(),
      indexes: indexes.map((i) => `${i.name}${i.unique ? ' unique' : ''} (${i.fields.map((f) => f.attribute).join(', ')})`).sort(),
      keys: keys.map((k) => `${k.columnName} → ${k.referencedTableName}.${k.referencedColumnName}`).sort(),
    };
  }
  return out;
}

async function columnsOf(s: Sequelize, table: string): Promise<string[]> {
  return Object.keys(await s.getQueryInterface().describeTable(table));
}

describe('migrations rolled back and up again (this run’s dialect)', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'careprocure-rollback-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('every down drops what its up added, and up again makes the same tables, indexes and keys', async function () {
    // Every migration up, down and up: about 15 s on SQLite, longer on MariaDB or a shared machine.
    this.timeout(300_000);
    const db = await scratchDatabase(dir, 'rollback');
    const s = createSequelize(db.url);
    try {
      const umzug = await migrator(s);
      await umzug.up();
      const before = await schema(s);
      // Down past the migrations whose down drops columns of tables other migrations made.
      await umzug.down({ to: '20261205040300-deliveries.ts' });
      expect(await columnsOf(s, 'users')).to.not.include.members(['email']);
      expect(await columnsOf(s, 'claims')).to.not.include('claimed_fen');
      expect(await columnsOf(s, 'claim_lines')).to.not.include('sanctioned_fen');
      expect(await columnsOf(s, 'engagements')).to.not.include('lock_version');
      expect(await columnsOf(s, 'child_workers')).to.not.include.members(['anonymised_at']);
      expect(await columnsOf(s, 'child_workers')).to.not.include('community_id');
      await umzug.down({ to: 0 });
      await umzug.up();
      expect(await schema(s)).to.deep.equal(before);
    } finally {
      await s.close();
      await db.drop();
    }
  });

  it('dropColumns keeps the table’s other indexes and the rows of the tables that point at it', async function () {
    this.timeout(60_000);
    const db = await scratchDatabase(dir, 'dropcol');
    const s = createSequelize(db.url);
    try {
      const qi = s.getQueryInterface();
      const id = { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true };
      await qi.createTable('kinds', { id, name: { type: DataTypes.STRING(20), allowNull: false } });
      await qi.createTable('parents', {
        id,
        name: { type: DataTypes.STRING(20), allowNull: false },
        code: { type: DataTypes.STRING(20), allowNull: false, unique: true },
        note: { type: DataTypes.STRING(20), allowNull: true },
        kind_id: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'kinds', key: 'id' } },
      });
      await qi.addIndex('parents', ['name'], { name: 'parents_name' });
      await qi.createTable('children', {
        id,
        parent_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'parents', key: 'id' }, onDelete: 'CASCADE' },
      });
      await qi.bulkInsert('kinds', [{ id: 1, name: 'k' }]);
      await qi.bulkInsert('parents', [{ id: 1, name: 'p', code: 'c', note: 'n', kind_id: 1 }]);
      await qi.bulkInsert('children', [{ id: 1, parent_id: 1 }]);

      await dropColumns(qi, 'parents', ['note', 'kind_id']);

      expect(await columnsOf(s, 'parents')).to.have.members(['id', 'name', 'code']);
      const indexes = (await qi.showIndex('parents')) as unknown as IndexInfo[];
      expect(indexes.map((i) => i.name)).to.include('parents_name');
      expect(
        indexes.some((i) => i.unique && i.fields.map((f) => f.attribute).join() === 'code'),
        'the unique code',
      ).to.equal(true);
      const [child] = await s.query<{ n: number }>('SELECT COUNT(*) AS n FROM children', { type: QueryTypes.SELECT });
      expect(Number(child.n), 'the child row survives the rebuild of its parent table').to.equal(1);
      const [parent] = await s.query<{ name: string }>('SELECT name FROM parents WHERE id = 1', { type: QueryTypes.SELECT });
      expect(parent.name).to.equal('p');
      let refused: unknown;
      await dropColumns(qi, 'parents', ['name; DROP TABLE children']).catch((e: unknown) => {
        refused = e;
      });
      expect(String(refused)).to.contain('not a table or column name');
    } finally {
      await s.close();
      await db.drop();
    }
  });
});
