import { expect } from 'chai';
import { Delivery, Digest, NotificationPreference } from '../../models/Delivery.js';
import { Notification } from '../../models/Notification.js';
import { type User, User as UserModel } from '../../models/index.js';
import { allocationRejecter } from '../../server/commands/finance/allocationRejecter.js';
import { setClock } from '../../server/clock.js';
import { type DeliveryChannel, emailChannel, registerChannel, unregisterChannel } from '../../server/services/channels.js';
import { deliveryRound, sendDigests } from '../../server/services/deliveries.js';
import { notify } from '../../server/services/notifications.js';
import { actorOf, buildAllocation } from '../factories/finance.js';
import { buildUser, TEST_PASSWORD, unique } from '../factories/index.js';
import { loginAs, postForm } from '../support/agent.js';
import { formValues } from '../support/forms.js';
import { startSmtpServer } from '../support/smtp.js';

/** Noon, or `hour` o'clock, Beijing time on `day`. */
const beijing = (day: string, hour = 12) => new Date(Date.parse(`${day}T${String(hour).padStart(2, '0')}:00:00Z`) - 8 * 3600_000);

async function personWithMail(attrs: { locale?: string; modes?: Record<string, string> } = {}): Promise<User> {
  const { user } = await buildUser('officer', { districtCode: 'BA' });
  await user.update({ email: `${unique('p')}@example.test`, locale: attrs.locale ?? null });
  for (const [kind, mode] of Object.entries(attrs.modes ?? {})) {
    await NotificationPreference.upsert({ userId: user.id, kind, mode: mode as 'daily', updatedAt: new Date() });
  }
  return user;
}

/** A notification of an allocation rejected with `reason`, to `user`, written as the command writes it. */
const rejected = (user: User, reason = '项目预算重复', id = 9001) =>
  notify([user.id], {
    kind: 'allocationRejected',
    recordType: 'allocation',
    recordId: id,
    href: `/allocations/${id}`,
    params: { id, project: '困境儿童关爱服务', line: '福彩公益金', amount: '¥1,000.00', reason },
  });

describe('delivery: e-mail through a real SMTP server on localhost', () => {
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  const ctx = { baseUrl: 'https://careprocure.example.gov.cn' };
  const mailsTo = (user: User) => smtp.received.filter((m) => m.to.includes(user.email!));

  before(async () => {
    smtp = await startSmtpServer();
    registerChannel(emailChannel(smtp.url, 'CareProcure <noreply@example.test>'));
  });
  after(async () => {
    unregisterChannel('email');
    await smtp.close();
  });
  afterEach(() => setClock(null));

  it('sends one daily digest per person after 8:00, in their language, with links and no personal numbers', async () => {
    const zh = await personWithMail();
    const en = await personWithMail({ locale: 'en' });
    setClock(beijing('2031-03-02', 7));
    await rejected(zh, '请联系 13800138000 核对');
    await rejected(zh, '金额有误', 9002);
    await rejected(en, 'duplicate budget');
    await deliveryRound(ctx);
    expect(mailsTo(zh)).to.have.length(0);
    setClock(beijing('2031-03-02', 8));
    await deliveryRound(ctx);
    await deliveryRound(ctx);
    const [zhMail] = mailsTo(zh);
    expect(mailsTo(zh)).to.have.length(1);
    expect(zhMail.subject).to.contain('2031-03-02 通知汇总（2 条）');
    expect(zhMail.text)
      .to.contain('您为项目“困境儿童关爱服务”申请的资金安排（福彩公益金，¥1,000.00）未获批准。')
      .and.to.contain('https://careprocure.example.gov.cn/allocations/9002');
    expect(zhMail.text).to.contain('138****8000').and.not.to.contain('13800138000');
    const [enMail] = mailsTo(en);
    expect(enMail.subject).to.contain('Notifications of 2031-03-02 (1)');
    expect(enMail.text).to.contain('Your allocation for project “困境儿童关爱服务” (福彩公益金, ¥1,000.00) was rejected. Reason: duplicate budget');
    // The next notification waits for tomorrow's digest: one a day.
    setClock(beijing('2031-03-02', 15));
    await rejected(zh, '第三条', 9003);
    await deliveryRound(ctx);
    expect(mailsTo(zh)).to.have.length(1);
    setClock(beijing('2031-03-03', 8));
    await deliveryRound(ctx);
    expect(mailsTo(zh)).to.have.length(2);
    expect(mailsTo(zh)[1].text).to.contain('/allocations/9003').and.to.contain('第三条');
  });

  it('honours each person’s preference: immediately, daily, off', async () => {
    const now = await personWithMail({ modes: { money: 'immediately' } });
    const never = await personWithMail({ modes: { money: 'off' } });
    const later = await personWithMail();
    setClock(beijing('2031-04-01', 7));
    for (const u of [now, never, later]) await rejected(u);
    await deliveryRound(ctx);
    expect(mailsTo(now)).to.have.length(1);
    expect(mailsTo(now)[0].subject).to.contain('未获批准');
    expect(mailsTo(later)).to.have.length(0);
    setClock(beijing('2031-04-01', 9));
    await deliveryRound(ctx);
    expect(mailsTo(later)).to.have.length(1);
    expect(mailsTo(now)).to.have.length(1);
    expect(mailsTo(never)).to.have.length(0);
    expect(await Delivery.count({ where: { userId: never.id } })).to.equal(0);
    // In the app, all three have it.
    for (const u of [now, never, later]) expect(await Notification.count({ where: { userId: u.id } })).to.equal(1);
  });

  it('retries a refused mail with backoff and logs the reason; gives up after the last try', async () => {
    const person = await personWithMail({ modes: { money: 'immediately' } });
    setClock(beijing('2031-05-01', 7));
    await rejected(person);
    smtp.failNext(1);
    await deliveryRound(ctx);
    const [failed] = await Delivery.findAll({ where: { userId: person.id } });
    expect(failed.status).to.equal('failed');
    expect(failed.lastError).to.contain('mailbox busy');
    expect(failed.nextAttemptAt!.getTime() - beijing('2031-05-01', 7).getTime()).to.equal(60_000);
    setClock(new Date(beijing('2031-05-01', 7).getTime() + 30_000));
    await deliveryRound(ctx);
    expect(mailsTo(person)).to.have.length(0);
    setClock(new Date(beijing('2031-05-01', 7).getTime() + 61_000));
    await deliveryRound(ctx);
    expect(mailsTo(person)).to.have.length(1);
    expect((await Delivery.findByPk(failed.id))!).to.include({ status: 'delivered', attempts: 2 });
  });

  it('two servers racing the digest send it once', async () => {
    const person = await personWithMail();
    setClock(beijing('2031-06-01', 7));
    await rejected(person);
    await deliveryRound(ctx);
    setClock(beijing('2031-06-01', 10));
    await Promise.all([sendDigests(ctx), sendDigests(ctx), sendDigests(ctx)]);
    expect(mailsTo(person)).to.have.length(1);
    expect(await Digest.count({ where: { userId: person.id } })).to.equal(1);
  });
});

describe('delivery: other channels and the change that causes a notification', () => {
  afterEach(() => {
    setClock(null);
    unregisterChannel('sms');
  });

  it('a gateway is added behind the channel interface; its failures never touch the change and are retried until given up', async () => {
    const sent: string[] = [];
    let failing = true;
    const sms: DeliveryChannel = {
      name: 'sms',
      addressOf: (p) => (p.email ? '+86 138 0000 0000' : null),
      send: async (m) => {
        if (failing) throw new Error('gateway timeout');
        sent.push(m.text);
      },
    };
    registerChannel(sms);
    const finance = (await buildUser('finance', { districtCode: 'BA' })).user;
    const allocation = await buildAllocation({ status: 'submitted', districtCode: 'BA' });
    const requester = (await UserModel.findByPk(allocation.requestedBy))!;
    await requester.update({ email: `${unique('r')}@example.test` });
    await NotificationPreference.upsert({ userId: requester.id, kind: 'money', mode: 'immediately', updatedAt: new Date() });
    setClock(beijing('2031-07-01', 7));
    const decided = await allocationRejecter(allocation.id, '项目预算重复', { actor: actorOf(finance) });
    expect(decided.status).to.equal('rejected');
    const start = beijing('2031-07-01', 7).getTime();
    let at = start;
    for (let i = 0; i < 6; i += 1) {
      await deliveryRound({});
      const d = (await Delivery.findOne({ where: { userId: requester.id, channel: 'sms' } }))!;
      if (i < 5) expect(d.status).to.equal('failed');
      at = d.nextAttemptAt ? d.nextAttemptAt.getTime() : at;
      setClock(new Date(at));
    }
    const given = (await Delivery.findOne({ where: { userId: requester.id, channel: 'sms' } }))!;
    expect(given).to.include({ status: 'gave_up', attempts: 6 });
    expect(given.lastError).to.equal('gateway timeout');
    // Backoff 1, 5, 30, 120, 720 minutes between the six tries.
    expect(at - start).to.equal((1 + 5 + 30 + 120 + 720) * 60_000);
    expect(sent).to.deep.equal([]);
    failing = false;
  });
});

describe('delivery: the pages', () => {
  afterEach(() => setClock(null));

  it('a person sets their address, language and modes (a bad address refused beside its field); the administrator reads the log', async () => {
    const person = (await buildUser('officer', { districtCode: 'BA' })).user;
    const agent = await loginAs(person, TEST_PASSWORD);
    const form = await agent.get('/account/notifications');
    expect(form.status).to.equal(200);
    expect(form.text).to.contain('每日汇总').and.to.contain('name="mode_reminders"');
    const fields = (email: string) => ({
      email,
      locale: 'en',
      mode_money: 'immediately',
      mode_deliverables: 'daily',
      mode_evaluations: 'daily',
      mode_reminders: 'off',
      mode_escalations: 'daily',
      _version: formValues(form.text, '/account/notifications')._version,
    });
    const bad = await postForm(agent, '/account/notifications', fields('not-an-address'), '/account/notifications');
    expect(bad.status).to.equal(422);
    expect(bad.text).to.contain('value="not-an-address"').and.to.contain('请填写有效的邮箱地址');
    const address = `${unique('me')}@example.test`;
    expect((await postForm(agent, '/account/notifications', fields(address), '/account/notifications')).status).to.equal(303);
    await person.reload();
    expect(person).to.include({ email: address, locale: 'en' });
    expect((await NotificationPreference.findOne({ where: { userId: person.id, kind: 'reminders' } }))!.mode).to.equal('off');

    const failedFor = (await buildUser('officer', { districtCode: 'BA' })).user;
    const [n] = await Notification.findAll({ where: { userId: failedFor.id } });
    expect(n).to.equal(undefined);
    await rejected(failedFor, '理由', 9100);
    const note = (await Notification.findOne({ where: { userId: failedFor.id } }))!;
    await Delivery.create({
      notificationId: note.id,
      userId: failedFor.id,
      channel: 'email',
      mode: 'immediately',
      status: 'failed',
      attempts: 2,
      nextAttemptAt: new Date(Date.now() + 300_000),
      lastError: 'connect ECONNREFUSED 127.0.0.1:25',
      createdAt: new Date(),
    });
    const admin = (await buildUser('admin')).user;
    const adminAgent = await loginAs(admin, TEST_PASSWORD);
    const log = await adminAgent.get(`/admin/deliveries?username=${encodeURIComponent(failedFor.username)}`);
    expect(log.status).to.equal(200);
    expect(log.text).to.contain(failedFor.username).and.to.contain('发送失败，将重试').and.to.contain('connect ECONNREFUSED').and.to.contain('平台内');
    const failedOnly = await adminAgent.get('/admin/deliveries?status=failed');
    expect(failedOnly.text).to.contain(failedFor.username);
    expect((await agent.get('/admin/deliveries')).status).to.equal(403);
  });
});
