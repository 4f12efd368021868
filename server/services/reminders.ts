import { literal, Op } from 'sequelize';
import { ChildWorker } from '../../models/ChildWorker.js';
import { CategorySets } from './service-categories.js';
import { Contract } from '../../models/Contract.js';
import { Deliverable } from '../../models/Deliverable.js';
import { District } from '../../models/District.js';
import { Evaluation } from '../../models/Evaluation.js';
import { Organisation } from '../../models/Organisation.js';
import { REMINDER_KINDS, type ReminderKind, ReminderSetting } from '../../models/ReminderSetting.js';
import { User } from '../../models/User.js';
import { addDays, addMonths } from './calendar.js';
import { type NotificationInput, notifyMany } from './notifications.js';
import { statusFromSummary } from './training-status.js';

/**
 * Reminders before deadlines and escalation of overdue items (#16). Once a day matters, not the
 * hour: a round (server/housekeeping.ts, once per interval across the servers) asks each kind for
 * the open items whose deadline falls within its `daysBefore` from today and reminds who must act,
 * and for the items overdue by `escalateAfterDays` and tells the supervising role. Each reminder is
 * a notification with a key of its kind, record and deadline: the unique key lets it be written
 * once per deadline and recipient, however many rounds or servers ask (a deadline that moves is a
 * new deadline). Escalation looks back a bounded window only, so a first round does not escalate
 * years of history.
 */

/** How long after becoming due for escalation an item is still escalated (by a round that ran late). */
export const ESCALATION_WINDOW_DAYS = 30;

/** An open item with a deadline: who must act on it, and what the message names. */
type Due = {
  recordType: string;
  recordId: number;
  deadline: string;
  href: string;
  districtId: number;
  organisationId: number | null;
  /** The evaluator who must act, where there is one; else the district's officers. */
  evaluatorId?: number | null;
  params: NotificationInput['params'];
};

type Audience = 'organisation' | 'officers' | 'organisationAndOfficers' | 'evaluatorOrOfficers';

type KindSpec = { audience: Audience; open: (from: string, to: string) => Promise<Due[]> };

const CONTRACT = { model: Contract, as: 'contract', attributes: ['id', 'number', 'year', 'categoryYear'] };

const SPECS: Record<ReminderKind, KindSpec> = {
  deliverableDue: {
    audience: 'organisation',
    open: async (from, to) => {
      const rows = await Deliverable.findAll({
        where: { status: { [Op.in]: ['draft', 'returned'] }, dueOn: { [Op.between]: [from, to] } },
        include: [CONTRACT],
      });
      // The category's names as each contract's version calls it (#21), each version loaded once.
      const sets = new CategorySets();
      const names = await Promise.all(rows.map(async (d) => (d.contract ? (await sets.forContract(d.contract)).get(d.categoryCode) : undefined)));
      return rows.map((d, i) => ({
        recordType: 'deliverable',
        recordId: d.id,
        deadline: d.dueOn,
        href: `/deliverables/${d.id}`,
        districtId: d.districtId,
        organisationId: d.organisationId,
        params: {
          contract: d.contract?.number,
          category: d.categoryCode,
          ...(names[i] ? { categoryName: names[i].name, categoryNameEn: names[i].nameEn } : {}),
          period: `${d.periodStart} – ${d.periodEnd}`,
          deadline: d.dueOn,
        },
      }));
    },
  },
  rectification: {
    audience: 'organisation',
    open: async (from, to) =>
      (
        await Evaluation.findAll({
          where: {
            status: 'confirmed',
            rectificationClosedAt: null,
            rectificationDeadline: { [Op.between]: [from, to] },
            id: { [Op.in]: literal("(SELECT ri.evaluation_id FROM rectification_items ri WHERE ri.status <> 'closed')") },
          },
          include: [CONTRACT],
        })
      ).map((e) => ({
        recordType: 'evaluation',
        recordId: e.id,
        deadline: e.rectificationDeadline!,
        href: `/evaluations/${e.id}`,
        districtId: e.districtId,
        organisationId: e.organisationId,
        params: { contract: e.contract?.number, evaluationKind: e.kind, deadline: e.rectificationDeadline },
      })),
  },
  trainingRenewal: {
    audience: 'officers',
    // The lapse day is a year and a day after the latest passed training (services/training-status.ts): read a few days either side, decide exactly.
    open: async (from, to) =>
      (
        await ChildWorker.findAll({
          where: { status: 'active', lastTrainingPassedOn: { [Op.between]: [addDays(addMonths(from, -12), -4), addDays(addMonths(to, -12), 4)] } },
        })
      )
        .map((w) => ({ w, lapsesOn: statusFromSummary({ trainingPassedOn: w.trainingPassedOn, lastTrainingPassedOn: w.lastTrainingPassedOn }, from).lapsesOn }))
        .filter(({ lapsesOn }) => lapsesOn !== null && lapsesOn >= from && lapsesOn <= to)
        .map(({ w, lapsesOn }) => ({
          recordType: 'child_worker',
          recordId: w.id,
          deadline: lapsesOn!,
          href: `/workers/${w.id}`,
          districtId: w.districtId,
          organisationId: null,
          params: { name: w.name, workerKind: w.kind, deadline: lapsesOn },
        })),
  },
  contractEnd: {
    audience: 'organisationAndOfficers',
    open: async (from, to) =>
      (await Contract.findAll({ where: { status: 'active', termEnd: { [Op.between]: [from, to] } } })).map((c) => ({
        recordType: 'contract',
        recordId: c.id,
        deadline: c.termEnd,
        href: `/contracts/${c.id}`,
        districtId: c.districtId,
        organisationId: c.organisationId,
        params: { contract: c.number, deadline: c.termEnd },
      })),
  },
  finalEvaluation: {
    audience: 'evaluatorOrOfficers',
    open: async (from, to) =>
      (
        await Evaluation.findAll({
          where: { kind: 'final', status: { [Op.in]: ['scheduled', 'in_progress'] }, dueOn: { [Op.between]: [from, to] } },
          include: [CONTRACT],
        })
      ).map((e) => ({
        recordType: 'evaluation',
        recordId: e.id,
        deadline: e.dueOn,
        href: `/evaluations/${e.id}`,
        districtId: e.districtId,
        organisationId: e.organisationId,
        evaluatorId: e.evaluatorId,
        params: { contract: e.contract?.number, evaluationKind: e.kind, deadline: e.dueOn },
      })),
  },
};

const capitalised = (kind: string) => kind.charAt(0).toUpperCase() + kind.slice(1);

/** The active users the items' messages may go to, in one query: members of their organisations, officers and inspectors of their districts and of the city level. */
async function peopleFor(items: readonly Due[]) {
  const organisations = [...new Set(items.map((i) => i.organisationId).filter((id): id is number => id !== null))];
  const districts = [...new Set(items.map((i) => i.districtId))];
  const city = await District.findAll({ where: { kind: 'city' }, attributes: ['id'] });
  const cityIds = city.map((d) => d.id);
  const users = await User.findAll({
    where: {
      status: 'active',
      [Op.or]: [
        { role: 'org', organisationId: { [Op.in]: organisations.length ? organisations : [-1] } },
        { role: { [Op.in]: ['officer', 'inspector'] }, districtId: { [Op.in]: [...districts, ...cityIds] } },
      ],
    },
    attributes: ['id', 'role', 'districtId', 'organisationId'],
  });
  const of = (pred: (u: User) => boolean) => users.filter(pred).map((u) => u.id);
  return {
    members: (organisationId: number | null) => (organisationId === null ? [] : of((u) => u.role === 'org' && u.organisationId === organisationId)),
    officers: (districtId: number) => of((u) => u.role === 'officer' && u.districtId === districtId),
    inspectors: (districtId: number) => of((u) => u.role === 'inspector' && (u.districtId === districtId || cityIds.includes(u.districtId))),
    cityOfficers: () => of((u) => u.role === 'officer' && cityIds.includes(u.districtId)),
  };
}

type People = Awaited<ReturnType<typeof peopleFor>>;

/** The names of the items' organisations, in one query: an escalation goes to supervisors, who read which organisation is late. */
async function organisationNames(items: readonly Due[]): Promise<Map<number, string>> {
  const ids = [...new Set(items.map((i) => i.organisationId).filter((id): id is number => id !== null))];
  if (ids.length === 0) return new Map();
  const rows = await Organisation.findAll({ where: { id: { [Op.in]: ids } }, attributes: ['id', 'name'] });
  return new Map(rows.map((o) => [o.id, o.name]));
}

function remindedOf(audience: Audience, item: Due, people: People): number[] {
  if (audience === 'organisation') return people.members(item.organisationId);
  if (audience === 'officers') return people.officers(item.districtId);
  if (audience === 'organisationAndOfficers') return [...people.members(item.organisationId), ...people.officers(item.districtId)];
  return item.evaluatorId ? [item.evaluatorId] : people.officers(item.districtId);
}

export type ReminderRound = { reminders: number; escalations: number };

/**
 * One round of reminders for `day` (today in Beijing): for each enabled kind, the open items due
 * within its days, and those overdue past its escalation delay (within the escalation window).
 * Returns how many notifications were new (already sent ones are not sent again).
 */
export async function sendReminders(day: string): Promise<ReminderRound> {
  const settings = await ReminderSetting.findAll();
  const entries: { recipients: number[]; input: NotificationInput }[] = [];
  const escalations: { recipients: number[]; input: NotificationInput }[] = [];
  for (const kind of REMINDER_KINDS) {
    const setting = settings.find((s) => s.kind === kind);
    if (!setting?.enabled) continue;
    const spec = SPECS[kind];
    const due = await spec.open(day, addDays(day, setting.daysBefore));
    const overdue =
      setting.escalateAfterDays === null
        ? []
        : await spec.open(addDays(day, -(setting.escalateAfterDays + ESCALATION_WINDOW_DAYS)), addDays(day, -setting.escalateAfterDays));
    const people = await peopleFor([...due, ...overdue]);
    for (const item of due) {
      entries.push({
        recipients: remindedOf(spec.audience, item, people),
        input: { kind: `reminder${capitalised(kind)}`, ...item, dedupeKey: `remind:${kind}:${item.recordId}:${item.deadline}` },
      });
    }
    const names = await organisationNames(overdue);
    for (const item of overdue) {
      const organisation = item.organisationId === null ? undefined : names.get(item.organisationId);
      const supervisors = setting.escalateTo === 'cityOfficer' ? people.cityOfficers() : people.inspectors(item.districtId);
      escalations.push({
        recipients: supervisors,
        input: {
          kind: `escalation${capitalised(kind)}`,
          ...item,
          params: { ...item.params, organisation },
          dedupeKey: `escalate:${kind}:${item.recordId}:${item.deadline}`,
        },
      });
    }
  }
  return { reminders: await notifyMany(entries), escalations: await notifyMany(escalations) };
}
