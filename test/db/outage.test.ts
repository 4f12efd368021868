import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { Sequelize } from 'sequelize';
import sqlite3 from 'sqlite3';
import { projectRoot } from '../../server/config.js';
import { DEFAULT_LOCALE, translator } from '../../server/i18n/index.js';
import { armSilenceLimit, createSequelize, databaseAnswers, dialectOf, getSequelize, isDatabaseUnavailable, withTransaction } from '../../server/db.js';
import { csrfFrom } from '../support/agent.js';
import { testConfig } from '../support/hooks.js';

const PROBE = 'outage_probe';

function probeTableSql(): string {
  return dialectOf() === 'sqlite'
    ? `CREATE TABLE IF NOT EXISTS ${PROBE} (id INTEGER PRIMARY KEY AUTOINCREMENT, note VARCHAR(100) NOT NULL)`
    : `CREATE TABLE IF NOT EXISTS ${PROBE} (id INT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(100) NOT NULL)`;
}

async function notes(): Promise<string[]> {
  const [rows] = await getSequelize().query(`SELECT note FROM ${PROBE} ORDER BY id`);
  return (rows as { note: string }[]).map((r) => r.note);
}

/**
 * A TCP proxy between the app and MariaDB that the test cuts: `refuse` closes every connection
 * and the port (a stopped server), `silent` keeps the connections open but passes no byte and
 * accepts new ones it never answers (a cut network); `restore` serves again on the same port.
 * When one side of a pair closes, the other is closed too (what the network delivers once it is back).
 */
class CuttableProxy {
  private server = net.createServer((client) => this.accept(client));
  private sockets = new Set<net.Socket>();
  private mode: 'open' | 'silent' = 'open';
  port = 0;

  constructor(private target: { host: string; port: number }) {}

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  private accept(client: net.Socket): void {
    this.sockets.add(client);
    client.on('close', () => this.sockets.delete(client));
    client.on('error', () => undefined);
    if (this.mode === 'silent') return;
    const upstream = net.connect(this.target);
    this.sockets.add(upstream);
    upstream.on('close', () => {
      this.sockets.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => undefined);
    client.on('close', () => upstream.destroy());
    client.on('data', (chunk) => {
      if (this.mode === 'open') upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (this.mode === 'open') client.write(chunk);
    });
  }

  async cut(how: 'refuse' | 'silent'): Promise<void> {
    if (how === 'silent') {
      this.mode = 'silent';
      return;
    }
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  async restore(): Promise<void> {
    this.mode = 'open';
    if (!this.server.listening) await this.listen();
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    if (this.server.listening) await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** `url` with its host and port replaced by the proxy's, and optionally another database. */
function throughProxy(url: string, proxy: CuttableProxy, database?: string): string {
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.port = String(proxy.port);
  if (database) u.pathname = `/${database}`;
  return u.toString();
}

function mysqlTarget(url: string): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || 3306) };
}

/** The error `promise` fails with (the test fails if it succeeds), and how long that took. */
async function failureOf(promise: Promise<unknown>): Promise<{ err: unknown; ms: number }> {
  const started = Date.now();
  try {
    await promise;
  } catch (err) {
    return { err, ms: Date.now() - started };
  }
  throw new Error('expected a failure while the database is cut off');
}

/** Ms until `check` first answers true (tried every 100 ms, failures count as no), at most 20 s. */
async function until(check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < 20_000) {
    if (await check().catch(() => false)) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('did not recover within 20 s');
}

/** The MariaDB database this test worker runs on (TEST_DATABASE_URL's name with the worker's suffix), or null on SQLite. */
const mysqlUrl = () => (/^(mysql|mariadb):/.test(testConfig().databaseUrl) ? testConfig().databaseUrl : null);

/** A client with a cookie jar, not following redirects, that times what it asks. */
class Browser {
  private cookies = new Map<string, string>();
  constructor(private base: string) {}

  /** One request on a connection of its own (no keep-alive, so no race with the server closing an idle one). */
  send(method: 'GET' | 'POST', url: string, form?: Record<string, string>) {
    const started = Date.now();
    const body = form ? new URLSearchParams(form).toString() : undefined;
    const headers: Record<string, string> = { Accept: 'text/html', Cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
    if (body)
      Object.assign(headers, {
        'Content-Type': 'application/x-www-form-urlencoded',
        'Content-Length': String(Buffer.byteLength(body)),
        'Sec-Fetch-Site': 'same-origin',
      });
    return new Promise<{ status: number; requestId: string | undefined; text: string; ms: number }>((resolve, reject) => {
      const req = http.request(`${this.base}${url}`, { method, headers, agent: false }, (res) => {
        for (const c of res.headers['set-cookie'] ?? []) {
          const [pair] = c.split(';');
          const at = pair.indexOf('=');
          this.cookies.set(pair.slice(0, at), pair.slice(at + 1));
        }
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, requestId: res.headers['x-request-id'] as string | undefined, text, ms: Date.now() - started }),
        );
      });
      req.on('error', reject);
      req.end(body);
    });
  }
}

/** Every table's row count (directly, not through the proxy). */
async function rowCounts(db: Sequelize): Promise<Record<string, number>> {
  const [tables] = await db.query('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY table_name');
  const counts: Record<string, number> = {};
  for (const { name } of tables as { name: string }[]) {
    const [[row]] = (await db.query(`SELECT COUNT(*) AS n FROM \`${name}\``)) as [{ n: number }[], unknown];
    counts[name] = Number(row.n);
  }
  return counts;
}

const run = (db: sqlite3.Database, sql: string) => new Promise<void>((resolve, reject) => db.exec(sql, (err) => (err ? reject(err) : resolve())));

describe('database outages', () => {
  before(async () => {
    await getSequelize().query(probeTableSql());
  });
  beforeEach(async () => {
    await getSequelize().query(`DELETE FROM ${PROBE}`);
  });
  after(async () => {
    await getSequelize().query(`DROP TABLE IF EXISTS ${PROBE}`);
  });

  describe('SQLite: another process holds the write lock', () => {
    before(function () {
      if (dialectOf() !== 'sqlite') this.skip();
    });

    it('a transaction that reads then writes waits for the lock and commits, instead of failing with SQLITE_BUSY', async () => {
      const storage = (getSequelize() as unknown as { options: { storage: string } }).options.storage;
      const other = new sqlite3.Database(storage);
      try {
        await run(other, 'PRAGMA busy_timeout = 5000');
        await run(other, `BEGIN IMMEDIATE; INSERT INTO ${PROBE} (note) VALUES ('other process')`);
        const released = new Promise<void>((resolve, reject) => setTimeout(() => run(other, 'COMMIT').then(resolve, reject), 1500));
        const started = Date.now();
        await withTransaction(async (transaction) => {
          await getSequelize().query(`SELECT COUNT(*) FROM ${PROBE}`, { transaction });
          await getSequelize().query(`INSERT INTO ${PROBE} (note) VALUES ('app')`, { transaction });
        });
        await released;
        console.log(`      (the app's write waited ${Date.now() - started} ms for the other process's lock)`);
        expect(await notes()).to.deep.equal(['other process', 'app']);
      } finally {
        await new Promise<void>((resolve) => other.close(() => resolve()));
      }
    });
  });

  describe('MariaDB: the connection is cut (a TCP proxy in between)', () => {
    let proxy: CuttableProxy;
    let s: Sequelize;

    before(async function () {
      const url = mysqlUrl();
      if (!url) return this.skip();
      proxy = new CuttableProxy(mysqlTarget(url));
      await proxy.listen();
      s = createSequelize(throughProxy(url, proxy), { silenceLimitMs: 1500 });
      armSilenceLimit(s);
    });
    after(async () => {
      await s?.close().catch(() => undefined);
      await proxy?.close();
    });

    for (const how of ['refuse', 'silent'] as const) {
      it(`${how}: statements fail as "unavailable" within seconds, the open transaction leaves nothing, the same pool serves again after`, async () => {
        expect(await databaseAnswers(2000, s)).to.equal(true);
        const t = await s.transaction();
        await s.query(`INSERT INTO ${PROBE} (note) VALUES ('half-written')`, { transaction: t });
        await proxy.cut(how);
        const inTransaction = await failureOf(s.query(`INSERT INTO ${PROBE} (note) VALUES ('second half')`, { transaction: t }));
        expect(isDatabaseUnavailable(inTransaction.err), String(inTransaction.err)).to.equal(true);
        await t.rollback().catch(() => undefined);
        const fresh = await failureOf(s.query('SELECT 1'));
        expect(isDatabaseUnavailable(fresh.err), String(fresh.err)).to.equal(true);
        expect(await databaseAnswers(2000, s)).to.equal(false);
        console.log(`      (${how}: statement in a transaction failed after ${inTransaction.ms} ms, a new one after ${fresh.ms} ms)`);

        await proxy.restore();
        // A connection attempt begun during the cut may still fail the first request after it.
        const recovered = await until(() => s.query('SELECT 1').then(() => true));
        console.log(`      (${how}: the same pool answered again ${recovered} ms after the proxy was restored)`);
        // Seen directly, not through the proxy: the server rolled back the cut transaction.
        expect(await notes()).to.deep.equal([]);
      });
    }
  });

  describe('MariaDB: the real server while its database is cut off (spawned once)', () => {
    let proxy: CuttableProxy;
    let direct: Sequelize;
    let child: ChildProcess | undefined;
    let tmp: string;
    let database: string;
    let base: string;
    /** Resolves once the server's first round of background jobs (housekeeping, then reminders) has finished. */
    let startupRounds: Promise<void>;

    before(async function () {
      this.timeout(180_000);
      const url = mysqlUrl();
      if (!url) return this.skip();
      database = `${new URL(url).pathname.slice(1)}_outage`;
      const server = new URL(url);
      server.pathname = '/';
      const admin = new Sequelize(server.toString(), { dialect: 'mysql', logging: false });
      await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
      await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
      await admin.close();
      server.pathname = `/${database}`;
      direct = new Sequelize(server.toString(), { dialect: 'mysql', logging: false });
      proxy = new CuttableProxy(mysqlTarget(url));
      await proxy.listen();
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'careprocure-outage-'));
      const env = {
        ...process.env,
        NODE_ENV: 'development',
        PORT: '0',
        HOST: '127.0.0.1',
        DATABASE_URL: throughProxy(url, proxy, database),
        UPLOAD_DIR: tmp,
        PASSWORD_COST: '10',
        // Info, not silent: the test waits for the log line that ends the first reminders round.
        LOG_LEVEL: process.env.OUTAGE_DEBUG ? 'debug' : 'info',
      };
      const spawned = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
      child = spawned;
      let out = '';
      let roundsDone: () => void = () => undefined;
      startupRounds = new Promise<void>((resolve) => {
        roundsDone = resolve;
      });
      base = await new Promise<string>((resolve, reject) => {
        spawned.stdout.on('data', (c) => {
          out += c;
          const m = /running at (http:\/\/[^\s/]+)\//.exec(out);
          if (m) resolve(m[1]);
          if (/"msg":"reminders( failed)?"/.test(out)) roundsDone();
        });
        spawned.stderr.on('data', (c) => {
          out += c;
        });
        spawned.on('exit', (code) => {
          if (process.env.OUTAGE_DEBUG) console.log('child exited', code, out);
          reject(new Error(`exited ${code} before listening: ${out}`));
        });
      });
    });
    after(async function () {
      this.timeout(60_000);
      if (child && child.exitCode === null) {
        const exited = new Promise((resolve) => child?.on('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }
      await proxy?.close();
      if (direct) {
        await direct.query(`DROP DATABASE IF EXISTS \`${database}\``);
        await direct.close();
      }
      if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    });

    it('pages and /readyz answer 503 with the request id, a change is refused whole, and the same process serves again when the database is back', async function () {
      this.timeout(120_000);
      const unavailable = translator(DEFAULT_LOCALE)('errors.databaseUnavailable');
      // The server's first reminders round (started with it, apart from any request) writes the demo
      // data's reminders; the row counts compared below are taken after it, so only the faults count.
      await startupRounds;
      const browser = new Browser(base);
      const login = await browser.send('GET', '/login');
      const signIn = await browser.send('POST', '/login', { username: 'officer.ft', password: 'careprocure-demo-2026', _csrf: csrfFrom(login.text) });
      expect(signIn.status, signIn.text).to.equal(302);
      const home = await browser.send('GET', '/');
      expect(home.status).to.equal(200);
      const token = csrfFrom(home.text);
      const before = await rowCounts(direct);
      const [[{ hash: hashBefore }]] = (await direct.query("SELECT password_hash AS hash FROM users WHERE username = 'officer.ft'")) as [
        { hash: string }[],
        unknown,
      ];

      for (const how of ['refuse', 'silent'] as const) {
        await proxy.cut(how);
        const page = await browser.send('GET', '/');
        expect(page.status, `${how}: ${page.text.slice(0, 300)}`).to.equal(503);
        expect(page.requestId).to.be.a('string');
        expect(page.text).to.contain(page.requestId).and.to.contain(unavailable);
        const ready = await browser.send('GET', '/readyz');
        expect(ready.status).to.equal(503);
        expect(ready.requestId).to.be.a('string');
        // What an orchestrator asks, without a session cookie (with one, the session is read first).
        expect((await new Browser(base).send('GET', '/healthz')).status, 'the process itself lives').to.equal(200);
        const change = await browser.send('POST', '/account/password', {
          currentPassword: 'careprocure-demo-2026',
          newPassword: 'a new pass-phrase 2026',
          _csrf: token,
        });
        expect(change.status).to.equal(503);
        expect(change.text).to.contain(unavailable);
        console.log(`      (${how}: 503 after ${page.ms} ms for a signed-in page, ${ready.ms} ms for /readyz, ${change.ms} ms for a change)`);

        await proxy.restore();
        const recovered = await until(async () => (await browser.send('GET', '/')).status === 200);
        console.log(`      (${how}: the same process served the signed-in page again ${recovered} ms after the database came back)`);
      }
      const after = await rowCounts(direct);
      const [[{ hash: hashAfter }]] = (await direct.query("SELECT password_hash AS hash FROM users WHERE username = 'officer.ft'")) as [
        { hash: string }[],
        unknown,
      ];
      const changed = Object.keys(after).filter((table) => after[table] !== before[table]);
      const files = fs.readdirSync(tmp, { recursive: true });
      console.log(`      (after the faults: ${changed.length} tables with another row count, ${files.length} files in the upload folder)`);
      expect(changed).to.deep.equal([]);
      expect(hashAfter, 'the refused password change left the password as it was').to.equal(hashBefore);
      expect(files).to.deep.equal([]);
    });
  });
});
