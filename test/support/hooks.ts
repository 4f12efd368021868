import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import { Sequelize } from 'sequelize';
import { createApp } from '../../server/app.js';
import { type Config, loadConfig } from '../../server/config.js';
import { initDatabase } from '../../server/database.js';
import { verifyLedger } from '../../server/services/ledger.js';

/**
 * One database per test process, built by the real migrations: a temp SQLite file by default (so
 * concurrency is real), or a fresh MariaDB/MySQL database when TEST_DATABASE_URL is set. A
 * parallel run (`TEST_JOBS`, .mocharc.cjs) has one per worker process: the worker's database is
 * TEST_DATABASE_URL's name with `_w<worker id>`. Tests make their own records with factories and
 * never rely on each other's, nor on the order in which files run.
 */
let app: Express | undefined;
let config: Config | undefined;
let sequelize: Sequelize | undefined;
let ready: Promise<void> | undefined;

/** The folder of this run (made by the global setup in mocha's main process, shared by its workers). */
const RUN_DIR = 'CAREPROCURE_TEST_RUN_DIR';

/** `_w<id>` in a worker of a parallel run, nothing in a serial one. */
function workerSuffix(): string {
  const id = process.env.MOCHA_WORKER_ID;
  return id === undefined ? '' : `_w${id}`;
}

async function freshMysqlDatabase(url: string): Promise<string> {
  const u = new URL(url);
  const name = `${u.pathname.replace(/^\//, '')}${workerSuffix()}`;
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`TEST_DATABASE_URL names an odd database: ${name}`);
  u.pathname = '/';
  const admin = new Sequelize(u.toString(), { dialect: 'mysql', logging: false });
  await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.close();
  u.pathname = `/${name}`;
  return u.toString();
}

/** This process's database and app: built once, whatever the number of files it runs. */
async function build(): Promise<void> {
  // Every process has its own folder for the SQLite file and the uploads, so processes and runs
  // never see each other's files (on MariaDB too).
  const runDir = process.env[RUN_DIR] ?? os.tmpdir();
  const tmpDir = fs.mkdtempSync(path.join(runDir, `process${workerSuffix()}-`));
  const databaseUrl = process.env.TEST_DATABASE_URL ? await freshMysqlDatabase(process.env.TEST_DATABASE_URL) : `sqlite:${path.join(tmpDir, 'test.sqlite')}`;
  const uploadDir = path.join(tmpDir, 'uploads');
  fs.mkdirSync(uploadDir);
  config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: databaseUrl, PASSWORD_COST: '12', UPLOAD_DIR: uploadDir });
  sequelize = await initDatabase(config);
  app = createApp(config);
}

/** Runs once in mocha's main process, before any worker starts: the run's folder. */
export function mochaGlobalSetup(): void {
  process.env[RUN_DIR] = fs.mkdtempSync(path.join(os.tmpdir(), 'careprocure-test-'));
}

/** Runs once in mocha's main process at the end: closes a serial run's database, removes the run's folder. */
export async function mochaGlobalTeardown(): Promise<void> {
  await sequelize?.close();
  const runDir = process.env[RUN_DIR];
  if (runDir) fs.rmSync(runDir, { recursive: true, force: true });
}

/** The newest ledger entry's id (0: none), or undefined when the database cannot be asked (a test of an outage). */
async function lastLedgerEntry(): Promise<number | undefined> {
  if (!sequelize) return undefined;
  try {
    const [row] = await sequelize.query<{ last: number | string | null }>('SELECT MAX(id) AS last FROM ledger_entries', { type: 'SELECT' as never });
    return Number(row?.last ?? 0);
  } catch {
    return undefined;
  }
}

let ledgerBefore: number | undefined;

export const mochaHooks = {
  // Before each file in a parallel run (the root hooks run per file there), once in a serial one.
  async beforeAll(this: Mocha.Context) {
    this.timeout(120_000);
    ready ??= build();
    await ready;
  },
  async beforeEach() {
    ledgerBefore = await lastLedgerEntry();
  },
  /**
   * `ledger:verify` after every test that moved money (#18): when the test wrote a ledger entry,
   * the books must still balance (every movement sums to zero, no account negative, every budget
   * line and allocation adds up), whatever the test itself checked.
   */
  async afterEach(this: Mocha.Context) {
    const before = ledgerBefore;
    const after = await lastLedgerEntry();
    if (before === undefined || after === undefined || after === before) return;
    const report = await verifyLedger();
    if (!report.ok) throw new Error(`ledger:verify after "${this.currentTest?.fullTitle()}": ${report.problem}`);
  },
};

/** The application under test, built once per process by the root hook. */
export function testApp(): Express {
  if (!app) throw new Error('The test app is not built yet (root hook did not run)');
  return app;
}

export function testConfig(): Config {
  if (!config) throw new Error('The test config is not loaded yet');
  return config;
}

export function testSequelize(): Sequelize {
  if (!sequelize) throw new Error('The test database is not ready yet');
  return sequelize;
}
