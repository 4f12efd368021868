import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { AuditEvent } from '../../models/index.js';
import type { Role } from '../../models/User.js';
import { getSequelize } from '../../server/db.js';
import { recordAudit } from '../../server/services/audit.js';
import { buildPaymentContract } from '../factories/payments.js';
import { buildUser } from '../factories/index.js';
import { buildWorker } from '../factories/workers.js';
import { recordRefsOf } from '../../server/presenters/audit-events.js';
import { loginAs, postForm } from '../support/agent.js';
import { testSequelize } from '../support/hooks.js';

async function signedIn(role: Role, districtCode?: string) {
  const built = await buildUser(role, districtCode ? { districtCode } : {});
  return { ...built, agent: await loginAs(built.user, built.password) };
}

/** The text a person reads on the page: tags stripped, technical details (a closed <details>) left out. */
function readable(html: string): string {
  return html
    .replace(/<details[\s\S]*?<\/details>/g, '')
    .replace(/<(script|style|select)[\s\S]*?<\/\1>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');
}

describe('audit trail as sentences', () => {
  it('says who did what to which record (linked to the record), from which state to which, amounts in ¥', async () => {
    const { user: officer } = await buildUser('officer', { districtCode: 'FT' });
    const built = await buildPaymentContract({ officer });
    const c = built.contract;
    const event = await recordAudit({
      actor: { id: officer.id, username: officer.username, role: 'officer' },
      action: 'contract.activate',
      recordType: 'contract',
      recordId: c.id,
      districtId: c.districtId,
      detail: { number: c.number, valueFen: 3_000_000, ceilingFen: 500_000, status: { from: 'draft', to: 'active' } },
      context: { requestId: '6708e68c-bcd7-4b1a-907b-b1cbdc96df58', ip: '127.0.0.1' },
    });
    const { agent } = await signedIn('admin');
    const res = await agent.get('/audit').query({ recordType: 'contract', recordId: String(c.id) });
    expect(res.status).to.equal(200);
    const row = res.text.slice(res.text.indexOf(`data-seq="${event.seq}"`));
    const item = row.slice(0, row.search(/data-testid="audit-event"|<\/ol>/));
    expect(item).to.contain(`href="/contracts/${c.id}"`).and.to.contain(`合同 ${c.number}`);
    const text = readable(item);
    expect(text).to.contain(officer.displayName).and.to.contain('业务经办人');
    expect(text).to.contain('草稿 → 履行中');
    expect(text).to.contain('合同金额： ¥30,000.00').and.to.contain('报销上限： ¥5,000.00');
    expect(text).to.not.match(/Fen|3000000|draft|6708e68c/);
    // The request id and the raw detail stay, for the technical check.
    expect(item).to.contain('6708e68c-bcd7-4b1a-907b-b1cbdc96df58');

    const en = await agent
      .get('/audit')
      .query({ recordType: 'contract', recordId: String(c.id) })
      .set('Cookie', 'lang=en');
    expect(readable(en.text)).to.contain('Draft → Active').and.to.contain('Contract value: ¥30,000.00');
  });

  it('names records of every kind on one page in one statement, each linked where it has a page (#15)', async () => {
    const { user: officer } = await buildUser('officer', { districtCode: 'FT' });
    const built = await buildPaymentContract({ officer });
    const { worker } = await buildWorker({ districtCode: 'FT', name: '审计名' });
    const actor = { id: officer.id, username: officer.username, role: 'officer' as const };
    const marks = [
      ['contract', built.contract.id],
      ['organisation', built.organisation.id],
      ['instalment', built.instalments[1].id],
      ['child_worker', worker.id],
      ['user', officer.id],
    ] as const;
    const ids: number[] = [];
    for (const [type, id] of marks) {
      const e = await recordAudit({
        actor,
        action: 'contract.update',
        recordType: type,
        recordId: id,
        districtId: built.contract.districtId,
        detail: null,
      });
      ids.push(e.id);
    }
    const events = await AuditEvent.findAll({ where: { id: ids } });
    const sequelize = getSequelize();
    let statements = 0;
    sequelize.addHook('beforeQuery', 'count-name-statements', () => {
      statements++;
    });
    const refs = await recordRefsOf(events, (key) => (typeof key === 'string' ? key : key.key)).finally(() =>
      sequelize.removeHook('beforeQuery', 'count-name-statements'),
    );
    expect(statements).to.equal(1);
    const byType = new Map(events.map((e) => [e.recordType, refs.get(e)]));
    expect(byType.get('contract')).to.deep.include({ href: `/contracts/${built.contract.id}` });
    expect(byType.get('contract')?.label).to.contain(built.contract.number);
    expect(byType.get('organisation')?.label).to.contain(built.organisation.name);
    expect(byType.get('instalment')).to.deep.include({ href: `/payments/contracts/${built.contract.id}` });
    expect(byType.get('instalment')?.label).to.contain('2');
    expect(byType.get('child_worker')?.label).to.contain('审计名');
    expect(byType.get('user')?.label).to.contain(officer.displayName);
  });

  it('narrows to one record by a click on one of its events, shown by its name, never by an id typed into a box (#13)', async () => {
    const { user: officer } = await buildUser('officer', { districtCode: 'FT' });
    const built = await buildPaymentContract({ officer });
    const c = built.contract;
    const actor = { id: officer.id, username: officer.username, role: 'officer' as const };
    await recordAudit({ actor, action: 'contract.update', recordType: 'contract', recordId: c.id, districtId: c.districtId, detail: null });
    await recordAudit({ actor, action: 'contract.activate', recordType: 'contract', recordId: c.id, districtId: c.districtId, detail: null });
    const { agent } = await signedIn('admin');
    const trail = (await agent.get('/audit').query({ recordType: 'contract' })).text;
    expect(trail, 'a box for a record id').to.not.match(/<input[^>]*name="recordId"(?![^>]*type="hidden")/);
    const href = `/audit?recordType=contract&amp;recordId=${c.id}`;
    expect(trail).to.contain(`href="${href}" data-testid="audit-record-history"`);
    const narrowed = (await agent.get(href.replace('&amp;', '&'))).text;
    const seqs = [...narrowed.matchAll(/data-testid="audit-event" data-seq="(\d+)"/g)].map((m) => Number(m[1]));
    const events = await AuditEvent.findAll({ where: { recordType: 'contract', recordId: String(c.id) } });
    expect(seqs.sort()).to.deep.equal(events.map((e) => e.seq).sort());
    // The chosen record by its name, kept by the filter form, with a link that lets it go.
    const chosen = /data-testid="chosen-recordId">([\s\S]*?)<\/div>/.exec(narrowed)?.[1] ?? '';
    expect(chosen).to.contain(`合同 ${c.number}`).and.to.contain(`name="recordId" value="${c.id}"`);
    const clear = /<a[^>]*href="([^"]*)"/.exec(chosen)?.[1].replace(/&amp;/g, '&') ?? '';
    expect(clear)
      .to.match(/^\/audit\?/)
      .and.to.contain('recordType=contract')
      .and.not.contain('recordId');
    // Each event of that record no longer offers to narrow to it again.
    expect(narrowed).to.not.contain('data-testid="audit-record-history"');
  });

  it('filters by a record type chosen by its name in the user’s language', async () => {
    const { agent } = await signedIn('admin');
    await recordAudit({ actor: null, action: 'contract.create', recordType: 'contract', recordId: 1, districtId: null, detail: null });
    const res = await agent.get('/audit');
    expect(res.text).to.match(/<select[^>]*name="recordType"[\s\S]*?<option value="contract"[^>]*>合同<\/option>/);
    const en = await agent.get('/audit').set('Cookie', 'lang=en');
    expect(en.text).to.match(/<option value="contract"[^>]*>Contract<\/option>/);
  });

  it('lets the administrator and inspectors verify the chain from the page, and says where it breaks', async () => {
    for (const role of ['admin', 'inspector'] as Role[]) {
      const { agent } = await signedIn(role);
      expect((await agent.get('/audit')).text).to.contain('action="/audit/verify"');
      const ok = await postForm(agent, '/audit/verify', {}, '/audit');
      expect(ok.status).to.equal(303);
      expect(ok.headers.location).to.equal('/audit');
      expect((await agent.get('/audit')).text).to.contain('审计链完整');
    }
    const { agent } = await signedIn('admin');
    const e = await recordAudit({ actor: null, action: 'custom.thing', recordType: 'x', recordId: 1, detail: { n: 1 } });
    const set = (detail: string | null) =>
      testSequelize().query('UPDATE audit_events SET detail = ? WHERE seq = ?', { replacements: [detail, e.seq], type: QueryTypes.UPDATE });
    try {
      await set(JSON.stringify({ n: 2 }));
      await postForm(agent, '/audit/verify', {}, '/audit');
      expect((await agent.get('/audit')).text).to.contain(`审计链已断开：第 ${e.seq} 条记录的内容与其哈希不一致`);
    } finally {
      await set(e.detail);
    }
    expect((await AuditEvent.findOne({ where: { seq: e.seq } }))!.detail).to.equal(e.detail);
  });

  it('refuses the check to everybody else', async () => {
    for (const role of ['officer', 'finance', 'evaluator', 'org'] as Role[]) {
      const { agent } = await signedIn(role);
      expect((await postForm(agent, '/audit/verify', {})).status, role).to.equal(403);
    }
  });

  it('sends a page number past the last page to the last page, filters kept', async () => {
    const { agent } = await signedIn('admin');
    const recordType = `rt${Date.now().toString(36)}`; // not eleven digits in a row: that would look like a phone number and be held
    for (let i = 0; i < 3; i++) await recordAudit({ actor: null, action: 'user.update', recordType, recordId: i });
    const res = await agent.get('/audit').query({ recordType, perPage: '10', page: '5' });
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.contain(`recordType=${recordType}`).and.to.contain('page=1');
  });
});
