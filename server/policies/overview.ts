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
