import type { Actor } from './actor.js';
import { allow } from './registry.js';

/**
 * The city overview (#17, section 四(一)/(三) of the policy): inspectors, the administrator and
 * officers. Who sees which districts' detail is `overviewSeesEveryDistrict`: a district's staff
 * see their own district against the city's median, never another district's figures.
 */
allow(['admin', 'inspector', 'officer'], ['view', 'export'], 'overview');

/** Whether the actor sees every district side by side (the city level and the administrator). */
export const overviewSeesEveryDistrict = (actor: Actor): boolean => actor.role === 'admin' || actor.cityLevel;

/** The agency kind that answers for each referral department; departments without an agency of their own in the system are recorded by civil affairs, which leads the work (民政牵头, section 四(二)). */
const RECORDED_BY: Record<string, string> = {
  public_security: 'public_security',
  education: 'education',
  civil_affairs: 'civil_affairs',
  justice: 'justice',
  human_resources: 'human_resources',
  womens_federation: 'womens_federation',
  youth_league: 'youth_league',
  disabled_persons_federation: 'disabled_persons_federation',
  health: 'civil_affairs',
  court: 'civil_affairs',
  procuratorate: 'civil_affairs',
  other: 'civil_affairs',
};

/** The referral departments whose follow-up an officer of an agency of `kind` records. */
export const followUpDepartmentsOf = (kind: string | null | undefined): string[] =>
  kind
    ? Object.entries(RECORDED_BY)
        .filter(([, k]) => k === kind)
        .map(([d]) => d)
    : [];

/** A follow-up as the rule sees it: its district and department, and the recording officer's agency kind. */
export type FollowUpSubject = { districtId: number; department: string; agencyKind: string | null };

/**
 * The receiving department records what it did with its district's referrals (#17): an officer of
 * that department's agency (civil affairs for the departments without one), for their own district.
 */
allow(
  'officer',
  'record',
  'referral_follow_up',
  (actor, f: FollowUpSubject) => f.districtId === actor.districtId && followUpDepartmentsOf(f.agencyKind).includes(f.department),
);
