import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { expect } from 'chai';
import type { Express, Request, Response } from 'express';
import request from 'supertest';
import { StoredFile } from '../../models/index.js';
import { createApp } from '../../server/app.js';
import { withTransaction } from '../../server/db.js';
import { ConflictError, NotFoundError } from '../../server/errors.js';
import { uploadsOf, upload } from '../../server/middleware/upload.js';
import { findDuplicateFiles, saveStoredFiles } from '../../server/services/storage/stored-files.js';
import { publicRoute, rule } from '../../server/middleware/rules.js';
import { sendStoredFile } from '../../server/services/storage/download.js';
import { storeFor } from '../../server/services/storage/index.js';
import type { OnInvalid } from '../../server/middleware/validate.js';
import { buildUser } from '../factories/index.js';
import { csrfFrom } from '../support/agent.js';
import { testConfig } from '../support/hooks.js';
import { jpegWithGps } from '../support/files.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const pdf = (text: string) => Buffer.from(`%PDF-1.7\n% ${text}\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n`, 'utf8');

/** Every entry under `dir`, directories marked with a trailing slash. */
function tree(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)) + (e.isDirectory() ? '/' : ''))
    .sort();
}

/** The stored files (not directories) under `dir`. */
const filesIn = (dir: string) => tree(dir).filter((p) => !p.endsWith('/'));

/** Polls until `check` holds, a bounded number of times; the assertion is the outcome, not the time. */
async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`never happened: ${what}`);
}

const asJson: OnInvalid = (_req, res, form) => res.status(422).json({ errors: form.errors });

type Harness = { app: Express; dir: string };
const madeDirs: string[] = [];

/**
 * An app with test-only routes over a store in a directory of its own: upload receipts and save
 * them, upload without saving, upload and roll back, and download.
 */
function harness(): Harness {
  const dir = fs.mkdtempSync(path.join(testConfig().uploadDir, 'upload-mw-'));
  madeDirs.push(dir);
  const store = storeFor({ ...testConfig(), uploadDir: dir });
  const saveAll = async (req: Request, res: Response) => {
    const uploads = uploadsOf(res);
    const actor = req.user!;
    const context = { kind: 'receipt' as const, uploadedBy: actor.id, districtId: actor.districtId, organisationId: actor.organisationId };
    const duplicates = await findDuplicateFiles(uploads, { kind: 'receipt', organisationId: actor.organisationId });
    const rows = await withTransaction((t) => saveStoredFiles(uploads, context, t));
    res.json({ uploads, ids: rows.map((r) => r.id), note: req.body?.note ?? null, duplicates: duplicates.map((d) => d.existing.id) });
  };
  const app = createApp(testConfig(), {
    mountExtra: (a) => {
      a.post('/test/receipts', rule('view', 'dashboard'), upload('receipt', 'file', store, { onInvalid: asJson }), saveAll);
      a.post('/test/receipts-optional', rule('view', 'dashboard'), upload('receipt', 'file', store, { onInvalid: asJson, required: false }), saveAll);
      a.post('/test/receipts-unsaved', rule('view', 'dashboard'), upload('receipt', 'file', store, { onInvalid: asJson }), (_req, res) => {
        res.json({ uploads: uploadsOf(res) });
      });
      a.post('/test/receipts-rollback', rule('view', 'dashboard'), upload('receipt', 'file', store, { onInvalid: asJson }), async (req, res) => {
        await withTransaction(async (t) => {
          await saveStoredFiles(uploadsOf(res), { kind: 'receipt', uploadedBy: req.user!.id }, t);
          throw new ConflictError('errors.conflict');
        });
      });
      a.post('/test/public-receipts', publicRoute, upload('receipt', 'file', store, { onInvalid: asJson }), (_req, res) => {
        res.json({ uploads: uploadsOf(res) });
      });
      a.get('/test/files/:id', rule('view', 'dashboard'), async (req, res) => {
        const file = await StoredFile.findByPk(Number(req.params.id));
        if (!file) throw new NotFoundError();
        await sendStoredFile(res, file, store);
      });
    },
  });
  return { app, dir };
}

/** Signs an officer in on `app` and returns the agent with a CSRF token for multipart posts. */
async function signedIn(app: Express) {
  const { user, password } = await buildUser('org');
  const agent = request.agent(app);
  const page = await agent.get('/login');
  await agent
    .post('/login')
    .type('form')
    .send({ username: user.username, password, _csrf: csrfFrom(page.text) });
  const token = csrfFrom((await agent.get('/')).text);
  return { agent, token, user };
}

const binary = (res: request.Response, callback: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
};

describe('upload middleware', () => {
  after(() => {
    for (const dir of madeDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('accepts a PDF: records its size and SHA-256, and the bytes on disk are the bytes sent', async () => {
    const { app, dir } = harness();
    const { agent, token } = await signedIn(app);
    const bytes = pdf('一份收据');
    const res = await agent
      .post(`/test/receipts?_csrf=${encodeURIComponent(token)}`)
      .field('note', '备注')
      .attach('file', bytes, '收据.pdf');
    expect(res.status, res.text).to.equal(200);
    const [u] = res.body.uploads;
    expect(u).to.include({
      kind: 'receipt',
      fieldName: 'file',
      originalName: '收据.pdf',
      mimeType: 'application/pdf',
      size: bytes.length,
      sha256: sha256(bytes),
    });
    expect(res.body.note).to.equal('备注');
    expect(fs.readFileSync(path.join(dir, u.key)).equals(bytes)).to.equal(true);
    expect(filesIn(dir)).to.deep.equal([u.key]);
    const row = await StoredFile.findByPk(res.body.ids[0]);
    expect(row).to.include({ storageKey: u.key, size: bytes.length, sha256: sha256(bytes), originalName: '收据.pdf', kind: 'receipt' });
  });

  it('refuses a PDF renamed .png, and keeps nothing', async () => {
    const { app, dir } = harness();
    const { agent, token } = await signedIn(app);
    const before = tree(dir);
    const res = await agent.post(`/test/receipts?_csrf=${token}`).attach('file', pdf('x'), 'photo.png');
    expect(res.status).to.equal(422);
    expect(res.body.errors).to.deep.equal({ file: 'upload.wrongType' });
    expect(tree(dir)).to.deep.equal(before);
  });

  it('refuses an HTML page or a program renamed .pdf, and keeps nothing', async () => {
    const { app, dir } = harness();
    const { agent, token } = await signedIn(app);
    const before = tree(dir);
    const html = Buffer.from('<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>');
    const exe = Buffer.concat([Buffer.from('MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff', 'latin1'), Buffer.alloc(70_000, 0x90)]);
    for (const [bytes, name] of [
      [html, 'invoice.pdf'],
      [exe, 'invoice.pdf'],
      [html, 'page.html'],
    ] as const) {
      const res = await agent.post(`/test/receipts?_csrf=${token}`).attach('file', bytes, name);
      expect(res.status, name).to.equal(422);
      expect(res.body.errors).to.deep.equal({ file: 'upload.wrongType' });
    }
    expect(tree(dir)).to.deep.equal(before);
  });

  it("refuses a file over the kind's size, and keeps nothing", async () => {
    const { app, dir } = harness();
    const { agent, token } = await signedIn(app);
    const before = tree(dir);
    const big = Buffer.concat([pdf('big'), Buffer.alloc(10 * 1024 * 1024, 0x20)]);
    const res = await agent.post(`/test/receipts?_csrf=${token}`).attach('file', big, 'big.pdf');
    expect(res.status).to.equal(422);
    expect(res.body.errors).to.deep.equal({ file: 'upload.tooLarge' });
    expect(tree(dir)).to.deep.equal(before);
  });

  it('refuses more files than the kind allows, and removes the ones already stored', async () => {
    const { app, dir } = harness();
    const { agent, token } = await signedIn(app);
    const before = tree(dir);
    let req = agent.post(`/test/receipts?_csrf=${token}`);
    for (let i = 1; i <= 6; i++) req = req.attach('file', pdf(`receipt ${i}`), `receipt-${i}.pdf`);
    const res = await req;
    expect(res.status).to.equal(422);
    expect(res.body.errors).to.deep.equal({ file: 'upload.tooMany' });
    expect(tree(dir)).to.deep.equal(before);
    expect(await StoredFile.count({ where: { originalName: 'receipt-1.pdf' } })).to.equal(0);
  });

  it('takes up to the limit of files in one form', async () => {
    const { app, dir } = harness();
    const { agent, token } = await signedIn(app);
    let req = agent.post(`/test/receipts?_csrf=${token}`);
    for (let i = 1; i <= 5; i++) req = req.attach('file', pdf(`ok ${i}`), `ok-${i}.pdf`);
    const res = await req;
    expect(res.status, res.text).to.equal(200);
    expect(res.body.uploads.map((u: { originalName: string }) => u.originalName)).to.deep.equal(['ok-1.pdf', 'ok-2.pdf', 'ok-3.pdf', 'ok-4.pdf', 'ok-5.pdf']);
    expect(filesIn(dir)).to.have.length(5);
  });

  it('refuses an empty file, a missing file, and a file in another field', async () => {
    const { app, dir } = harness();
    const { agent, token } = await signedIn(app);
    const before = tree(dir);
    let res = await agent.post(`/test/receipts?_csrf=${token}`).attach('file', Buffer.alloc(0), 'empty.pdf');
    expect(res.body.errors).to.deep.equal({ file: 'upload.empty' });
    res = await agent.post(`/test/receipts?_csrf=${token}`).field('note', 'no file');
    expect(res.status).to.equal(422);
    expect(res.body.errors).to.deep.equal({ file: 'upload.required' });
    res = await agent.post(`/test/receipts-optional?_csrf=${token}`).field('note', 'no file');
    expect(res.status).to.equal(200);
    expect(res.body.uploads).to.deep.equal([]);
    res = await agent.post(`/test/receipts?_csrf=${token}`).attach('other', pdf('x'), 'x.pdf');
    expect(res.status).to.equal(400);
    expect(tree(dir)).to.deep.equal(before);
  });

  it('keeps a Chinese file name through upload and download, and downloads as a sandboxed attachment', async () => {
    const { app } = harness();
    const { agent, token } = await signedIn(app);
    const name = '服务报告（2026年11月）.pdf';
    const bytes = pdf('报告');
    const up = await agent.post(`/test/receipts?_csrf=${token}`).attach('file', bytes, name);
    expect(up.status, up.text).to.equal(200);
    expect(up.body.uploads[0].originalName).to.equal(name);
    const down = await agent.get(`/test/files/${up.body.ids[0]}`).buffer(true).parse(binary);
    expect(down.status).to.equal(200);
    const disposition = String(down.headers['content-disposition']);
    expect(disposition).to.match(/^attachment; filename="[\x20-\x7e]+"; filename\*=UTF-8''/);
    expect(decodeURIComponent(/filename\*=UTF-8''([^;]+)/.exec(disposition)![1])).to.equal(name);
    expect(down.headers['content-type']).to.equal('application/pdf');
    expect(down.headers['x-content-type-options']).to.equal('nosniff');
    expect(down.headers['content-security-policy']).to.equal("sandbox; default-src 'none'; frame-ancestors 'none'");
    expect(down.headers['cache-control']).to.equal('private, no-store');
    expect((down.body as Buffer).equals(bytes)).to.equal(true);
  });

  it('stores a JPEG without its EXIF location, still a JPEG, hashed as stored', async () => {
    const { app, dir } = harness();
    const { agent, token } = await signedIn(app);
    const photo = jpegWithGps();
    expect(photo.includes('GPSLatitude')).to.equal(true);
    const res = await agent.post(`/test/receipts?_csrf=${token}`).attach('file', photo, '现场照片.JPG');
    expect(res.status, res.text).to.equal(200);
    const [u] = res.body.uploads;
    const stored = fs.readFileSync(path.join(dir, u.key));
    expect(stored.includes('GPS')).to.equal(false);
    expect(stored.includes('Exif')).to.equal(false);
    expect(stored.subarray(0, 2).equals(Buffer.from([0xff, 0xd8]))).to.equal(true);
    expect(stored.subarray(-2).equals(Buffer.from([0xff, 0xd9]))).to.equal(true);
    expect(u.mimeType).to.equal('image/jpeg');
    expect(u.size).to.equal(stored.length);
    expect(u.sha256).to.equal(sha256(stored));
  });

  it('recognises the same file uploaded twice', async () => {
    const { app } = harness();
    const { agent, token } = await signedIn(app);
    const bytes = pdf(`the same ${Math.random()}`);
    const first = await agent.post(`/test/receipts?_csrf=${token}`).attach('file', bytes, 'a.pdf');
    const second = await agent.post(`/test/receipts?_csrf=${token}`).attach('file', bytes, 'b.pdf');
    expect(second.body.uploads[0].sha256).to.equal(first.body.uploads[0].sha256);
    expect(second.body.uploads[0].key).to.not.equal(first.body.uploads[0].key);
    expect(first.body.duplicates).to.deep.equal([]);
    expect(second.body.duplicates).to.deep.equal(first.body.ids);
  });

  it('requires the CSRF token in the query string: without it, 403 and nothing stored', async () => {
    const { app, dir } = harness();
    const { agent } = await signedIn(app);
    const before = tree(dir);
    const res = await agent.post('/test/receipts').attach('file', pdf('x'), 'x.pdf');
    expect(res.status).to.equal(403);
    const wrong = await agent.post('/test/receipts?_csrf=not-the-token').attach('file', pdf('x'), 'x.pdf');
    expect(wrong.status).to.equal(403);
    expect(tree(dir)).to.deep.equal(before);
  });

  it('deletes what the handler did not save, once the response is sent', async () => {
    const { app, dir } = harness();
    const { agent, token } = await signedIn(app);
    const before = tree(dir);
    const res = await agent.post(`/test/receipts-unsaved?_csrf=${token}`).attach('file', pdf('not kept'), 'draft.pdf');
    expect(res.status).to.equal(200);
    await eventually(() => filesIn(dir).length === 0, 'unsaved upload deleted');
    await eventually(() => tree(dir).join() === before.join(), 'fan-out directories removed');
    const rolledBack = await agent.post(`/test/receipts-rollback?_csrf=${token}`).attach('file', pdf('rolled back'), 'rb.pdf');
    expect(rolledBack.status).to.equal(409);
    await eventually(() => tree(dir).join() === before.join(), 'upload of a rolled-back command deleted');
  });

  it('leaves nothing behind when the client aborts mid-upload', async () => {
    const { app, dir } = harness();
    const server = app.listen(0, '127.0.0.1');
    try {
      await new Promise((resolve) => server.once('listening', resolve));
      const { port } = server.address() as AddressInfo;
      const login = await request(server).get('/login');
      const cookie = String(login.headers['set-cookie']).split(';')[0];
      const token = csrfFrom(login.text);
      const before = tree(dir);
      const boundary = '----careprocure-abort-test';
      const head = Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="中断.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
        'utf8',
      );
      const client = http.request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `/test/public-receipts?_csrf=${encodeURIComponent(token)}`,
        headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': String(5 * 1024 * 1024), Cookie: cookie },
      });
      client.on('error', () => undefined);
      let answered = false;
      client.on('response', () => {
        answered = true;
      });
      client.write(head);
      client.write(pdf('start'));
      client.write(Buffer.alloc(300_000, 0x20));
      // Mid-upload: the file is streaming into a temp file when the client goes away.
      await eventually(() => fs.readdirSync(dir).some((n) => n.startsWith('.incoming-')), 'the upload reached the store');
      client.destroy();
      await eventually(() => tree(dir).join() === before.join(), 'the aborted upload was removed');
      expect(answered).to.equal(false);
      // The server keeps serving.
      expect((await request(server).get('/login')).status).to.equal(200);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('says what is wrong with a file name holding a NUL byte, instead of "upload interrupted", and keeps nothing', async () => {
    const { app, dir } = harness();
    const agent = request.agent(app);
    const token = csrfFrom((await agent.get('/login')).text);
    const before = tree(dir);
    const boundary = '----careprocure-nul-test';
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="签到\0表.pdf"\r\nContent-Type: application/pdf\r\n\r\n`),
      pdf('nul'),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const res = await agent
      .post(`/test/public-receipts?_csrf=${encodeURIComponent(token)}`)
      .set('Content-Type', `multipart/form-data; boundary=${boundary}`)
      .send(body);
    expect(res.status).to.equal(422);
    expect(res.body.errors).to.deep.equal({ file: 'upload.malformed' });
    expect(tree(dir)).to.deep.equal(before);
  });
});
