import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import path from 'node:path';
import { Sequelize, Transaction } from 'sequelize';
import { logger } from './logger.js';

export type Dialect = 'sqlite' | 'mysql';

const SQLITE_BUSY_TIMEOUT_MS = 10_000;

/**
 * Builds the Sequelize instance for `sqlite:<file>` or `mysql://…` (MariaDB too).
 * SQLite gets WAL and a busy timeout on every connection it opens (TOOLCHAIN.md).
 */
export function createSequelize(url: string, opts: { sqlLog?: boolean } = {}): Sequelize {
  const logging = opts.sqlLog ? (sql: string) => logger.debug({ sql }, 'sql') : false;
  if (url.startsWith('sqlite:')) {
    const storage = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (storage !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(storage)), { recursive: true });
    const sequelize = new Sequelize({ dialect: 'sqlite', storage, logging, define: { underscored: true } });
    configureSqliteConnections(sequelize);
    return sequelize;
  }
  if (url.startsWith('mysql://') || url.startsWith('mariadb://')) {
    return new Sequelize(url.replace(/^mariadb:/, 'mysql:'), {
      dialect: 'mysql',
      logging,
      timezone: '+00:00',
      define: { underscored: true, charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' },
      dialectOptions: { supportBigNumbers: true, bigNumberStrings: false, charset: 'utf8mb4' },
      pool: { max: 10, min: 0, idle: 10_000 },
    });
  }
  throw new Error(`DATABASE_URL must start with sqlite: or mysql:// (got ${url.split(':')[0]}:)`);
}

type SqliteConnection = { configure(option: 'busyTimeout', ms: number): void; __careprocure?: boolean };

function configureSqliteConnections(sequelize: Sequelize): void {
  // Sequelize's SQLite dialect opens a connection per transaction; each needs its own busy timeout.
  const cm = (sequelize as unknown as { connectionManager: { getConnection(o: unknown): Promise<SqliteConnection> } }).connectionManager;
  const original = cm.getConnection.bind(cm);
  cm.getConnection = async (options: unknown) => {
    const conn = await original(options);
    if (!conn.__careprocure) {
      conn.configure('busyTimeout', SQLITE_BUSY_TIMEOUT_MS);
      conn.__careprocure = true;
    }
    return conn;
  };
}

let sequelizeInstance: Sequelize | undefined;
let writeTail: Promise<unknown> = Promise.resolve();
const currentTransaction = new AsyncLocalStorage<Transaction>();

export function setSequelize(s: Sequelize): void {
  sequelizeInstance = s;
}

export function getSequelize(): Sequelize {
  if (!sequelizeInstance) throw new Error('The database is not initialised (call initDatabase first)');
  return sequelizeInstance;
}

export function dialectOf(s: Sequelize = getSequelize()): Dialect {
  return s.getDialect() === 'sqlite' ? 'sqlite' : 'mysql';
}

/**
 * The lock a command takes on a row it re-reads to change: FOR UPDATE on MySQL; none on SQLite,
 * whose write transactions are serialised inside the process (`withTransaction`).
 */
export function rowLock(): typeof Transaction.LOCK.UPDATE | undefined {
  return dialectOf() === 'mysql' ? Transaction.LOCK.UPDATE : undefined;
}

/**
 * Whether the database answers a trivial query within `timeoutMs` (the readiness check): false,
 * never a hang, when it is down, unreachable or too busy to answer in time.
 */
export async function databaseAnswers(timeoutMs = 2000, s: Sequelize = getSequelize()): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([s.query('SELECT 1').then(() => true as const), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** Applies the per-database settings that persist in the file (WAL) once at start. */
export async function prepareDatabase(s: Sequelize): Promise<void> {
  if (dialectOf(s) === 'sqlite') {
    await s.query('PRAGMA journal_mode = WAL');
    await s.query('PRAGMA synchronous = NORMAL');
  }
}

/**
 * Runs `fn` in a transaction, or in the caller's when one is already open in this async
 * context. On SQLite, write transactions are serialised inside the process: measured, 19 of 20
 * concurrent transactions fail with SQLITE_BUSY otherwise (TOOLCHAIN.md).
 */
export function withTransaction<T>(fn: (t: Transaction) => Promise<T>): Promise<T> {
  const open = currentTransaction.getStore();
  if (open) return fn(open);
  const s = getSequelize();
  const run = () => s.transaction((t) => currentTransaction.run(t, () => fn(t)));
  if (dialectOf(s) !== 'sqlite') return run();
  const result = writeTail.then(run, run);
  writeTail = result.catch(() => undefined);
  return result;
}

/** The transaction open in this async context, if any. */
export function activeTransaction(): Transaction | undefined {
  return currentTransaction.getStore();
}
