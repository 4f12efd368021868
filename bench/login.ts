/**
 * Sign-in and page benchmark: `npm run bench:login`.
 *
 * Boots the app on a temp SQLite file with the demo users, at the real password cost
 * (PASSWORD_COST 17 unless set), in a child process of this script, so that autocannon does not
 * share the app's event loop; the app listens on a loopback port. Then: N sequential sign-ins
 * through the form, and autocannon against GET /login anonymously, GET / signed in and
 * GET /healthz as a baseline. Every load run is bounded in time and sent to 127.0.0.1 only.
 * Prints the figures and writes bench/results/login.md.
 *
 * Environment: BENCH_DURATION (s, default 10), BENCH_CONNECTIONS (default 10), BENCH_SIGNINS
 * (default 5), PASSWORD_COST (default 17), LOG_LEVEL (default silent: a JSON line per request
 * to the terminal would measure the terminal), BENCH_OUT (report path).
 */
import { execFileSync, fork } from 'node:child_process';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { createApp } from '../server/app.js';
import { loadConfig } from '../server/config.js';
import { initDatabase } from '../server/database.js';
import { DEMO_PASSWORD, seedUsers } from '../server/seed.js';

// The app process is a child of this one and inherits this environment, so its logger (which
// reads LOG_LEVEL when it loads) is silent unless asked otherwise.

process.env.LOG_LEVEL ??= 'silent';

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const SIGNINS = Number(process.env.BENCH_SIGNINS ?? 5);
const PASSWORD_COST = process.env.PASSWORD_COST ?? '17';
const OUT = process.env.BENCH_OUT ?? path.join(import.meta.dirname, 'results', 'login.md');
const USERNAME = 'officer.ft';

type Ready = { port: number; seeded: number; seedMs: number; passwordCost: number; tmpDir: string };

/**
 * The app side, in the child process: boot, seed, listen, report the port to the parent, and
 * stop when the parent says so or goes away.
 */
async function serve(): Promise<void> {
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'careprocure-bench-'));
  const config = loadConfig({
    NODE_ENV: 'development',
    DATABASE_URL: `sqlite:${path.join(tmpDir, 'bench.sqlite')}`,
    PASSWORD_COST,
    UPLOAD_DIR: tmpDir,
  });
  const sequelize = await initDatabase(config);
  const seedStarted = performance.now();
  const seeded = await seedUsers(config);
  const seedMs = performance.now() - seedStarted;
  const server = createApp(config).listen(0, '127.0.0.1');
  await new Promise((resolve, reject) => server.once('listening', resolve).once('error', reject));
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await sequelize.close();
    fs.rmSync(tmpDir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('message', (m) => {
    if (m === 'stop') void stop();
  });
  process.on('disconnect', () => void stop());
  const ready: Ready = {
    port: (server.address() as AddressInfo).port,
    seeded: seeded.length,
    seedMs,
    passwordCost: config.passwordCost,
    tmpDir,
  };
  process.send?.(ready);
}

function cookiesOf(res: Response): string[] {
  return res.headers.getSetCookie().map((c) => c.split(';')[0]);
}

function csrfFrom(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('No CSRF token on the sign-in page');
  return m[1];
}

/** Signs in through the form as a browser would; returns the session cookie and the POST's time. */
async function signIn(base: string): Promise<{ cookie: string; ms: number }> {
  const page = await fetch(`${base}/login`);
  const token = csrfFrom(await page.text());
  const pageCookie = cookiesOf(page).join('; ');
  const started = performance.now();
  const res = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: pageCookie },
    body: new URLSearchParams({ username: USERNAME, password: DEMO_PASSWORD, _csrf: token }).toString(),
  });
  await res.arrayBuffer();
  const ms = performance.now() - started;
  if (res.status !== 302 || res.headers.get('location') !== '/') throw new Error(`Sign-in failed: ${res.status}`);
  const cookie = cookiesOf(res).join('; ');
  if (!cookie) throw new Error('Sign-in set no session cookie');
  return { cookie, ms };
}

type Run = { name: string; result: autocannon.Result };

async function load(name: string, url: string, headers: Record<string, string> = {}): Promise<Run> {
  process.stdout.write(`… ${name}: ${DURATION} s at ${CONNECTIONS} connections\n`);
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION, headers, timeout: 10 });
  if (result.non2xx || result.errors) {
    throw new Error(`${name}: ${result.non2xx} non-2xx responses, ${result.errors} errors: the figures would mean nothing`);
  }
  return { name, result };
}

function sqliteBuild(): string {
  try {
    const addon = path.join(import.meta.dirname, '..', 'node_modules/sqlite3/build/Release/node_sqlite3.node');
    return /libsqlite3/.test(execFileSync('ldd', [addon], { encoding: 'utf8' })) ? "Debian's libsqlite3" : 'bundled SQLite';
  } catch {
    return 'SQLite build unknown';
  }
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

async function main(): Promise<void> {
  const loadBefore = os.loadavg()[0];
  const child = fork(import.meta.filename, ['--serve'], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const ready = await new Promise<Ready>((resolve, reject) => {
      child.once('message', (m) => resolve(m as Ready));
      child.once('exit', (code) => reject(new Error(`The app process ended before it listened (exit ${code})`)));
    });
    const base = `http://127.0.0.1:${ready.port}`;
    process.stdout.write(`CareProcure on ${base} (pid ${child.pid}), SQLite in ${ready.tmpDir}, PASSWORD_COST ${ready.passwordCost}\n`);

    // Sign-ins first, on a quiet app: each is one scrypt verification plus the lockout
    // bookkeeping, the session regeneration and the audit event.
    const signins: number[] = [];
    let cookie = '';
    for (let i = 0; i < SIGNINS; i++) {
      const r = await signIn(base);
      signins.push(r.ms);
      cookie = r.cookie;
      process.stdout.write(`… sign-in ${i + 1}/${SIGNINS}: ${fmt(r.ms)} ms\n`);
    }
    const check = await fetch(`${base}/`, { headers: { cookie }, redirect: 'manual' });
    if (check.status !== 200 || !(await check.text()).includes('data-testid="dashboard-heading"')) {
      throw new Error(`GET / with the session cookie gave ${check.status}, not the dashboard`);
    }

    const runs = [
      await load('GET /login (anonymous)', `${base}/login`),
      await load('GET / (signed in, dashboard)', `${base}/`, { cookie }),
      await load('GET /healthz (baseline)', `${base}/healthz`),
    ];

    const sorted = [...signins].sort((a, b) => a - b);
    const mean = signins.reduce((a, b) => a + b, 0) / signins.length;
    const lines = [
      '# Sign-in and page benchmark',
      '',
      `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC with \`npm run bench:login\` (bench/login.ts).`,
      '',
      `- Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), ${fmt(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}`,
      `- Node ${process.version}; SQLite file database (${sqliteBuild()}); the app in one process, autocannon and the sign-ins in another`,
      `- PASSWORD_COST ${ready.passwordCost} (scrypt N = 2^${ready.passwordCost}, r = 8, p = 1); LOG_LEVEL ${process.env.LOG_LEVEL}`,
      `- Load runs: ${DURATION} s each, ${CONNECTIONS} connections to 127.0.0.1, no pipelining`,
      `- Load average (1 min) before: ${loadBefore.toFixed(2)}, after: ${os.loadavg()[0].toFixed(2)}`,
      '',
      '## Pages under load',
      '',
      '| run | requests/s (mean) | latency p50 | latency p99 | requests | non-2xx |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      ...runs.map(
        ({ name, result: r }) =>
          `| ${name} | ${fmt(r.requests.average)} | ${fmt(r.latency.p50)} ms | ${fmt(r.latency.p99)} ms | ${fmt(r.requests.total)} | ${r.non2xx} |`,
      ),
      '',
      `## ${SIGNINS} sequential sign-ins (POST /login → 302, one at a time)`,
      '',
      '| mean | min | median | max | each |',
      '| ---: | ---: | ---: | ---: | --- |',
      `| ${fmt(mean)} ms | ${fmt(sorted[0])} ms | ${fmt(sorted[Math.floor(sorted.length / 2)])} ms | ${fmt(sorted[sorted.length - 1])} ms | ${signins.map((ms) => fmt(ms)).join(', ')} ms |`,
      '',
      `Seeding the ${ready.seeded} demo users (one scrypt hash each, in sequence) took ${fmt(ready.seedMs)} ms.`,
      '',
      'Notes:',
      '',
      '- Sessions roll (`rolling: true`): every GET / also writes the session row, and every anonymous',
      '  GET /login creates a session (its CSRF token lives there), one row per request here.',
      "- autocannon shares the machine's 2 cores with the app: compare runs of this script with each",
      '  other, on a quiet machine (see the load average).',
      '',
    ];
    fs.mkdirSync(path.dirname(OUT), { recursive: true });
    fs.writeFileSync(OUT, lines.join('\n'));
    process.stdout.write(`\n${lines.join('\n')}\nWritten to ${path.relative(process.cwd(), OUT)}\n`);
  } finally {
    if (child.exitCode === null) {
      const ended = new Promise((resolve) => child.once('exit', resolve));
      if (child.connected) child.send('stop');
      await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
      if (child.exitCode === null) child.kill();
    }
  }
}

const run = process.argv.includes('--serve') ? serve : main;
run().then(
  () => {
    if (run === main) process.exit(0);
  },
  (err) => {
    process.stderr.write(`bench:login failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
