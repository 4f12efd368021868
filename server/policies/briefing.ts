import type { Actor } from './actor.js';
import { allow } from './registry.js';

/** The resource name of briefings (通报) in the registry. */
export const BRIEFING_RESOURCE = 'briefing';

/**
 * Briefings (通报, #17): the city's inspectors draft, edit and issue them; inspectors, the
 * administrator and officers read them — district staff their own district's rows and the median
 * only, as on the overview.
 */
allow(['admin', 'inspector', 'officer'], ['list', 'view', 'export'], BRIEFING_RESOURCE);
allow('inspector', ['create', 'edit', 'issue'], BRIEFING_RESOURCE, (actor: Actor) => actor.cityLevel);

/** The record a new briefing is asked on: the city's (so the condition above is checked, not only the role). */
export const CITY_BRIEFING = { scope: 'city' } as const;
