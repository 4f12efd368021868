import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import { Sequelize } from 'sequelize';
import { createApp } from '../../server/app.js';
import { type Config, loadConfig } from '../../server/config.js';
import { initDatabase } from '../../server/database.js';

/**
 * One database per test run, built by the real migrations: a temp SQLite file by default (so
 * concurrency is real), or a fresh MariaDB/MySQL database when TEST_DATABASE_URL is set. Tests
 * make their own records with factories and never rely on each other's.
 */
let app: Express | undefined;
let config: Config | undefined;
let sequelize: Sequelize | undefined;
let tmpDir: string | undefined;

async function freshMysqlDatabase(url: string): Promise<void> {
  const u = new URL(url);
  const name = u.pathname.replace(/^\//, '');
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`TEST_DATABASE_URL names an odd database: ${name}`);
  u.pathname = '/';
  const admin = new Sequelize(u.toString(), { dialect: 'mysql', logging: false });
  await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.close();
}

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(120_000);
    // Every run has its own folder for the SQLite file and the uploads, so runs never see each
    // other's files (on MariaDB too).
    tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'careprocure-test-'));
    let databaseUrl = process.env.TEST_DATABASE_URL;
    if (databaseUrl) await freshMysqlDatabase(databaseUrl);
    else databaseUrl = `sqlite:${path.join(tmpDir, 'test.sqlite')}`;
    const uploadDir = path.join(tmpDir, 'uploads');
    fs.mkdirSync(uploadDir);
    config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: databaseUrl, PASSWORD_COST: '12', UPLOAD_DIR: uploadDir });
    sequelize = await initDatabase(config);
    app = createApp(config);
  },
  async afterAll() {
    await sequelize?.close();
    if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
  },
};

/** The application under test, built once per run by the root hook. */
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
