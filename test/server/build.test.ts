import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { buildDist, DIST } from '../../server/cli/build.js';
import { projectRoot } from '../../server/config.js';
import { spawnApp } from '../support/spawned-app.js';

/**
 * `npm start` runs the compiled app (#15): `npm run build` writes dist/, and node runs it without
 * tsx. The compiled app must find its views, locales and migrations (recorded under their .ts
 * names, so a database migrated by either is current for the other).
 */
describe('the compiled app (npm run build, npm start)', () => {
  it('builds dist/, boots on an empty database with node alone, migrates under the .ts names and serves the sign-in page', async function () {
    this.timeout(180_000);
    const built = await buildDist();
    expect(built.compiled).to.be.greaterThan(100);
    for (const f of ['server/index.js', 'server/i18n/locales/zh-CN.json', 'server/migrations/data/shenzhen-districts.json', 'package.json'])
      expect(fs.existsSync(path.join(projectRoot, DIST, f)), f).to.equal(true);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'careprocure-build-'));
    const database = path.join(dir, 'app.sqlite');
    const app = await spawnApp([path.join(DIST, 'server', 'index.js')], {
      NODE_ENV: 'production',
      SESSION_SECRET: 'a-real-secret-of-more-than-thirty-two-characters',
      DATA_KEY: '3f'.repeat(16) + 'a1'.repeat(16),
      DATABASE_URL: `sqlite:${database}`,
      UPLOAD_DIR: dir,
      LOG_LEVEL: 'silent',
      HOST: '127.0.0.1',
      PORT: '0',
    });
    try {
      const page = await fetch(`${app.base}/login`);
      expect(page.status).to.equal(200);
      expect(await page.text()).to.include('<html lang="zh-CN">');
      const css = await fetch(`${app.base}/public/css/app.css`);
      expect(css.status).to.equal(200);
    } finally {
      app.stop();
    }
    const sqlite3 = (await import('sqlite3')).default;
    const db = new sqlite3.Database(database);
    const names = await new Promise<string[]>((resolve, reject) =>
      db.all('SELECT name FROM schema_migrations', (err, rows: { name: string }[]) => (err ? reject(err) : resolve(rows.map((r) => r.name)))),
    );
    db.close();
    const sources = fs.readdirSync(path.join(projectRoot, 'server', 'migrations')).filter((f) => /^\d.*\.ts$/.test(f));
    expect(names.sort()).to.deep.equal(sources.sort());
  });
});
