import { today } from '../../clock.js';
import { ConflictError } from '../../errors.js';
import { authorize } from '../../policies/index.js';
import { CITY_ROUND, RED_FLAG_RESOURCE } from '../../policies/red-flag.js';
import { claimJob, PROCESS_NAME, RED_FLAGS_RUNNING, RED_FLAGS_RUNNING_TTL_MS, releaseJob } from '../../services/job-leases.js';
import type { By } from '../kernel.js';
import { type RedFlagRoundResult, redFlagRound } from './redFlagRound.js';

/**
 * Computes the red flags now, as the nightly round does (#17), when a city inspector or the
 * administrator asks: on a new installation the list is empty until the first night, and after a
 * correction one wants to see it at once. Holds the `red_flags_running` lease meanwhile, so a
 * round already running (the night's, or someone else's) refuses this one (409) instead of doing
 * the same work twice. Audited as the round, with who asked.
 */
export async function redFlagsComputer(by: By): Promise<RedFlagRoundResult> {
  authorize(by.actor, 'compute', RED_FLAG_RESOURCE, CITY_ROUND);
  const owner = `${PROCESS_NAME}:${by.actor.id}`.slice(0, 128);
  if (!(await claimJob(RED_FLAGS_RUNNING, RED_FLAGS_RUNNING_TTL_MS, owner))) throw new ConflictError('overview.flags.errors.running');
  try {
    return await redFlagRound(today(), by);
  } finally {
    await releaseJob(RED_FLAGS_RUNNING, owner);
  }
}
