import { Op } from 'sequelize';
import { Agency, AuditEvent, District, Organisation, Session, User } from '../../models/index.js';
import { now, today } from '../clock.js';
import type { Translate } from '../i18n/index.js';
import { type Actor, can, districtScope } from '../policies/index.js';
import type { WorkerFilter } from '../schemas/child-workers.js';
import { ChildWorker } from '../../models/ChildWorker.js';
import { workerListWhere } from './child-workers.js';
import { evaluationDashboardCards } from './evaluation-admin.js';
import { deliverableDashboardCards } from './deliverables.js';
import { financeDashboardCards } from './finance-dashboard.js';
import { claimDashboardCards } from './claim-dashboard.js';
import { type CardPlan, cardsOf, countCard, type DashboardCard } from './dashboard-card.js';
import { readFigures } from '../services/figures.js';

export type DashboardView = {
  greeting: string;
  roleLabel: string;
  placeLabel: string;
  cards: DashboardCard[];
};

/** The start page of a role: who you are, where you work, and the figures your role watches. */
export async function dashboardFor(actor: Actor, t: Translate): Promise<DashboardView> {
  // Every card's figure is read in one statement (#15): one round trip and one pooled connection
  // per start page, however many figures the role watches. The cards keep their order.
  const plans = [
    ...adminCards(actor),
    ...auditCards(actor),
    ...workerCards(actor),
    ...evaluationDashboardCards(actor),
    ...deliverableDashboardCards(actor),
    ...claimDashboardCards(actor),
    ...financeDashboardCards(actor),
  ];
  const [place, cards] = await Promise.all([placeOf(actor), cardsOf(plans, readFigures)]);
  return {
    greeting: t('dashboard.greeting', { name: actor.displayName }),
    roleLabel: t(`roles.${actor.role}`),
    placeLabel: place,
    cards,
  };
}

/**
 * Where the actor works: their district, and their organisation or agency, in one statement, read
 * as a plain row (three names: no model instances to build on every start page, #15).
 */
async function placeOf(actor: Actor): Promise<string> {
  const user = await User.findByPk(actor.id, {
    attributes: ['id'],
    include: [
      { model: District, as: 'district', attributes: ['name'] },
      { model: Agency, as: 'agency', attributes: ['name'] },
      { model: Organisation, as: 'organisation', attributes: ['name'] },
    ],
    raw: true,
    nest: true,
  });
  return [user?.district?.name, user?.organisation?.name ?? user?.agency?.name].filter(Boolean).join(' · ');
}

function adminCards(actor: Actor): CardPlan[] {
  if (!can(actor, 'list', 'user')) return [];
  return [
    countCard('dashboard.activeUsers', { model: User, where: { status: 'active' } }, '/admin/users?status=active'),
    countCard('dashboard.disabledUsers', { model: User, where: { status: 'disabled' } }, '/admin/users?status=disabled'),
    countCard('dashboard.openSessions', { model: Session, where: { userId: { [Op.ne]: null }, expiresAt: { [Op.gt]: now() } } }),
  ];
}

function auditCards(actor: Actor): CardPlan[] {
  if (!can(actor, 'list', 'audit')) return [];
  // The window starts on a whole minute, so the figure's SQL (its cache key, services/figure-cache.ts)
  // stays the same for a minute instead of changing with every request.
  const since = new Date(Math.floor((now().getTime() - 24 * 3600 * 1000) / 60_000) * 60_000);
  const scope = districtScope(actor);
  return [
    countCard(
      'dashboard.failedSignIns24h',
      { model: AuditEvent, where: { ...scope, action: 'auth.sign_in_failed', at: { [Op.gt]: since } } },
      '/audit?action=auth.sign_in_failed',
    ),
    countCard(
      'dashboard.refusedAccess24h',
      { model: AuditEvent, where: { ...scope, action: 'access.refused', at: { [Op.gt]: since } } },
      '/audit?action=access.refused',
    ),
  ];
}

function workerCards(actor: Actor): CardPlan[] {
  if (!can(actor, 'list', 'child_worker')) return [];
  // Section 二 of the policy: training is renewed yearly; officers are warned 30 days ahead.
  const day = today();
  const workers = (filter: Partial<WorkerFilter>) => ({ model: ChildWorker, where: workerListWhere(actor, filter as WorkerFilter, day) });
  return [
    countCard('dashboard.workersLapsing', workers({ status: 'active', training: 'lapsing' }), '/workers?status=active&training=lapsing'),
    countCard('dashboard.workersUntrained', workers({ status: 'active', training: 'untrained' }), '/workers?status=active&training=untrained'),
  ];
}
