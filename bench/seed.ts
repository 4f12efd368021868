/**
 * bench:seed — fills the database DATABASE_URL names (MariaDB/MySQL or SQLite; migrated here if
 * it is not) with a national slice of a chosen size, by bulk inserts rather than the app's
 * commands, so that scale 1 loads in minutes (#15). The demo users are kept (made if missing) and
 * each role gets data of its own: the demo organisation holds contracts like any other.
 *
 *   npm run bench:seed -- --scale 0.1
 *   DATABASE_URL=mysql://root@127.0.0.1:3306/cp_bench npm run bench:seed -- --scale 0.1
 *
 * At scale S: 50,000·S contracts (each with its project, award, allocation, two instalments),
 * 5,000·S organisations, 20 deliverables per contract (versions for those handed in), 600,000·S
 * child workers with a training record each, a payment per instalment that fell due, the money
 * ledger of it all (funding → line → allocation → contract → paid), and 1,000,000·S audit
 * events with a valid chain; over the 11 districts and the city, over three years. The records
 * the seed writes are removed first, so it can be run again at another scale.
 */
import './quiet.js';
import { createHash, randomUUID } from 'node:crypto';
import type { Sequelize, Transaction } from 'sequelize';
import { loadConfig } from '../server/config.js';
import { initDatabase } from '../server/database.js';
import { dialectOf, withTransaction } from '../server/db.js';
import { seedUsers } from '../server/seed.js';
import { eventHash, GENESIS_HASH } from '../server/services/audit.js';
import { PersonalDataCipher } from '../server/services/personal-data.js';

/** The scale from `--scale S` (or BENCH_SCALE), 0.1 by default. */
export function scaleOf(argv: readonly string[]): number {
  const at = argv.indexOf('--scale');
  const raw = at >= 0 ? argv[at + 1] : process.env.BENCH_SCALE;
  const scale = Number(raw ?? 0.1);
  if (!Number.isFinite(scale) || scale <= 0 || scale > 5) throw new Error(`--scale must be a number in (0, 5], got ${raw}`);
  return scale;
}

/** A small deterministic generator, so two seeds at one scale hold the same data. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ROWS_PER_INSERT = 500;

/** The tables the seed fills, children first (the order they are emptied in). */
const SEEDED = [
  // What the app's nightly rounds write about seeded records once it has run on them.
  'retention_actions',
  'retention_holds',
  'red_flags',
  'claimed_fapiaos',
  'claim_lines',
  'claims',
  'engagements',
  'evaluations',
  'deliverable_versions',
  'deliverables',
  'ledger_entries',
  'payments',
  'instalments',
  'contracts',
  'allocations',
  'budget_lines',
  'awards',
  'projects',
  'training_records',
  'child_workers',
  'audit_events',
] as const;

type Row = readonly unknown[];

class Inserter {
  constructor(private readonly sequelize: Sequelize) {}
  rows = 0;

  /**
   * A value as SQL. An instant keeps its milliseconds on MySQL (escape() drops them there, and
   * the audit chain hashes the instant to the millisecond, so audit:verify failed on the seed).
   */
  private literal(v: unknown): string {
    if (v === null || v === undefined) return 'NULL';
    if (typeof v === 'number') return String(v);
    if (v instanceof Date && dialectOf(this.sequelize) === 'mysql') return `'${v.toISOString().slice(0, 23).replace('T', ' ')}'`;
    return this.sequelize.escape(v as string);
  }

  /** Inserts `rows` (values in `columns` order) in multi-row INSERTs, in one transaction per table. */
  async insert(table: string, columns: readonly string[], rows: Iterable<Row>): Promise<number> {
    const s = this.sequelize;
    const head = `INSERT INTO ${table} (${columns.join(', ')}) VALUES `;
    let n = 0;
    await withTransaction(async (transaction: Transaction) => {
      if (dialectOf(s) === 'mysql') await s.query('SET FOREIGN_KEY_CHECKS = 0, UNIQUE_CHECKS = 0', { transaction });
      let batch: string[] = [];
      const flush = async () => {
        if (!batch.length) return;
        await s.query(head + batch.join(', '), { transaction });
        batch = [];
      };
      for (const row of rows) {
        batch.push(`(${row.map((v) => this.literal(v)).join(', ')})`);
        n += 1;
        if (batch.length === ROWS_PER_INSERT) await flush();
      }
      await flush();
      if (dialectOf(s) === 'mysql') await s.query('SET FOREIGN_KEY_CHECKS = 1, UNIQUE_CHECKS = 1', { transaction });
    });
    this.rows += n;
    return n;
  }
}

const day = (d: Date) => d.toISOString().slice(0, 10);
const addDaysTo = (iso: string, n: number) => day(new Date(Date.parse(`${iso}T00:00:00Z`) + n * 86_400_000));

async function main(): Promise<void> {
  const scale = scaleOf(process.argv);
  const config = loadConfig({ ...process.env, PASSWORD_COST: process.env.PASSWORD_COST ?? '10', NODE_ENV: 'development' });
  const started = performance.now();
  const sequelize = await initDatabase(config);
  const dialect = dialectOf(sequelize);
  const ins = new Inserter(sequelize);
  const q = async <T>(sql: string) => (await sequelize.query(sql, { type: 'SELECT' })) as T[];

  await seedUsers(config);
  // Emptied children first; the demo users, their organisation and the reference data stay.
  for (const table of SEEDED) await withTransaction((transaction) => sequelize.query(`DELETE FROM ${table}`, { transaction }));
  await withTransaction((transaction) => sequelize.query(`DELETE FROM stored_files WHERE storage_key LIKE 'bench/%'`, { transaction }));
  await withTransaction((transaction) =>
    sequelize.query(`DELETE FROM organisations WHERE id NOT IN (SELECT organisation_id FROM users WHERE organisation_id IS NOT NULL)`, { transaction }),
  );
  await withTransaction((transaction) => sequelize.query(`UPDATE audit_heads SET last_seq = 0, last_hash = '${GENESIS_HASH}' WHERE id = 1`, { transaction }));

  const rnd = random(20261206);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const districts = await q<{ id: number; code: string; kind: string }>('SELECT id, code, kind FROM districts ORDER BY id');
  const agencies = await q<{ id: number; district_id: number; kind: string }>('SELECT id, district_id, kind FROM agencies');
  const users = await q<{ id: number; username: string; role: string; organisation_id: number | null }>(
    'SELECT id, username, role, organisation_id FROM users',
  );
  const categories = (await q<{ code: string }>('SELECT code FROM service_categories WHERE parent_code IS NULL ORDER BY sort_order')).map((c) => c.code);
  const subDistricts = await q<{ id: number; district_id: number }>('SELECT id, district_id FROM sub_districts');
  const officer = users.find((u) => u.role === 'officer')?.id ?? users[0].id;
  const financeUser = users.find((u) => u.role === 'finance')?.id ?? officer;
  const orgUser = users.find((u) => u.role === 'org')?.id ?? officer;
  const agencyOf = (districtId: number, kind: string) => agencies.find((a) => a.district_id === districtId && a.kind === kind)?.id ?? agencies[0].id;
  // A city's weight: the city itself and the populous districts hold more.
  const weighted = districts.flatMap((d) => Array.from({ length: d.kind === 'city' ? 2 : ['FT', 'LG', 'BA', 'NS'].includes(d.code) ? 3 : 1 }, () => d));

  const now = new Date();
  const thisYear = now.getUTCFullYear();
  const years = [thisYear - 2, thisYear - 1, thisYear];
  const todayIso = day(now);

  // Organisations: the demo one stays, the others are made.
  const demoOrg = (await q<{ id: number; district_id: number }>('SELECT id, district_id FROM organisations'))[0];
  const orgCount = Math.max(20, Math.round(5_000 * scale));
  const orgStart = (await q<{ m: number | null }>('SELECT MAX(id) AS m FROM organisations'))[0].m ?? 0;
  const organisations: { id: number; districtId: number }[] = demoOrg ? [{ id: demoOrg.id, districtId: demoOrg.district_id }] : [];
  const orgRows: Row[] = [];
  for (let i = 1; i < orgCount; i += 1) {
    const id = Number(orgStart) + i;
    const d = pick(weighted);
    organisations.push({ id, districtId: d.id });
    const uscc = `5244${String(id).padStart(13, '0')}X`.slice(0, 18);
    orgRows.push([
      id,
      d.id,
      `深圳市${d.code}社会工作服务中心${id}号`,
      uscc,
      rnd() < 0.97 ? 'active' : 'suspended',
      now,
      now,
      'social_service_agency',
      0,
      0,
      0,
      0,
    ]);
  }
  await ins.insert(
    'organisations',
    [
      'id',
      'district_id',
      'name',
      'uscc',
      'status',
      'created_at',
      'updated_at',
      'org_type',
      'social_worker_count',
      'counsellor_count',
      'lawyer_count',
      'lock_version',
    ],
    orgRows,
  );

  // Budget lines: one per district and year, sized afterwards to what its allocations take.
  const lineOf = new Map<string, number>();
  const lineRows: unknown[][] = [];
  let lineId = 0;
  for (const d of districts)
    for (const y of years) {
      lineId += 1;
      lineOf.set(`${d.id}:${y}`, lineId);
      lineRows.push([lineId, y, d.id, 'general_budget', agencyOf(d.id, 'finance'), `${y}年${d.code}困境儿童关爱服务`, 0, financeUser, now, now, 0]);
    }
  const lineTotal = new Map<number, number>();

  // Contracts and their project, award, allocation, instalments; payments for instalments due.
  const contractCount = Math.max(50, Math.round(50_000 * scale));
  const projects: Row[] = [];
  const awards: Row[] = [];
  const allocations: Row[] = [];
  const contracts: Row[] = [];
  const instalments: Row[] = [];
  const payments: Row[] = [];
  const ledger: Row[] = [];
  const contractFacts: { id: number; orgId: number; districtId: number; year: number; start: string; end: string; status: string }[] = [];
  const move = (from: [string, number], to: [string, number], amount: number, movement: string, recordType: string, recordId: number, at: Date) => {
    const txn = randomUUID();
    ledger.push([txn, from[0], from[1], -amount, movement, recordType, recordId, officer, at]);
    ledger.push([txn, to[0], to[1], amount, movement, recordType, recordId, officer, at]);
  };
  let instalmentId = 0;
  let paymentId = 0;
  for (let id = 1; id <= contractCount; id += 1) {
    // The demo organisation holds about as many contracts as any organisation.
    const org = id % Math.max(1, Math.round(orgCount / 1)) === 0 && demoOrg ? organisations[0] : pick(organisations);
    const district = districts.find((d) => d.id === org.districtId) ?? districts[0];
    const year = pick(years);
    const value = (5 + Math.floor(rnd() * 95)) * 1_000_000; // ¥50,000 – ¥1,000,000 in fen
    const start = `${year}-${String(1 + Math.floor(rnd() * 6)).padStart(2, '0')}-01`;
    const end = addDaysTo(start, 364);
    const status = end < todayIso ? (rnd() < 0.93 ? 'completed' : 'terminated') : rnd() < 0.08 ? 'draft' : 'active';
    const created = new Date(Date.parse(`${start}T02:00:00Z`) - 20 * 86_400_000);
    const updated = new Date(Math.min(now.getTime(), created.getTime() + Math.floor(rnd() * 400) * 86_400_000));
    const method = pick(['open', 'open', 'competitive_negotiation', 'competitive_consultation', 'request_for_quotation', 'single_source']);
    projects.push([
      id,
      year,
      district.id,
      agencyOf(district.id, 'civil_affairs'),
      `${year}年${district.code}困境儿童关爱服务项目${id}`,
      '困境儿童',
      value,
      method,
      null,
      status === 'draft' ? 'awarded' : 'contracted',
      officer,
      created,
      updated,
      0,
    ]);
    awards.push([id, id, id, org.id, org.districtId, value, '综合评分最高', 'active', officer, created, created, created]);
    const line = lineOf.get(`${district.id}:${year}`) ?? 1;
    lineTotal.set(line, (lineTotal.get(line) ?? 0) + value);
    allocations.push([
      id,
      line,
      id,
      district.id,
      district.id,
      year,
      'general_budget',
      value,
      '购买服务',
      'service_purchase',
      'approved',
      officer,
      created,
      financeUser,
      created,
      0,
      created,
      updated,
      0,
    ]);
    move(['funding', line], ['line_available', line], value, 'fund', 'budget_line', line, created);
    move(['line_available', line], ['allocation', id], value, 'allocate', 'allocation', id, created);
    contracts.push([
      id,
      `SZ-${year}-${district.code}-${String(id).padStart(6, '0')}`,
      id,
      id,
      org.id,
      district.id,
      year,
      status,
      value,
      Math.round(value / 10),
      status === 'draft' ? null : start,
      start,
      end,
      '按季度提供困境儿童关爱服务',
      status === 'draft' ? 0 : 1,
      status === 'draft' ? null : officer,
      status === 'draft' ? null : created,
      officer,
      created,
      updated,
      0,
    ]);
    contractFacts.push({ id, orgId: org.id, districtId: district.id, year, start, end, status });
    if (status !== 'draft') move(['allocation', id], ['contract_committed', id], value, 'commit', 'contract', id, created);
    for (const seq of [1, 2]) {
      instalmentId += 1;
      const due = seq === 1 ? addDaysTo(start, 30) : end;
      const amount = value / 2;
      const fallenDue = status !== 'draft' && due < todayIso;
      let instStatus = 'scheduled';
      if (fallenDue) {
        const r = rnd();
        const payStatus = r < 0.85 ? 'paid' : r < 0.93 ? 'approved' : 'requested';
        instStatus = payStatus;
        paymentId += 1;
        const requestedAt = new Date(Date.parse(`${due}T03:00:00Z`));
        const paidAt = payStatus === 'paid' ? new Date(requestedAt.getTime() + 5 * 86_400_000) : null;
        payments.push([
          paymentId,
          id,
          instalmentId,
          payStatus === 'paid' ? null : instalmentId,
          'instalment',
          district.id,
          org.id,
          year,
          amount,
          payStatus,
          officer,
          requestedAt,
          payStatus === 'requested' ? null : financeUser,
          payStatus === 'requested' ? null : requestedAt,
          paidAt ? financeUser : null,
          paidAt,
          paidAt ? `BANK${paymentId}` : null,
          paidAt ? day(paidAt) : null,
          requestedAt,
          paidAt ?? requestedAt,
        ]);
        if (paidAt) move(['contract_committed', id], ['paid', id], amount, 'pay', 'payment', paymentId, paidAt);
      }
      instalments.push([
        instalmentId,
        id,
        seq,
        amount,
        5_000,
        seq === 1 ? '合同签订后' : '终期评估后',
        due,
        seq === 2 ? 1 : 0,
        instStatus,
        0,
        created,
        updated,
        'manual',
      ]);
    }
  }
  for (const row of lineRows) row[6] = lineTotal.get(row[0] as number) ?? 0;
  await ins.insert(
    'budget_lines',
    ['id', 'year', 'district_id', 'fund_source', 'finance_agency_id', 'name', 'amount_fen', 'created_by', 'created_at', 'updated_at', 'lock_version'],
    lineRows,
  );
  await ins.insert(
    'projects',
    [
      'id',
      'year',
      'district_id',
      'agency_id',
      'title',
      'target_group',
      'budget_fen',
      'procurement_method',
      'ocid',
      'status',
      'created_by',
      'created_at',
      'updated_at',
      'lock_version',
    ],
    projects,
  );
  await ins.insert(
    'awards',
    [
      'id',
      'project_id',
      'active_project_id',
      'organisation_id',
      'organisation_district_id',
      'amount_fen',
      'reasons',
      'status',
      'awarded_by',
      'awarded_at',
      'created_at',
      'updated_at',
    ],
    awards,
  );
  await ins.insert(
    'allocations',
    [
      'id',
      'budget_line_id',
      'project_id',
      'district_id',
      'line_district_id',
      'year',
      'fund_source',
      'amount_fen',
      'purpose',
      'funds',
      'status',
      'requested_by',
      'submitted_at',
      'decided_by',
      'decided_at',
      'released_fen',
      'created_at',
      'updated_at',
      'lock_version',
    ],
    allocations,
  );
  await ins.insert(
    'contracts',
    [
      'id',
      'number',
      'project_id',
      'award_id',
      'organisation_id',
      'district_id',
      'year',
      'status',
      'value_fen',
      'reimbursement_ceiling_fen',
      'signed_on',
      'term_start',
      'term_end',
      'content',
      'version_number',
      'activated_by',
      'activated_at',
      'created_by',
      'created_at',
      'updated_at',
      'lock_version',
    ],
    contracts,
  );
  await ins.insert(
    'instalments',
    [
      'id',
      'contract_id',
      'seq',
      'amount_fen',
      'percent_basis_points',
      'milestone',
      'due_on',
      'requires_final_evaluation',
      'status',
      'version_from',
      'created_at',
      'updated_at',
      'milestone_kind',
    ],
    instalments,
  );
  await ins.insert(
    'payments',
    [
      'id',
      'contract_id',
      'instalment_id',
      'open_instalment_id',
      'kind',
      'district_id',
      'organisation_id',
      'year',
      'amount_fen',
      'status',
      'requested_by',
      'requested_at',
      'approved_by',
      'approved_at',
      'paid_by',
      'paid_at',
      'bank_reference',
      'paid_on',
      'created_at',
      'updated_at',
    ],
    payments,
  );
  await ins.insert(
    'ledger_entries',
    ['txn', 'account_type', 'account_id', 'amount_fen', 'movement', 'record_type', 'record_id', 'created_by', 'created_at'],
    ledger,
  );

  // Deliverables: 20 per contract (a category's quarterly and monthly reports), versions for those handed in.
  const versionRows: Row[] = [];
  function* deliverables(): Generator<Row> {
    let id = 0;
    for (const c of contractFacts) {
      if (c.status === 'draft') continue;
      for (let k = 0; k < 20; k += 1) {
        id += 1;
        const category = categories[k % categories.length];
        const periodStart = addDaysTo(c.start, Math.floor(k / categories.length) * 91 + (k % categories.length));
        const periodEnd = addDaysTo(periodStart, 90);
        const due = addDaysTo(periodEnd, 10);
        const past = due < todayIso;
        const r = rnd();
        const status = past ? (r < 0.88 ? 'accepted' : r < 0.94 ? 'submitted' : r < 0.97 ? 'returned' : 'draft') : r < 0.15 ? 'submitted' : 'draft';
        const submittedAt = status === 'draft' ? null : new Date(Date.parse(`${due}T06:00:00Z`) - Math.floor(rnd() * 5) * 86_400_000);
        const acceptedAt = status === 'accepted' && submittedAt ? new Date(submittedAt.getTime() + 3 * 86_400_000) : null;
        const version = status === 'draft' ? 0 : 1;
        if (version)
          versionRows.push([
            id,
            1,
            status === 'accepted' ? 'accepted' : status,
            '{"served":12}',
            'form',
            '本季度服务情况',
            1,
            orgUser,
            orgUser,
            submittedAt,
            submittedAt,
            submittedAt,
          ]);
        yield [
          id,
          c.id,
          c.orgId,
          c.districtId,
          category,
          periodStart,
          periodEnd,
          due,
          status,
          version,
          version,
          submittedAt,
          submittedAt ? 0 : null,
          submittedAt,
          acceptedAt,
          acceptedAt ? officer : null,
          acceptedAt ? 1 : null,
          submittedAt ?? now,
          acceptedAt ?? submittedAt ?? now,
          0,
        ];
      }
    }
  }
  await ins.insert(
    'deliverables',
    [
      'id',
      'contract_id',
      'organisation_id',
      'district_id',
      'category_code',
      'period_start',
      'period_end',
      'due_on',
      'status',
      'current_version',
      'submission_count',
      'first_submitted_at',
      'submitted_late_days',
      'submitted_at',
      'accepted_at',
      'accepted_by',
      'accepted_version',
      'created_at',
      'updated_at',
      'lock_version',
    ],
    deliverables(),
  );
  await ins.insert(
    'deliverable_versions',
    [
      'deliverable_id',
      'version',
      'status',
      'metrics',
      'metrics_source',
      'narrative',
      'personal_data_confirmed',
      'created_by',
      'submitted_by',
      'submitted_at',
      'created_at',
      'updated_at',
    ],
    versionRows,
  );

  // Child workers with their training: a share lapsing, a share never trained.
  const cipher = new PersonalDataCipher(config.dataKey);
  const workerCount = Math.max(100, Math.round(600_000 * scale));
  const trainings: Row[] = [];
  const workersOf = new Map<number, number[]>();
  function* workers(): Generator<Row> {
    for (let id = 1; id <= workerCount; id += 1) {
      const d = pick(weighted);
      const inDistrict = workersOf.get(d.id) ?? [];
      inDistrict.push(id);
      workersOf.set(d.id, inDistrict);
      const subs = subDistricts.filter((s) => s.district_id === d.id);
      const birth = `19${60 + Math.floor(rnd() * 40)}0101`;
      const idNumber = `440304${birth}${String(id % 1000).padStart(3, '0')}`;
      const checked = `${idNumber}${'0123456789X'[id % 11]}`;
      const r = rnd();
      const passed = r < 0.85 ? addDaysTo(todayIso, -Math.floor(rnd() * 360)) : r < 0.92 ? addDaysTo(todayIso, -340 - Math.floor(rnd() * 20)) : null;
      if (passed) trainings.push([id, 'initial', passed, '儿童督导员岗前培训', 80, '市民政局', 1, officer, now]);
      yield [
        id,
        rnd() < 0.9 ? 'director' : 'supervisor',
        `儿童主任${id}`,
        cipher.encrypt(checked),
        `${createHash('sha256').update(`${id}`).digest('hex')}`,
        `${checked.slice(0, 6)}********${checked.slice(14)}`,
        d.id,
        subs.length ? pick(subs).id : null,
        `社区${id % 300}`,
        rnd() < 0.7 ? 'part_time' : 'full_time',
        rnd() < 0.95 ? 'active' : 'inactive',
        passed,
        passed,
        officer,
        now,
        now,
        0,
      ];
    }
  }
  await ins.insert(
    'child_workers',
    [
      'id',
      'kind',
      'name',
      'id_number_enc',
      'id_number_index',
      'id_number_masked',
      'district_id',
      'sub_district_id',
      'community',
      'employment',
      'status',
      'training_passed_on',
      'last_training_passed_on',
      'created_by',
      'created_at',
      'updated_at',
      'lock_version',
    ],
    workers(),
  );
  await ins.insert(
    'training_records',
    ['child_worker_id', 'kind', 'trained_on', 'course', 'hours_tenths', 'trainer', 'passed', 'created_by', 'created_at'],
    trainings,
  );

  // Engagements of child workers on contracts of their district, and their monthly claims of
  // transport or phone costs (one line each, with its 发票 and receipt file): 200,000·S claims.
  const claimCount = Math.max(200, Math.round(200_000 * scale));
  const signed = contractFacts.filter((c) => c.status !== 'draft' && c.start < todayIso);
  const engagementRows: Row[] = [];
  const claimRows: Row[] = [];
  const lineRows2: unknown[][] = [];
  const fileRows: unknown[][] = [];
  const fapiaoRows: Row[] = [];
  let claimId = 0;
  for (let e = 1; claimId < claimCount && signed.length; e += 1) {
    const c = pick(signed);
    const pool = workersOf.get(c.districtId) ?? workersOf.values().next().value ?? [1];
    const worker = pick(pool);
    engagementRows.push([e, c.id, c.orgId, c.districtId, worker, c.start, c.end, orgUser, now, now, 0]);
    for (let m = 0; m < 4 && claimId < claimCount; m += 1) {
      const month = addDaysTo(c.start, 31 * (m * 3 + Math.floor(rnd() * 3))).slice(0, 7);
      if (`${month}-28` >= todayIso) break;
      claimId += 1;
      const r = rnd();
      const recent = addDaysTo(`${month}-28`, 60) >= todayIso;
      const status = recent
        ? r < 0.3
          ? 'submitted'
          : r < 0.5
            ? 'verified'
            : r < 0.65
              ? 'approved'
              : r < 0.75
                ? 'returned'
                : r < 0.85
                  ? 'draft'
                  : 'paid'
        : r < 0.9
          ? 'paid'
          : r < 0.95
            ? 'rejected'
            : 'approved';
      const amount = (100 + Math.floor(rnd() * 500)) * 100;
      const submitted = status === 'draft' ? null : new Date(Date.parse(`${month}-28T03:00:00Z`) + 3 * 86_400_000);
      const verified = ['verified', 'approved', 'paid', 'rejected'].includes(status) && submitted ? new Date(submitted.getTime() + 2 * 86_400_000) : null;
      const approved = ['approved', 'paid'].includes(status) && verified ? new Date(verified.getTime() + 2 * 86_400_000) : null;
      const decided = status === 'rejected' || status === 'returned' ? (verified ?? submitted) : null;
      claimRows.push([
        claimId,
        c.id,
        c.orgId,
        c.districtId,
        worker,
        e,
        month,
        status,
        amount,
        amount,
        orgUser,
        submitted ? orgUser : null,
        submitted,
        verified ? officer : null,
        verified,
        approved ? financeUser : null,
        approved,
        decided ? officer : null,
        decided,
        decided ? '票据不清晰' : null,
        null,
        submitted ?? now,
        approved ?? verified ?? submitted ?? now,
        0,
      ]);
      const digital = `2644${String(claimId).padStart(16, '0')}`;
      fileRows.push([
        claimId,
        `bench/receipt-${claimId}`,
        'claim_receipt',
        `receipt-${claimId}.jpg`,
        'image/jpeg',
        120_000,
        '0'.repeat(64),
        orgUser,
        'claim',
        claimId,
        c.districtId,
        c.orgId,
        submitted ?? now,
      ]);
      lineRows2.push([
        claimId,
        claimId,
        `${month}-15`,
        m % 2 ? 'communication' : 'transport',
        m % 2 ? '话费' : '入户探访交通',
        amount,
        null,
        digital,
        `e:${digital}`,
        digital,
        claimId,
        now,
        now,
      ]);
      if (status !== 'draft' && status !== 'rejected') fapiaoRows.push([claimId, `e:${digital}`, claimId, claimId, submitted ?? now]);
    }
  }
  const fileStart = Number((await q<{ m: number | null }>('SELECT MAX(id) AS m FROM stored_files'))[0].m ?? 0);
  for (const f of fileRows) f[0] = (f[0] as number) + fileStart;
  for (const l of lineRows2) l[10] = (l[10] as number) + fileStart;
  await ins.insert(
    'stored_files',
    [
      'id',
      'storage_key',
      'kind',
      'original_name',
      'mime_type',
      'size',
      'sha256',
      'uploaded_by',
      'owner_type',
      'owner_id',
      'district_id',
      'organisation_id',
      'created_at',
    ],
    fileRows,
  );
  await ins.insert(
    'engagements',
    [
      'id',
      'contract_id',
      'organisation_id',
      'district_id',
      'child_worker_id',
      'starts_on',
      'ends_on',
      'created_by',
      'created_at',
      'updated_at',
      'lock_version',
    ],
    engagementRows,
  );
  await ins.insert(
    'claims',
    [
      'id',
      'contract_id',
      'organisation_id',
      'district_id',
      'child_worker_id',
      'engagement_id',
      'month',
      'status',
      'total_fen',
      'claimed_fen',
      'created_by',
      'submitted_by',
      'submitted_at',
      'verified_by',
      'verified_at',
      'approved_by',
      'approved_at',
      'decided_by',
      'decided_at',
      'reason',
      'payment_id',
      'created_at',
      'updated_at',
      'lock_version',
    ],
    claimRows,
  );
  await ins.insert(
    'claim_lines',
    [
      'id',
      'claim_id',
      'spent_on',
      'kind',
      'description',
      'amount_fen',
      'fapiao_code',
      'fapiao_number',
      'fapiao_key',
      'fapiao_digital_number',
      'receipt_file_id',
      'created_at',
      'updated_at',
    ],
    lineRows2,
  );
  await ins.insert('claimed_fapiaos', ['id', 'fapiao_key', 'claim_id', 'claim_line_id', 'created_at'], fapiaoRows);

  // Evaluations: a final one of every ended contract (most confirmed, with a grade), an interim
  // one of most running contracts; on a template per district.
  const templateOf = new Map<number, number>();
  for (const d of districts) {
    const found = await q<{ id: number }>(`SELECT id FROM evaluation_templates WHERE district_id = ${d.id} ORDER BY id LIMIT 1`);
    if (found.length) templateOf.set(d.id, found[0].id);
    else {
      await withTransaction((transaction) =>
        sequelize.query(
          `INSERT INTO evaluation_templates (district_id, name, category_code, project_id, created_by, created_at, updated_at, lock_version) VALUES (${d.id}, '${d.code}服务成效评估模板', NULL, NULL, ${officer}, ${sequelize.escape(day(now))}, ${sequelize.escape(day(now))}, 0)`,
          { transaction },
        ),
      );
      templateOf.set(d.id, (await q<{ id: number }>(`SELECT MAX(id) AS id FROM evaluation_templates WHERE district_id = ${d.id}`))[0].id);
    }
  }
  const evaluatorId = users.find((u) => u.role === 'evaluator')?.id ?? null;
  const evaluationRows: Row[] = [];
  let evaluationId = 0;
  for (const c of contractFacts) {
    if (c.status === 'draft') continue;
    const ended = c.end < todayIso;
    if (!ended && rnd() < 0.3) continue;
    evaluationId += 1;
    const kind = ended ? 'final' : 'interim';
    const due = ended ? addDaysTo(c.end, 30) : addDaysTo(c.start, 200);
    const r = rnd();
    const status = ended
      ? r < 0.9
        ? 'confirmed'
        : r < 0.95
          ? 'submitted'
          : 'in_progress'
      : due < todayIso
        ? r < 0.7
          ? 'confirmed'
          : 'submitted'
        : 'scheduled';
    const done = status === 'confirmed' || status === 'submitted';
    const total = done ? 5_500 + Math.floor(rnd() * 4_400) : null;
    const grade = total === null ? null : total >= 9_000 ? 'excellent' : total >= 8_000 ? 'good' : total >= 6_000 ? 'pass' : 'fail';
    const submittedAt = done ? new Date(Date.parse(`${due}T03:00:00Z`) - 5 * 86_400_000) : null;
    const confirmedAt = status === 'confirmed' && submittedAt ? new Date(submittedAt.getTime() + 3 * 86_400_000) : null;
    evaluationRows.push([
      evaluationId,
      c.id,
      templateOf.get(c.districtId) ?? 1,
      c.districtId,
      c.orgId,
      c.year,
      kind,
      status,
      c.start,
      ended ? c.end : addDaysTo(c.start, 180),
      due,
      evaluatorId,
      total,
      status === 'confirmed' ? grade : null,
      submittedAt ? evaluatorId : null,
      submittedAt,
      confirmedAt ? officer : null,
      confirmedAt,
      officer,
      submittedAt ?? now,
      confirmedAt ?? submittedAt ?? now,
      0,
    ]);
  }
  await ins.insert(
    'evaluations',
    [
      'id',
      'contract_id',
      'template_id',
      'district_id',
      'organisation_id',
      'year',
      'kind',
      'status',
      'period_start',
      'period_end',
      'due_on',
      'evaluator_id',
      'total_hundredths',
      'grade',
      'submitted_by',
      'submitted_at',
      'confirmed_by',
      'confirmed_at',
      'created_by',
      'created_at',
      'updated_at',
      'lock_version',
    ],
    evaluationRows,
  );

  // Audit events over three years with a valid chain, the head pointing at the last one.
  const auditCount = Math.max(1_000, Math.round(1_000_000 * scale));
  const actions = [
    'deliverable.submit',
    'deliverable.accept',
    'payment.approve',
    'payment.pay',
    'contract.update',
    'auth.sign_in',
    'auth.sign_in_failed',
    'access.refused',
    'export.contracts',
  ];
  const span = 3 * 365 * 86_400_000;
  let prevHash = GENESIS_HASH;
  function* events(): Generator<Row> {
    for (let seq = 1; seq <= auditCount; seq += 1) {
      const at = new Date(now.getTime() - span + Math.floor((span * seq) / auditCount) - 60_000);
      const u = pick(users);
      const d = pick(districts);
      const fields = {
        prevHash,
        seq,
        at,
        actorId: u.id,
        actorName: u.username,
        actorRole: u.role,
        action: pick(actions),
        recordType: 'contract',
        recordId: String(1 + Math.floor(rnd() * contractCount)),
        districtId: d.id,
        detail: null,
        ip: '10.0.0.1',
        requestId: null,
      };
      const hash = eventHash(fields);
      prevHash = hash;
      yield [seq, seq, at, u.id, u.username, u.role, fields.action, 'contract', fields.recordId, d.id, null, '10.0.0.1', null, fields.prevHash, hash];
    }
  }
  await ins.insert(
    'audit_events',
    [
      'id',
      'seq',
      'at',
      'actor_id',
      'actor_name',
      'actor_role',
      'action',
      'record_type',
      'record_id',
      'district_id',
      'detail',
      'ip',
      'request_id',
      'prev_hash',
      'hash',
    ],
    events(),
  );
  await withTransaction((transaction) =>
    sequelize.query(`UPDATE audit_heads SET last_seq = ${auditCount}, last_hash = '${prevHash}' WHERE id = 1`, { transaction }),
  );
  if (dialect === 'sqlite') await sequelize.query('ANALYZE');
  else for (const t of SEEDED) await sequelize.query(`ANALYZE TABLE ${t}`);

  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    `bench:seed scale ${scale} on ${dialect}: ${contractCount} contracts, ${orgCount} organisations, ${workerCount} child workers, ${claimId} claims, ${evaluationRows.length} evaluations, ${auditCount} audit events; ${ins.rows} rows in ${seconds} s\n`,
  );
  await sequelize.close();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
