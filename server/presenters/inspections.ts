import { Op, type WhereOptions } from 'sequelize';
import { Agency, District } from '../../models/index.js';
import { FINDING_TRANSITIONS, INSPECTION_TRANSITIONS, Inspection, InspectionFinding } from '../../models/Inspection.js';
import { NotFoundError } from '../errors.js';
import type { Lang } from '../i18n/index.js';
import { type Actor, can, districtScope, movesOf } from '../policies/index.js';
import { FINDING_RESOURCE, INSPECTION_RESOURCE } from '../policies/inspection.js';
import { districtsInOrder } from '../services/reference.js';
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

/** Counts of an inspection's findings by where they stand: waiting for the district, for the inspector, closed. */
function tally(findings: InspectionFinding[]) {
  const waitingDistrict = findings.filter((f) => f.status === 'open' || f.status === 'rectifying').length;
  const waitingInspector = findings.filter((f) => f.status === 'answered' || f.status === 'rectified').length;
  const closed = findings.filter((f) => f.status === 'closed').length;
  const deadlines = findings.filter((f) => f.status === 'rectifying' && f.deadline).map((f) => f.deadline as string);
  return { total: findings.length, waitingDistrict, waitingInspector, closed, nextDeadline: deadlines.sort()[0] ?? null };
}

/** The inspections of the actor's scope, open ones first, with where their findings stand. */
export async function inspectionListPage(actor: Actor, lang: Lang) {
  const inspections = await Inspection.findAll({
    where: districtScope(actor),
    include: [...PLACE, { model: InspectionFinding, as: 'findings', attributes: ['id', 'status', 'deadline'] }],
    order: [
      ['status', 'DESC'],
      ['openedOn', 'DESC'],
      ['id', 'DESC'],
    ],
  });
  return {
    rows: inspections.map((i) => ({
      id: i.id,
      href: `${INSPECTIONS_PATH}/${i.id}`,
      title: i.title,
      place: placeOf(i, lang),
      openedOn: formatDate(i.openedOn),
      statusLabel: lang.t(`overview.inspections.status.${i.status}`),
      ...tally(i.findings ?? []),
    })),
    can: { open: can(actor, 'open', INSPECTION_RESOURCE) },
  };
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
    ...tally(findings),
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
