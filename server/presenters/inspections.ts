import { literal, Op, type Order, type WhereOptions } from 'sequelize';
import { Agency, District } from '../../models/index.js';
import { FINDING_TRANSITIONS, INSPECTION_STATUSES, INSPECTION_TRANSITIONS, Inspection, InspectionFinding } from '../../models/Inspection.js';
import { today } from '../clock.js';
import { getSequelize } from '../db.js';
import { NotFoundError } from '../errors.js';
import type { Lang } from '../i18n/index.js';
import { type Actor, canMap, districtScope, movesOf } from '../policies/index.js';
import { FINDING_RESOURCE, INSPECTION_RESOURCE } from '../policies/inspection.js';
import { INSPECTION_SORT_KEYS, type InspectionListQuery } from '../schemas/oversight.js';
import type { ExportColumn } from '../services/export.js';
import { findListPage } from '../services/list-query.js';
import { districtsInOrder } from '../services/reference.js';
import { choicesIf, listFrame, pageWindow, scopeShow, withAll } from './list-page.js';
import { districtName, formatDate, formatDateTime } from './format.js';

export const INSPECTIONS_PATH = '/overview/inspections';

const PLACE = [
  { model: District, as: 'district' },
  { model: Agency, as: 'agency', required: false },
];

/** An inspection the actor may see (their district; the city level all), with its findings; else 404. */
export async function loadInspection(actor: Actor, id: number): Promise<Inspection> {
  const inspection = await Inspection.findOne({
    where: { [Op.and]: [{ id }, districtScope(actor)] },
    include: [...PLACE, { model: InspectionFinding, as: 'findings' }],
    order: [[{ model: InspectionFinding, as: 'findings' }, 'seq', 'ASC']],
  });
  if (!inspection) throw new NotFoundError();
  return inspection;
}

const placeOf = (i: Inspection, lang: Lang) => [districtName(i.district, lang), i.agency?.name].filter(Boolean).join(' · ');

/** Counts of an inspection's findings by where they stand: waiting for the district, for the inspector, closed, past their deadline. */
function tally(findings: InspectionFinding[], day: string) {
  const waitingDistrict = findings.filter((f) => f.status === 'open' || f.status === 'rectifying').length;
  const waitingInspector = findings.filter((f) => f.status === 'answered' || f.status === 'rectified').length;
  const closed = findings.filter((f) => f.status === 'closed').length;
  const deadlines = findings.filter((f) => f.status === 'rectifying' && f.deadline).map((f) => f.deadline as string);
  const overdue = deadlines.filter((d) => d < day).length;
  return { total: findings.length, waitingDistrict, waitingInspector, closed, overdue, nextDeadline: deadlines.sort()[0] ?? null };
}

const SORT_COLUMNS: Record<InspectionListQuery['sort'], string[]> = {
  openedOn: ['openedOn'],
  title: ['title'],
  district: ['districtId'],
  status: ['status'],
};

/**
 * The list's filter on the inspections' own columns: the actor's scope, a district, a state, and
 * "overdue" (a finding in rectification past its deadline, as of `day`) as a subquery, so the
 * count reads the inspections table alone.
 */
function listWhere(actor: Actor, q: Pick<InspectionListQuery, 'districtId' | 'status' | 'overdue'>, day: string): WhereOptions {
  const and: WhereOptions[] = [districtScope(actor)];
  if (q.districtId) and.push({ districtId: q.districtId });
  if (q.status) and.push({ status: q.status });
  if (q.overdue) {
    const overdue = `(SELECT inspection_id FROM inspection_findings WHERE status = 'rectifying' AND deadline < ${getSequelize().escape(day)})`;
    and.push({ status: 'open', id: { [Op.in]: literal(overdue) } });
  }
  return { [Op.and]: and };
}

const WITH_FINDINGS = [...PLACE, { model: InspectionFinding, as: 'findings', attributes: ['id', 'status', 'deadline'] }];

function listRow(i: Inspection, lang: Lang, day: string) {
  const t = tally(i.findings ?? [], day);
  return {
    id: i.id,
    href: `${INSPECTIONS_PATH}/${i.id}`,
    title: i.title,
    place: placeOf(i, lang),
    openedOn: formatDate(i.openedOn),
    statusLabel: lang.t(`overview.inspections.status.${i.status}`),
    ...t,
    nextDeadline: formatDate(t.nextDeadline),
  };
}

/** One page of the inspections of the actor's scope (the house list frame: filters, sort, pages, export), with where their findings stand. */
export async function inspectionListPage(actor: Actor, query: InspectionListQuery, lang: Lang) {
  const day = today();
  const show = scopeShow(actor);
  const order = [...SORT_COLUMNS[query.sort].map((c) => [c, query.dir]), ['id', query.dir]] as Order;
  const [{ rows, ...count }, districts] = await Promise.all([
    findListPage(Inspection, { where: listWhere(actor, query, day), include: WITH_FINDINGS, order, ...pageWindow(query) }),
    districtsInOrder(districtScope(actor, 'id') as WhereOptions<District>),
  ]);
  return {
    ...listFrame(INSPECTIONS_PATH, query, count, INSPECTION_SORT_KEYS, ['districtId', 'status', 'overdue'] as const),
    show,
    rows: rows.map((i) => listRow(i, lang, day)),
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
        INSPECTION_STATUSES.map((s) => ({ value: s, label: lang.t(`overview.inspections.status.${s}`) })),
      ),
      overdue: withAll(lang, [{ value: 'yes', label: lang.t('overview.inspections.overdueOnly') }]),
    },
    can: canMap(actor, INSPECTION_RESOURCE, ['open', 'export']),
  };
}

/** The list's export: every inspection the filter holds (in the list's order), as the list shows it. */
export async function inspectionExport(actor: Actor, query: InspectionListQuery, lang: Lang) {
  const day = today();
  const order = [...SORT_COLUMNS[query.sort].map((c) => [c, query.dir]), ['id', query.dir]] as Order;
  const inspections = await Inspection.findAll({ where: listWhere(actor, query, day), include: WITH_FINDINGS, order });
  const rows = inspections.map((i) => listRow(i, lang, day));
  type Row = (typeof rows)[number];
  const f = (k: string) => lang.t(`overview.inspections.fields.${k}`);
  const columns: ExportColumn<Row>[] = [
    { header: f('title'), value: (r) => r.title },
    { header: f('place'), value: (r) => r.place },
    { header: f('openedOn'), value: (r) => r.openedOn },
    { header: f('status'), value: (r) => r.statusLabel },
    { header: f('findingsCount'), value: (r) => r.total },
    { header: f('waitingDistrict'), value: (r) => r.waitingDistrict },
    { header: f('waitingInspector'), value: (r) => r.waitingInspector },
    { header: f('closedCount'), value: (r) => r.closed },
    { header: f('overdue'), value: (r) => r.overdue },
    { header: f('nextDeadline'), value: (r) => r.nextDeadline },
  ];
  return { rows, columns };
}

/** The new inspection's form: the districts of the inspector's scope and their agencies. */
export async function newInspectionPage(actor: Actor, lang: Lang) {
  const districts = await districtsInOrder(districtScope(actor, 'id') as WhereOptions<District>);
  const agencies = await Agency.findAll({ where: { districtId: districts.map((d) => d.id), active: true }, order: [['id', 'ASC']] });
  const nameOf = new Map(districts.map((d) => [d.id, districtName(d, lang)]));
  return {
    districts: [{ value: '', label: lang.t('overview.inspections.chooseDistrict') }, ...districts.map((d) => ({ value: d.id, label: districtName(d, lang) }))],
    agencies: [
      { value: '', label: lang.t('overview.inspections.wholeDistrict') },
      ...agencies.map((a) => ({ value: a.id, label: `${nameOf.get(a.districtId)} · ${a.name}` })),
    ],
  };
}

/** An inspection's page: its findings with the district's answers, the rectifications and the steps the actor may take. */
export function inspectionPage(actor: Actor, i: Inspection, lang: Lang) {
  const findings = i.findings ?? [];
  const open = i.status === 'open';
  return {
    id: i.id,
    title: i.title,
    place: placeOf(i, lang),
    openedOn: formatDate(i.openedOn),
    closedAt: formatDateTime(i.closedAt),
    statusLabel: lang.t(`overview.inspections.status.${i.status}`),
    ...tally(findings, today()),
    findings: findings.map((f) => ({
      id: f.id,
      seq: f.seq,
      text: f.text,
      status: f.status,
      statusLabel: lang.t(`overview.inspections.findingStatus.${f.status}`),
      answer: f.answer ?? '',
      answeredAt: formatDateTime(f.answeredAt),
      requirement: f.requirement ?? '',
      deadline: formatDate(f.deadline),
      report: f.report ?? '',
      reportedAt: formatDateTime(f.reportedAt),
      closedAt: formatDateTime(f.closedAt),
      action: `${INSPECTIONS_PATH}/${i.id}/findings/${f.id}`,
      can: open ? movesOf(actor, FINDING_RESOURCE, FINDING_TRANSITIONS, { ...f.get({ plain: true }), districtId: i.districtId, agencyId: i.agencyId }) : {},
    })),
    can: movesOf(actor, INSPECTION_RESOURCE, INSPECTION_TRANSITIONS, i),
  };
}
