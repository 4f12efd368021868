import type { Transaction } from 'sequelize';
import type { Contract } from '../../models/Contract.js';
import { Contract as ContractModel } from '../../models/Contract.js';
import { ServiceCategoryDefinition, ServiceCategoryMetric, ServiceCategoryRule, ServiceCategoryVersion } from '../../models/ServiceCategoryVersion.js';
import { thisYear } from '../clock.js';
import { type CategoryDefinition, CategorySet } from './deliverable-metrics.js';

/**
 * Loads the service categories of a year's version (#21) from the database: what contracts of that
 * year bought and their deliverables report. Which versions are published is read on every call
 * (one small query: several processes serve the same database). A published version's definitions
 * never change (the administrator's commands refuse it, categoryVersionLocks.ts), so each process
 * keeps them once read, keyed by the version row's identity; a draft's are always read afresh.
 */

type PublishedVersion = Pick<ServiceCategoryVersion, 'id' | 'year' | 'createdAt' | 'publishedAt'>;

/** The published versions, by year ascending: the one query each page asks for its categories. */
async function publishedVersions(transaction?: Transaction): Promise<PublishedVersion[]> {
  return ServiceCategoryVersion.findAll({
    where: { status: 'published' },
    attributes: ['id', 'year', 'createdAt', 'publishedAt'],
    order: [['year', 'ASC']],
    transaction,
  });
}

/** The published version a year reads: its own, else the latest before it, else the earliest there is. */
function versionForYear(versions: readonly PublishedVersion[], year: number): PublishedVersion | null {
  const atOrBefore = versions.filter((v) => v.year <= year).at(-1);
  return atOrBefore ?? versions[0] ?? null;
}

/** The published version a year reads: its own, else the latest before it, else the earliest there is. */
export async function publishedVersionFor(year: number, transaction?: Transaction): Promise<PublishedVersion | null> {
  return versionForYear(await publishedVersions(transaction), year);
}

/** Published versions' definitions read by this process, by the version row's identity (a row re-created after a rollback is another). */
const publishedDefinitions = new Map<string, readonly CategoryDefinition[]>();
const identityOf = (v: PublishedVersion) => `${v.id}:${v.createdAt?.getTime()}:${v.publishedAt?.getTime() ?? ''}`;

/** The definitions of published versions: from this process's copy, reading only those it has not read yet. */
async function definitionsOfPublished(versions: readonly PublishedVersion[], transaction?: Transaction): Promise<Map<number, readonly CategoryDefinition[]>> {
  const missing = versions.filter((v) => !publishedDefinitions.has(identityOf(v)));
  if (missing.length > 0) {
    const read = await definitionsOf(
      missing.map((v) => v.id),
      transaction,
    );
    for (const v of missing) publishedDefinitions.set(identityOf(v), read.get(v.id) ?? []);
  }
  return new Map(versions.map((v) => [v.id, publishedDefinitions.get(identityOf(v)) ?? []]));
}

/** The definitions of versions by version id, each in its order: three queries whatever their number. */
async function definitionsOf(versionIds: readonly number[], transaction?: Transaction): Promise<Map<number, CategoryDefinition[]>> {
  const out = new Map<number, CategoryDefinition[]>(versionIds.map((id) => [id, []]));
  if (versionIds.length === 0) return out;
  const inVersions = { model: ServiceCategoryDefinition, as: 'definition', attributes: [], where: { versionId: [...versionIds] } };
  const [defs, metrics, rules] = await Promise.all([
    ServiceCategoryDefinition.findAll({
      where: { versionId: [...versionIds] },
      order: [
        ['sortOrder', 'ASC'],
        ['id', 'ASC'],
      ],
      transaction,
    }),
    ServiceCategoryMetric.findAll({
      include: [inVersions],
      order: [
        ['sortOrder', 'ASC'],
        ['id', 'ASC'],
      ],
      transaction,
    }),
    ServiceCategoryRule.findAll({
      include: [inVersions],
      order: [
        ['sortOrder', 'ASC'],
        ['id', 'ASC'],
      ],
      transaction,
    }),
  ]);
  for (const d of defs) {
    out.get(d.versionId)?.push({
      code: d.code,
      parentCode: d.parentCode,
      name: d.name,
      nameEn: d.nameEn,
      unit: d.unit,
      unitEn: d.unitEn,
      special: d.special,
      metrics: metrics
        .filter((m) => m.definitionId === d.id)
        .map((m) => ({
          key: m.metricKey,
          unit: m.unit,
          name: m.name,
          nameEn: m.nameEn,
          aggregation: m.aggregation,
          entered: Boolean(m.entered),
          targetable: Boolean(m.targetable),
          optional: Boolean(m.optional),
          group: m.groupCode,
          groupName: m.groupName,
          groupNameEn: m.groupNameEn,
          sumOf: m.sumOf ? m.sumOf.split(',') : null,
        })),
      rules: rules.filter((r) => r.definitionId === d.id).map((r) => ({ kind: r.kind, key: r.metricKey, other: r.otherKey })),
    });
  }
  return out;
}

/** The definitions of one version (draft or published), in its order. */
export async function categorySetOfVersion(version: ServiceCategoryVersion, transaction?: Transaction): Promise<CategorySet> {
  const definitions =
    version.status === 'published'
      ? (await definitionsOfPublished([version], transaction)).get(version.id)
      : (await definitionsOf([version.id], transaction)).get(version.id);
  return new CategorySet(version.year, definitions ?? []);
}

const EMPTY = (year: number) => new CategorySet(year, []);

/** The categories a year reads (its published version, or the one it falls back to). */
export async function categorySetOf(year: number, transaction?: Transaction): Promise<CategorySet> {
  const version = versionForYear(await publishedVersions(transaction), year);
  if (!version) return EMPTY(year);
  return new CategorySet(version.year, (await definitionsOfPublished([version], transaction)).get(version.id) ?? []);
}

/** The version year a contract of `year` buys now: recorded on the contract when it is written. */
export async function categoryYearFor(year: number, transaction?: Transaction): Promise<number> {
  return (await publishedVersionFor(year, transaction))?.year ?? year;
}

/** The version year a contract reads: the one it bought, else its own year's. */
export const contractCategoryYear = (c: Pick<Contract, 'year' | 'categoryYear'>) => c.categoryYear ?? c.year;

/** The categories of the version a contract bought. */
export function categorySetOfContract(c: Pick<Contract, 'year' | 'categoryYear'>, transaction?: Transaction): Promise<CategorySet> {
  return categorySetOf(contractCategoryYear(c), transaction);
}

/** The categories of the version the contract with this id bought. */
export async function categorySetOfContractId(contractId: number, transaction?: Transaction): Promise<CategorySet> {
  const c = await ContractModel.findByPk(contractId, { attributes: ['id', 'year', 'categoryYear'], transaction });
  return c ? categorySetOfContract(c, transaction) : categorySetOf(thisYear(), transaction);
}

/** Sets for several version years, each loaded once (a list's rows, an export's batch). */
export class CategorySets {
  private readonly loaded = new Map<number, Promise<CategorySet>>();

  constructor(private readonly transaction?: Transaction) {}

  of(year: number): Promise<CategorySet> {
    let p = this.loaded.get(year);
    if (!p) {
      p = categorySetOf(year, this.transaction);
      this.loaded.set(year, p);
    }
    return p;
  }

  forContract(c: Pick<Contract, 'year' | 'categoryYear'>): Promise<CategorySet> {
    return this.of(contractCategoryYear(c));
  }
}

/**
 * Every category any published version defines, by code, the latest version's names first: what a
 * filter over all years offers and how a list names a category whatever its year.
 */
export async function allPublishedCategories(transaction?: Transaction): Promise<CategorySet> {
  const versions = (await publishedVersions(transaction)).reverse();
  const defs = await definitionsOfPublished(versions, transaction);
  const seen = new Map<string, CategoryDefinition>();
  for (const v of versions) for (const c of defs.get(v.id) ?? []) if (!seen.has(c.code)) seen.set(c.code, c);
  return new CategorySet(versions[0]?.year ?? thisYear(), [...seen.values()]);
}

/**
 * A notice's parameters for a deliverable's category: its code and its names in both languages as
 * the contract's version calls it, so the notice reads right whatever categories later years add.
 */
export async function categoryParamsOf(
  contract: Pick<Contract, 'year' | 'categoryYear'>,
  code: string,
  transaction?: Transaction,
): Promise<{ category: string; categoryName?: string; categoryNameEn?: string }> {
  const c = (await categorySetOfContract(contract, transaction)).get(code);
  return c ? { category: code, categoryName: c.name, categoryNameEn: c.nameEn } : { category: code };
}
