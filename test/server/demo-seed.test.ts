import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { spawnApp } from '../support/spawned-app.js';

type Row = Record<string, string | number | null>;

/**
 * The demo a newcomer starts (`npm start` on an empty database) keeps its money as the app keeps
 * it (#17): every paid sum the overview reads from the ledger has its payment rows, so 已支付 on the
 * overview opens a payments list with the same total. The seed once posted instalments to the
 * ledger without payment rows and paid claims without ledger movements (福田: ¥208,000.00 on the
 * overview, ¥3,918.00 on its list).
 */
describe('the demo database (npm start on an empty database)', () => {
  it('has a payment row for every paid movement, district by district and year by year', async function () {
    this.timeout(300_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'careprocure-demo-'));
    const database = path.join(dir, 'demo.sqlite');
    const app = await spawnApp(['--import', 'tsx', path.join('server', 'index.ts')], {
      NODE_ENV: 'development',
      DATABASE_URL: `sqlite:${database}`,
      UPLOAD_DIR: dir,
      LOG_LEVEL: 'silent',
      HOST: '127.0.0.1',
      PORT: '0',
    });
    app.stop();
    const sqlite3 = (await import('sqlite3')).default;
    const db = new sqlite3.Database(database);
    const all = (sql: string) => new Promise<Row[]>((resolve, reject) => db.all(sql, (err, rows: Row[]) => (err ? reject(err) : resolve(rows))));
    try {
      const rows = await all(
        `SELECT c.district_id AS district, c.year AS year,
           (SELECT COALESCE(SUM(e.amount_fen), 0) FROM ledger_entries e JOIN contracts k ON k.id = e.account_id
             WHERE e.account_type = 'paid' AND k.district_id = c.district_id AND k.year = c.year) AS ledger,
           (SELECT COALESCE(SUM(p.amount_fen), 0) FROM payments p JOIN contracts k ON k.id = p.contract_id
             WHERE p.status = 'paid' AND k.district_id = c.district_id AND k.year = c.year) AS payments
         FROM contracts c GROUP BY c.district_id, c.year ORDER BY c.district_id, c.year`,
      );
      expect(rows.length).to.be.greaterThan(10);
      expect(rows.filter((r) => Number(r.ledger) > 0).length).to.be.greaterThan(10);
      for (const r of rows) expect(Number(r.payments), `district ${r.district}, ${r.year}`).to.equal(Number(r.ledger));
      const orphans = await all(
        "SELECT COUNT(*) AS n FROM ledger_entries e WHERE e.record_type = 'payment' AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.id = e.record_id)",
      );
      expect(Number(orphans[0].n)).to.equal(0);
    } finally {
      db.close();
    }
  });
});
