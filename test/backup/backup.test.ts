import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { expect } from 'chai';
import { QueryTypes, Sequelize } from 'sequelize';
import { StoredFile } from '../../models/index.js';
import { backupCommand } from '../../server/cli/backup.js';
import { restoreCommand } from '../../server/cli/restore.js';
import { projectRoot } from '../../server/config.js';
import { createSequelize } from '../../server/db.js';
import { readManifest } from '../../server/services/backup.js';
import { RESTORE_STEP } from '../../server/services/change-generations.js';
import { LocalDiskStore, S3Store, storeFor } from '../../server/services/storage/index.js';
import { storedContractDocument } from '../factories/contracts.js';
import { buildUser } from '../factories/index.js';
import { buildPaymentContract } from '../factories/payments.js';
import { captured } from '../support/cli.js';
import { type LocalS3, startLocalS3 } from '../support/s3-server.js';
import { testConfig, testSequelize } from '../support/hooks.js';

async function sha256Of(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** An empty database beside the test one: a new SQLite file, or a new MySQL database name (dropped after). */
async function emptyDatabase(dir: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const source = testConfig().databaseUrl;
  if (source.startsWith('sqlite:')) return { url: `sqlite:${path.join(dir, 'restored.sqlite')}`, drop: async () => {} };
  const u = new URL(source);
  const name = `${u.pathname.replace(/^\//, '')}_restored`;
  u.pathname = '/';
  const admin = new Sequelize(u.toString(), { dialect: 'mysql', logging: false });
  await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await admin.close();
  const server = u.toString();
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const a = new Sequelize(server, { dialect: 'mysql', logging: false });
      await a.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await a.close();
    },
  };
}

/** audit:verify and ledger:verify against another database: one spawned process (the test's models stay on the test database). */
function verifyRestored(databaseUrl: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'test/backup/verify-restored.ts'],
      { cwd: projectRoot, env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' } },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('backup and restore (npm run backup / restore)', () => {
  let dir: string;
  let drop: () => Promise<void> = async () => {};
  before(() => {
    dir = fs.mkdtempSync(path.join(path.dirname(testConfig().uploadDir), 'backup-'));
  });
  after(async () => {
    await drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('copies a live database and its files, and restores them into an empty database and store where both verifications pass and every sha-256 matches', async () => {
    const config = testConfig();
    const store = storeFor(config);
    // Money: a contract with its commitment in the ledger (audit events come with the users).
    const built = await buildPaymentContract({ committedFen: 2_345_678 });
    // Files with bytes: a Chinese text, an empty file and 300 KB of random bytes.
    const contents = [Buffer.from('服务报告：福田区困境儿童关爱服务\n'), Buffer.alloc(0), randomBytes(300 * 1024)];
    const files: StoredFile[] = [];
    for (const [i, bytes] of contents.entries()) {
      const put = await store.put(Readable.from([bytes]));
      files.push(
        await StoredFile.create({
          storageKey: put.key,
          kind: 'deliverable_attachment',
          originalName: `附件${i}.csv`,
          mimeType: 'text/csv',
          size: put.size,
          sha256: put.sha256,
          uploadedBy: built.officer.id,
          ownerType: 'contract',
          ownerId: built.contract.id,
          districtId: built.contract.districtId,
          organisationId: built.organisation.id,
        }),
      );
    }
    // A row whose bytes are gone: reported, not fatal.
    const orphan = await storedContractDocument(built.officer, built.contract.districtId);

    // The backup runs while the app goes on writing.
    const out = captured();
    const backupDir = path.join(dir, 'copy');
    const [code] = await Promise.all([backupCommand([backupDir], out, config), buildUser('officer'), buildUser('finance')]);
    expect(out.stderr()).to.contain(`stored file ${orphan.storageKey} (sha-256 ${orphan.sha256}) has no matching bytes`);
    expect(code, out.stderr()).to.equal(0);
    const manifest = await readManifest(backupDir);
    expect(manifest.dialect).to.equal(config.databaseUrl.startsWith('sqlite:') ? 'sqlite' : 'mysql');
    expect(manifest.migrations).to.include('20261129000300-stored-files.ts');
    expect(manifest.appVersion).to.match(/^\d+\.\d+\.\d+/);
    expect(manifest.fileCount).to.equal(manifest.files.length);
    for (const f of files) expect(manifest.files).to.deep.include({ key: f.storageKey, sha256: f.sha256, size: f.size });
    expect(manifest.missing.map((f) => f.key)).to.include(orphan.storageKey);

    // Restore into an empty database and an empty upload folder.
    const target = await emptyDatabase(dir);
    drop = target.drop;
    const uploads = path.join(dir, 'restored-uploads');
    const restoredConfig = { databaseUrl: target.url, uploadDir: uploads };
    const r = captured();
    expect(await restoreCommand([backupDir], r, restoredConfig), r.stderr()).to.equal(0);
    expect(r.stderr()).to.contain(`stored file ${orphan.storageKey}`).and.not.to.contain('do not match');

    // A second restore over it is refused unless forced.
    const again = captured();
    expect(await restoreCommand([backupDir], again, restoredConfig)).to.equal(2);
    expect(again.stderr()).to.contain('not empty');

    const restored = createSequelize(target.url);
    try {
      // Every generation is raised far beyond the source's: an app running on the restored database never keeps a figure of before.
      const generations = async (s: Sequelize) =>
        new Map(
          (
            await s.query<{ table_name: string; generation: number | string }>('SELECT table_name, generation FROM change_generations', {
              type: QueryTypes.SELECT,
            })
          ).map((g) => [g.table_name, Number(g.generation)]),
        );
      const [source, copy] = [await generations(testSequelize()), await generations(restored)];
      expect(source.get('contracts')).to.be.a('number');
      expect(copy.get('contracts')).to.be.at.least((source.get('contracts') as number) + RESTORE_STEP - 1000);
      const rows = await restored.query<{ id: number; storage_key: string; sha256: string }>('SELECT id, storage_key, sha256 FROM stored_files', {
        type: QueryTypes.SELECT,
      });
      const disk = new LocalDiskStore(uploads);
      for (const f of files) {
        const row = rows.find((x) => x.id === f.id);
        expect(row, `file ${f.id} restored`).to.not.equal(undefined);
        expect(await sha256Of(await disk.get(row!.storage_key))).to.equal(f.sha256);
      }
      // Every restored file's bytes match its row.
      const backedUp = new Set(manifest.files.map((f) => f.sha256));
      for (const row of rows.filter((x) => backedUp.has(x.sha256))) expect(await sha256Of(await disk.get(row.storage_key))).to.equal(row.sha256);
      const [entries] = await restored.query<{ n: number }>('SELECT COUNT(*) AS n FROM ledger_entries WHERE record_id = ?', {
        replacements: [built.contract.id],
        type: QueryTypes.SELECT,
      });
      expect(Number(entries.n)).to.be.greaterThan(0);
    } finally {
      await restored.close();
    }

    const verified = await verifyRestored(target.url);
    expect(verified.code, verified.stdout + verified.stderr).to.equal(0);
    expect(verified.stdout)
      .to.match(/Audit chain intact: \d+ events/)
      .and.to.match(/Ledger balanced: /);
  });

  describe('with the files in S3-compatible object storage (STORAGE_URL=s3://…)', () => {
    let s3: LocalS3;
    let dropS3: () => Promise<void> = async () => {};
    before(async () => {
      s3 = await startLocalS3();
    });
    after(async () => {
      await dropS3();
      await s3?.close();
    });

    it('copies the bucket’s files and restores them into an empty database and another bucket prefix, every sha-256 matching', async () => {
      const config = { ...testConfig(), storage: { kind: 's3' as const, ...s3.location } };
      const bucket = new S3Store(s3.location);
      const built = await buildPaymentContract({ committedFen: 1_000 });
      const contents = [Buffer.from('签到表：南山区家庭探访\n'), randomBytes(6 * 1024 * 1024)];
      const files: StoredFile[] = [];
      for (const [i, bytes] of contents.entries()) {
        const put = await bucket.put(Readable.from([bytes]));
        files.push(
          await StoredFile.create({
            storageKey: put.key,
            kind: 'deliverable_attachment',
            originalName: `签到表${i}.pdf`,
            mimeType: 'application/pdf',
            size: put.size,
            sha256: put.sha256,
            uploadedBy: built.officer.id,
            ownerType: 'contract',
            ownerId: built.contract.id,
            districtId: built.contract.districtId,
            organisationId: built.organisation.id,
          }),
        );
      }
      const backupDir = path.join(dir, 'copy-s3');
      const out = captured();
      expect(await backupCommand([backupDir], out, config), out.stderr()).to.equal(0);
      const manifest = await readManifest(backupDir);
      for (const f of files) expect(manifest.files).to.deep.include({ key: f.storageKey, sha256: f.sha256, size: f.size });

      const target = await emptyDatabase(path.join(dir, 's3'));
      fs.mkdirSync(path.join(dir, 's3'), { recursive: true });
      dropS3 = target.drop;
      const restoredLocation = { ...s3.location, prefix: 'restored/' };
      const r = captured();
      expect(
        await restoreCommand([backupDir], r, { databaseUrl: target.url, uploadDir: path.join(dir, 'unused'), storage: { kind: 's3', ...restoredLocation } }),
        r.stderr(),
      ).to.equal(0);
      expect(r.stderr()).not.to.contain('do not match');
      const restored = createSequelize(target.url);
      try {
        const rows = await restored.query<{ id: number; storage_key: string }>('SELECT id, storage_key FROM stored_files', { type: QueryTypes.SELECT });
        const into = new S3Store(restoredLocation);
        for (const f of files) {
          const row = rows.find((x) => x.id === f.id);
          expect(row, `file ${f.id} restored`).to.not.equal(undefined);
          expect(await sha256Of(await into.get(row!.storage_key))).to.equal(f.sha256);
        }
      } finally {
        await restored.close();
      }
      expect(s3.objects().filter((k) => k.startsWith('restored/')).length).to.be.at.least(files.length);
      expect(s3.pendingUploads()).to.deep.equal([]);
    });
  });

  it('refuses a wrong command line and a folder without a backup', async () => {
    const config = testConfig();
    const none = captured();
    expect(await backupCommand([], none, config)).to.equal(1);
    expect(none.stderr()).to.contain('usage: npm run backup -- DIR');
    const empty = fs.mkdtempSync(path.join(dir, 'empty-'));
    const r = captured();
    expect(
      await restoreCommand([empty, '--force'], r, { databaseUrl: `sqlite:${path.join(dir, 'never.sqlite')}`, uploadDir: path.join(dir, 'never') }),
    ).to.equal(2);
    expect(r.stderr()).to.contain('holds no manifest.json');
  });
});
