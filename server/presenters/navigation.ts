import { type Actor, can } from '../policies/index.js';

export type NavItem = { href: string; labelKey: string };

const ITEMS: { href: string; labelKey: string; action: string; resource: string }[] = [
  { href: '/', labelKey: 'nav.dashboard', action: 'view', resource: 'dashboard' },
  { href: '/admin/users', labelKey: 'nav.users', action: 'list', resource: 'user' },
  { href: '/catalogue', labelKey: 'nav.catalogue', action: 'list', resource: 'catalogue_item' },
  { href: '/budget-lines', labelKey: 'nav.budgetLines', action: 'list', resource: 'budget_line' },
  { href: '/allocations', labelKey: 'nav.allocations', action: 'list', resource: 'allocation' },
  { href: '/payments', labelKey: 'nav.payments', action: 'list', resource: 'payment' },
  { href: '/claims', labelKey: 'nav.claims', action: 'list', resource: 'claim' },
  { href: '/organisations', labelKey: 'nav.organisations', action: 'list', resource: 'organisation' },
  { href: '/organisations/mine', labelKey: 'nav.ownOrganisation', action: 'read_own', resource: 'organisation' },
  { href: '/projects', labelKey: 'nav.projects', action: 'list', resource: 'project' },
  { href: '/contracts', labelKey: 'nav.contracts', action: 'list', resource: 'contract' },
  { href: '/evaluations', labelKey: 'nav.evaluations', action: 'list', resource: 'evaluation' },
  { href: '/deliverables', labelKey: 'nav.deliverables', action: 'list', resource: 'deliverable' },
  { href: '/workers', labelKey: 'nav.workers', action: 'list', resource: 'child_worker' },
  { href: '/reference/districts', labelKey: 'nav.reference', action: 'read', resource: 'reference' },
  { href: '/audit', labelKey: 'nav.audit', action: 'list', resource: 'audit' },
];

/** The role's navigation: the items whose list the policy lets this user see. */
export function navigationFor(actor: Actor | undefined): NavItem[] {
  if (!actor) return [];
  return ITEMS.filter((i) => can(actor, i.action, i.resource)).map(({ href, labelKey }) => ({ href, labelKey }));
}
