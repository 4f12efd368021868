import { expect } from 'chai';
import { Op, QueryTypes } from 'sequelize';
import { AuditEvent } from '../../models/index.js';
import type { Role } from '../../models/User.js';
import { auditVerify } from '../../server/cli/audit-verify.js';
import type { Actor } from '../../server/policies/index.js';
import { translator } from '../../server/i18n/index.js';
import { actionLabel, KNOWN_AUDIT_ACTIONS } from '../../server/presenters/audit.js';
import { formatDate } from '../../server/presenters/format.js';
import { recordAudit, verifyAuditChain } from '../../server/services/audit.js';
import { auditTrailWhere } from '../../server/services/audit-trail.js';
import { buildUser, district, unique } from '../factories/index.js';
import { type Agent, anonymous, loginAs, loginThroughForm } from '../support/agent.js';
import { captured, runScript } from '../support/cli.js';
import { testConfig, testSequelize } from '../support/hooks.js';

async function signedIn(role: Role, districtCode?: string) {
  const built = await buildUser(role, districtCode ? { districtCode } : {});
  return { ...built, agent: await loginAs(built.user, built.password) };
}

/** The seqs of the events a list page shows. */
function seqsOn(html: string): number[] {
  return [...html.matchAll(/data-testid="audit-event" data-seq="(\d+)"/g)].map((m) => Number(m[1]));
}

async function listed(agent: Agent, query: Record<string, string>): Promise<number[]> {
  const res = await agent.get('/audit').query(query);
  expect(res.status).to.equal(200);
  return seqsOn(res.text);
}

/** A few events of a record type of their own, so other tests' events never get in the way. */
async function someEvents() {
  const recordType = unique('rt');
  const ft = await district('FT');
  const lh = await district('LH');
  const alice = { id: 900001, username: unique('alice.'), role: 'officer' };
  const bob = { id: 900002, username: unique('bob.'), role: 'finance' };
  const e1 = await recordAudit({ actor: alice, action: 'user.update', recordType, recordId: 1, districtId: ft.id, detail: { n: 1 } });
  const e2 = await recordAudit({ actor: bob, action: 'user.create', recordType, recordId: 2, districtId: ft.id, detail: { n: 2 } });
  const e3 = await recordAudit({ actor: alice, action: 'user.create', recordType, recordId: 2, districtId: lh.id, detail: { n: 3 } });
  const e4 = await recordAudit({
    actor: null,
    action: 'custom.unknown_thing',
    recordType,
    recordId: 3,
    districtId: null,
    detail: { note: '<script>alert(1)</script>' },
  });
  return { recordType, alice, bob, ft, lh, seqs: [e1.seq, e2.seq, e3.seq, e4.seq] as const };
}

/** `npm run audit:verify` in-process, on the test database. */
async function runVerify(): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = captured();
  const code = await auditVerify(io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

async function rawUpdate(seq: number, column: 'detail' | 'action', value: string | null): Promise<void> {
  await testSequelize().query(`UPDATE audit_events SET ${column} = ? WHERE seq = ?`, { replacements: [value, seq], type: QueryTypes.UPDATE });
}

describe('audit trail', () => {
  describe('the page', () => {
    it('filters by record, actor, action and record id, newest first unless asked', async () => {
      const { agent } = await signedIn('admin');
      const { recordType, alice, bob, seqs } = await someEvents();
      const [s1, s2, s3, s4] = seqs;
      expect(await listed(agent, { recordType })).to.deep.equal([s4, s3, s2, s1]);
      expect(await listed(agent, { recordType, sort: 'time', dir: 'asc' })).to.deep.equal([s1, s2, s3, s4]);
      expect(await listed(agent, { recordType, actor: alice.username })).to.deep.equal([s3, s1]);
      expect(await listed(agent, { recordType, actor: ` ${bob.username.toUpperCase()} ` })).to.deep.equal([s2]);
      expect(await listed(agent, { recordType, action: 'user.create' })).to.deep.equal([s3, s2]);
      expect(await listed(agent, { recordType, recordId: '2' })).to.deep.equal([s3, s2]);
      expect(await listed(agent, { recordType, recordId: '2', actor: alice.username, action: 'user.create' })).to.deep.equal([s3]);
      expect(await listed(agent, { recordType: unique('none') })).to.deep.equal([]);
    });

    it("finds a real user's events by their username", async () => {
      const { agent } = await signedIn('admin');
      // Signs in through the form: that is what writes the sign-in event.
      const other = await buildUser('finance');
      await loginThroughForm(other.user, other.password);
      const signIns = await AuditEvent.findAll({ where: { action: 'auth.sign_in', actorId: other.user.id } });
      expect(signIns).to.have.length(1);
      expect(await listed(agent, { actor: other.user.username })).to.deep.equal([signIns[0].seq]);
      expect(await listed(agent, { actor: other.user.username, action: 'auth.sign_out' })).to.deep.equal([]);
    });

    it('filters by days in Asia/Shanghai, both ends included', async () => {
      const { agent } = await signedIn('inspector', 'SZ');
      const { recordType, seqs } = await someEvents();
      const first = await AuditEvent.findOne({ where: { seq: seqs[0] } });
      const day = formatDate(first!.at);
      const shift = (d: string, days: number) => new Date(Date.parse(`${d}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
      expect(await listed(agent, { recordType, from: day, to: shift(day, 1) })).to.have.length(4);
      expect(await listed(agent, { recordType, from: day, to: day })).to.include(seqs[0]);
      expect(await listed(agent, { recordType, from: shift(day, -1), to: shift(day, -1) })).to.deep.equal([]);
      expect(await listed(agent, { recordType, from: shift(day, 2) })).to.deep.equal([]);
      expect(await listed(agent, { recordType, to: shift(day, -1), from: '' })).to.deep.equal([]);
      expect((await agent.get('/audit').query({ from: '2026-02-31' })).status).to.equal(400);
      expect((await agent.get('/audit').query({ to: 'yesterday' })).status).to.equal(400);
    });

    it('turns days into instants at Shanghai midnight', async () => {
      const admin = { role: 'admin', districtId: 1, cityLevel: true } as Actor;
      const where = (await auditTrailWhere(admin, { from: '2026-01-02', to: '2026-01-02' })) as { at: Record<symbol, Date> };
      expect(where.at[Op.gte].toISOString()).to.equal('2026-01-01T16:00:00.000Z');
      expect(where.at[Op.lt].toISOString()).to.equal('2026-01-02T16:00:00.000Z');
    });

    it('shows a district inspector only their district, the city and the administrator everything', async () => {
      const { recordType, seqs } = await someEvents();
      const [s1, s2, s3, s4] = seqs;
      const local = await signedIn('inspector', 'FT');
      expect(await listed(local.agent, { recordType })).to.deep.equal([s2, s1]);
      expect(await listed(local.agent, { recordType, recordId: '2' })).to.deep.equal([s2]);
      const city = await signedIn('inspector', 'SZ');
      expect(await listed(city.agent, { recordType })).to.deep.equal([s4, s3, s2, s1]);
      const luohu = await signedIn('inspector', 'LH');
      expect(await listed(luohu.agent, { recordType })).to.deep.equal([s3]);
    });

    it('labels known actions, shows unknown codes as they are, and escapes the detail', async () => {
      const { agent } = await signedIn('admin');
      const { recordType, alice } = await someEvents();
      // A visitor's request without a person (a failed sign-in) has a request id; the system's own work (set-up, jobs) has none.
      await recordAudit({ actor: null, action: 'auth.login_failed', recordType, recordId: 4, districtId: null, context: { requestId: 'req-visitor' } });
      const res = await agent.get('/audit').query({ recordType });
      expect(res.text).to.contain('修改用户').and.to.contain('新建用户').and.to.contain('custom.unknown_thing');
      expect(res.text).to.contain(alice.username).and.to.contain('业务经办人').and.to.contain('（未登录）').and.to.contain('（系统自动）');
      expect(res.text).to.contain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(res.text).to.not.contain('<script>alert(1)');
      // The action filter offers what a person reads, not the internal code.
      expect(res.text).to.match(/<option value="user.create"[^>]*>新建用户<\/option>/);
      expect(res.text).not.to.match(/<option[^>]*>[^<]*\(user\.create\)<\/option>/);
      const en = await agent.get('/audit').query({ recordType }).set('Cookie', 'lang=en');
      expect(en.text).to.contain('User updated');
    });

    it('has a label in both languages for every known action', () => {
      for (const locale of ['zh-CN', 'en'] as const) {
        const t = translator(locale);
        for (const action of KNOWN_AUDIT_ACTIONS) expect(actionLabel(action, t), `${locale} ${action}`).to.not.equal(action);
      }
      expect(actionLabel('something.new', translator('en'))).to.equal('something.new');
    });

    it('pages in the database', async () => {
      const { agent } = await signedIn('admin');
      const recordType = unique('rt');
      const seqs: number[] = [];
      for (let i = 0; i < 12; i++) seqs.push((await recordAudit({ actor: null, action: 'user.update', recordType, recordId: i })).seq);
      const first = await agent.get('/audit').query({ recordType, perPage: '10', dir: 'asc' });
      expect(seqsOn(first.text)).to.deep.equal(seqs.slice(0, 10));
      expect(first.text).to.contain('共 12 条').and.to.contain('第 1 / 2 页');
      expect(await listed(agent, { recordType, perPage: '10', dir: 'asc', page: '2' })).to.deep.equal(seqs.slice(10));
      expect(await listed(agent, { recordType, perPage: '10', page: '2' })).to.deep.equal([seqs[1], seqs[0]]);
      expect((await agent.get('/audit').query({ perPage: '7' })).status).to.equal(400);
      expect((await agent.get('/audit').query({ sort: 'actor' })).status).to.equal(400);
      expect((await agent.get('/audit').query({ action: ['a', 'b'] })).status).to.equal(400);
    });

    it('refuses organisation users, officers, finance and evaluators; sends anonymous visitors to sign in', async () => {
      for (const role of ['org', 'officer', 'finance', 'evaluator'] as const) {
        const { agent } = await signedIn(role);
        expect((await agent.get('/audit')).status, role).to.equal(403);
        expect((await agent.get('/audit?format=csv')).status, role).to.equal(403);
      }
      const res = await anonymous().get('/audit').set('Accept', 'text/html');
      expect(res.status).to.equal(302);
      expect(res.headers.location).to.match(/^\/login\?next=/);
    });
  });

  describe('export', () => {
    it('exports exactly the filtered rows as CSV with a BOM, and records the export', async () => {
      const { agent, user } = await signedIn('admin');
      const { recordType, seqs } = await someEvents();
      const res = await agent.get('/audit').query({ recordType, action: 'user.create', format: 'csv' }).buffer(true);
      expect(res.status).to.equal(200);
      expect(res.headers['content-type']).to.match(/^text\/csv/);
      expect(res.text.charCodeAt(0)).to.equal(0xfeff);
      const lines = res.text.slice(1).trim().split('\r\n');
      expect(lines[0]).to.contain('序号').and.to.contain('操作代码');
      expect(lines.slice(1).map((l) => Number(l.split(',')[0]))).to.deep.equal([seqs[1], seqs[2]]);
      const event = await AuditEvent.findOne({ where: { action: 'audit.export', actorId: user.id } });
      expect(event).to.not.equal(null);
      expect(JSON.parse(event!.detail!)).to.deep.equal({ format: 'csv', filters: { action: 'user.create', recordType } });
    });

    it("exports a district inspector's district only, also as XLSX", async () => {
      const { recordType, seqs } = await someEvents();
      const { agent, user } = await signedIn('inspector', 'FT');
      const csv = await agent.get('/audit').query({ recordType, format: 'csv' }).buffer(true);
      expect(
        csv.text
          .slice(1)
          .trim()
          .split('\r\n')
          .slice(1)
          .map((l) => Number(l.split(',')[0])),
      ).to.deep.equal([seqs[0], seqs[1]]);
      const xlsx = await agent
        .get('/audit')
        .query({ recordType, format: 'xlsx' })
        .buffer(true)
        .parse((r, cb) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => cb(null, Buffer.concat(chunks)));
        });
      expect(xlsx.status).to.equal(200);
      expect(xlsx.headers['content-type']).to.contain('spreadsheetml');
      expect((xlsx.body as Buffer).subarray(0, 2).toString()).to.equal('PK');
      expect(await AuditEvent.count({ where: { action: 'audit.export', actorId: user.id } })).to.equal(2);
      const own = await AuditEvent.findOne({ where: { action: 'audit.export', actorId: user.id } });
      expect(own?.districtId).to.equal((await district('FT')).id);
    });
  });

  describe('the hash chain', () => {
    it('holds after several events, and names a changed row as the first broken link', async () => {
      const { seqs } = await someEvents();
      expect(await verifyAuditChain()).to.include({ ok: true });
      const target = seqs[1];
      const original = await AuditEvent.findOne({ where: { seq: target } });
      try {
        await rawUpdate(target, 'detail', JSON.stringify({ n: 'tampered' }));
        const report = await verifyAuditChain();
        expect(report).to.include({ ok: false, brokenAt: target });
        expect(report.ok === false && report.reason).to.contain('contents');
      } finally {
        await rawUpdate(target, 'detail', original!.detail);
      }
      try {
        await rawUpdate(target, 'action', 'user.enable');
        expect(await verifyAuditChain()).to.include({ ok: false, brokenAt: target });
      } finally {
        await rawUpdate(target, 'action', original!.action);
      }
      expect(await verifyAuditChain()).to.include({ ok: true });
    });

    it('reports the gap where a middle event was deleted', async () => {
      const { seqs } = await someEvents();
      const middle = await AuditEvent.findOne({ where: { seq: seqs[1] } });
      const row = middle!.get({ plain: true });
      try {
        await AuditEvent.destroy({ where: { id: row.id } });
        const report = await verifyAuditChain();
        expect(report).to.include({ ok: false, brokenAt: seqs[1] });
        expect(report.ok === false && report.reason).to.contain('missing');
      } finally {
        await AuditEvent.create(row);
      }
      expect(await verifyAuditChain()).to.include({ ok: true });
    });

    it('npm run audit:verify exits 0 on an intact chain and 1 naming the first broken link', async function () {
      this.timeout(60_000);
      const { seqs } = await someEvents();
      const intact = await runVerify();
      expect(intact.stderr).to.equal('');
      expect(intact.code).to.equal(0);
      const count = await AuditEvent.count();
      expect(intact.stdout.trim()).to.equal(`Audit chain intact: ${count} events`);
      // The one run as a script, as `npm run audit:verify` does: its exit code and output.
      const script = await runScript('audit-verify.ts', [], testConfig().databaseUrl);
      expect(script.stderr).to.equal('');
      expect(script.code).to.equal(0);
      expect(script.stdout.trim()).to.equal(`Audit chain intact: ${count} events`);
      const original = await AuditEvent.findOne({ where: { seq: seqs[2] } });
      try {
        await rawUpdate(seqs[2], 'detail', '{"n":333}');
        const broken = await runVerify();
        expect(broken.code).to.equal(1);
        expect(broken.stdout).to.match(new RegExp(`^Audit chain broken at event ${seqs[2]}: `));
      } finally {
        await rawUpdate(seqs[2], 'detail', original!.detail);
      }
      expect(await verifyAuditChain()).to.include({ ok: true });
    });
  });
});
