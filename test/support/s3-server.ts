import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import type { S3Location } from '../../server/config.js';

/**
 * A local S3-compatible server for the tests: s3rver (a fake S3 for Node, files in a temp folder)
 * on 127.0.0.1 and a port of the system's choosing, with one bucket. s3rver 3.7 lacks
 * AbortMultipartUpload and ListMultipartUploads; the two are added here over its own folder of
 * pending uploads (`<bucket>/._S3rver_uploads/<upload id>/` holding `key` and the parts), so a
 * test can see that a failed upload leaves no part behind.
 */
export type LocalS3 = {
  location: S3Location;
  dir: string;
  /** The ids of the multipart uploads begun and neither completed nor aborted. */
  pendingUploads(): string[];
  /** The stored objects' keys. */
  objects(): string[];
  close(): Promise<void>;
};

export const TEST_BUCKET = 'careprocure-test';

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export async function startLocalS3(): Promise<LocalS3> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'careprocure-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, directory: dir, silent: true, vhostBuckets: false, configureBuckets: [{ name: TEST_BUCKET }] });
  const uploadsDir = path.join(dir, TEST_BUCKET, '._S3rver_uploads');
  const pendingUploads = () => (fs.existsSync(uploadsDir) ? fs.readdirSync(uploadsDir) : []);
  server.middleware.unshift(async (ctx, next) => {
    const [, bucket, ...key] = ctx.path.split('/');
    if (bucket !== TEST_BUCKET) return next();
    const uploadId = ctx.query.uploadId;
    if (ctx.method === 'DELETE' && key.length && typeof uploadId === 'string') {
      // AbortMultipartUpload: the upload's parts go.
      fs.rmSync(path.join(uploadsDir, path.basename(uploadId)), { recursive: true, force: true });
      ctx.status = 204;
      return;
    }
    if (ctx.method === 'GET' && !key.join('') && 'uploads' in ctx.query) {
      // ListMultipartUploads, in one page.
      const uploads = pendingUploads().map((id) => {
        const key = fs.readFileSync(path.join(uploadsDir, id, 'key'), 'utf8');
        const initiated = fs.statSync(path.join(uploadsDir, id, 'key')).mtime.toISOString();
        return `<Upload><Key>${xml(key)}</Key><UploadId>${id}</UploadId><Initiated>${initiated}</Initiated></Upload>`;
      });
      ctx.type = 'application/xml';
      ctx.body = `<?xml version="1.0" encoding="UTF-8"?><ListMultipartUploadsResult><Bucket>${TEST_BUCKET}</Bucket><IsTruncated>false</IsTruncated>${uploads.join('')}</ListMultipartUploadsResult>`;
      return;
    }
    return next();
  });
  const address = await server.run();
  const objects = () =>
    fs
      .readdirSync(path.join(dir, TEST_BUCKET), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('._S3rver_object'))
      .map((e) => path.relative(path.join(dir, TEST_BUCKET), path.join(e.parentPath, e.name.slice(0, -'._S3rver_object'.length))));
  const location: S3Location = {
    endpoint: `http://127.0.0.1:${address.port}`,
    region: 'us-east-1',
    bucket: TEST_BUCKET,
    prefix: '',
    forcePathStyle: true,
    // s3rver's own fixed pair.
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  };
  return {
    location,
    dir,
    pendingUploads,
    objects,
    close: async () => {
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
