import { randomUUID } from 'node:crypto';
import { type CatalogueStatus, CatalogueItem } from '../../models/CatalogueItem.js';
import type { User } from '../../models/index.js';
import { district, unique } from './index.js';

let lastYear = 2030;
/** A year no other catalogue test uses (and the one after it, for copying), so tests never share a catalogue. */
export function freshYear(): number {
  lastYear += 2;
  if (lastYear > 2098) lastYear = 2001 + (lastYear % 2);
  return lastYear;
}

/** A catalogue code no other test uses, in the shape officers type (`FT-2030-HV-…`). */
export function catalogueCode(prefix = 'T'): string {
  codes += 1;
  // A letter between the number and the random part: a search for the code (hyphens dropped) never
  // reads as eleven digits in a row, which the lists hold out of their addresses as a phone number (#13).
  return `${prefix}-${codes}Q${randomUUID().slice(0, 6)}`.toUpperCase();
}
let codes = 0;

/**
 * A catalogue item written straight to the table, version 1 of its own lineage unless told
 * otherwise: for tests that need items in a given state without going through the pages.
 */
export async function buildCatalogueItem(
  creator: User,
  attrs: {
    districtCode?: string;
    year?: number;
    status?: CatalogueStatus;
    code?: string;
    name?: string;
    categoryCode?: string;
    priceFen?: number;
  } = {},
): Promise<CatalogueItem> {
  const d = await district(attrs.districtCode ?? 'FT');
  const status = attrs.status ?? 'draft';
  const at = new Date();
  const item = await CatalogueItem.create({
    year: attrs.year ?? freshYear(),
    districtId: d.id,
    categoryCode: attrs.categoryCode ?? 'home_visit',
    code: attrs.code ?? catalogueCode(),
    name: attrs.name ?? `家庭探访服务${unique()}`,
    unit: '次',
    referenceUnitPriceFen: attrs.priceFen ?? 15_000,
    description: '入户探访困境儿童家庭',
    indicators: '探访完成率 ≥ 95%',
    status,
    supersedesId: null,
    createdBy: creator.id,
    publishedAt: status === 'draft' ? null : at,
    retiredAt: status === 'retired' ? at : null,
  });
  await item.update({ lineageId: item.id });
  return item;
}
