import type { Actor } from './actor.js';
import { allow } from './registry.js';
import { inDistrictScope } from './scopes.js';

/** The resource name of red flags in the registry. */
export const RED_FLAG_RESOURCE = 'red_flag';

/**
 * Red flags (#17): inspectors, the administrator and officers read them in their district scope
 * (the city level all of them; the list scopes by `districtScope`, a flag outside it is a 404).
 * Inspectors dismiss an open flag of their scope with a reason; no one deletes one. The city's
 * inspectors and the administrator may have the flags computed now rather than wait for the
 * night: the round is city-wide (every district's flags), so a district inspector, who reads
 * only their own district's, may not set it off.
 */
allow(['admin', 'inspector', 'officer'], ['list', 'export'], RED_FLAG_RESOURCE);

/** The record a round is asked on: the whole city (what `compute`'s condition is checked against). */
export const CITY_ROUND = { scope: 'city' } as const;
allow('admin', 'compute', RED_FLAG_RESOURCE);
allow('inspector', 'compute', RED_FLAG_RESOURCE, (actor: Actor, _round: typeof CITY_ROUND) => actor.cityLevel);
allow('inspector', 'dismiss', RED_FLAG_RESOURCE, (actor: Actor, flag: { districtId: number }) => inDistrictScope(actor, flag.districtId));
