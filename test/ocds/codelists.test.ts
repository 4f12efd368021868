import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { OCDS_PROCUREMENT_METHOD, PROCUREMENT_METHODS } from '../../models/Project.js';
import { compileReleases, SCHEMA_DIR } from '../../server/services/ocds/merge.js';
import { liveProject, releasesOf } from '../factories/ocds.js';
import { codelist, extendedReleaseErrors } from '../support/ocds-schema.js';

type Json = Record<string, any>;

/**
 * Every coded value a release of this publication holds, with the codelist it comes from: the
 * official 1.1.5 codelists (closed and open alike: this publication adds no code to an open one)
 * and the extension's own for the Chinese method. Item classification is the installation's own
 * catalogue scheme (itemClassificationScheme is open), so it is not among them.
 */
function codedValues(r: Json): [string, unknown, string][] {
  const out: [string, unknown, string][] = [];
  const add = (list: string, value: unknown, where: string) => {
    if (value !== undefined && value !== null) out.push([list, value, where]);
  };
  for (const t of r.tag ?? []) add('releaseTag.csv', t, 'tag');
  add('initiationType.csv', r.initiationType, 'initiationType');
  for (const p of r.parties ?? []) for (const role of p.roles ?? []) add('partyRole.csv', role, `parties/${p.id}/roles`);
  add('tenderStatus.csv', r.tender?.status, 'tender/status');
  add('method.csv', r.tender?.procurementMethod, 'tender/procurementMethod');
  add('procurementCategory.csv', r.tender?.mainProcurementCategory, 'tender/mainProcurementCategory');
  add('chineseProcurementMethod.csv', r.tender?.chineseProcurementMethod, 'tender/chineseProcurementMethod');
  for (const a of r.awards ?? []) add('awardStatus.csv', a.status, `awards/${a.id}/status`);
  for (const c of r.contracts ?? []) {
    add('contractStatus.csv', c.status, `contracts/${c.id}/status`);
    for (const m of c.milestones ?? []) {
      add('milestoneType.csv', m.type, `milestones/${m.id}/type`);
      add('milestoneStatus.csv', m.status, `milestones/${m.id}/status`);
    }
  }
  // Anywhere: currencies and document types.
  const walk = (node: unknown, where: string) => {
    if (Array.isArray(node)) {
      for (const [i, n] of node.entries()) walk(n, `${where}/${i}`);
    } else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === 'currency') add('currency.csv', v, `${where}/${k}`);
        if (k === 'documentType') add('documentType.csv', v, `${where}/${k}`);
        walk(v, `${where}/${k}`);
      }
    }
  };
  walk(r, '');
  return out;
}

/** Every object in `node` that has a `title` (or an amendment's `description`) without its English variant. */
function missingEnglish(node: unknown, where = ''): string[] {
  if (Array.isArray(node)) return node.flatMap((n, i) => missingEnglish(n, `${where}/${i}`));
  if (!node || typeof node !== 'object') return [];
  const o = node as Json;
  const own = ['title', 'description']
    .filter((k) => typeof o[k] === 'string' && (k === 'title' || where.includes('/amendments/') || where.endsWith('/budget')))
    .filter((k) => typeof o[`${k}_en`] !== 'string' || !/^[\x20-\x7e]+$/.test(o[`${k}_en`]))
    .map((k) => `${where}/${k}`);
  return [...own, ...Object.entries(o).flatMap(([k, v]) => missingEnglish(v, `${where}/${k}`))];
}

describe('OCDS codelists, extension and languages (#19)', () => {
  let releases: Json[];
  before(async function () {
    this.timeout(300_000);
    const { project } = await liveProject({ end: 'completed', method: 'entrustment' });
    releases = [...((await releasesOf(project.id)) as Json[])];
    const terminated = await liveProject({ method: 'open' });
    releases.push(...((await releasesOf(terminated.project.id)) as Json[]));
  });

  it('every coded value of every release is a code of its official codelist (or the extension’s)', () => {
    const seen = new Set<string>();
    for (const r of releases) {
      for (const [list, value, where] of codedValues(r)) {
        seen.add(list);
        expect(codelist(list).has(String(value)), `${r.id} ${where}: ${String(value)} not in ${list}`).to.equal(true);
      }
    }
    // The life of a project touches every list this publication uses.
    expect([...seen].sort()).to.deep.equal(
      [
        'awardStatus.csv',
        'chineseProcurementMethod.csv',
        'contractStatus.csv',
        'currency.csv',
        'documentType.csv',
        'initiationType.csv',
        'method.csv',
        'milestoneStatus.csv',
        'milestoneType.csv',
        'partyRole.csv',
        'procurementCategory.csv',
        'releaseTag.csv',
        'tenderStatus.csv',
      ].sort(),
    );
  });

  it('maps every Chinese method to the OCDS method the extension’s codelist names, and each has a code there', () => {
    const csv = fs.readFileSync(path.join(SCHEMA_DIR, '..', 'extension', 'codelists', 'chineseProcurementMethod.csv'), 'utf8');
    const [header, ...rows] = csv
      .trim()
      .split(/\r?\n/)
      .map((l) => l.split(','));
    const method = header.indexOf('method');
    expect(Object.fromEntries(rows.map((r) => [r[0], r[method]]))).to.deep.equal(OCDS_PROCUREMENT_METHOD);
    expect(rows.map((r) => r[0]).sort()).to.deep.equal([...PROCUREMENT_METHODS].sort());
    for (const m of PROCUREMENT_METHODS) expect(codelist('method.csv').has(OCDS_PROCUREMENT_METHOD[m]), m).to.equal(true);
    const entrusted = releases.find((r) => r.tender.chineseProcurementMethod === 'entrustment')!;
    expect(entrusted.tender).to.include({ procurementMethod: 'direct', procurementMethodDetails: '委托', procurementMethodDetails_en: 'Entrustment' });
  });

  it('every release and the compiled release validate against the release schema with the extension applied; a method outside it does not', () => {
    for (const r of releases) expect(extendedReleaseErrors(r), r.id).to.deep.equal([]);
    const byOcid = new Map<string, Json[]>();
    for (const r of releases) byOcid.set(r.ocid, [...(byOcid.get(r.ocid) ?? []), r]);
    for (const group of byOcid.values()) expect(extendedReleaseErrors(compileReleases(group as never))).to.deep.equal([]);
    const odd = structuredClone(releases[0]);
    odd.tender.chineseProcurementMethod = 'lottery_draw';
    expect(extendedReleaseErrors(odd).join('\n')).to.match(/chineseProcurementMethod/);
  });

  it('every title (and the budget’s and amendments’ descriptions) has its English variant (title_en)', () => {
    for (const r of releases) expect(missingEnglish(r), r.id).to.deep.equal([]);
    const last = releases.find((r) => r.tag.includes('contractTermination'))!;
    expect(last.language).to.equal('zh');
    expect(last.contracts[0].title_en).to.match(/, contract /);
    expect(last.contracts[0].milestones.filter((m: Json) => m.title).every((m: Json) => /^Instalment \d+$/.test(m.title_en))).to.equal(true);
  });
});
