import { Op, type Order, type WhereOptions } from 'sequelize';
import { editFormValues } from './stale-edit.js';
import { Agency, District } from '../../models/index.js';
import { OCDS_PROCUREMENT_METHOD, PROCUREMENT_METHODS, PROJECT_STATUSES, Project, type ProjectStatus } from '../../models/Project.js';
import { getSequelize } from '../db.js';
import { NotFoundError } from '../errors.js';
import { type Actor, canMap } from '../policies/index.js';
import { keepsProjectsOf, PROJECT_RESOURCE, projectScope } from '../policies/project.js';
import { PROJECT_SORT_KEYS, type ProjectFilter, type ProjectListQuery, type ProjectSortKey } from '../schemas/projects.js';
import type { ExportColumn } from '../services/export.js';
import { fenToInput, formatFen } from '../services/money.js';
import { formatDateTime, districtName } from './format.js';
import type { Lang } from '../i18n/index.js';
import { listFrame, pageWindow, withAll, choicesIf, scopeShow, scopedColumns, type ScopeShow, SHOW_ALL } from './list-page.js';
import { findListPage } from '../services/list-query.js';
import { districtsInOrder } from '../services/reference.js';

export const PROJECTS_PATH = '/projects';

type Option = { value: string | number; label: string };

/** Where a project belongs, read with every list row and detail in the same query (no N+1). */
export const PROJECT_PLACE = [
  { model: District, as: 'district', attributes: ['id', 'code', 'name', 'nameEn', 'sortOrder', 'kind'] },
  { model: Agency, as: 'agency', attributes: ['id', 'name', 'districtId'] },
];

/** `%text%` for LIKE with the wildcards of the text itself escaped (`!` works on both dialects). */
function containing(text: string) {
  const pattern = `%${text.replace(/[!%_]/g, (c) => `!${c}`)}%`;
  return { [Op.like]: getSequelize().literal(`${getSequelize().escape(pattern)} ESCAPE '!'`) };
}

/** The list's filter as a query, joined by AND to what the actor may see; the export uses the very same one. */
export function projectListWhere(actor: Actor, filter: ProjectFilter): WhereOptions<Project> {
  const and: unknown[] = [projectScope(actor)];
  if (filter.q) and.push({ [Op.or]: [{ title: containing(filter.q) }, { ocid: containing(filter.q) }] });
  if (filter.year) and.push({ year: filter.year });
  if (filter.districtId) and.push({ districtId: filter.districtId });
  if (filter.status) and.push({ status: filter.status });
  if (filter.method) and.push({ procurementMethod: filter.method });
  return { [Op.and]: and } as WhereOptions<Project>;
}

const SORT_COLUMN: Record<Exclude<ProjectSortKey, 'district'>, string> = {
  year: 'year',
  title: 'title',
  budget: 'budgetFen',
  method: 'procurementMethod',
  status: 'status',
  updatedAt: 'updatedAt',
};

function orderOf(sort: ProjectSortKey, dir: 'asc' | 'desc'): Order {
  const d = dir.toUpperCase();
  const first = sort === 'district' ? [{ model: District, as: 'district' }, 'sortOrder', d] : [SORT_COLUMN[sort], d];
  return [first, ['id', 'DESC']] as Order;
}

export const PROJECT_STATUS_CLASS: Record<ProjectStatus, string> = {
  planning: 'text-bg-warning',
  tendering: 'text-bg-info',
  awarded: 'text-bg-primary',
  contracted: 'text-bg-success',
  closed: 'text-bg-secondary',
  cancelled: 'text-bg-dark',
};

/** One row of the list and the facts of the detail page. */
export function projectSummaryOf(p: Project, lang: Lang) {
  const { t } = lang;
  return {
    id: p.id,
    href: `${PROJECTS_PATH}/${p.id}`,
    ocid: p.ocid ?? '',
    year: p.year,
    districtName: districtName(p.district, lang),
    agencyName: p.agency?.name ?? '',
    title: p.title,
    targetGroup: p.targetGroup,
    budget: formatFen(p.budgetFen),
    method: p.procurementMethod,
    methodLabel: t(`projects.method.${p.procurementMethod}`),
    ocdsMethod: OCDS_PROCUREMENT_METHOD[p.procurementMethod],
    status: p.status,
    statusLabel: t(`projects.status.${p.status}`),
    statusClass: PROJECT_STATUS_CLASS[p.status as ProjectStatus],
    statusReason: p.statusReason ?? '',
    updatedAt: formatDateTime(p.updatedAt),
  };
}

/** The choices of procurement methods, in the order of the law. */
export const methodOptions = (lang: Lang): Option[] => PROCUREMENT_METHODS.map((m) => ({ value: m, label: lang.t(`projects.method.${m}`) }));

/**
 * The project list: one page of filtered, sorted projects with their district and purchasing body,
 * counted and read in the database (a constant number of queries), plus the filter form's options.
 */
export async function projectListPage(actor: Actor, query: ProjectListQuery, lang: Lang) {
  const show = scopeShow(actor);
  const { t } = lang;
  const [{ rows, ...count }, districts] = await Promise.all([
    // Counted on the table alone up to its cap, continued by cursor from "next" (#15): a project for every contract at city scale.
    findListPage(Project, { where: projectListWhere(actor, query), include: PROJECT_PLACE, order: orderOf(query.sort, query.dir), ...pageWindow(query) }),
    districtsInOrder(),
  ]);
  return {
    show,
    rows: rows.map((p) => projectSummaryOf(p, lang)),
    ...listFrame(PROJECTS_PATH, query, count, PROJECT_SORT_KEYS, ['q', 'year', 'districtId', 'status', 'method']),
    options: {
      districts: choicesIf(
        show.district,
        withAll(
          lang,
          districts.map((d) => ({ value: d.id, label: districtName(d, lang) })),
        ),
      ),
      statuses: withAll(
        lang,
        PROJECT_STATUSES.map((s) => ({ value: s, label: t(`projects.status.${s}`) })),
      ),
      methods: withAll(lang, methodOptions(lang)),
    },
    can: canMap(actor, PROJECT_RESOURCE, ['create', 'export']),
  };
}

/** The export's columns: what the list shows, with the budget in yuan and the OCDS method. */
export function projectExportColumns(lang: Lang, show: ScopeShow = SHOW_ALL): ExportColumn<Project>[] {
  const { t } = lang;
  return scopedColumns(
    [
      { header: t('projects.fields.ocid'), value: (p) => p.ocid },
      { header: t('projects.fields.year'), value: (p) => p.year },
      { header: t('projects.fields.district'), value: (p) => districtName(p.district, lang), scope: 'district' },
      { header: t('projects.fields.agency'), value: (p) => p.agency?.name ?? '' },
      { header: t('projects.fields.title'), value: (p) => p.title },
      { header: t('projects.fields.targetGroup'), value: (p) => p.targetGroup },
      { header: t('projects.fields.budgetYuan'), value: (p) => fenToInput(p.budgetFen) },
      { header: t('projects.fields.method'), value: (p) => t(`projects.method.${p.procurementMethod}`) },
      { header: t('projects.fields.ocdsMethod'), value: (p) => OCDS_PROCUREMENT_METHOD[p.procurementMethod] },
      { header: t('projects.fields.status'), value: (p) => t(`projects.status.${p.status}`) },
      { header: t('projects.fields.updatedAt'), value: (p) => formatDateTime(p.updatedAt) },
    ],
    show,
  );
}

/** The options `inBatches` reads the export with: the list's filter and where projects belong. */
export function projectExportQuery(actor: Actor, filter: ProjectFilter) {
  return { where: projectListWhere(actor, filter), include: PROJECT_PLACE };
}

/** Loads a project the actor may see, with its district and purchasing body; anything else is a 404. */
export async function loadProject(actor: Actor, id: number): Promise<Project> {
  const project = await Project.findOne({ where: { [Op.and]: [projectScope(actor), { id }] }, include: PROJECT_PLACE });
  if (!project) throw new NotFoundError();
  return project;
}

/** A form's values as the fields show them: the project as it is. */
export function projectFormValuesOf(p: Project): Record<string, unknown> {
  return editFormValues(p, {
    agencyId: p.agencyId,
    title: p.title,
    targetGroup: p.targetGroup,
    budget: fenToInput(p.budgetFen),
    procurementMethod: p.procurementMethod,
  });
}

/**
 * The choices of the new and edit forms: the districts whose projects the officer keeps, the
 * purchasing bodies (agencies of those districts and of the city), and the methods.
 */
export async function projectFormOptions(actor: Actor, lang: Lang, districtId?: number) {
  const [districts, agencies] = await Promise.all([
    districtsInOrder(),
    Agency.findAll({
      where: { active: true },
      include: [{ model: District, as: 'district' }],
      order: [
        ['districtId', 'ASC'],
        ['id', 'ASC'],
      ],
    }),
  ]);
  const kept = districts.filter((d) => keepsProjectsOf(actor, d.id));
  const usable = agencies.filter((a) =>
    districtId ? a.districtId === districtId || a.district?.kind === 'city' : kept.some((d) => d.id === a.districtId) || a.district?.kind === 'city',
  );
  return {
    districts: kept.map((d) => ({ value: d.id, label: districtName(d, lang) })),
    agencies: [
      { value: '', label: lang.t('projects.form.chooseAgency') },
      ...usable.map((a) => ({ value: a.id, label: `${districtName(a.district, lang)} · ${a.name}` })),
    ],
    methods: [{ value: '', label: lang.t('projects.form.chooseMethod') }, ...methodOptions(lang)],
  };
}
