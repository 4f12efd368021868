import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { QueryTypes, type Sequelize } from 'sequelize';
import { migrate } from '../../server/cli/migrate.js';
import { createSequelize } from '../../server/db.js';
import { migrator } from '../../server/migrate.js';
import { captured, runScript } from '../support/cli.js';

async function count(s: Sequelize, sql: string): Promise<number> {
  const [row] = await s.query<{ n: number }>(sql, { type: QueryTypes.SELECT });
  return Number(row.n);
}

async function tables(s: Sequelize): Promise<string[]> {
  const list = (await s.getQueryInterface().showAllTables()) as unknown[];
  return list.map((t) => (typeof t === 'string' ? t : String((t as { tableName: string }).tableName))).sort();
}

/** What the reference-data migration seeds (DOMAIN.md "Reference data"). */
async function expectSeeded(s: Sequelize): Promise<void> {
  expect(await count(s, 'SELECT COUNT(*) AS n FROM districts')).to.equal(12);
  expect(await count(s, 'SELECT COUNT(*) AS n FROM sub_districts')).to.equal(78);
  expect(await count(s, "SELECT COUNT(*) AS n FROM sub_districts WHERE kind = 'town'")).to.equal(4);
  expect(await count(s, 'SELECT COUNT(*) AS n FROM agencies')).to.equal(12 * 11);
  expect(await count(s, 'SELECT COUNT(*) AS n FROM service_categories')).to.equal(18);
  expect(await count(s, 'SELECT COUNT(*) AS n FROM audit_heads WHERE last_seq = 0')).to.equal(1);
}

/** `db:migrate` / `db:rollback` in-process on a fresh connection to this SQLite file. */
async function runMigrate(args: string[], databaseUrl: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = captured();
  const code = await migrate(args, async () => createSequelize(databaseUrl), io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

describe('migrations', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'careprocure-migrations-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('go up on a fresh SQLite file, all the way down to 0, and up again', async function () {
    // Every migration twice up and once down: about 11 s alone, more while the machine is shared.
    this.timeout(60_000);
    const s = createSequelize(`sqlite:${path.join(dir, 'fresh.sqlite')}`);
    try {
      const umzug = await migrator(s);
      const names = (await umzug.pending()).map((m) => m.name);
      expect(names.length).to.be.greaterThan(1);
      expect((await umzug.up()).map((m) => m.name)).to.deep.equal(names);
      await expectSeeded(s);
      expect(await umzug.pending()).to.deep.equal([]);

      const reverted = await umzug.down({ to: 0 });
      expect(reverted.map((m) => m.name)).to.deep.equal([...names].reverse());
      expect(await tables(s)).to.deep.equal(['schema_migrations']);
      expect(await umzug.executed()).to.deep.equal([]);

      await umzug.up();
      await expectSeeded(s);
    } finally {
      await s.close();
    }
  });

  it('db:migrate applies what is pending and db:rollback reverts one step, or all with --to 0', async function () {
    this.timeout(60_000);
    const url = `sqlite:${path.join(dir, 'cli.sqlite')}`;
    const up = await runMigrate(['up'], url);
    expect(up.code).to.equal(0);
    expect(up.stdout).to.contain('Applied 20261129000100-core-tables.ts').and.to.contain('Applied 20261129000200-reference-data.ts');
    const again = await runMigrate(['up'], url);
    expect(again.stdout).to.contain('No pending migrations.');
    const one = await runMigrate(['down'], url);
    expect(one.code).to.equal(0);
    expect(one.stdout).to.match(/^Reverted \S+\n1 migration\(s\) reverted\.\n$/);
    const all = await runMigrate(['down', '--to', '0'], url);
    expect(all.code).to.equal(0);
    expect(all.stdout).to.contain('Reverted 20261129000100-core-tables.ts');
    const wrong = await runMigrate(['sideways'], url);
    expect(wrong.code).to.equal(1);
    expect(wrong.stderr).to.contain('usage: migrate.ts up | down');
  });

  it('runs as a script: exit code and output of `npm run db:rollback` on an empty database', async function () {
    this.timeout(60_000);
    const run = await runScript('migrate.ts', ['down'], `sqlite:${path.join(dir, 'script.sqlite')}`);
    expect(run.stderr).to.equal('');
    expect(run.stdout).to.equal('Nothing to revert.\n');
    expect(run.code).to.equal(0);
  });
});
