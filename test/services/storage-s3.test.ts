import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { expect } from 'chai';
import type { Express, Request, Response } from 'express';
import request from 'supertest';
import { StoredFile } from '../../models/index.js';
import { createApp } from '../../server/app.js';
import { loadConfig, type S3Location } from '../../server/config.js';
import { withTransaction } from '../../server/db.js';
import { NotFoundError } from '../../server/errors.js';
import { upload, uploadsOf } from '../../server/middleware/upload.js';
import { rule } from '../../server/middleware/rules.js';
import type { OnInvalid } from '../../server/middleware/validate.js';
import { sendStoredFile } from '../../server/services/storage/download.js';
import { saveStoredFiles } from '../../server/services/storage/stored-files.js';
import { BlobNotFoundError, S3Store, storeFor } from '../../server/services/storage/index.js';
import { PART_QUEUE, PART_SIZE } from '../../server/services/storage/s3.js';
import { buildUser } from '../factories/index.js';
import { csrfFrom } from '../support/agent.js';
import { testConfig } from '../support/hooks.js';
import { type LocalS3, startLocalS3 } from '../support/s3-server.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** `total` bytes in 64 KiB chunks made only when read; `made()` tells how many so far. */
function generated(total: number, failAfter?: number) {
  let made = 0;
  const chunk = 64 * 1024;
  const stream = new Readable({
    read() {
      if (failAfter !== undefined && made >= failAfter) {
        this.destroy(new Error('client went away'));
        return;
      }
      if (made >= total) {
        this.push(null);
        return;
      }
      const n = Math.min(chunk, total - made);
      // Cheap, reproducible, not all zeroes: the byte pattern of the offset.
      const buf = Buffer.alloc(n, made % 251);
      made += n;
      this.push(buf);
    },
  });
  return { stream, made: () => made };
}

describe('S3Store against a local S3-compatible server (s3rver)', () => {
  let s3: LocalS3;
  let store: S3Store;
  before(async () => {
    s3 = await startLocalS3();
    store = new S3Store(s3.location);
  });
  after(async () => {
    store?.client.destroy();
    await s3?.close();
  });

  it('stores a stream and gives it back, with the size and SHA-256 of exactly the bytes', async () => {
    const bytes = randomBytes(300_000);
    const put = await store.put(Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]));
    expect(put.size).to.equal(bytes.length);
    expect(put.sha256).to.equal(sha256(bytes));
    expect(await store.exists(put.key)).to.equal(true);
    expect(s3.objects()).to.deep.equal([put.key]);
    expect(sha256(await readAll(await store.get(put.key)))).to.equal(put.sha256);
    await store.delete(put.key);
    expect(await store.exists(put.key)).to.equal(false);
    expect(s3.objects()).to.deep.equal([]);
    await store.delete(put.key); // already gone: not an error
  });

  it('stores an empty file', async () => {
    const put = await store.put(Readable.from([]));
    expect(put).to.include({ size: 0, sha256: sha256(Buffer.alloc(0)) });
    expect((await readAll(await store.get(put.key))).length).to.equal(0);
    await store.delete(put.key);
  });

  it('refuses an unknown key or one of another shape with BlobNotFoundError', async () => {
    for (const key of ['5c1d6f3e-8f51-4a6b-9c1e-2b7e0f4d8a90', '../etc/passwd', 'ab/cd/x']) {
      let error: unknown;
      await store.get(key).catch((err) => (error = err));
      expect(error, key).to.be.instanceOf(BlobNotFoundError);
      expect(await store.exists(key)).to.equal(false);
    }
  });

  it('a source that fails mid-way after parts were sent leaves no object and no multipart upload', async () => {
    const { stream, made } = generated(4 * PART_SIZE, 2 * PART_SIZE + 100_000);
    let error: unknown;
    await store.put(stream).catch((err) => (error = err));
    expect((error as Error)?.message).to.equal('client went away');
    expect(made()).to.be.greaterThan(PART_SIZE); // a multipart upload had begun
    expect(s3.objects()).to.deep.equal([]);
    expect(s3.pendingUploads()).to.deep.equal([]);
  });

  it('a source that fails before the first part leaves nothing either', async () => {
    const { stream } = generated(PART_SIZE, 100_000);
    let error: unknown;
    await store.put(stream).catch((err) => (error = err));
    expect((error as Error)?.message).to.equal('client went away');
    expect(s3.objects()).to.deep.equal([]);
    expect(s3.pendingUploads()).to.deep.equal([]);
  });

  it('streams a 20 MB file in bounded parts: never more than the parts in flight read ahead of what the server took', async () => {
    const total = 20 * 1024 * 1024;
    const { stream, made } = generated(total);
    let loaded = 0;
    let worstAhead = 0;
    const watched = new S3Store(s3.location, store.client);
    watched.onProgress = (n) => {
      loaded = n;
    };
    stream.on('data', () => {
      worstAhead = Math.max(worstAhead, made() - loaded);
    });
    const put = await watched.put(stream);
    expect(put.size).to.equal(total);
    const expected = createHash('sha256');
    const again = generated(total).stream;
    for await (const c of again) expected.update(c as Buffer);
    expect(put.sha256).to.equal(expected.digest('hex'));
    expect(loaded).to.equal(total);
    // Read ahead of what the server acknowledged: at most the parts in flight, one being filled,
    // and the streams' own buffers; far below the file's 20 MB.
    expect(worstAhead).to.be.at.most((PART_QUEUE + 1) * PART_SIZE + 1024 * 1024);
    expect(worstAhead).to.be.lessThan(total);
    expect(sha256(await readAll(await store.get(put.key)))).to.equal(put.sha256);
    expect(s3.pendingUploads()).to.deep.equal([]);
    await store.delete(put.key);
  });

  it('housekeeping aborts the multipart uploads a crash left, once older than the limit', async () => {
    // A process dies mid-upload: its parts stay until someone aborts the upload.
    const { stream } = generated(3 * PART_SIZE, 2 * PART_SIZE);
    const crashing = new S3Store(s3.location, store.client);
    const abort = crashing.client.send.bind(crashing.client);
    crashing.client.send = (async (command: { constructor: { name: string } }, ...rest: unknown[]) => {
      if (command.constructor.name === 'AbortMultipartUploadCommand') throw new Error('process died');
      return (abort as (...args: unknown[]) => Promise<unknown>)(command, ...rest);
    }) as typeof crashing.client.send;
    await crashing.put(stream).catch(() => undefined);
    crashing.client.send = abort as typeof crashing.client.send;
    expect(s3.pendingUploads()).to.have.length(1);
    expect(await store.abortAbandonedUploads(60 * 60 * 1000)).to.equal(0); // young: a live upload
    expect(await store.abortAbandonedUploads(60 * 60 * 1000, Date.now() + 2 * 60 * 60 * 1000)).to.equal(1);
    expect(s3.pendingUploads()).to.deep.equal([]);
    expect(s3.objects()).to.deep.equal([]);
  });

  it('storeFor picks the bucket when STORAGE_URL names one', () => {
    const config = loadConfig({ NODE_ENV: 'test', STORAGE_URL: `s3://S3RVER:S3RVER@${new URL(s3.location.endpoint).host}/${s3.location.bucket}?tls=0` });
    expect(storeFor(config)).to.be.instanceOf(S3Store);
    expect(storeFor({ ...config, storage: { kind: 'disk' } })).not.to.be.instanceOf(S3Store);
  });
});

describe('STORAGE_URL', () => {
  const load = (url: string) => loadConfig({ NODE_ENV: 'test', STORAGE_URL: url }).storage;

  it('is the disk under UPLOAD_DIR when unset', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).storage).to.deep.equal({ kind: 'disk' });
  });

  it('reads host, port, bucket, prefix, region, tls and path style; the credentials decoded but never enumerable', () => {
    const storage = load('s3://AKID:se%2Fcret@objects.example.gov.cn:9000/care-files/uploads/2026?region=cn-north-1&tls=1&forcePathStyle=0');
    expect(storage).to.deep.include({
      kind: 's3',
      endpoint: 'https://objects.example.gov.cn:9000',
      bucket: 'care-files',
      prefix: 'uploads/2026/',
      region: 'cn-north-1',
      forcePathStyle: false,
    });
    const location = storage as S3Location;
    expect(location.credentials).to.deep.equal({ accessKeyId: 'AKID', secretAccessKey: 'se/cret' });
    expect(JSON.stringify(storage)).not.to.include('cret');
    expect(Object.keys(storage)).not.to.include('credentials');
  });

  it('defaults to TLS, path style, us-east-1 and the SDK credential chain', () => {
    const storage = load('s3://minio.internal/care') as S3Location;
    expect(storage).to.deep.include({ endpoint: 'https://minio.internal', region: 'us-east-1', forcePathStyle: true, prefix: '' });
    expect(storage.credentials).to.equal(undefined);
  });

  it('refuses what it cannot use, without repeating the URL (it may hold a secret)', () => {
    for (const [url, problem] of [
      ['http://AK:TOPSECRET@h/bucket', 'must start with s3://'],
      ['s3://AK:TOPSECRET@h/B_ad', 'the bucket'],
      ['s3://AK:TOPSECRET@h/bucket?tls=yes', 'tls must be 0 or 1'],
      ['s3://AK:TOPSECRET@h/bucket?sslmode=1', 'unknown parameter sslmode'],
      ['s3://AK@h/bucket', 'both the access key and the secret'],
      ['s3:// TOPSECRET', 'not a URL'],
    ]) {
      let error: unknown;
      try {
        load(url);
      } catch (err) {
        error = err;
      }
      expect((error as Error)?.message, url).to.include(problem);
      expect((error as Error).message).not.to.include('TOPSECRET');
    }
  });
});

describe('upload middleware over the S3 store', () => {
  let s3: LocalS3;
  let store: S3Store;
  let app: Express;
  const asJson: OnInvalid = (_req, res, form) => res.status(422).json({ errors: form.errors });
  const pdf = (size: number) => {
    const head = Buffer.from('%PDF-1.7\n% ', 'utf8');
    const tail = Buffer.from('\n%%EOF\n', 'utf8');
    return Buffer.concat([head, Buffer.alloc(size - head.length - tail.length, 'x'), tail]);
  };

  before(async () => {
    s3 = await startLocalS3();
    store = new S3Store(s3.location);
    // The harness of test/middleware/upload.test.ts over the bucket: upload and save receipts, download.
    app = createApp(testConfig(), {
      mountExtra: (a) => {
        a.post('/test/s3-receipts', rule('view', 'dashboard'), upload('receipt', 'file', store, { onInvalid: asJson }), async (req: Request, res: Response) => {
          const uploads = uploadsOf(res);
          const rows = await withTransaction((t) => saveStoredFiles(uploads, { kind: 'receipt', uploadedBy: req.user!.id }, t));
          res.json({ uploads, ids: rows.map((r) => r.id) });
        });
        a.get('/test/s3-files/:id', rule('view', 'dashboard'), async (req, res) => {
          const file = await StoredFile.findByPk(Number(req.params.id));
          if (!file) throw new NotFoundError();
          await sendStoredFile(res, file, store);
        });
      },
    });
  });
  after(async () => {
    store?.client.destroy();
    await s3?.close();
  });

  async function signedIn() {
    const { user, password } = await buildUser('org');
    const agent = request.agent(app);
    const page = await agent.get('/login');
    await agent
      .post('/login')
      .type('form')
      .send({ username: user.username, password, _csrf: csrfFrom(page.text) });
    return { agent, token: csrfFrom((await agent.get('/')).text) };
  }

  it('streams a 7 MB PDF into the bucket (two parts), records its SHA-256, and downloads the same bytes', async () => {
    const { agent, token } = await signedIn();
    const bytes = pdf(7 * 1024 * 1024);
    const res = await agent.post(`/test/s3-receipts?_csrf=${encodeURIComponent(token)}`).attach('file', bytes, '收据.pdf');
    expect(res.status, res.text).to.equal(200);
    const [u] = res.body.uploads;
    expect(u).to.include({ mimeType: 'application/pdf', size: bytes.length, sha256: sha256(bytes) });
    expect(s3.objects()).to.deep.equal([u.key]);
    expect(s3.pendingUploads()).to.deep.equal([]);
    const row = await StoredFile.findByPk(res.body.ids[0]);
    expect(row).to.include({ storageKey: u.key, sha256: sha256(bytes) });
    const down = await agent
      .get(`/test/s3-files/${res.body.ids[0]}`)
      .buffer(true)
      .parse((r, callback) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => callback(null, Buffer.concat(chunks)));
      });
    expect(down.status).to.equal(200);
    expect(sha256(down.body as Buffer)).to.equal(sha256(bytes));
    await store.delete(u.key);
  });

  it('refuses a PDF renamed .png and keeps nothing in the bucket', async () => {
    const { agent, token } = await signedIn();
    const res = await agent.post(`/test/s3-receipts?_csrf=${encodeURIComponent(token)}`).attach('file', pdf(6 * 1024 * 1024), 'photo.png');
    expect(res.status).to.equal(422);
    expect(res.body.errors).to.deep.equal({ file: 'upload.wrongType' });
    expect(s3.objects()).to.deep.equal([]);
    expect(s3.pendingUploads()).to.deep.equal([]);
  });
});
