/**
 * bench:memory — the memory of the app as `npm start` runs it (#15): the compiled app, started by
 * node with the start script's own flags, in production mode, measured when it has started, after
 * each role has signed in and read its start page and a list, idle, idle after a full collection,
 * and while it streams an export of the audit trail (100,000 rows on a database seeded at 0.1).
 *
 *   npm run bench:memory                                                    # the demo on a temp SQLite file
 *   DATABASE_URL=mysql://root@127.0.0.1:3306/cp_bench npm run bench:memory  # a seeded database
 *
 * Without DATABASE_URL the demo is made as a newcomer makes it (the compiled app started once in
 * development on an empty temp file, which seeds it), then the app is started again on it in
 * production. The app process loads bench/memory-probe.ts first, which answers the questions of
 * this process over IPC (process.memoryUsage(), and a full GC: --expose-gc); the probe and the
 * flag add nothing the app keeps. The export writes its audit event, as every export does: point
 * DATABASE_URL at a database of your own, never a shared read-only one.
 */
import './quiet.js';
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { APP_SOURCES, buildDist, DIST } from '../server/cli/build.js';
import { projectRoot } from '../server/config.js';
import type { ProbeAnswer, ProbeAsk } from './memory-probe.js';
import { signIn } from './sign-in.js';

const OUT = process.env.BENCH_OUT ?? path.join(import.meta.dirname, 'results', 'memory.md');
/** The moments after the warm-up at which the idle app is measured, in seconds. */
const IDLE_S = (process.env.BENCH_IDLE ?? '10,60').split(',').map(Number);
const SAMPLE_MS = 25;

/** Each demo role's start page and a list of its own, read twice (the second read finds the views compiled). */
const WARM_UP: { user: string; paths: string[] }[] = [
  { user: 'officer.ft', paths: ['/', '/contracts', '/deliverables/queue'] },
  { user: 'finance.ft', paths: ['/', '/payments'] },
  { user: 'inspector', paths: ['/', '/deliverables', '/audit'] },
  { user: 'evaluator', paths: ['/', '/evaluations'] },
  { user: 'org.sunshine', paths: ['/', '/contracts'] },
  { user: 'admin', paths: ['/', '/admin/users'] },
];

/** The exports measured: the city's whole audit trail, as the inspector downloads it. */
const EXPORTS: { label: string; user: string; path: string; rows: 'csv' | 'none' }[] = [
  { label: 'audit trail, CSV', user: 'inspector', path: '/audit?format=csv', rows: 'csv' },
  { label: 'audit trail, XLSX', user: 'inspector', path: '/audit?format=xlsx', rows: 'none' },
];

/** `node <flags> <script>` of package.json's start script: the app is measured as `npm start` runs it. */
function startCommand(): { flags: string[]; script: string } {
  const pkg = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const words = pkg.scripts.start.trim().split(/\s+/);
  if (words[0] !== 'node' || words.length < 2) throw new Error(`The start script is not "node [flags] <script>": ${pkg.scripts.start}`);
  return { flags: words.slice(1, -1), script: words[words.length - 1] };
}

const mb = (n: number) => (n / 1048576).toFixed(1);
const load = () => os.loadavg()[0].toFixed(1);

/** Waits for the line that says where the app serves; an app that ends first fails with what it printed. */
async function listening(child: ChildProcess): Promise<string> {
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  const deadline = Date.now() + 600_000;
  for (;;) {
    const base = /running at (http:\/\/\S+?)\/\n/.exec(out)?.[1];
    if (base) return base;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`The app did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const ended = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await ended;
}

type Row = { moment: string; usage: NodeJS.MemoryUsage; load: string };

async function main(): Promise<void> {
  const { flags: startFlags, script } = startCommand();
  const flags = process.env.BENCH_NODE_FLAGS === undefined ? startFlags : process.env.BENCH_NODE_FLAGS.split(/\s+/).filter(Boolean);
  if (process.env.BENCH_BUILD !== '0' || !fs.existsSync(path.join(projectRoot, DIST, 'bench', 'memory-probe.js'))) {
    await buildDist(projectRoot, [...APP_SOURCES, 'bench']);
  }
  const probe = pathToFileURL(path.join(projectRoot, DIST, 'bench', 'memory-probe.js')).href;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'careprocure-bench-memory-'));
  const demo = !process.env.DATABASE_URL;
  const databaseUrl = process.env.DATABASE_URL ?? `sqlite:${path.join(tmp, 'demo.sqlite')}`;
  const env = (mode: string) => ({
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    NODE_ENV: mode,
    DATABASE_URL: databaseUrl,
    UPLOAD_DIR: tmp,
    LOG_LEVEL: 'silent',
    HOST: '127.0.0.1',
    PORT: '0',
    ...(mode === 'production' ? { SESSION_SECRET: randomBytes(36).toString('base64'), DATA_KEY: process.env.DATA_KEY ?? randomBytes(32).toString('hex') } : {}),
  });
  try {
    if (demo) {
      process.stdout.write('… making the demo: the compiled app started once in development on an empty database\n');
      const seeding = spawn(process.execPath, [script], { cwd: projectRoot, env: env('development'), stdio: ['ignore', 'pipe', 'pipe'] });
      try {
        await listening(seeding);
      } finally {
        await stopped(seeding);
      }
    }
    const child = fork(script, [], {
      cwd: projectRoot,
      execArgv: [...flags, '--expose-gc', '--import', probe],
      env: env('production'),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let nextId = 0;
    const ask = (what: ProbeAsk['probe']) =>
      new Promise<ProbeAnswer>((resolve) => {
        const id = ++nextId;
        const on = (m: ProbeAnswer) => {
          if (m?.probe !== 'answer' || m.id !== id) return;
          child.off('message', on);
          resolve(m);
        };
        child.on('message', on);
        child.send({ probe: what, id } satisfies ProbeAsk);
      });
    const rows: Row[] = [];
    const note = async (moment: string, what: ProbeAsk['probe'] = 'memory') => {
      const answer = await ask(what);
      rows.push({ moment, usage: answer.usage, load: load() });
      process.stdout.write(`${moment}: RSS ${mb(answer.usage.rss)} MB, heap ${mb(answer.usage.heapUsed)} of ${mb(answer.usage.heapTotal)} MB\n`);
      return answer;
    };
    const exported: string[] = [];
    let spaces: ProbeAnswer['spaces'] = [];
    let facts = '';
    try {
      const base = await listening(child);
      await note('started (listening)');
      const cookies = new Map<string, string>();
      let pages = 0;
      for (const { user, paths } of WARM_UP) {
        cookies.set(user, await signIn(base, user));
        for (let round = 0; round < 2; round++) {
          for (const p of paths) {
            const res = await fetch(`${base}${p}`, { headers: { cookie: cookies.get(user) ?? '' }, redirect: 'manual' });
            await res.arrayBuffer();
            if (res.status !== 200) throw new Error(`${user} ${p} answered ${res.status}`);
            pages += 1;
          }
        }
      }
      await note(`after warm-up (${WARM_UP.length} roles signed in, ${pages} pages)`);
      const warm = performance.now();
      for (const s of IDLE_S) {
        await new Promise((r) => setTimeout(r, Math.max(0, s * 1000 - (performance.now() - warm))));
        await note(`idle ${s} s`);
      }
      spaces = (await note('idle, after a full GC', 'gc')).spaces;

      for (const x of EXPORTS) {
        const before = (await ask('gc')).usage;
        let peakRss = before.rss;
        let peakHeap = before.heapUsed;
        let sampling = true;
        const sampler = (async () => {
          while (sampling) {
            const { usage } = await ask('memory');
            peakRss = Math.max(peakRss, usage.rss);
            peakHeap = Math.max(peakHeap, usage.heapUsed);
            await new Promise((r) => setTimeout(r, SAMPLE_MS));
          }
        })();
        const loadAt = load();
        const started = performance.now();
        const res = await fetch(`${base}${x.path}`, { headers: { cookie: cookies.get(x.user) ?? '' } });
        if (res.status !== 200 || !res.body) throw new Error(`${x.path} answered ${res.status}`);
        let bytes = 0;
        let lines = 0;
        for await (const chunk of res.body) {
          bytes += chunk.length;
          if (x.rows === 'csv') for (const b of chunk) if (b === 10) lines += 1;
        }
        const seconds = (performance.now() - started) / 1000;
        sampling = false;
        await sampler;
        const after = (await ask('gc')).usage;
        exported.push(
          `| ${x.label} | ${x.rows === 'csv' ? (lines - 1).toLocaleString('en-US') : '(same rows)'} | ${mb(bytes)} MB | ${seconds.toFixed(1)} s | ${mb(before.rss)} | ${mb(peakRss)} | **${mb(peakRss - before.rss)}** | ${mb(before.heapUsed)} → ${mb(peakHeap)} | ${mb(after.rss)} | ${loadAt} |`,
        );
        process.stdout.write(`${exported[exported.length - 1]}\n`);
      }
      await note('after the exports, after a full GC', 'gc');
      facts = demo
        ? 'SQLite, the demo (npm start on an empty database, then restarted in production)'
        : `${databaseUrl.split(':')[0] === 'sqlite' ? 'SQLite' : 'MariaDB/MySQL'} ${databaseUrl.replace(/\/\/[^@/]*@/, '//').replace(/^.*[/:]/, '')}`;
    } finally {
      await stopped(child);
    }

    const lines = [
      `# bench:memory — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
      '',
      `- Database: ${facts}`,
      `- App: \`node ${[...flags, script].join(' ')}\` (${process.env.BENCH_NODE_FLAGS === undefined ? 'the start script of package.json' : 'BENCH_NODE_FLAGS'}), NODE_ENV=production, with --expose-gc and bench/memory-probe.ts loaded first; requests from this process, one at a time`,
      `- Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), ${mb(os.totalmem())} MB, shared; Node ${process.version}`,
      '- RSS is the resident memory of the app process (what the issue\'s "memory of an idle app" means); heap is V8\'s, used of total',
      '',
      '| moment | RSS MB | heap used MB | heap total MB | external MB | load avg |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      ...rows.map((r) => `| ${r.moment} | **${mb(r.usage.rss)}** | ${mb(r.usage.heapUsed)} | ${mb(r.usage.heapTotal)} | ${mb(r.usage.external)} | ${r.load} |`),
      '',
      `V8's heap spaces idle after a full GC (used / size, MB): ${spaces
        .filter((s) => s.sizeMb > 0)
        .map((s) => `${s.name} ${s.usedMb} / ${s.sizeMb}`)
        .join(', ')}.`,
      '',
      `Exports streamed by the app (RSS sampled every ${SAMPLE_MS} ms from a full GC before; the XLSX loads exceljs at its first use, which is part of its rise):`,
      '',
      '| export | rows | size | time | RSS before MB | RSS peak MB | RSS rise MB | heap used MB (before → peak) | RSS after, GC MB | load avg |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...exported,
      '',
    ];
    fs.mkdirSync(path.dirname(OUT), { recursive: true });
    fs.writeFileSync(OUT, lines.join('\n'));
    process.stdout.write(`Wrote ${OUT}\n`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
