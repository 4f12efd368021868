import { type Actor, can } from '../policies/index.js';

/** One link of the navigation. */
export type NavLink = { href: string; labelKey: string; current: boolean };
/** A top-level entry: a link, or a group of links under one heading (a dropdown on a wide screen, a section of the collapsed menu on a phone). */
export type NavEntry = ({ kind: 'link' } & NavLink) | { kind: 'group'; key: string; labelKey: string; current: boolean; items: NavLink[] };

type Group = 'procure' | 'deliver' | 'pay' | 'oversee';

const ITEMS: { href: string; labelKey: string; action: string; resource: string; group: Group | null }[] = [
  { href: '/', labelKey: 'nav.dashboard', action: 'view', resource: 'dashboard', group: null },
  { href: '/catalogue', labelKey: 'nav.catalogue', action: 'list', resource: 'catalogue_item', group: 'procure' },
  { href: '/projects', labelKey: 'nav.projects', action: 'list', resource: 'project', group: 'procure' },
  { href: '/contracts', labelKey: 'nav.contracts', action: 'list', resource: 'contract', group: 'procure' },
  { href: '/organisations', labelKey: 'nav.organisations', action: 'list', resource: 'organisation', group: 'procure' },
  { href: '/organisations/mine', labelKey: 'nav.ownOrganisation', action: 'read_own', resource: 'organisation', group: 'procure' },
  { href: '/deliverables', labelKey: 'nav.deliverables', action: 'list', resource: 'deliverable', group: 'deliver' },
  { href: '/evaluations', labelKey: 'nav.evaluations', action: 'list', resource: 'evaluation', group: 'deliver' },
  { href: '/workers', labelKey: 'nav.workers', action: 'list', resource: 'child_worker', group: 'deliver' },
  { href: '/trainings', labelKey: 'nav.trainings', action: 'list', resource: 'training_session', group: 'deliver' },
  { href: '/budget-lines', labelKey: 'nav.budgetLines', action: 'list', resource: 'budget_line', group: 'pay' },
  { href: '/allocations', labelKey: 'nav.allocations', action: 'list', resource: 'allocation', group: 'pay' },
  { href: '/payments', labelKey: 'nav.payments', action: 'list', resource: 'payment', group: 'pay' },
  { href: '/claims', labelKey: 'nav.claims', action: 'list', resource: 'claim', group: 'pay' },
  { href: '/allowances', labelKey: 'nav.allowances', action: 'list', resource: 'allowance_list', group: 'pay' },
  { href: '/announcements', labelKey: 'nav.announcements', action: 'list', resource: 'lottery_announcement', group: 'pay' },
  { href: '/overview', labelKey: 'nav.overview', action: 'view', resource: 'overview', group: 'oversee' },
  { href: '/admin/users', labelKey: 'nav.users', action: 'list', resource: 'user', group: 'oversee' },
  { href: '/audit', labelKey: 'nav.audit', action: 'list', resource: 'audit', group: 'oversee' },
  { href: '/reference/districts', labelKey: 'nav.reference', action: 'read', resource: 'reference', group: 'oversee' },
  { href: '/admin/reminders', labelKey: 'nav.reminders', action: 'update', resource: 'reminder_settings', group: 'oversee' },
  { href: '/admin/retention', labelKey: 'nav.retention', action: 'read', resource: 'retention', group: 'oversee' },
  { href: '/admin/deliveries', labelKey: 'nav.deliveryLog', action: 'list', resource: 'delivery_log', group: 'oversee' },
];

/**
 * The groups in the order each role works through them: an organisation hands in deliverables
 * and claims first, finance moves money first, the administrator and inspectors oversee.
 */
const GROUP_ORDER: Record<string, Group[]> = {
  admin: ['oversee', 'procure', 'deliver', 'pay'],
  officer: ['procure', 'deliver', 'pay', 'oversee'],
  finance: ['pay', 'procure', 'deliver', 'oversee'],
  evaluator: ['deliver', 'procure', 'pay', 'oversee'],
  org: ['deliver', 'pay', 'procure', 'oversee'],
  inspector: ['oversee', 'pay', 'procure', 'deliver'],
};

/** A navigation this short reads best as plain links, without groups to open. */
const FLAT_UP_TO = 6;

/**
 * The role's navigation: the items whose list the policy lets this user see, as plain links when
 * there are few, otherwise grouped by what the role does (a group of one item is a plain link).
 */
export function navigationFor(actor: Actor | undefined, path = '/'): NavEntry[] {
  if (!actor) return [];
  const allowed = ITEMS.filter((i) => can(actor, i.action, i.resource));
  const item = (i: (typeof ITEMS)[number]): NavLink => ({ href: i.href, labelKey: i.labelKey, current: isCurrent(i.href, path) });
  const link = (i: (typeof ITEMS)[number]): NavEntry => ({ kind: 'link', ...item(i) });
  if (allowed.length <= FLAT_UP_TO) return allowed.map(link);
  const entries: NavEntry[] = allowed.filter((i) => i.group === null).map(link);
  for (const group of GROUP_ORDER[actor.role] ?? GROUP_ORDER.officer) {
    const items = allowed.filter((i) => i.group === group);
    if (items.length === 1) entries.push(link(items[0]));
    else if (items.length > 1) {
      const links = items.map(item);
      entries.push({ kind: 'group', key: group, labelKey: `nav.group.${group}`, current: links.some((l) => l.current), items: links });
    }
  }
  return entries;
}

/** Whether `href` is the page at `path` or an area that contains it (the dashboard only itself; "my organisation" is not the organisations list). */
function isCurrent(href: string, path: string): boolean {
  if (href === '/') return path === '/';
  if (href === '/organisations' && path.startsWith('/organisations/mine')) return false;
  return path === href || path.startsWith(`${href}/`);
}
