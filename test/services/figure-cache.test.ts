import { expect } from 'chai';
import { Op, QueryTypes, type Sequelize } from 'sequelize';
import { Allocation } from '../../models/Allocation.js';
import { Organisation, type User } from '../../models/index.js';
import { allocationApprover } from '../../server/commands/finance/allocationApprover.js';
import { deliverableDraftSaver } from '../../server/commands/deliverables/deliverableDraftSaver.js';
import { deliverableSubmitter } from '../../server/commands/deliverables/deliverableSubmitter.js';
import { createSequelize, withTransaction } from '../../server/db.js';
import { financeDashboardPage } from '../../server/presenters/finance-dashboard.js';
import { inboxCounts } from '../../server/presenters/inbox.js';
import { translator } from '../../server/i18n/index.js';
import { writtenTable } from '../../server/services/change-generations.js';
import { forgetCachedFigures, tablesRead } from '../../server/services/figure-cache.js';
import { readFigures } from '../../server/services/figures.js';
import { storeFor } from '../../server/services/storage/index.js';
import { buildDeliverableContract } from '../factories/deliverables.js';
import { actorOf, buildAllocation } from '../factories/finance.js';
import { buildOrganisation, buildUser, district, TEST_PASSWORD } from '../factories/index.js';
import { loginAs } from '../support/agent.js';
import { testConfig, testSequelize } from '../support/hooks.js';

/**
 * Cached figures (#15, services/figure-cache.ts) are never stale: a write committed by a command,
 * by raw SQL or by another process is seen by the next read, without waiting; a write rolled back
 * or not yet committed is not; and every table a figure's SQL reads is known to the cache.
 */

/** The statements `fn` runs, as text. */
async function statements(fn: () => Promise<unknown>): Promise<string[]> {
  const s = testSequelize();
  const seen: string[] = [];
  s.addHook('afterQuery', 'figure-cache-test', (_options: unknown, query: unknown) => {
    seen.push(String((query as { sql?: string }).sql));
  });
  try {
    await fn();
  } finally {
    s.removeHook('afterQuery', 'figure-cache-test');
  }
  return seen;
}

const countsSomething = (sql: string) => /COUNT\(|SUM\(/i.test(sql);

async function generationOf(table: string): Promise<number> {
  const [row] = await testSequelize().query<{ generation: number | string }>('SELECT generation FROM change_generations WHERE table_name = ?', {
    replacements: [table],
    type: QueryTypes.SELECT,
  });
  return Number(row?.generation ?? 0);
}

describe('figure cache: never stale', () => {
  it('serves a figure again without computing it, and shows a command’s write at the next read (allocation approved, deliverable handed in)', async () => {
    const finance = (await buildUser('finance', { districtCode: 'BA' })).user;
    const allocation = await buildAllocation({ status: 'submitted', districtCode: 'BA' });
    const before = (await inboxCounts(actorOf(finance))).allocationDecide as number;
    expect(before).to.be.at.least(1);
    const again = await statements(() => inboxCounts(actorOf(finance)));
    expect(again.filter(countsSomething), 'a second read with no write between computes nothing').to.deep.equal([]);
    await allocationApprover(allocation.id, { actor: actorOf(finance) });
    expect((await inboxCounts(actorOf(finance))).allocationDecide).to.equal(before - 1);

    const built = await buildDeliverableContract({ districtCode: 'BA' });
    const [d] = built.deliverables;
    const waiting = (await inboxCounts(actorOf(built.officer))).deliverableReview as number;
    const org = { actor: actorOf(built.orgUser) };
    await deliverableDraftSaver(
      d.id,
      { metrics: { visits: 10, households: 10, followUps: 0 }, narrative: '本季度完成入户探访。', purpose: 'report', removeFileIds: [] },
      [],
      org,
    );
    await deliverableSubmitter(d.id, { confirmNoChildData: false }, storeFor(testConfig()), org);
    expect((await inboxCounts(actorOf(built.officer))).deliverableReview).to.equal(waiting + 1);
  });

  it('shows the change on the next page a user opens (the badge), through the app', async () => {
    const finance = (await buildUser('finance', { districtCode: 'LG' })).user;
    const agent = await loginAs(finance, TEST_PASSWORD);
    const badge = async () => Number(/data-testid="[^"]*inbox-count[^"]*"[^>]*>\s*(\d+)/.exec((await agent.get('/')).text)?.[1] ?? 0);
    const first = await badge();
    const allocation = await buildAllocation({ status: 'submitted', districtCode: 'LG' });
    expect(await badge()).to.equal(first + 1);
    await allocationApprover(allocation.id, { actor: actorOf(finance) });
    expect(await badge()).to.equal(first);
  });

  it('catches a raw-SQL write through sequelize.query, and one of another process that raised the generation', async () => {
    const org = await buildOrganisation({ districtCode: 'FT' });
    const ft = await district('FT');
    const lh = await district('LH');
    const inFt = () => readFigures([{ model: Organisation, where: { id: org.id, districtId: ft.id } }]);
    expect(await inFt()).to.deep.equal([1]);
    await testSequelize().query('UPDATE organisations SET district_id = ? WHERE id = ?', { replacements: [lh.id, org.id] });
    expect(await inFt()).to.deep.equal([0]);

    // Another process: its own connection, its own cache (none here); it raises the generation with its write.
    const other: Sequelize = createSequelize(testConfig().databaseUrl);
    try {
      await other.transaction(async (transaction) => {
        await other.query('UPDATE organisations SET district_id = ? WHERE id = ?', { replacements: [ft.id, org.id], transaction });
        await other.query(`UPDATE change_generations SET generation = generation + 1 WHERE table_name = 'organisations'`, { transaction });
      });
    } finally {
      await other.close();
    }
    expect(await inFt()).to.deep.equal([1]);
  });

  it('keeps the cached value when the write is rolled back', async () => {
    const org = await buildOrganisation({ districtCode: 'FT' });
    const figure = () => readFigures([{ model: Organisation, where: { id: org.id, name: { [Op.like]: '测试%' } } }]);
    expect(await figure()).to.deep.equal([1]);
    const generation = await generationOf('organisations');
    const failed = await withTransaction(async (transaction) => {
      await Organisation.update({ name: '改名机构' }, { where: { id: org.id }, transaction });
      throw new Error('undone');
    }).catch((err: Error) => err.message);
    expect(failed).to.equal('undone');
    expect(await generationOf('organisations')).to.equal(generation);
    const reread = await statements(async () => expect(await figure()).to.deep.equal([1]));
    expect(reread.filter(countsSomething)).to.deep.equal([]);
  });

  it('hides a transaction’s writes from the cache until it commits, and serves the transaction its own', async () => {
    const org = await buildOrganisation({ districtCode: 'FT' });
    const renamed = () => readFigures([{ model: Organisation, where: { id: org.id, name: '已改名机构' } }]);
    expect(await renamed()).to.deep.equal([0]);
    const generation = await generationOf('organisations');
    let wrote!: () => void;
    let finish!: () => void;
    const written = new Promise<void>((resolve) => {
      wrote = resolve;
    });
    const gate = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const inside: number[][] = [];
    const committed = withTransaction(async (transaction) => {
      await Organisation.update({ name: '已改名机构' }, { where: { id: org.id }, transaction });
      inside.push(await renamed());
      wrote();
      await gate;
    });
    await written;
    try {
      expect(inside).to.deep.equal([[1]]);
      // Read outside the transaction while it is open: the committed value, and the generation unmoved.
      expect(await renamed()).to.deep.equal([0]);
      expect(await generationOf('organisations')).to.equal(generation);
    } finally {
      finish();
      await committed;
    }
    expect(await generationOf('organisations')).to.equal(generation + 1);
    expect(await renamed()).to.deep.equal([1]);
  });

  it('counts an allocation approved on the finance dashboard’s queue at once', async () => {
    const finance = (await buildUser('finance', { districtCode: 'GM' })).user;
    const lang = { t: translator('en'), locale: 'en' as const };
    const queue = async () => (await financeDashboardPage(actorOf(finance), { year: null }, lang)).queues.allocations;
    const before = await queue();
    const allocation = await buildAllocation({ status: 'submitted', districtCode: 'GM' });
    expect(await queue()).to.equal(before + 1);
    await allocationApprover(allocation.id, { actor: actorOf(finance) });
    expect(await Allocation.count({ where: { id: allocation.id, status: 'approved' } })).to.equal(1);
    expect(await queue()).to.equal(before);
  });
});

it('moves the finance dashboard’s money per fund source with an allocation approved, read by several statements (cachedValue)', async () => {
  const finance = (await buildUser('finance', { districtCode: 'PS' })).user;
  const lang = { t: translator('en'), locale: 'en' as const };
  const allocated = async () =>
    (await financeDashboardPage(actorOf(finance), { year: null }, lang)).sources.find((f) => f.source === 'general_budget')?.allocatedFen ?? 0;
  const allocation = await buildAllocation({ status: 'submitted', districtCode: 'PS', amountFen: 700_000 });
  const before = await allocated();
  const again = await statements(allocated);
  expect(
    again.filter((sql) => /FROM `?ledger_entries/.test(sql)),
    'read again with no write between: no ledger sum',
  ).to.deep.equal([]);
  await allocationApprover(allocation.id, { actor: actorOf(finance) });
  expect(await allocated()).to.equal(before + 700_000);
});

describe('figure cache: which tables a statement reads and writes', () => {
  it('finds FROM and JOIN targets, comma lists and subqueries of literal conditions', () => {
    expect(tablesRead("SELECT COUNT(*) AS `n` FROM `deliverables` AS `Deliverable` WHERE `Deliverable`.`status` = 'submitted'")).to.deep.equal([
      'deliverables',
    ]);
    expect(
      tablesRead(
        'SELECT (SELECT COUNT(*) FROM `child_workers` AS `ChildWorker` WHERE `ChildWorker`.`id` IN (SELECT child_worker_id FROM training_records t JOIN trainings x ON x.id = t.training_id)) AS f0, (SELECT SUM(e.amount_fen) FROM ledger_entries e, allocations a WHERE a.id = e.account_id) AS f1',
      ),
    ).to.deep.equal(['allocations', 'child_workers', 'ledger_entries', 'training_records', 'trainings']);
    expect(tablesRead('SELECT COUNT(*) AS n FROM (SELECT 1 AS `one` FROM `contracts` AS `Contract` LIMIT 10001) AS capped')).to.deep.equal(['contracts']);
    expect(tablesRead('SELECT 1 FROM a LEFT OUTER JOIN `b` ON 1 = 1 STRAIGHT_JOIN c ON 1 = 1 WHERE x NOT IN (SELECT y FROM\n  d)')).to.deep.equal([
      'a',
      'b',
      'c',
      'd',
    ]);
  });

  it('knows the table of each kind of write, and takes no read for one', () => {
    expect(writtenTable('INSERT INTO `deliverables` (`id`) VALUES (1);')).to.equal('deliverables');
    expect(writtenTable('INSERT OR IGNORE INTO sessions (sid) VALUES (1)')).to.equal('sessions');
    expect(writtenTable('INSERT IGNORE INTO `sessions` (sid) VALUES (1)')).to.equal('sessions');
    expect(writtenTable('INSERT INTO `sessions` (`sid`) VALUES (?) ON DUPLICATE KEY UPDATE `data`=VALUES(`data`)')).to.equal('sessions');
    expect(writtenTable('  REPLACE INTO job_leases VALUES (1)')).to.equal('job_leases');
    expect(writtenTable('UPDATE `claims` SET `status`=? WHERE `id` = ?')).to.equal('claims');
    expect(writtenTable('DELETE FROM `notifications` WHERE `id` = 1')).to.equal('notifications');
    expect(writtenTable('TRUNCATE TABLE audit_events')).to.equal('audit_events');
    expect(writtenTable('SELECT * FROM claims FOR UPDATE')).to.equal(null);
    expect(writtenTable("SELECT 'UPDATE x SET y' AS t")).to.equal(null);
    expect(writtenTable('UPDATE change_generations SET generation = generation + 1')).to.equal(null);
  });

  it('finds every table named by the figures of each role’s start page, the badges, the finance dashboard and the lists', async () => {
    const tables = ((await testSequelize().getQueryInterface().showAllTables()) as unknown[]).map((t) =>
      typeof t === 'string' ? t : String((t as { tableName: string }).tableName),
    );
    const pages: [User, string[]][] = [];
    for (const [role, code] of [
      ['org', 'FT'],
      ['officer', 'FT'],
      ['finance', 'FT'],
      ['inspector', 'SZ'],
      ['admin', 'SZ'],
    ] as const) {
      pages.push([(await buildUser(role, { districtCode: code })).user, ['/']]);
    }
    pages[1]?.[1].push('/contracts', '/deliverables', '/deliverables/queue', '/claims', '/workers');
    pages[2]?.[1].push('/finance', '/allocations', '/payments', '/budget-lines');
    let checked = 0;
    for (const [user, paths] of pages) {
      const agent = await loginAs(user, TEST_PASSWORD);
      for (const path of paths) {
        forgetCachedFigures();
        const seen = await statements(async () => expect((await agent.get(path)).status, `${user.role} ${path}`).to.equal(200));
        for (const sql of seen.filter(countsSomething)) {
          // Names inside string literals (the generations read beside the figures) are no reads.
          const code = sql.replace(/'[^']*'/g, "''");
          const named = tables.filter((t) => t !== 'change_generations' && new RegExp(`\\b${t}\\b`).test(code));
          expect(tablesRead(sql), sql).to.include.members(named);
          checked += 1;
        }
      }
    }
    expect(checked).to.be.at.least(10);
  });
});
