import { expect } from 'chai';
import { Agency, AuditEvent } from '../../models/index.js';
import { Instalment } from '../../models/Instalment.js';
import { LotteryAnnouncement } from '../../models/LotteryAnnouncement.js';
import { paymentApprover } from '../../server/commands/payments/paymentApprover.js';
import { paymentPayer } from '../../server/commands/payments/paymentPayer.js';
import { milestoneMarker, paymentRequester } from '../../server/commands/payments/paymentRequester.js';
import { draftAnnouncement } from '../../server/services/lottery-announcement.js';
import { announcementCreator } from '../../server/commands/announcements/announcementCreator.js';
import { announcementTransitioner } from '../../server/commands/announcements/announcementTransitioner.js';
import { projectYear } from '../factories/projects.js';
import { actorOf } from '../factories/finance.js';
import { buildUser, TEST_PASSWORD } from '../factories/index.js';
import { liveProject } from '../factories/ocds.js';
import { anonymous, loginAs, postForm, sessionCookie } from '../support/agent.js';

async function lotteryYear() {
  const lived = await liveProject({ lottery: true, end: 'active' });
  const officer = await loginAs(lived.officer, TEST_PASSWORD);
  const finance = await loginAs(lived.finance, TEST_PASSWORD);
  return { lived, officer, finance, agencyId: lived.project.agencyId, year: lived.project.year };
}

describe('the yearly lottery-fund usage announcement (#19)', () => {
  it('is drafted from the ledger and the records: received, returned, allocated, spent; the share on what was spent beside the allocated one', async () => {
    const { lived, agencyId, year } = await lotteryYear();
    const c = await draftAnnouncement(agencyId, year);
    // The allocation held ¥45,000.00 (value, ceiling and ¥10,000.00 for the amendment); ¥9,000.00 was paid.
    expect([c.receivedFen, c.returnedFen, c.allocatedFen, c.spentFen]).to.deep.equal([4_500_000, 0, 4_500_000, 900_000]);
    expect([c.lotteryTotalFen, c.targetBp, c.spentShareBp, c.allocatedShareBp]).to.deep.equal([100_000_000, 1_000, 90, 450]);
    expect(c.projects).to.have.length(1);
    expect(c.projects[0]).to.include({
      title: lived.project.title,
      organisation: lived.organisation.name,
      method: 'competitive_consultation',
      paidFen: 900_000,
      spentFen: 900_000,
    });
    expect(c.projects[0].executionBp).to.equal(Math.round((900_000 * 10_000) / 3_300_000));
    expect(c.results.contracts).to.equal(1);
  });

  it('the officer drafts, writes the text and submits; finance approves; the officer issues; issued, it never changes and is public', async () => {
    const { lived, officer, finance, agencyId, year } = await lotteryYear();
    const created = await postForm(officer, '/announcements', { agencyId: String(agencyId), year: String(year) }, '/announcements/new');
    expect(created.status).to.equal(302);
    const a = (await LotteryAnnouncement.findOne({ where: { agencyId, year } }))!;
    const page = `/announcements/${a.id}`;
    const draft = await officer.get(page);
    expect(draft.text).to.include('data-testid="live-note"');
    expect(draft.text).to.include('¥9,000.00');
    expect(draft.text).to.include('0.90%');
    expect(draft.text).to.include('4.50%');
    // A second draft of the same body and year is refused beside the field.
    expect((await postForm(officer, '/announcements', { agencyId: String(agencyId), year: String(year) }, '/announcements/new')).status).to.equal(422);

    const text = '本局严格按规定使用福彩公益金，全部用于困境儿童关爱服务。';
    expect((await postForm(officer, `${page}/text`, { bodyText: text, _version: String(a.lockVersion) }, page)).status).to.equal(302);
    // Finance cannot approve a draft; the officer cannot approve at all.
    expect((await postForm(finance, `${page}/approve`, {}, page)).status).to.equal(409);
    expect((await postForm(officer, `${page}/submit`, {}, page)).status).to.equal(302);
    expect((await postForm(officer, `${page}/approve`, {}, page)).status).to.equal(403);
    expect((await postForm(officer, `${page}/text`, { bodyText: '改', _version: String(a.lockVersion + 1) }, page)).status).to.equal(409);
    // Returned with a reason, resubmitted, approved.
    expect((await postForm(finance, `${page}/return`, { reason: '' }, page)).status).to.equal(422);
    expect((await postForm(finance, `${page}/return`, { reason: '请补充成效说明' }, page)).status).to.equal(302);
    expect((await officer.get(page)).text).to.include('请补充成效说明');
    expect((await postForm(officer, `${page}/submit`, {}, page)).status).to.equal(302);
    expect((await postForm(finance, `${page}/approve`, {}, page)).status).to.equal(302);
    expect((await postForm(finance, `${page}/issue`, { confirmed: '1' }, page)).status).to.equal(403);
    // Issuing asks for a second look first, then issues.
    const look = await postForm(officer, `${page}/issue`, {}, page);
    expect(look.status).to.equal(200);
    expect((await LotteryAnnouncement.findByPk(a.id))!.status).to.equal('approved');
    expect((await postForm(officer, `${page}/issue`, { confirmed: '1' }, page)).status).to.equal(302);
    const issued = (await LotteryAnnouncement.findByPk(a.id))!;
    expect(issued.status).to.equal('issued');
    const stored = issued.content;

    // The records change after issue: another instalment is paid. The issued announcement does not.
    const open = await Instalment.findOne({ where: { contractId: lived.contract.id, status: 'scheduled' }, order: [['seq', 'ASC']] });
    await milestoneMarker(open!.id, { actor: actorOf(lived.officer) });
    const p = await paymentRequester(open!.id, { actor: actorOf(lived.officer) });
    await paymentApprover(p.id, { actor: actorOf(lived.finance) });
    await paymentPayer(p.id, { bankReference: 'ICBC-20260601-0003', paidOn: '2026-06-01' }, { actor: actorOf(lived.cashier) });
    expect((await draftAnnouncement(agencyId, year)).spentFen).to.be.greaterThan(900_000);
    expect((await LotteryAnnouncement.findByPk(a.id))!.content).to.equal(stored);

    const pub = await anonymous().get(`/public/announcements/${a.id}`);
    expect(pub.status).to.equal(200);
    expect(sessionCookie(pub)).to.equal(undefined);
    expect(pub.text).to.include(text);
    expect(pub.text).to.include('¥9,000.00');
    expect(pub.text).to.include('按实际使用');
    expect(pub.text).to.not.include(lived.officer.username);
    const list = await anonymous().get(`/public/announcements?year=${year}`);
    expect(list.text).to.include(`/public/announcements/${a.id}`);
    const print = await officer.get(`${page}/print`);
    expect(print.status).to.equal(200);
    expect(print.text).to.include('data-testid="print-title"');
    expect(print.text).to.not.include('data-testid="draft-mark"');
    const csv = await officer.get(`${page}/export?format=csv`);
    expect(csv.status).to.equal(200);
    expect(csv.text).to.include('9,000.00');
    for (const action of ['create', 'update', 'submit', 'return', 'approve', 'issue']) {
      expect(await AuditEvent.count({ where: { action: `lottery_announcement.${action}`, recordId: String(a.id) } }), action).to.be.greaterThan(0);
    }
    expect(await AuditEvent.count({ where: { action: 'lottery_announcement.export' } })).to.be.greaterThan(0);
  });

  it('the public pages need no sign-in and show nothing that is not issued (404)', async () => {
    const { officer, finance, agencyId, year } = await lotteryYear();
    await postForm(officer, '/announcements', { agencyId: String(agencyId), year: String(year) }, '/announcements/new');
    const a = (await LotteryAnnouncement.findOne({ where: { agencyId, year } }))!;
    const page = `/announcements/${a.id}`;
    expect((await anonymous().get(`/public/announcements/${a.id}`)).status).to.equal(404);
    await postForm(officer, `${page}/submit`, {}, page);
    expect((await anonymous().get(`/public/announcements/${a.id}`)).status).to.equal(404);
    await postForm(finance, `${page}/approve`, {}, page);
    expect((await anonymous().get(`/public/announcements/${a.id}`)).status).to.equal(404);
    expect((await anonymous().get(`/public/announcements?year=${year}`)).text).to.not.include(`/public/announcements/${a.id}`);
    expect((await anonymous().get('/public/announcements/999999999')).status).to.equal(404);
    const list = await anonymous().get('/public/announcements');
    expect(list.status).to.equal(200);
    expect(sessionCookie(list)).to.equal(undefined);
    // Staff pages stay behind sign-in; another district's officer does not find it.
    expect((await anonymous().get(page)).status).to.equal(302);
    const other = (await buildUser('officer', { districtCode: 'NS' })).user;
    expect((await (await loginAs(other, TEST_PASSWORD)).get(page)).status).to.equal(404);
    const ns = await Agency.findOne({ where: { districtId: other.districtId } });
    expect((await postForm(officer, '/announcements', { agencyId: String(ns!.id), year: String(year) }, '/announcements/new')).status).to.equal(422);
  });
});

describe('the lottery-fund announcement: the change on the previous year (#19)', () => {
  it('takes the previous year’s share from its issued announcement, as issued', async () => {
    const first = projectYear();
    const second = projectYear();
    const earlier = await liveProject({ lottery: true, end: 'active', year: first });
    const o = { actor: actorOf(earlier.officer) };
    const a = await announcementCreator({ agencyId: earlier.project.agencyId, year: first }, o);
    await announcementTransitioner(a.id, 'submit', o);
    await announcementTransitioner(a.id, 'approve', { actor: actorOf(earlier.finance) });
    await announcementTransitioner(a.id, 'issue', o);
    // The earlier year's records change after its announcement was issued: the next year still compares with what was issued.
    const open = await Instalment.findOne({ where: { contractId: earlier.contract.id, status: 'scheduled' }, order: [['seq', 'ASC']] });
    await milestoneMarker(open!.id, o);
    const p = await paymentRequester(open!.id, o);
    await paymentApprover(p.id, { actor: actorOf(earlier.finance) });
    await paymentPayer(p.id, { bankReference: 'ICBC-20260701-0004', paidOn: '2026-07-01' }, { actor: actorOf(earlier.cashier) });
    await liveProject({ lottery: true, end: 'active', year: second });
    const c = await draftAnnouncement(earlier.project.agencyId, second);
    expect(c.previousSpentShareBp).to.equal(90);
    expect(c.spentShareBp).to.equal(90);
    expect(c.changeBp).to.equal(0);
    expect((await draftAnnouncement(earlier.project.agencyId, first)).spentShareBp).to.be.greaterThan(90);
  });
});
