/**
 * Backup and restore of the database and the stored files (`npm run backup -- DIR`, `npm run
 * restore -- DIR`, README "Backup and restore").
 *
 * A backup folder holds `database.sqlite` (SQLite: `VACUUM INTO`, a consistent copy of a live WAL
 * database) or `database.sql` (MySQL/MariaDB: `mariadb-dump`/`mysqldump --single-transaction`,
 * one consistent InnoDB snapshot without locking writers), `files/<sha-256>` (each stored file's
 * bytes, read through the `BlobStore` by its stored key after the database snapshot) and
 * `manifest.json`. The client tools are used for MySQL rather than a dump written here because
 * they carry every column type, index, charset and foreign key exactly as the server states them
 * and are what an operator already trusts and can load by hand.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { QueryTypes, Sequelize } from 'sequelize';
import { projectRoot } from '../config.js';
import { createSequelize } from '../db.js';
import { RESTORE_STEP, raiseAllGenerations } from './change-generations.js';
import { BlobNotFoundError, type BlobStore } from './storage/index.js';
import { measuring } from './storage/measuring.js';

export type BackupFile = { key: string; sha256: string; size: number };

export type Manifest = {
  format: 1;
  appVersion: string;
  dialect: 'sqlite' | 'mysql';
  /** The migrations applied to the copied database, in order. */
  migrations: string[];
  createdAt: string;
  fileCount: number;
  files: BackupFile[];
  /** File rows whose bytes the store did not have (or held with another SHA-256) when copied. */
  missing: BackupFile[];
};

export type BackupReport = { manifest: Manifest; copied: number };
export type RestoreReport = { restored: number; missing: BackupFile[]; mismatched: BackupFile[] };

export class BackupError extends Error {}

const MANIFEST = 'manifest.json';
const SQLITE_FILE = 'database.sqlite';
const SQL_FILE = 'database.sql';
const FILES = 'files';

type StoredFileRow = { id: number; storage_key: string; sha256: string; size: number | string };

function dialectOfUrl(url: string): 'sqlite' | 'mysql' {
  if (url.startsWith('sqlite:')) return 'sqlite';
  if (url.startsWith('mysql://') || url.startsWith('mariadb://')) return 'mysql';
  throw new BackupError(`DATABASE_URL must start with sqlite: or mysql:// (got ${url.split(':')[0]}:)`);
}

function sqlitePathOf(url: string): string {
  const storage = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
  if (storage === ':memory:') throw new BackupError('An in-memory SQLite database cannot be backed up or restored');
  return path.resolve(storage);
}

function appVersion(): string {
  return String(JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')).version);
}

async function storedFileRows(s: Sequelize): Promise<StoredFileRow[]> {
  return s.query<StoredFileRow>('SELECT id, storage_key, sha256, size FROM stored_files ORDER BY id', { type: QueryTypes.SELECT });
}

async function migrationNames(s: Sequelize): Promise<string[]> {
  const rows = await s.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name', { type: QueryTypes.SELECT });
  return rows.map((r) => r.name);
}

/** The tables a database holds (an empty database holds none). */
async function tableNames(s: Sequelize): Promise<string[]> {
  const list = (await s.getQueryInterface().showAllTables()) as unknown[];
  return list.map((t) => (typeof t === 'string' ? t : String((t as { tableName: string }).tableName)));
}

// ---------------------------------------------------------------------------------------------
// MySQL / MariaDB through the client tools

type MysqlTarget = { host: string; port: string; user: string; password: string; database: string };

function mysqlTargetOf(url: string): MysqlTarget {
  const u = new URL(url.replace(/^mariadb:/, 'mysql:'));
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!database) throw new BackupError('DATABASE_URL names no database');
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port || '3306',
    user: decodeURIComponent(u.username || 'root'),
    password: decodeURIComponent(u.password),
    database,
  };
}

/** The first of these programs on the PATH (MariaDB's names first, then MySQL's). */
async function findProgram(names: string[]): Promise<string> {
  for (const name of names) {
    const found = await new Promise<boolean>((resolve) => execFile(name, ['--version'], (err) => resolve(!err)));
    if (found) return name;
  }
  throw new BackupError(`None of ${names.join(', ')} is installed (Debian: apt-get install mariadb-client)`);
}

/**
 * Runs a client tool with the connection in a private defaults file (never the password on the
 * command line, where `ps` shows it), `stdin`/`stdout` streamed from/to files.
 */
async function runClient(program: string, target: MysqlTarget, args: string[], io: { stdin?: string; stdout?: string }): Promise<void> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'careprocure-client-'));
  const defaults = path.join(dir, 'client.cnf');
  const quote = (v: string) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  await fsp.writeFile(defaults, `[client]\nhost=${quote(target.host)}\nport=${target.port}\nuser=${quote(target.user)}\npassword=${quote(target.password)}\n`, {
    mode: 0o600,
  });
  try {
    const child = spawn(program, [`--defaults-extra-file=${defaults}`, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const exited = new Promise<number>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => resolve(code ?? 1));
    });
    const flows: Promise<void>[] = [];
    if (io.stdin) flows.push(pipeline(fs.createReadStream(io.stdin), child.stdin));
    else child.stdin.end();
    if (io.stdout) flows.push(pipeline(child.stdout, fs.createWriteStream(io.stdout, { mode: 0o600 })));
    else child.stdout.resume();
    const [code] = await Promise.all([exited, ...flows]);
    if (code !== 0) throw new BackupError(`${program} failed (exit ${code}): ${stderr.trim().slice(0, 2000)}`);
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

async function dumpMysql(url: string, file: string): Promise<void> {
  const target = mysqlTargetOf(url);
  const program = await findProgram(['mariadb-dump', 'mysqldump']);
  // --single-transaction: one REPEATABLE READ snapshot, writers are not blocked; --quick streams
  // rows instead of buffering tables; --hex-blob keeps binary columns exact.
  await runClient(
    program,
    target,
    ['--single-transaction', '--quick', '--hex-blob', '--routines', '--triggers', '--no-tablespaces', '--default-character-set=utf8mb4', target.database],
    { stdout: file },
  );
}

/** Connects to the server without a database, creating `database` when it does not exist yet. */
async function ensureMysqlDatabase(url: string): Promise<void> {
  const u = new URL(url.replace(/^mariadb:/, 'mysql:'));
  const name = decodeURIComponent(u.pathname.replace(/^\//, ''));
  u.pathname = '/';
  const admin = new Sequelize(u.toString(), { dialect: 'mysql', logging: false });
  try {
    await admin.query(`CREATE DATABASE IF NOT EXISTS \`${name.replace(/`/g, '``')}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await admin.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Backup

/**
 * Writes a consistent copy of the database at `databaseUrl` and of its stored files into `dir`
 * (made if missing; it must hold no earlier backup). The app may keep running: the database copy
 * is one snapshot, the files are copied afterwards by the keys that snapshot names.
 */
export async function backup(databaseUrl: string, store: BlobStore, dir: string): Promise<BackupReport> {
  const dialect = dialectOfUrl(databaseUrl);
  await fsp.mkdir(path.join(dir, FILES), { recursive: true });
  if (fs.existsSync(path.join(dir, MANIFEST)) || fs.existsSync(path.join(dir, SQLITE_FILE)) || fs.existsSync(path.join(dir, SQL_FILE))) {
    throw new BackupError(`${dir} already holds a backup; choose an empty folder`);
  }

  let rows: StoredFileRow[];
  let migrations: string[];
  if (dialect === 'sqlite') {
    const copy = path.resolve(dir, SQLITE_FILE);
    const live = createSequelize(databaseUrl);
    try {
      // One read transaction over the live (WAL) database: writers go on, the copy is consistent.
      // The target is a bound value (VACUUM INTO takes any expression), never SQL built from a path.
      await live.query('VACUUM INTO ?', { replacements: [copy] });
    } finally {
      await live.close();
    }
    // The file list comes from the copy itself: exactly the rows the backup holds.
    const snapshot = createSequelize(`sqlite:${copy}`);
    try {
      rows = await storedFileRows(snapshot);
      migrations = await migrationNames(snapshot);
    } finally {
      await snapshot.close();
    }
  } else {
    await dumpMysql(databaseUrl, path.join(dir, SQL_FILE));
    // Read after the dump: every row the dump holds is here (rows are only added, or deleted
    // with their bytes); a row added since is copied too and ignored by a restore.
    const live = createSequelize(databaseUrl);
    try {
      rows = await storedFileRows(live);
      migrations = await migrationNames(live);
    } finally {
      await live.close();
    }
  }

  const files: BackupFile[] = [];
  const missing: BackupFile[] = [];
  let copied = 0;
  for (const row of rows) {
    const entry: BackupFile = { key: row.storage_key, sha256: row.sha256, size: Number(row.size) };
    const target = path.join(dir, FILES, row.sha256);
    if (!/^[0-9a-f]{64}$/.test(row.sha256)) {
      missing.push(entry);
      continue;
    }
    if (fs.existsSync(target)) {
      // The same bytes stored under another row (another kind): kept once.
      files.push(entry);
      continue;
    }
    let body: Readable;
    try {
      body = await store.get(row.storage_key);
    } catch (err) {
      if (err instanceof BlobNotFoundError) {
        missing.push(entry);
        continue;
      }
      throw err;
    }
    const temp = `${target}.partial`;
    const m = measuring();
    await pipeline(body, m.stream, fs.createWriteStream(temp, { mode: 0o600 }));
    const got = m.digest();
    if (got.sha256 !== row.sha256) {
      // The store holds other bytes than the row says: not a copy to restore.
      await fsp.rm(temp, { force: true });
      missing.push(entry);
      continue;
    }
    await fsp.rename(temp, target);
    files.push(entry);
    copied += 1;
  }

  const manifest: Manifest = {
    format: 1,
    appVersion: appVersion(),
    dialect,
    migrations,
    createdAt: new Date().toISOString(),
    fileCount: files.length,
    files,
    missing,
  };
  // Written last: a folder with a manifest is a complete backup.
  await fsp.writeFile(path.join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  return { manifest, copied };
}

// ---------------------------------------------------------------------------------------------
// Restore

export async function readManifest(dir: string): Promise<Manifest> {
  let text: string;
  try {
    text = await fsp.readFile(path.join(dir, MANIFEST), 'utf8');
  } catch {
    throw new BackupError(`${dir} holds no ${MANIFEST}: not a (complete) backup`);
  }
  const manifest = JSON.parse(text) as Manifest;
  if (manifest.format !== 1) throw new BackupError(`Unknown backup format ${String(manifest.format)}`);
  return manifest;
}

/** Whether the database at `url` holds any table (a missing SQLite file or MySQL database holds none). */
async function databaseHoldsTables(url: string): Promise<boolean> {
  if (dialectOfUrl(url) === 'sqlite') {
    const file = sqlitePathOf(url);
    if (!fs.existsSync(file) || fs.statSync(file).size === 0) return false;
  } else {
    await ensureMysqlDatabase(url);
  }
  const s = createSequelize(url);
  try {
    return (await tableNames(s)).length > 0;
  } finally {
    await s.close();
  }
}

/**
 * Loads the backup in `dir` into the database at `databaseUrl` and its files into `store`, each
 * file checked against its SHA-256. Refuses a database that holds tables unless `force` (then
 * the backup's tables replace it: SQLite's file is replaced, MySQL's tables are dropped and
 * loaded). The restored rows point at the keys the store gave the copies.
 */
export async function restore(databaseUrl: string, store: BlobStore, dir: string, opts: { force?: boolean } = {}): Promise<RestoreReport> {
  const manifest = await readManifest(dir);
  const dialect = dialectOfUrl(databaseUrl);
  if (manifest.dialect !== dialect) {
    throw new BackupError(`The backup is of a ${manifest.dialect} database; DATABASE_URL names a ${dialect} one`);
  }
  if (!opts.force && (await databaseHoldsTables(databaseUrl))) {
    throw new BackupError('The target database is not empty; restore into an empty one, or pass --force to replace it');
  }

  if (dialect === 'sqlite') {
    const file = sqlitePathOf(databaseUrl);
    await fsp.mkdir(path.dirname(file), { recursive: true });
    const temp = `${file}.restoring`;
    await fsp.copyFile(path.join(dir, SQLITE_FILE), temp);
    for (const side of ['-wal', '-shm', '-journal']) await fsp.rm(`${file}${side}`, { force: true });
    await fsp.rename(temp, file);
  } else {
    const target = mysqlTargetOf(databaseUrl);
    const program = await findProgram(['mariadb', 'mysql']);
    await runClient(program, target, ['--default-character-set=utf8mb4', target.database], { stdin: path.join(dir, SQL_FILE) });
  }

  const bySha = new Map(manifest.files.map((f) => [f.sha256, f]));
  const missing: BackupFile[] = [];
  const mismatched: BackupFile[] = [];
  let restored = 0;
  const s = createSequelize(databaseUrl);
  try {
    for (const row of await storedFileRows(s)) {
      const entry: BackupFile = { key: row.storage_key, sha256: row.sha256, size: Number(row.size) };
      const source = path.join(dir, FILES, row.sha256);
      if (!bySha.has(row.sha256) || !fs.existsSync(source)) {
        missing.push(entry);
        continue;
      }
      const put = await store.put(fs.createReadStream(source));
      if (put.sha256 !== row.sha256 || put.size !== Number(row.size)) {
        await store.delete(put.key);
        mismatched.push(entry);
        continue;
      }
      await s.query('UPDATE stored_files SET storage_key = ? WHERE id = ?', { replacements: [put.key, row.id] });
      restored += 1;
    }
    // An app still running on this database may hold figures of the generations the backup brought back.
    await raiseAllGenerations(s, RESTORE_STEP);
  } finally {
    await s.close();
  }
  return { restored, missing, mismatched };
}
