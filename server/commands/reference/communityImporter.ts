import { ChildWorker } from '../../../models/ChildWorker.js';
import { Community } from '../../../models/Community.js';
import { District, SubDistrict } from '../../../models/index.js';
import { rowLock, withTransaction } from '../../db.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import { recordAudit } from '../../services/audit.js';
import type { By } from '../kernel.js';

export type CommunityImport = { added: number; kept: number };

/**
 * An uploaded table (CSV or XLSX: sub-district in the first column, community in the second) as
 * the importer's lines. A header row (its first cell names the sub-district column: 街道 / 镇 /
 * sub-district) becomes an empty line, so the line numbers an error names are the file's rows.
 */
export function communityTextOf(table: readonly (readonly string[])[]): string {
  return table
    .map((cells, i) => {
      const [sub = '', name = ''] = cells.map((c) => c.trim());
      if (i === 0 && /街道|镇|sub-?district/i.test(sub)) return '';
      return sub || name ? `${sub}\t${name}` : '';
    })
    .join('\n');
}

/**
 * Adds a district's communities (社区) from a list, one "sub-district community" a line (a space,
 * comma or tab between; the file's two columns pasted, or a CSV): a community already listed under
 * its sub-district is kept, a new one added at the end. A sub-district name the district does not
 * have refuses the whole list beside the field, naming the lines: nothing half added. Workers whose
 * typed community now exists in their sub-district are placed in it.
 */
export async function communityImporter(districtId: number, text: string, by: By): Promise<CommunityImport> {
  return withTransaction(async (transaction) => {
    const district = await District.findByPk(districtId, { transaction, lock: rowLock() });
    if (!district) throw new NotFoundError();
    const subs = await SubDistrict.findAll({ where: { districtId }, transaction });
    const byName = new Map(subs.map((s) => [s.name, s]));
    const bad: number[] = [];
    const wanted: { subDistrictId: number; name: string }[] = [];
    text.split(/\r?\n/).forEach((line, i) => {
      const parts = line
        .replace(/^\uFEFF/, '')
        .trim()
        .split(/[\s,，\t]+/)
        .filter(Boolean);
      if (parts.length === 0) return;
      const sub = byName.get(parts[0]);
      const name = parts.slice(1).join(' ');
      if (!sub || !name || name.length > 64) bad.push(i + 1);
      else wanted.push({ subDistrictId: sub.id, name });
    });
    if (bad.length) throw new ValidationError({ communities: { key: 'reference.communities.badLines', vars: { lines: bad.slice(0, 20).join(', ') } } });
    if (!wanted.length) throw new ValidationError({ communities: 'validation.required' });
    const existing = await Community.findAll({ where: { subDistrictId: subs.map((s) => s.id) }, transaction });
    const known = new Set(existing.map((c) => `${c.subDistrictId}|${c.name}`));
    let order = existing.reduce((m, c) => Math.max(m, c.sortOrder), 0);
    const fresh: { subDistrictId: number; name: string; sortOrder: number }[] = [];
    for (const w of wanted) {
      const key = `${w.subDistrictId}|${w.name}`;
      if (known.has(key)) continue;
      known.add(key);
      order += 1;
      fresh.push({ ...w, sortOrder: order });
    }
    if (fresh.length) await Community.bulkCreate(fresh, { transaction });
    // Place the district's workers whose typed community is now on the list of their sub-district.
    const all = await Community.findAll({ where: { subDistrictId: subs.map((s) => s.id) }, attributes: ['id', 'subDistrictId', 'name'], transaction });
    for (const c of all.filter((x) => fresh.some((f) => f.subDistrictId === x.subDistrictId && f.name === x.name))) {
      await ChildWorker.update({ communityId: c.id }, { where: { subDistrictId: c.subDistrictId, community: c.name, communityId: null }, transaction });
    }
    await recordAudit({
      actor: by.actor,
      action: 'reference.community_import',
      recordType: 'district',
      recordId: district.id,
      districtId: district.id,
      detail: { added: fresh.length, kept: wanted.length - fresh.length },
      context: by.context,
    });
    return { added: fresh.length, kept: wanted.length - fresh.length };
  });
}
