import { expect } from 'chai';
import { Op } from 'sequelize';
import { AuditEvent, type User } from '../../models/index.js';
import { Notification } from '../../models/Notification.js';
import { Organisation } from '../../models/Organisation.js';
import { ReminderSetting } from '../../models/ReminderSetting.js';
import { setClock, today } from '../../server/clock.js';
import { remindersRound } from '../../server/housekeeping.js';
import { translator } from '../../server/i18n/index.js';
import { notificationMessage } from '../../server/services/notifications.js';
import { sendReminders } from '../../server/services/reminders.js';
import { buildDeliverableContract } from '../factories/deliverables.js';
import { buildEvaluation } from '../factories/evaluations.js';
import { buildUser, TEST_PASSWORD } from '../factories/index.js';
import { buildPaymentContract } from '../factories/payments.js';
import { addTrainings, buildWorker } from '../factories/workers.js';
import { csrfFrom, loginAs, postForm } from '../support/agent.js';
import { formValues } from '../support/forms.js';

/** Stops the clock at noon (Beijing) of `day` and runs a reminders round for it. */
async function roundOn(day: string) {
  setClock(new Date(`${day}T04:00:00Z`));
  return sendReminders(today());
}

/** The notifications of `kind` that `user` has about a record. */
async function received(user: User, kind: string, recordType: string, recordId: number): Promise<number> {
  return Notification.count({ where: { userId: user.id, kind, recordType, recordId } });
}

const DEFAULTS = { enabled: true, daysBefore: 7, escalateAfterDays: 7, escalateTo: 'inspector' as const };

describe('reminders before deadlines (frozen clock)', () => {
  afterEach(async () => {
    setClock(null);
    await ReminderSetting.update(DEFAULTS, { where: { kind: 'deliverableDue' } });
  });

  it('reminds the organisation once, 7 days before a deliverable is due, and escalates it to the inspectors 7 days after', async () => {
    const built = await buildDeliverableContract({ districtCode: 'BA' });
    const d = built.deliverables[0];
    expect(d.dueOn).to.equal('2026-04-10');
    const inspector = (await buildUser('inspector', { districtCode: 'BA' })).user;
    const cityInspector = (await buildUser('inspector', { districtCode: 'SZ' })).user;
    const elsewhere = (await buildUser('inspector', { districtCode: 'LHUA' })).user;
    await roundOn('2026-04-02');
    expect(await received(built.orgUser, 'reminderDeliverableDue', 'deliverable', d.id)).to.equal(0);
    await roundOn('2026-04-03');
    expect(await received(built.orgUser, 'reminderDeliverableDue', 'deliverable', d.id)).to.equal(1);
    await roundOn('2026-04-03');
    await roundOn('2026-04-09');
    expect(await received(built.orgUser, 'reminderDeliverableDue', 'deliverable', d.id)).to.equal(1);
    expect(await received(built.officer, 'reminderDeliverableDue', 'deliverable', d.id)).to.equal(0);
    await roundOn('2026-04-16');
    expect(await received(inspector, 'escalationDeliverableDue', 'deliverable', d.id)).to.equal(0);
    await roundOn('2026-04-17');
    await roundOn('2026-04-18');
    expect(await received(inspector, 'escalationDeliverableDue', 'deliverable', d.id)).to.equal(1);
    expect(await received(cityInspector, 'escalationDeliverableDue', 'deliverable', d.id)).to.equal(1);
    expect(await received(elsewhere, 'escalationDeliverableDue', 'deliverable', d.id)).to.equal(0);
    const [n] = await Notification.findAll({ where: { userId: inspector.id, kind: 'escalationDeliverableDue', recordId: d.id } });
    expect(n.href).to.equal(`/deliverables/${d.id}`);
    expect(n.params).to.include({ deadline: '2026-04-10', category: 'home_visit' });
    // The inspector reads which organisation is late, not only a contract number.
    const organisation = (await Organisation.findByPk(d.organisationId))!.name;
    expect(notificationMessage(n, { t: translator('zh-CN'), locale: 'zh-CN' })).to.contain(`督办：${organisation}（合同 ${built.contract.number}）的服务成果`);
    expect(notificationMessage(n, { t: translator('en'), locale: 'en' })).to.contain(
      `the deliverable of ${organisation} under contract ${built.contract.number}`,
    );
    const reminder = (await Notification.findOne({ where: { userId: built.orgUser.id, kind: 'reminderDeliverableDue', recordId: d.id } }))!;
    expect(reminder.params, 'the organisation’s own reminder does not name it').not.to.have.property('organisation');
  });

  it('follows the settings: days before, escalation to the city officers, or off', async () => {
    const built = await buildDeliverableContract({ districtCode: 'BA' });
    const d = built.deliverables[0];
    const cityOfficer = (await buildUser('officer', { districtCode: 'SZ' })).user;
    await ReminderSetting.update({ enabled: false }, { where: { kind: 'deliverableDue' } });
    await roundOn('2026-04-08');
    expect(await received(built.orgUser, 'reminderDeliverableDue', 'deliverable', d.id)).to.equal(0);
    await ReminderSetting.update({ enabled: true, daysBefore: 10, escalateAfterDays: 2, escalateTo: 'cityOfficer' }, { where: { kind: 'deliverableDue' } });
    await roundOn('2026-03-31');
    expect(await received(built.orgUser, 'reminderDeliverableDue', 'deliverable', d.id)).to.equal(1);
    await roundOn('2026-04-12');
    expect(await received(cityOfficer, 'escalationDeliverableDue', 'deliverable', d.id)).to.equal(1);
  });

  it('reminds of rectification, training renewal, contract end and the final evaluation, each to who must act', async () => {
    const failed = await buildEvaluation({ status: 'confirmed', scores: [3000, 3000, 3000, 3000, 3000] });
    const org = (await buildUser('org', { organisation: failed.built.organisation })).user;
    await roundOn('2099-12-23');
    expect(await received(org, 'reminderRectification', 'evaluation', failed.evaluation.id)).to.equal(0);
    await roundOn('2099-12-24');
    expect(await received(org, 'reminderRectification', 'evaluation', failed.evaluation.id)).to.equal(1);

    const { worker } = await buildWorker({ districtCode: 'BA' });
    const officer = (await buildUser('officer', { districtCode: 'BA' })).user;
    await addTrainings(worker, [{ kind: 'initial', trainedOn: '2025-12-01' }], officer);
    await roundOn('2026-11-01');
    expect(await received(officer, 'reminderTrainingRenewal', 'child_worker', worker.id)).to.equal(0);
    await roundOn('2026-11-02');
    expect(await received(officer, 'reminderTrainingRenewal', 'child_worker', worker.id)).to.equal(1);

    const contract = await buildPaymentContract({ districtCode: 'BA', lastNeedsEvaluation: true, instalmentStatus: 'scheduled' });
    const member = (await buildUser('org', { organisation: contract.organisation, districtCode: 'BA' })).user;
    await roundOn('2026-12-01');
    expect(await received(member, 'reminderContractEnd', 'contract', contract.contract.id)).to.equal(1);
    expect(await received(contract.officer, 'reminderContractEnd', 'contract', contract.contract.id)).to.equal(1);

    const final = await buildEvaluation({ status: 'scheduled', built: contract });
    await roundOn('2026-12-16');
    expect(await received(final.evaluator, 'reminderFinalEvaluation', 'evaluation', final.evaluation.id)).to.equal(0);
    await roundOn('2026-12-17');
    expect(await received(final.evaluator, 'reminderFinalEvaluation', 'evaluation', final.evaluation.id)).to.equal(1);
  });

  it('sends once with two app instances: one wins the round, and rounds racing write each reminder once', async () => {
    const built = await buildDeliverableContract({ districtCode: 'BA' });
    const d = built.deliverables[1];
    setClock(new Date(`${d.dueOn.slice(0, 8)}05T04:00:00Z`));
    const rounds = await Promise.all([remindersRound('server-a'), remindersRound('server-b')]);
    expect(rounds.map((r) => r.ran).sort()).to.deep.equal([false, true]);
    await Promise.all([sendReminders(today()), sendReminders(today())]);
    expect(await received(built.orgUser, 'reminderDeliverableDue', 'deliverable', d.id)).to.equal(1);
  });
});

describe('reminder settings: the administrator’s page', () => {
  afterEach(() => ReminderSetting.update(DEFAULTS, { where: { kind: 'deliverableDue' } }));

  it('shows the city defaults, refuses a bad number beside its field with the input kept, saves and audits; others 403', async () => {
    const admin = (await buildUser('admin')).user;
    const agent = await loginAs(admin, TEST_PASSWORD);
    const page = await agent.get('/admin/reminders');
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('服务成果到期').and.to.contain('name="deliverableDue_daysBefore"');
    const fields = (deliverableDays: string) => ({
      ...Object.fromEntries(
        ['deliverableDue', 'rectification', 'trainingRenewal', 'contractEnd', 'finalEvaluation'].flatMap((k) => [
          [`${k}_enabled`, '1'],
          [`${k}_daysBefore`, '7'],
          [`${k}_escalateAfter`, ''],
          [`${k}_escalateTo`, 'inspector'],
        ]),
      ),
      deliverableDue_daysBefore: deliverableDays,
      deliverableDue_escalateAfter: '3',
      _version: formValues(page.text, '/admin/reminders')._version,
    });
    const bad = await postForm(agent, '/admin/reminders', fields('七天'), '/admin/reminders');
    expect(bad.status).to.equal(422);
    expect(bad.text).to.contain('value="七天"').and.to.contain('请填写 1 到 365 之间的整数天数');
    csrfFrom(bad.text);
    const ok = await postForm(agent, '/admin/reminders', fields('10'), '/admin/reminders');
    expect(ok.status).to.equal(303);
    const saved = (await ReminderSetting.findByPk('deliverableDue'))!;
    expect(saved).to.include({ daysBefore: 10, escalateAfterDays: 3, enabled: true });
    const trainings = (await ReminderSetting.findByPk('trainingRenewal'))!;
    expect(trainings).to.include({ daysBefore: 7, escalateAfterDays: null });
    const event = await AuditEvent.findOne({
      where: { action: 'reminder_settings.update', recordId: 'deliverableDue', actorId: admin.id },
      order: [['seq', 'DESC']],
    });
    expect(event).not.to.equal(null);
    await ReminderSetting.update({ daysBefore: 30, escalateAfterDays: null }, { where: { kind: 'trainingRenewal' } });
    const officer = (await buildUser('officer')).user;
    const other = await loginAs(officer, TEST_PASSWORD);
    expect((await other.get('/admin/reminders')).status).to.equal(403);
    expect(await Notification.count({ where: { userId: admin.id, kind: { [Op.like]: 'reminder%' } } })).to.equal(0);
  });
});
