import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../../server/app.js';
import { projectRoot } from '../../server/config.js';
import { publicRoute } from '../../server/middleware/rules.js';
import { upload, uploadsOf } from '../../server/middleware/upload.js';
import type { OnInvalid } from '../../server/middleware/validate.js';
import { gracefulStop } from '../../server/shutdown.js';
import { storeFor } from '../../server/services/storage/index.js';
import { csrfFrom } from '../support/agent.js';
import { testConfig } from '../support/hooks.js';

const asJson: OnInvalid = (_req, res, form) => res.status(422).json({ errors: form.errors });
const pdf = Buffer.from('%PDF-1.7\n% shutdown test\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n', 'latin1');

describe('shutdown', () => {
  it('finishes an upload in flight, refuses new connections, then closes', async () => {
    const dir = fs.mkdtempSync(path.join(testConfig().uploadDir, 'shutdown-'));
    const store = storeFor({ ...testConfig(), uploadDir: dir });
    const app = createApp(testConfig(), {
      mountExtra: (a) => a.post('/test/upload', publicRoute, upload('receipt', 'file', store, { onInvalid: asJson }), (_req, res) => res.json(uploadsOf(res))),
    });
    const server = app.listen(0, '127.0.0.1');
    const stop = gracefulStop(server);
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    const login = await request(server).get('/login');
    const cookie = String(login.headers['set-cookie']).split(';')[0];
    const token = csrfFrom(login.text);

    const boundary = '----careprocure-shutdown-test';
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="签到表.pdf"\r\nContent-Type: application/pdf\r\n\r\n`);
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const padding = Buffer.alloc(200_000, 0x20);
    const client = http.request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: `/test/upload?_csrf=${encodeURIComponent(token)}`,
      headers: {
        'Content-Type': `multipart/form-data; boundary=${boundary}`,
        'Content-Length': String(head.length + pdf.length + padding.length + tail.length),
        Cookie: cookie,
      },
    });
    const answer = new Promise<{ status: number; connection: string | undefined; body: string }>((resolve, reject) => {
      client.on('response', (res) => {
        let body = '';
        res.on('data', (c) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body }));
      });
      client.on('error', reject);
    });
    client.write(head);
    client.write(pdf);
    // The upload has reached the server when its temp file exists: now the stop signal comes.
    for (let i = 0; i < 200 && !fs.readdirSync(dir).some((n) => n.startsWith('.incoming-')); i++) await new Promise((r) => setTimeout(r, 25));
    let closed = false;
    const closing = stop().then(() => {
      closed = true;
    });

    // No new connection is accepted while the upload finishes.
    const refused = await new Promise<string>((resolve) => {
      http.get({ host: '127.0.0.1', port, path: '/healthz' }, () => resolve('answered')).on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    expect(refused).to.equal('ECONNREFUSED');
    expect(closed, 'the server waits for the upload').to.equal(false);

    client.write(padding);
    client.end(tail);
    const res = await answer;
    expect(res.status).to.equal(200);
    expect(res.connection).to.equal('close');
    const [stored] = JSON.parse(res.body) as { originalName: string; size: number }[];
    expect(stored.originalName).to.equal('签到表.pdf');
    await closing;
    expect(closed).to.equal(true);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the real server exits 0 on SIGTERM and the next start serves (spawned once)', async function () {
    this.timeout(180_000);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'careprocure-shutdown-'));
    const env = {
      ...process.env,
      NODE_ENV: 'development',
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: `sqlite:${path.join(tmp, 'db.sqlite')}`,
      UPLOAD_DIR: tmp,
      PASSWORD_COST: '10',
      LOG_LEVEL: 'warn',
    };
    const start = async () => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (c) => {
          out += c;
          const m = /running at (http:\/\/[^\s/]+)\//.exec(out);
          if (m) resolve(m[1]);
        });
        child.stderr.on('data', (c) => {
          out += c;
        });
        child.on('exit', (code) => reject(new Error(`exited ${code} before listening: ${out}`)));
      });
      return { child, url, output: () => out };
    };
    try {
      for (const round of [1, 2]) {
        const { child, url, output } = await start();
        const res = await fetch(`${url}/healthz`);
        expect(res.status, `round ${round}`).to.equal(200);
        const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
        child.kill('SIGTERM');
        expect(await exited, `round ${round}: exit code after SIGTERM; the server said:\n${output()}`).to.equal(0);
      }
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
