import { Op, type WhereOptions } from 'sequelize';
import type { CatalogueItem } from '../../models/CatalogueItem.js';
import type { Role } from '../../models/User.js';
import type { Actor } from './actor.js';
import { allow } from './registry.js';
import { districtScope } from './scopes.js';

/**
 * The purchase-of-services catalogue. Officers keep it for their own district (city-level
 * officers: the city's items and any district's); the administrator only reads it (DOMAIN.md:
 * admin never keeps business records). Everyone signed in may browse and export what is
 * published: it is what projects may buy.
 */
export const CATALOGUE_RESOURCE = 'catalogue_item';

/** Staff who also see drafts and retired items of their scope. */
const STAFF_ROLES: readonly Role[] = ['admin', 'officer', 'finance', 'inspector'];

/** Whether an officer keeps the catalogue of `districtId`: their own district, or any from the city level. */
export function keepsCatalogueOf(actor: Actor, districtId: number): boolean {
  return actor.role === 'officer' && (actor.cityLevel || actor.districtId === districtId);
}

/**
 * The catalogue items an actor may see: published ones for everybody, and for staff also the
 * drafts and retired items of their district scope. Every list and load goes through this, so an
 * item outside it answers 404.
 */
export function catalogueScope(actor: Actor): WhereOptions<CatalogueItem> {
  if (!STAFF_ROLES.includes(actor.role)) return { status: 'published' };
  const scope = districtScope(actor);
  if (Object.keys(scope).length === 0) return {};
  return { [Op.or]: [{ status: 'published' }, scope] } as WhereOptions<CatalogueItem>;
}

const keeps = (actor: Actor, item: CatalogueItem) => keepsCatalogueOf(actor, item.districtId);

allow('any', ['list', 'read', 'export'], CATALOGUE_RESOURCE);
allow('officer', ['create', 'copy_year'], CATALOGUE_RESOURCE);
allow('officer', ['update', 'publish', 'retire'], CATALOGUE_RESOURCE, keeps);
