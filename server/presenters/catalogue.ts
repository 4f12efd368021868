import { Op, type Order, type WhereOptions } from 'sequelize';
import { editFormValues } from './stale-edit.js';
import { CATALOGUE_STATUSES, CATALOGUE_TRANSITIONS, CatalogueItem, type CatalogueStatus } from '../../models/CatalogueItem.js';
import { District, ServiceCategory } from '../../models/index.js';
import { getSequelize } from '../db.js';
import { NotFoundError } from '../errors.js';
import { type Actor, can, canMap, movesOf } from '../policies/index.js';
import { CATALOGUE_RESOURCE, catalogueScope, keepsCatalogueOf } from '../policies/catalogue.js';
import { CATALOGUE_SORT_KEYS, type CatalogueFilter, type CatalogueListQuery, type CatalogueSortKey } from '../schemas/catalogue.js';
import type { ExportColumn } from '../services/export.js';
import { fenToInput, formatFen } from '../services/money.js';
import { formatDateTime, districtName } from './format.js';
import type { Lang } from '../i18n/index.js';
import { listFrame, pageWindow, withAll, choicesIf, scopeShow, scopedColumns, type ScopeShow, SHOW_ALL } from './list-page.js';
import { districtsInOrder } from '../services/reference.js';

export const CATALOGUE_PATH = '/catalogue';

type Option = { value: string | number; label: string };

/** Where an item belongs, loaded with every list and detail in the same query (no N+1). */
const PLACE = [
  { model: District, as: 'district', attributes: ['id', 'code', 'name', 'nameEn', 'sortOrder', 'kind'] },
  { model: ServiceCategory, as: 'category' },
];

/** A category's label; a psychological-service subtype names its parent too (心理服务 · 人际调适). */
function categoryLabel(c: ServiceCategory | undefined | null, all: ServiceCategory[] | null, lang: Lang): string {
  if (!c) return '';
  const own = lang.locale === 'en' ? c.nameEn : c.name;
  const parent = c.parentCode ? all?.find((p) => p.code === c.parentCode) : undefined;
  return parent ? `${lang.locale === 'en' ? parent.nameEn : parent.name} · ${own}` : own;
}

/** `%text%` for LIKE with the wildcards of the text itself escaped (`!` works on both dialects). */
function containing(text: string) {
  const pattern = `%${text.replace(/[!%_]/g, (c) => `!${c}`)}%`;
  return { [Op.like]: getSequelize().literal(`${getSequelize().escape(pattern)} ESCAPE '!'`) };
}

/** A category and its subtypes: filtering by 心理服务 finds its three kinds too. */
async function categoryWithSubtypes(code: string): Promise<string[]> {
  const subtypes = await ServiceCategory.findAll({ where: { parentCode: code }, attributes: ['code'] });
  return [code, ...subtypes.map((c) => c.code)];
}

/** The list's filter as a query, inside what the actor may see; the export uses the very same one. */
export async function catalogueListWhere(actor: Actor, filter: CatalogueFilter): Promise<WhereOptions<CatalogueItem>> {
  const where: Record<string | symbol, unknown> = {};
  const and: unknown[] = [catalogueScope(actor)];
  if (filter.q) and.push({ [Op.or]: [{ code: containing(filter.q.toUpperCase()) }, { name: containing(filter.q) }] });
  if (filter.year) where.year = filter.year;
  if (filter.districtId) where.districtId = filter.districtId;
  if (filter.category) where.categoryCode = { [Op.in]: await categoryWithSubtypes(filter.category) };
  if (filter.status) where.status = filter.status;
  where[Op.and] = and;
  return where as WhereOptions<CatalogueItem>;
}

function orderOf(sort: CatalogueSortKey, dir: 'asc' | 'desc'): Order {
  const d = dir.toUpperCase();
  const first =
    sort === 'district'
      ? [{ model: District, as: 'district' }, 'sortOrder', d]
      : sort === 'category'
        ? [{ model: ServiceCategory, as: 'category' }, 'sortOrder', d]
        : [sort === 'price' ? 'referenceUnitPriceFen' : sort, d];
  return [first, ['code', 'ASC'], ['version', 'DESC'], ['id', 'ASC']] as Order;
}

const STATUS_CLASS = { draft: 'text-bg-warning', published: 'text-bg-success', retired: 'text-bg-secondary' } as const;

/** One row of the list, of the history and of the detail page's facts. */
function summaryOf(item: CatalogueItem, categories: ServiceCategory[] | null, lang: Lang) {
  const { t } = lang;
  return {
    id: item.id,
    href: `${CATALOGUE_PATH}/${item.id}`,
    year: item.year,
    districtName: districtName(item.district, lang),
    categoryLabel: categoryLabel(item.category, categories, lang),
    code: item.code,
    version: item.version,
    name: item.name,
    unit: item.unit,
    price: formatFen(item.referenceUnitPriceFen),
    status: item.status,
    statusLabel: t(`catalogue.status.${item.status}`),
    statusClass: STATUS_CLASS[item.status as CatalogueStatus],
    publishedAt: formatDateTime(item.publishedAt),
    retiredAt: formatDateTime(item.retiredAt),
    updatedAt: formatDateTime(item.updatedAt),
  };
}

const allCategories = () => ServiceCategory.findAll({ order: [['sortOrder', 'ASC']] });
/**
 * The catalogue list: one page of filtered, sorted items with their district and category, counted
 * and read in the database (a constant number of queries), plus the filter form's options.
 */
export async function catalogueListPage(actor: Actor, query: CatalogueListQuery, lang: Lang) {
  const show = scopeShow(actor, 'many');
  const { t } = lang;
  const [{ rows, count }, districts, categories] = await Promise.all([
    CatalogueItem.findAndCountAll({
      where: await catalogueListWhere(actor, query),
      include: PLACE,
      order: orderOf(query.sort, query.dir),
      ...pageWindow(query),
    }),
    districtsInOrder(),
    allCategories(),
  ]);
  return {
    show,
    ...listFrame(CATALOGUE_PATH, query, count, CATALOGUE_SORT_KEYS, ['q', 'year', 'districtId', 'category', 'status'] as const),
    rows: rows.map((i) => summaryOf(i, categories, lang)),
    options: {
      districts: choicesIf(
        show.district,
        withAll(
          lang,
          districts.map((d) => ({ value: d.id, label: districtName(d, lang) })),
        ),
      ),
      categories: withAll(
        lang,
        categories.map((c) => ({ value: c.code, label: categoryLabel(c, categories, lang) })),
      ),
      statuses: withAll(
        lang,
        CATALOGUE_STATUSES.map((s) => ({ value: s, label: t(`catalogue.status.${s}`) })),
      ),
    },
    can: canMap(actor, CATALOGUE_RESOURCE, ['create', 'export', 'copy_year']),
  };
}

/** The export's columns: what the list shows, with the texts in full and the price in yuan. */
export async function catalogueExportColumns(lang: Lang, show: ScopeShow = SHOW_ALL): Promise<ExportColumn<CatalogueItem>[]> {
  const { t } = lang;
  const categories = await allCategories();
  return scopedColumns(
    [
      { header: t('catalogue.fields.year'), value: (i) => i.year },
      { header: t('catalogue.fields.district'), value: (i) => districtName(i.district, lang), scope: 'district' },
      { header: t('catalogue.fields.category'), value: (i) => categoryLabel(i.category, categories, lang) },
      { header: t('catalogue.fields.code'), value: (i) => i.code },
      { header: t('catalogue.fields.version'), value: (i) => i.version },
      { header: t('catalogue.fields.name'), value: (i) => i.name },
      { header: t('catalogue.fields.unit'), value: (i) => i.unit },
      { header: t('catalogue.fields.referenceUnitPriceYuan'), value: (i) => fenToInput(i.referenceUnitPriceFen) },
      { header: t('catalogue.fields.status'), value: (i) => t(`catalogue.status.${i.status}`) },
      { header: t('catalogue.fields.description'), value: (i) => i.description },
      { header: t('catalogue.fields.indicators'), value: (i) => i.indicators },
      { header: t('catalogue.fields.publishedAt'), value: (i) => formatDateTime(i.publishedAt) },
    ],
    show,
  );
}

/** The options `inBatches` reads the export with: the list's filter and where items belong. */
export async function catalogueExportQuery(actor: Actor, filter: CatalogueFilter) {
  return { where: await catalogueListWhere(actor, filter), include: PLACE };
}

/** Loads an item the actor may see, with its district and category; anything else is a 404. */
export async function loadCatalogueItem(actor: Actor, id: number): Promise<CatalogueItem> {
  const item = await CatalogueItem.findOne({ where: { [Op.and]: [catalogueScope(actor), { id }] }, include: PLACE });
  if (!item) throw new NotFoundError();
  return item;
}

/**
 * An item's page: its facts, every version of its lineage the actor may see (newest first), and
 * which buttons to show: the policy says who may act, the state machine what makes sense now.
 */
export async function catalogueDetailPage(actor: Actor, item: CatalogueItem, lang: Lang) {
  const [versions, categories] = await Promise.all([
    CatalogueItem.findAll({
      where: { [Op.and]: [catalogueScope(actor), { lineageId: item.lineageId }] },
      include: PLACE,
      order: [['version', 'DESC']],
    }),
    allCategories(),
  ]);
  const openDraft = versions.find((v) => v.status === 'draft' && v.id !== item.id);
  // A draft is edited in place; a published item is revised (a new draft version) while it has no open draft.
  const update = can(actor, 'update', CATALOGUE_RESOURCE, item) && (item.status === 'draft' || (item.status === 'published' && !openDraft));
  const moves = movesOf(actor, CATALOGUE_RESOURCE, CATALOGUE_TRANSITIONS, item);
  return {
    item: {
      ...summaryOf(item, categories, lang),
      description: item.description,
      // One indicator a line, as the officer typed them (the form's hint asks for that).
      indicatorLines: (item.indicators ?? '')
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter(Boolean),
      supersedesHref: item.supersedesId ? `${CATALOGUE_PATH}/${item.supersedesId}` : null,
    },
    history: versions.map((v) => ({ ...summaryOf(v, categories, lang), current: v.id === item.id })),
    openDraftHref: openDraft ? `${CATALOGUE_PATH}/${openDraft.id}` : null,
    can: { update, revise: update && item.status === 'published', publish: moves.publish, retire: moves.retire },
  };
}

/** A form's values as the fields show them: the item as it is. */
export function catalogueFormValuesOf(item: CatalogueItem): Record<string, unknown> {
  return editFormValues(item, {
    year: item.year,
    districtId: item.districtId,
    code: item.code,
    categoryCode: item.categoryCode,
    name: item.name,
    unit: item.unit,
    referenceUnitPrice: fenToInput(item.referenceUnitPriceFen),
    description: item.description,
    indicators: item.indicators,
  });
}

/** The districts whose catalogue the officer keeps: their own, or (city level) the city and every district. */
async function keptDistricts(actor: Actor, lang: Lang): Promise<Option[]> {
  const districts = await districtsInOrder();
  return districts.filter((d) => keepsCatalogueOf(actor, d.id)).map((d) => ({ value: d.id, label: districtName(d, lang) }));
}

/** The choices of the new and edit forms: the categories and the districts the officer keeps. */
export async function catalogueFormOptions(actor: Actor, lang: Lang) {
  const [categories, districts] = await Promise.all([allCategories(), keptDistricts(actor, lang)]);
  return {
    categories: [
      { value: '', label: lang.t('catalogue.form.chooseCategory') },
      ...categories.map((c) => ({ value: c.code, label: categoryLabel(c, categories, lang) })),
    ],
    districts,
  };
}

/** The copy-year form's choices: the districts the officer keeps. */
export async function copyYearOptions(actor: Actor, lang: Lang) {
  return { districts: await keptDistricts(actor, lang) };
}
