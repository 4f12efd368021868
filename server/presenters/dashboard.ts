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
import type { DashboardCard } from './dashboard-card.js';

export type DashboardView = {
  greeting: string;
  roleLabel: string;
  placeLabel: string;
  cards: DashboardCard[];
};

/** The start page of a role: who you are, where you work, and the figures your role watches. */
export async function dashboardFor(actor: Actor, t: Translate): Promise<DashboardView> {
  const [district, agency, organisation] = await Promise.all([
    District.findByPk(actor.districtId),
    actor.agencyId ? Agency.findByPk(actor.agencyId) : null,
    actor.organisationId ? Organisation.findByPk(actor.organisationId) : null,
  ]);
  const place = [district?.name, organisation?.name ?? agency?.name].filter(Boolean).join(' · ');
  // Each role's figures are independent reads: asked together, the page waits for the slowest
  // rather than for their sum (#15). The cards keep their order.
  const sections = await Promise.all([
    adminCards(actor),
    auditCards(actor),
    workerCards(actor),
    evaluationDashboardCards(actor),
    deliverableDashboardCards(actor),
    claimDashboardCards(actor),
    financeDashboardCards(actor),
  ]);
  const cards: DashboardCard[] = sections.flat();
  return {
    greeting: t('dashboard.greeting', { name: actor.displayName }),
    roleLabel: t(`roles.${actor.role}`),
    placeLabel: place,
    cards,
  };
}

async function adminCards(actor: Actor): Promise<DashboardCard[]> {
  if (!can(actor, 'list', 'user')) return [];
  const [active, disabled, open] = await Promise.all([
    User.count({ where: { status: 'active' } }),
    User.count({ where: { status: 'disabled' } }),
    Session.count({ where: { userId: { [Op.ne]: null }, expiresAt: { [Op.gt]: now() } } }),
  ]);
  return [
    { labelKey: 'dashboard.activeUsers', value: active, href: '/admin/users?status=active' },
    { labelKey: 'dashboard.disabledUsers', value: disabled, href: '/admin/users?status=disabled' },
    { labelKey: 'dashboard.openSessions', value: open },
  ];
}

async function auditCards(actor: Actor): Promise<DashboardCard[]> {
  if (!can(actor, 'list', 'audit')) return [];
  const since = new Date(now().getTime() - 24 * 3600 * 1000);
  const scope = districtScope(actor);
  const [failed, refused] = await Promise.all([
    AuditEvent.count({ where: { ...scope, action: 'auth.sign_in_failed', at: { [Op.gt]: since } } }),
    AuditEvent.count({ where: { ...scope, action: 'access.refused', at: { [Op.gt]: since } } }),
  ]);
  return [
    { labelKey: 'dashboard.failedSignIns24h', value: failed, href: '/audit?action=auth.sign_in_failed' },
    { labelKey: 'dashboard.refusedAccess24h', value: refused, href: '/audit?action=access.refused' },
  ];
}

async function workerCards(actor: Actor): Promise<DashboardCard[]> {
  if (!can(actor, 'list', 'child_worker')) return [];
  // Section 二 of the policy: training is renewed yearly; officers are warned 30 days ahead.
  const day = today();
  const count = (filter: Partial<WorkerFilter>) => ChildWorker.count({ where: workerListWhere(actor, filter as WorkerFilter, day) });
  const [lapsing, untrained] = await Promise.all([count({ status: 'active', training: 'lapsing' }), count({ status: 'active', training: 'untrained' })]);
  return [
    { labelKey: 'dashboard.workersLapsing', value: lapsing, href: '/workers?status=active&training=lapsing' },
    { labelKey: 'dashboard.workersUntrained', value: untrained, href: '/workers?status=active&training=untrained' },
  ];
}
