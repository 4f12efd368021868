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
  const cards: DashboardCard[] = [];
  if (can(actor, 'list', 'user')) {
    cards.push(
      { labelKey: 'dashboard.activeUsers', value: await User.count({ where: { status: 'active' } }), href: '/admin/users?status=active' },
      { labelKey: 'dashboard.disabledUsers', value: await User.count({ where: { status: 'disabled' } }), href: '/admin/users?status=disabled' },
      {
        labelKey: 'dashboard.openSessions',
        value: await Session.count({ where: { userId: { [Op.ne]: null }, expiresAt: { [Op.gt]: now() } } }),
      },
    );
  }
  if (can(actor, 'list', 'audit')) {
    const since = new Date(now().getTime() - 24 * 3600 * 1000);
    const scope = districtScope(actor);
    cards.push(
      {
        labelKey: 'dashboard.failedSignIns24h',
        value: await AuditEvent.count({ where: { ...scope, action: 'auth.sign_in_failed', at: { [Op.gt]: since } } }),
        href: '/audit?action=auth.sign_in_failed',
      },
      {
        labelKey: 'dashboard.refusedAccess24h',
        value: await AuditEvent.count({ where: { ...scope, action: 'access.refused', at: { [Op.gt]: since } } }),
        href: '/audit?action=access.refused',
      },
    );
  }
  if (can(actor, 'list', 'child_worker')) {
    // Section 二 of the policy: training is renewed yearly; officers are warned 30 days ahead.
    const day = today();
    const count = (filter: Partial<WorkerFilter>) => ChildWorker.count({ where: workerListWhere(actor, filter as WorkerFilter, day) });
    cards.push(
      { labelKey: 'dashboard.workersLapsing', value: await count({ status: 'active', training: 'lapsing' }), href: '/workers?status=active&training=lapsing' },
      {
        labelKey: 'dashboard.workersUntrained',
        value: await count({ status: 'active', training: 'untrained' }),
        href: '/workers?status=active&training=untrained',
      },
    );
  }
  cards.push(...(await evaluationDashboardCards(actor)));
  cards.push(...(await deliverableDashboardCards(actor)));
  cards.push(...(await claimDashboardCards(actor)));
  cards.push(...(await financeDashboardCards(actor)));
  return {
    greeting: t('dashboard.greeting', { name: actor.displayName }),
    roleLabel: t(`roles.${actor.role}`),
    placeLabel: place,
    cards,
  };
}
