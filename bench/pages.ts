/**
 * bench:pages — the key pages of a seeded national slice (`npm run bench:seed`) measured from
 * outside against a bare baseline, in the same run, alternating (#15).
 *
 *   DATABASE_URL=mysql://root@127.0.0.1:3306/cp_bench npm run bench:pages
 *   BENCH_CONNECTIONS=1,20 BENCH_REQUESTS=5 BENCH_PAGES=contracts,officer BENCH_OUT=/tmp/p.md npm run bench:pages
 *
 * The app runs in a child process in production mode (views compiled once, as served), on the
 * database DATABASE_URL names, with a second, bare Express server in the same process: for each
 * page, the statements the app ran for it (captured once from Sequelize's log, the writes left
 * out) run again through the raw driver (mysql2, or sqlite3 on SQLite) in the same order, and
 * their rows are rendered in a bare EJS table. autocannon loads the page and then its baseline
 * for BENCH_REQUESTS requests per connection at each concurrency of BENCH_CONNECTIONS; the table gives the
 * throughput of each, their ratio (page ÷ baseline), p50/p99, and the statements the page ran
 * (all of them: the session's and the user's too), and the answers that were not 2xx (a 503
 * when the pool had no connection free in time, a timeout) rather than refusing the run. The load average is recorded beside each row.
 * The exports of the largest lists (the CSV link of the list page) are measured the same way at
 * one connection and a few requests (BENCH_EXPORT_REQUESTS), their baseline writing the rows of
 * the same statements out as CSV with backpressure; each export writes its audit event, as served.
 */
import './quiet.js';
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { APP_SOURCES, buildDist, DIST } from '../server/cli/build.js';
import { projectRoot } from '../server/config.js';
import { signIn } from './sign-in.js';

const PER_CONNECTION = Number(process.env.BENCH_REQUESTS ?? 10);
const TIME_LIMIT = Number(process.env.BENCH_TIME_LIMIT ?? 60);
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '1,20').split(',').map(Number);
const OUT = process.env.BENCH_OUT ?? path.join(import.meta.dirname, 'results', 'pages.md');
const MODE = process.env.BENCH_ENV ?? 'production';
const TSX = process.env.BENCH_TSX === '1';
/** Requests of each export (at one connection): at scale 1 an export is tens of thousands of rows or more. */
const EXPORT_REQUESTS = Math.min(PER_CONNECTION, Number(process.env.BENCH_EXPORT_REQUESTS ?? 3));

/**
 * A page of the app; `next`: the page the "next" link of `path` leads to, as a reader reaches a deep
 * page (by cursor, #15: the numbered page before it is read once to find the link, not measured);
 * `csv`: the CSV export the list page at `path` offers (its export link), at one connection.
 */
type PageSpec = { key: string; user: string; path: (facts: Facts) => string; label: string; next?: true; csv?: true };

/** The numbered page before the one 80 % into a list of `rows` (25 a page): its "next" leads to the deep page. */
const beforeDeep = (rows: number) => Math.max(1, Math.floor((rows / 25) * 0.8) - 1);
type Facts = { contracts: number; deliverables: number; workers: number; audit: number; contractId: number; dialect: string };

/** The key pages: each role's start page, the largest lists, and deep pages of the largest, reached by "next". */
const PAGES: PageSpec[] = [
  { key: 'contracts', user: 'inspector', path: () => '/contracts', label: 'contract list (inspector, city)' },
  {
    key: 'contracts-deep',
    user: 'inspector',
    path: (f) => `/contracts?page=${beforeDeep(f.contracts)}`,
    next: true,
    label: 'contract list, deep page (by "next")',
  },
  { key: 'contracts-officer', user: 'officer.ft', path: () => '/contracts', label: 'contract list (officer, district)' },
  { key: 'org', user: 'org.sunshine', path: () => '/', label: "organisation's start page" },
  { key: 'officer', user: 'officer.ft', path: () => '/', label: "officer's start page" },
  { key: 'finance', user: 'finance.ft', path: () => '/', label: "finance's start page" },
  { key: 'inspector', user: 'inspector', path: () => '/', label: "inspector's start page" },
  { key: 'deliverables', user: 'inspector', path: () => '/deliverables', label: "inspector's deliverable list" },
  {
    key: 'deliverables-deep',
    user: 'inspector',
    path: (f) => `/deliverables?page=${beforeDeep(f.deliverables)}`,
    next: true,
    label: 'deliverable list, deep page (by "next")',
  },
  { key: 'deliverables-filtered', user: 'inspector', path: () => '/deliverables?status=submitted', label: 'deliverable list, filtered (handed in)' },
  { key: 'queue', user: 'officer.ft', path: () => '/deliverables/queue', label: "officer's review queue" },
  { key: 'contract', user: 'inspector', path: (f) => `/contracts/${f.contractId}`, label: 'a contract page' },
  { key: 'claims', user: 'officer.ft', path: () => '/claims', label: "officer's claim list" },
  { key: 'claims-city', user: 'inspector', path: () => '/claims', label: 'claim list (inspector, city)' },
  { key: 'payments', user: 'inspector', path: () => '/payments', label: 'payment list (inspector, city)' },
  { key: 'allocations', user: 'inspector', path: () => '/allocations', label: 'allocation list (inspector, city)' },
  { key: 'evaluations', user: 'inspector', path: () => '/evaluations', label: 'evaluation list (inspector, city)' },
  { key: 'workers', user: 'inspector', path: () => '/workers', label: 'child worker list (inspector, city)' },
  { key: 'organisations', user: 'inspector', path: () => '/organisations', label: 'organisation list (inspector)' },
  { key: 'audit', user: 'inspector', path: () => '/audit', label: 'audit trail (inspector, city)' },
  {
    key: 'audit-deep',
    user: 'inspector',
    path: (f) => `/audit?page=${beforeDeep(f.audit)}`,
    next: true,
    label: 'audit trail, deep page (by "next")',
  },
  { key: 'finance-dashboard', user: 'finance.ft', path: () => '/finance', label: 'finance dashboard' },
  { key: 'contracts-csv', user: 'inspector', path: () => '/contracts', csv: true, label: 'contract list, CSV export (inspector, city)' },
  { key: 'deliverables-csv', user: 'inspector', path: () => '/deliverables', csv: true, label: 'deliverable list, CSV export (inspector, city)' },
  { key: 'audit-csv', user: 'inspector', path: () => '/audit', csv: true, label: 'audit trail, CSV export (inspector, city)' },
];

type Ready = { port: number; basePort: number; facts: Facts };
type Message =
  | { id: number; kind: 'capture-on' }
  | { id: number; kind: 'capture-off' }
  | { id: number; kind: 'cpu' }
  | { id: number; kind: 'baseline'; key: string; statements: string[]; csv?: boolean };

/** The app and the bare baseline server, in the child process. */
async function serve(): Promise<void> {
  // Express reads the environment itself (view cache, error pages): the app runs as it is served.
  process.env.NODE_ENV = MODE;
  const [{ loadConfig }, { initDatabase }, { createApp }, { getSequelize }, { csvRow }, express, ejs] = await Promise.all([
    import('../server/config.js'),
    import('../server/database.js'),
    import('../server/app.js'),
    import('../server/db.js'),
    import('../server/services/export.js'),
    import('express'),
    import('ejs'),
  ]);
  const url = process.env.DATABASE_URL ?? '';
  const config = loadConfig({
    ...process.env,
    NODE_ENV: MODE,
    SESSION_SECRET: randomBytes(36).toString('base64'),
    DATA_KEY: process.env.DATA_KEY ?? randomBytes(32).toString('hex'),
    PASSWORD_COST: '17',
    UPLOAD_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'careprocure-bench-pages-')),
  });
  const sequelize = await initDatabase(config);
  const dialect = sequelize.getDialect();
  let captured: string[] | null = null;
  (sequelize as unknown as { options: { logging: (sql: string) => void } }).options.logging = (sql: string) => {
    captured?.push(sql.replace(/^Executing \([^)]*\): /, ''));
  };
  const count = async (table: string) =>
    Number(((await getSequelize().query(`SELECT COUNT(*) AS n FROM ${table}`, { type: 'SELECT' })) as { n: number }[])[0].n);
  const facts: Facts = {
    contracts: await count('contracts'),
    deliverables: await count('deliverables'),
    workers: await count('child_workers'),
    audit: await count('audit_events'),
    contractId: Number(
      ((await getSequelize().query("SELECT MIN(id) AS id FROM contracts WHERE status = 'active'", { type: 'SELECT' })) as { id: number }[])[0]?.id ?? 1,
    ),
    dialect,
  };

  // The raw driver: a mysql2 pool of the app's size, or one sqlite3 connection on the same file.
  let run: (sql: string) => Promise<Record<string, unknown>[]>;
  if (dialect === 'mysql') {
    const mysql = await import('mysql2/promise');
    const pool = mysql.createPool({ uri: url.replace(/^mariadb:/, 'mysql:'), connectionLimit: 10, timezone: 'Z', supportBigNumbers: true });
    run = async (sql) => (await pool.query(sql))[0] as Record<string, unknown>[];
  } else {
    const sqlite3 = (await import('sqlite3')).default;
    const db = new sqlite3.Database(url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, ''));
    run = (sql) => new Promise((resolve, reject) => db.all(sql, (err, rows) => (err ? reject(err) : resolve(rows as Record<string, unknown>[]))));
  }
  const table = (ejs.default ?? ejs).compile(
    '<!doctype html><html><body><% for (const rows of sets) { %><table><% for (const r of rows) { %><tr><% for (const v of Object.values(r)) { %><td><%= v %></td><% } %></tr><% } %></table><% } %></body></html>',
  );
  const baselines = new Map<string, { statements: string[]; csv: boolean }>();
  const bare = express.default();
  bare.get('/base/:key', async (req, res) => {
    const { statements, csv } = baselines.get(req.params.key) ?? { statements: [], csv: false };
    if (csv) {
      // An export's baseline: each statement's rows written out as CSV text as they come, waiting
      // for the socket to drain as the app's export does (csvRow: the app's own CSV record).
      res.type('text/csv; charset=utf-8');
      for (const sql of statements) {
        for (const r of await run(sql)) {
          const line = csvRow(Object.values(r).map((v) => (v == null || typeof v === 'number' ? v : String(v))));
          if (!res.write(line)) await new Promise((resolve) => res.once('drain', resolve));
        }
      }
      res.end();
      return;
    }
    const sets: Record<string, unknown>[][] = [];
    for (const sql of statements) sets.push(await run(sql));
    res.type('html').send(table({ sets }));
  });

  const app = createApp(config).listen(0, '127.0.0.1');
  const base = bare.listen(0, '127.0.0.1');
  await Promise.all([app, base].map((s) => new Promise((resolve, reject) => s.once('listening', resolve).once('error', reject))));
  process.on('message', (m: Message) => {
    if (m.kind === 'capture-on') captured = [];
    if (m.kind === 'capture-off') {
      process.send?.({ id: m.id, statements: captured ?? [] });
      captured = null;
      return;
    }
    // The process's CPU time (user + system, µs), read around each load run: CPU per request is a
    // figure the other work on a shared machine changes far less than throughput.
    if (m.kind === 'cpu') {
      const { user, system } = process.cpuUsage();
      process.send?.({ id: m.id, cpu: user + system });
      return;
    }
    if (m.kind === 'baseline') baselines.set(m.key, { statements: m.statements, csv: m.csv === true });
    process.send?.({ id: m.id });
  });
  process.on('disconnect', () => process.exit(0));
  const ready: Ready = { port: (app.address() as AddressInfo).port, basePort: (base.address() as AddressInfo).port, facts };
  process.send?.(ready);
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

type Measure = { rps: number; p50: number; p99: number; total: number; failed: number };

async function load(url: string, connections: number, headers: Record<string, string>, perConnection = PER_CONNECTION, timeout = 30): Promise<Measure> {
  // A number of requests per connection rather than a duration: on a loaded machine a page slower
  // than the duration would count as nothing served. Bounded in time all the same.
  const r = await autocannon({ url, connections, amount: connections * perConnection, duration: TIME_LIMIT, headers, timeout });
  return {
    // Throughput of a closed loop: each connection sends its next request when the last answered,
    // so connections ÷ mean latency. The elapsed time is no measure: autocannon ends a run of a fixed
    // number of requests on its next one-second tick, which capped a fast run at that number per second.
    rps: (connections * 1000) / Math.max(0.001, r.latency.mean),
    p50: r.latency.p50,
    p99: r.latency.p99,
    total: r.requests.total,
    failed: r.non2xx + r.errors + r.timeouts,
  };
}

/**
 * The records of an export's CSV body, counted as it streams in (not held: at scale 1 it is hundreds
 * of MB): line ends outside quoted fields, the header left out.
 */
async function csvRecords(res: globalThis.Response): Promise<number> {
  const reader = res.body?.getReader();
  let ends = 0;
  let quoted = false;
  for (;;) {
    const chunk = await reader?.read();
    if (!chunk || chunk.done) break;
    const bytes = chunk.value;
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0x22) quoted = !quoted;
      else if (bytes[i] === 0x0a && !quoted) ends++;
    }
  }
  return Math.max(0, ends - 1);
}

async function main(): Promise<void> {
  if (!process.env.DATABASE_URL) throw new Error('DATABASE_URL names the seeded database (npm run bench:seed first)');
  const chosen = process.env.BENCH_PAGES ? PAGES.filter((p) => process.env.BENCH_PAGES?.split(',').includes(p.key)) : PAGES;
  // BENCH_CPU_PROF=<dir>: the app process writes a V8 CPU profile there when it ends.
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  // The app as `npm start` serves it: compiled by npm run build and run by node alone (the bench
  // compiled beside it); BENCH_TSX=1 runs the sources under tsx's loader instead, as before.
  let script = import.meta.filename;
  let loader = ['--import', 'tsx'];
  if (!TSX) {
    script = path.join(projectRoot, DIST, 'bench', 'pages.js');
    // BENCH_BUILD=0 reuses the dist/ an earlier run built (two runs at once must not rebuild it under each other).
    if (process.env.BENCH_BUILD !== '0' || !fs.existsSync(script)) await buildDist(projectRoot, [...APP_SOURCES, 'bench']);
    loader = [];
  }
  const child = fork(script, ['--serve'], { execArgv: [...loader, ...profile], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let nextId = 0;
  const ask = (m: Record<string, unknown>) =>
    new Promise<{ statements?: string[]; cpu?: number }>((resolve) => {
      const id = ++nextId;
      const on = (reply: { id?: number; statements?: string[]; cpu?: number }) => {
        if (reply.id !== id) return;
        child.off('message', on);
        resolve(reply);
      };
      child.on('message', on);
      child.send({ ...m, id });
    });
  try {
    const ready = await new Promise<Ready>((resolve, reject) => {
      child.once('message', (m) => resolve(m as Ready));
      child.once('exit', (code) => reject(new Error(`The app process ended before it listened (exit ${code})`)));
    });
    const app = `http://127.0.0.1:${ready.port}`;
    const bare = `http://127.0.0.1:${ready.basePort}`;
    const cookies = new Map<string, string>();
    for (const u of new Set(chosen.map((p) => p.user))) cookies.set(u, await signIn(app, u));
    const rows: string[] = [];
    const exportRows: string[] = [];
    const started = new Date();
    for (const page of chosen) {
      const headers = { cookie: cookies.get(page.user) ?? '' };
      let url = `${app}${page.path(ready.facts)}`;
      if (page.next || page.csv) {
        const html = await (await fetch(url, { headers })).text();
        const link = page.next ? /href="([^"]*)" data-testid="page-next" rel="next"/ : /href="([^"]*)" data-testid="export-csv"/;
        const href = link.exec(html)?.[1];
        if (!href) throw new Error(`${page.key}: ${url} shows no ${page.next ? '"next"' : 'CSV export'} link`);
        url = `${app}${href.replace(/&amp;/g, '&')}`;
      }
      // Warm: the first request compiles views and fills the caches the app keeps (an export, once:
      // each is the whole list, bounded by BENCH_TIME_LIMIT like the runs).
      const fetchOnce = async () => {
        const res = await fetch(url, { headers, redirect: 'manual', signal: AbortSignal.timeout(TIME_LIMIT * 1000) });
        if (res.status !== 200) throw new Error(`${page.key}: ${url} answered ${res.status}`);
        return page.csv ? csvRecords(res) : (await res.arrayBuffer(), 0);
      };
      try {
        for (let i = 0; i < (page.csv ? 1 : 3); i++) await fetchOnce();
      } catch (err) {
        // An export longer than the time limit (the deliverables at scale 1 may be): said in its row, the run goes on.
        if (!page.csv || (err as { name?: string }).name !== 'TimeoutError') throw err;
        exportRows.push(`| ${page.label} | 1 | | | | over ${TIME_LIMIT} s | | | | not measured | ${os.loadavg()[0].toFixed(1)} | |`);
        process.stdout.write(`${exportRows[exportRows.length - 1]}\n`);
        continue;
      }
      await ask({ kind: 'capture-on' });
      const exported = await fetchOnce();
      const statements = (await ask({ kind: 'capture-off' })).statements ?? [];
      const reads = statements.filter((s) => /^\s*(SELECT|WITH)\b/i.test(s));
      if (process.env.BENCH_SQL_DIR) fs.writeFileSync(path.join(process.env.BENCH_SQL_DIR, `${page.key}.sql`), `${statements.join(';\n\n')};\n`);
      await ask({ kind: 'baseline', key: page.key, statements: reads, csv: page.csv === true });
      // An export at one connection and a few requests, each given the whole time limit.
      const perConnection = page.csv ? EXPORT_REQUESTS : PER_CONNECTION;
      for (const c of page.csv ? [1] : CONNECTIONS) {
        const loadAvg = os.loadavg()[0];
        process.stdout.write(`… ${page.key} at ${c}: page, then baseline, ${c * perConnection} requests each\n`);
        const cpu0 = (await ask({ kind: 'cpu' })).cpu ?? 0;
        const p = await load(url, c, headers, perConnection, page.csv ? TIME_LIMIT : 30);
        const cpu1 = (await ask({ kind: 'cpu' })).cpu ?? 0;
        const b = await load(`${bare}/base/${page.key}`, c, {}, perConnection, page.csv ? TIME_LIMIT : 30);
        const cpu2 = (await ask({ kind: 'cpu' })).cpu ?? 0;
        const cpuMs = (us: number, n: number) => fmt(us / 1000 / Math.max(1, n), 1);
        const row = `| ${page.label} | ${c} | ${fmt(p.rps, 1)} | ${fmt(b.rps, 1)} | **${fmt(p.rps / b.rps, 2)}** | ${fmt(p.p50)} / ${fmt(p.p99)} ms | ${fmt(b.p50)} / ${fmt(b.p99)} ms | ${cpuMs(cpu1 - cpu0, p.total)} / ${cpuMs(cpu2 - cpu1, b.total)} ms | ${statements.length} (${reads.length} reads) | ${p.failed + b.failed ? `${p.failed} / ${b.failed}` : ''} | ${loadAvg.toFixed(1)} |`;
        (page.csv ? exportRows : rows).push(page.csv ? `${row} ${fmt(exported)} |` : row);
        process.stdout.write(`${page.csv ? exportRows[exportRows.length - 1] : rows[rows.length - 1]}\n`);
      }
    }
    const f = ready.facts;
    const lines = [
      `# bench:pages — ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
      '',
      `- Database: ${f.dialect === 'mysql' ? 'MariaDB/MySQL' : 'SQLite'}; ${fmt(f.contracts)} contracts, ${fmt(f.deliverables)} deliverables, ${fmt(f.workers)} child workers, ${fmt(f.audit)} audit events (scale ≈ ${fmt(f.contracts / 50_000, 2)})`,
      `- App: NODE_ENV=${MODE}, one process ${TSX ? 'under tsx' : 'compiled (npm run build, node alone)'}, with the bare baseline server in the same process; autocannon in the parent process`,
      `- Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), shared; Node ${process.version}; ${PER_CONNECTION} requests per connection per run (at most ${TIME_LIMIT} s), page then its baseline`,
      `- Load average (1 min) at the start: ${os.loadavg()[0].toFixed(2)} — the machine is shared: compare ratios, not absolute figures`,
      '',
      ...(rows.length
        ? [
            '| page | conn. | page req/s | baseline req/s | ratio | page p50 / p99 | baseline p50 / p99 | app CPU per request (page / baseline) | statements | failed (page / baseline) | load avg |',
            '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
            ...rows,
            '',
          ]
        : []),
      ...(exportRows.length
        ? [
            `Exports of the largest lists (the list page's CSV link, as the city inspector): one connection, ${EXPORT_REQUESTS} requests each (at most ${TIME_LIMIT} s a run and a request); the baseline writes the rows of the same read statements out as CSV; each export writes its audit event.`,
            '',
            '| export | conn. | export req/s | baseline req/s | ratio | export p50 / p99 | baseline p50 / p99 | app CPU per request (export / baseline) | statements | failed (export / baseline) | load avg | rows exported |',
            '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
            ...exportRows,
            '',
          ]
        : []),
    ];
    fs.mkdirSync(path.dirname(OUT), { recursive: true });
    fs.writeFileSync(OUT, lines.join('\n'));
    process.stdout.write(`Wrote ${OUT}\n`);
  } finally {
    if (child.connected) child.disconnect();
  }
}

if (process.argv.includes('--serve')) {
  serve().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
} else {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
