import type { Role } from '../../models/User.js';
import type { Actor } from './actor.js';
import { keepsMoneyOf } from './finance.js';
import { keepsProjectsOf } from './project.js';
import { allow } from './registry.js';
import { inDistrictScope } from './scopes.js';

/**
 * The yearly lottery-fund usage announcement (#19): the purchasing body's officer drafts, edits,
 * submits and issues it; finance of its district approves it or returns it; the administrator and
 * inspectors read. Approving is finance's, never the officer's (segregation of duties).
 */
export const ANNOUNCEMENT_RESOURCE = 'lottery_announcement';

const READERS: readonly Role[] = ['admin', 'officer', 'finance', 'inspector'];

type AnnouncementLike = { districtId: number };

allow(READERS, ['list', 'export'], ANNOUNCEMENT_RESOURCE);
allow(READERS, ['read', 'print'], ANNOUNCEMENT_RESOURCE, (actor: Actor, a: AnnouncementLike) => inDistrictScope(actor, a.districtId));
allow('officer', 'create', ANNOUNCEMENT_RESOURCE);
allow('officer', ['update', 'submit', 'issue'], ANNOUNCEMENT_RESOURCE, (actor: Actor, a: AnnouncementLike) => keepsProjectsOf(actor, a.districtId));
allow('finance', ['approve', 'return'], ANNOUNCEMENT_RESOURCE, (actor: Actor, a: AnnouncementLike) => keepsMoneyOf(actor, a.districtId));
