import { Op, type WhereOptions } from 'sequelize';
import { Agency } from '../../models/Agency.js';
import { District } from '../../models/District.js';
import { ANNOUNCEMENT_STATUSES, ANNOUNCEMENT_TRANSITIONS, LotteryAnnouncement } from '../../models/LotteryAnnouncement.js';
import { NotFoundError } from '../errors.js';
import type { Lang } from '../i18n/index.js';
import { type Actor, canMap, districtScope, movesOf } from '../policies/index.js';
import { ANNOUNCEMENT_RESOURCE } from '../policies/announcement.js';
import { keepsProjectsOf } from '../policies/project.js';
import type { AnnouncementListQuery } from '../schemas/announcements.js';
import type { ExportColumn } from '../services/export.js';
import { type AnnouncementContent, draftAnnouncement } from '../services/lottery-announcement.js';
import { formatFen } from '../services/money.js';
import { districtsInOrder } from '../services/reference.js';
import { formatShare } from './budget.js';
import { districtName, formatDate, formatDateTime } from './format.js';
import { choicesIf, listFrame, pageWindow, scopeShow, withAll } from './list-page.js';
import { editFormValues, type FormValues } from './stale-edit.js';

export const ANNOUNCEMENTS_PATH = '/announcements';
export const PUBLIC_ANNOUNCEMENTS_PATH = '/public/announcements';

const PLACE = [
  { model: Agency, as: 'agency', attributes: ['id', 'name'] },
  { model: District, as: 'district', attributes: ['id', 'name', 'nameEn', 'sortOrder'] },
];

const SORT_COLUMNS = {
  year: [['year'], ['id']],
  agency: [[{ model: Agency, as: 'agency' }, 'name'], ['id']],
  status: [['status'], ['id']],
  updatedAt: [['updatedAt'], ['id']],
} as const;

const bp = (v: number | null) => formatShare(v);

/** An announcement's content as every page shows it (staff, print, public): money as ¥, shares in %, codes as the reader's words. */
export function contentView(c: AnnouncementContent, lang: Lang) {
  const { t } = lang;
  return {
    title: t('announcements.titleOf', { agency: c.agencyName, year: c.year }),
    agency: c.agencyName,
    district: lang.locale === 'en' ? c.districtNameEn : c.districtName,
    year: c.year,
    received: formatFen(c.receivedFen),
    returned: formatFen(c.returnedFen),
    allocated: formatFen(c.allocatedFen),
    spent: formatFen(c.spentFen),
    lotteryTotal: c.lotteryTotalFen === null ? t('announcements.noTotal') : formatFen(c.lotteryTotalFen),
    target: c.targetBp === null ? '—' : bp(c.targetBp),
    spentShare: c.spentShareBp === null ? '—' : bp(c.spentShareBp),
    allocatedShare: c.allocatedShareBp === null ? '—' : bp(c.allocatedShareBp),
    previousShare: c.previousSpentShareBp === null ? '—' : bp(c.previousSpentShareBp),
    change: c.changeBp === null ? '—' : `${c.changeBp >= 0 ? '+' : ''}${(c.changeBp / 100).toFixed(2)} ${t('announcements.points')}`,
    meetsTarget: c.spentShareBp !== null && c.targetBp !== null ? c.spentShareBp >= c.targetBp : null,
    projects: c.projects.map((p) => ({
      title: p.title,
      ocid: p.ocid ?? '',
      organisation: p.organisation ?? t('announcements.notAwarded'),
      method: t(`projects.method.${p.method}`),
      status: t(`projects.status.${p.status}`),
      lottery: formatFen(p.lotteryFen),
      contractValue: p.contractValueFen === null ? '—' : formatFen(p.contractValueFen),
      paid: formatFen(p.paidFen),
      spent: formatFen(p.spentFen),
      execution: p.executionBp === null ? '—' : bp(p.executionBp),
    })),
    results: {
      contracts: c.results.contracts,
      deliverablesAccepted: c.results.deliverablesAccepted,
      grades: (['excellent', 'good', 'pass', 'fail'] as const).map((g) => ({ label: t(`announcements.grade.${g}`), count: c.results.evaluations[g] })),
    },
  };
}

/** The stored content (from submission on), or the draft as the records stand now. */
export async function contentOf(a: LotteryAnnouncement): Promise<AnnouncementContent> {
  return a.content ? (JSON.parse(a.content) as AnnouncementContent) : draftAnnouncement(a.agencyId, a.year);
}

/** An announcement the actor may see (their district; the city level all), else 404. */
export async function loadAnnouncement(actor: Actor, id: number): Promise<LotteryAnnouncement> {
  const a = await LotteryAnnouncement.findOne({ where: { [Op.and]: [{ id }, districtScope(actor)] }, include: PLACE });
  if (!a) throw new NotFoundError();
  return a;
}

function listWhere(actor: Actor, q: Pick<AnnouncementListQuery, 'year' | 'districtId' | 'status'>): WhereOptions {
  const and: WhereOptions[] = [districtScope(actor)];
  if (q.year) and.push({ year: q.year });
  if (q.districtId) and.push({ districtId: q.districtId });
  if (q.status) and.push({ status: q.status });
  return { [Op.and]: and };
}

/** The announcements list: year, district and status filters, sort, pagination, export. */
export async function announcementListPage(actor: Actor, query: AnnouncementListQuery, lang: Lang) {
  const where = listWhere(actor, query);
  const show = scopeShow(actor);
  const order = SORT_COLUMNS[query.sort].map((o) => [...o, query.dir]) as never;
  const [{ rows, count }, districts] = await Promise.all([
    LotteryAnnouncement.findAndCountAll({ where, include: PLACE, order, ...pageWindow(query), distinct: true }),
    districtsInOrder(districtScope(actor, 'id') as WhereOptions<District>),
  ]);
  return {
    ...listFrame(ANNOUNCEMENTS_PATH, query, count, ['year', 'agency', 'status', 'updatedAt'] as const, ['year', 'districtId', 'status'] as const),
    show,
    rows: rows.map((a) => rowOf(a, lang)),
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
        ANNOUNCEMENT_STATUSES.map((s) => ({ value: s, label: lang.t(`announcements.status.${s}`) })),
      ),
    },
    can: canMap(actor, ANNOUNCEMENT_RESOURCE, ['create', 'export']),
  };
}

function rowOf(a: LotteryAnnouncement, lang: Lang) {
  return {
    id: a.id,
    href: `${ANNOUNCEMENTS_PATH}/${a.id}`,
    year: a.year,
    agency: a.agency?.name ?? '',
    district: districtName(a.district, lang),
    status: a.status,
    statusLabel: lang.t(`announcements.status.${a.status}`),
    updatedAt: formatDateTime(a.updatedAt),
    issuedAt: formatDate(a.issuedAt),
  };
}

/** The list's export: what it shows, all pages. */
export async function announcementExport(actor: Actor, query: AnnouncementListQuery, lang: Lang) {
  const rows = await LotteryAnnouncement.findAll({
    where: listWhere(actor, query),
    include: PLACE,
    order: [
      ['year', 'DESC'],
      ['id', 'ASC'],
    ],
  });
  const columns: ExportColumn<ReturnType<typeof rowOf>>[] = [
    { header: lang.t('announcements.fields.year'), value: (r) => r.year },
    { header: lang.t('announcements.fields.district'), value: (r) => r.district },
    { header: lang.t('announcements.fields.agency'), value: (r) => r.agency },
    { header: lang.t('announcements.fields.status'), value: (r) => r.statusLabel },
    { header: lang.t('announcements.fields.issuedAt'), value: (r) => r.issuedAt },
  ];
  return { rows: rows.map((a) => rowOf(a, lang)), columns };
}

/** What the next step needs and who gives it (a step that cannot be taken yet says so). */
const NEXT: Record<string, string> = {
  draft: 'announcements.next.draft',
  submitted: 'announcements.next.submitted',
  approved: 'announcements.next.approved',
  issued: 'announcements.next.issued',
};

/** What the body's text form is opened with: the text as stored, under the announcement's version (kernel `checkVersion`). */
export function announcementFormValuesOf(a: LotteryAnnouncement): FormValues {
  return editFormValues(a, { bodyText: a.bodyText ?? '' });
}

/** The announcement's page: its content (live while a draft, stored after), the body's text, the steps the actor may take. */
export async function announcementPage(actor: Actor, a: LotteryAnnouncement, lang: Lang) {
  const content = await contentOf(a);
  return {
    id: a.id,
    href: `${ANNOUNCEMENTS_PATH}/${a.id}`,
    status: a.status,
    statusLabel: lang.t(`announcements.status.${a.status}`),
    live: !a.content,
    bodyText: a.bodyText ?? '',
    form: announcementFormValuesOf(a),
    returnReason: a.returnReason ?? '',
    next: lang.t(NEXT[a.status]),
    history: [
      { label: lang.t('announcements.history.submitted'), at: formatDateTime(a.submittedAt) },
      { label: lang.t('announcements.history.approved'), at: formatDateTime(a.approvedAt) },
      { label: lang.t('announcements.history.issued'), at: formatDateTime(a.issuedAt) },
    ].filter((h) => h.at),
    publicHref: a.status === 'issued' ? `${PUBLIC_ANNOUNCEMENTS_PATH}/${a.id}` : null,
    content: contentView(content, lang),
    moves: movesOf(actor, ANNOUNCEMENT_RESOURCE, ANNOUNCEMENT_TRANSITIONS, a),
    can: canMap(actor, ANNOUNCEMENT_RESOURCE, ['update', 'print', 'export'], a),
    editable: a.status === 'draft' && canMap(actor, ANNOUNCEMENT_RESOURCE, ['update'], a).update,
  };
}

/** The rows of one announcement's export: the figures, then its projects. */
export async function announcementContentExport(a: LotteryAnnouncement, lang: Lang) {
  const v = contentView(await contentOf(a), lang);
  const { t } = lang;
  type Row = string[];
  const rows: Row[] = [
    [t('announcements.fields.received'), v.received],
    [t('announcements.fields.returned'), v.returned],
    [t('announcements.fields.allocated'), v.allocated],
    [t('announcements.fields.spent'), v.spent],
    [t('announcements.fields.lotteryTotal'), v.lotteryTotal],
    [t('announcements.fields.spentShare'), v.spentShare],
    [t('announcements.fields.allocatedShare'), v.allocatedShare],
    [t('announcements.fields.target'), v.target],
    [t('announcements.fields.change'), v.change],
    [],
    [
      t('announcements.fields.project'),
      t('announcements.fields.organisation'),
      t('announcements.fields.method'),
      t('announcements.fields.lottery'),
      t('announcements.fields.contractValue'),
      t('announcements.fields.paid'),
      t('announcements.fields.spent'),
      t('announcements.fields.execution'),
      t('announcements.fields.projectStatus'),
    ],
    ...v.projects.map((p) => [p.title, p.organisation, p.method, p.lottery, p.contractValue, p.paid, p.spent, p.execution, p.status]),
  ];
  const columns: ExportColumn<Row>[] = Array.from({ length: 9 }, (_, i) => ({ header: i === 0 ? v.title : '', value: (r: Row) => r[i] ?? '' }));
  return { rows, columns, title: v.title };
}

/** Officers' choice of purchasing body for a new announcement: the active agencies of districts they keep. */
export async function announcementFormOptions(actor: Actor, lang: Lang) {
  const agencies = await Agency.findAll({
    where: { active: true },
    include: [{ model: District, as: 'district' }],
    order: [
      ['districtId', 'ASC'],
      ['name', 'ASC'],
    ],
  });
  return {
    agencies: agencies
      .filter((a) => keepsProjectsOf(actor, a.districtId))
      .map((a) => ({ value: a.id, label: `${a.name}${lang.t('punct.paren', { text: districtName(a.district, lang) })}` })),
  };
}

/** The public list: issued announcements only, newest first, with year filter and pages. */
export async function publicAnnouncementList(query: { year?: number; page: number }, lang: Lang) {
  const perPage = 25;
  const where: WhereOptions = { status: 'issued', ...(query.year ? { year: query.year } : {}) };
  const { rows, count } = await LotteryAnnouncement.findAndCountAll({
    where,
    include: PLACE,
    order: [
      ['issuedAt', 'DESC'],
      ['id', 'DESC'],
    ],
    limit: perPage,
    offset: (query.page - 1) * perPage,
  });
  const pages = Math.max(1, Math.ceil(count / perPage));
  const href = (page: number) => `${PUBLIC_ANNOUNCEMENTS_PATH}?${query.year ? `year=${query.year}&` : ''}page=${page}`;
  return {
    rows: rows.map((a) => {
      // Only what the issued announcement says: its stored title, never the records behind it.
      const c = JSON.parse(a.content ?? '{}') as AnnouncementContent;
      return {
        href: `${PUBLIC_ANNOUNCEMENTS_PATH}/${a.id}`,
        title: lang.t('announcements.titleOf', { agency: c.agencyName, year: c.year }),
        year: c.year,
        issuedAt: formatDate(a.issuedAt),
      };
    }),
    year: query.year ? String(query.year) : '',
    pagination: {
      page: query.page,
      pages,
      total: count,
      prevHref: query.page > 1 ? href(query.page - 1) : null,
      nextHref: query.page < pages ? href(query.page + 1) : null,
    },
  };
}

/** An issued announcement for everyone, exactly as issued; anything else is a 404. */
export async function publicAnnouncement(id: number, lang: Lang) {
  const a = await LotteryAnnouncement.findOne({ where: { id, status: 'issued' } });
  if (!a?.content) throw new NotFoundError();
  return { id: a.id, bodyText: a.bodyText ?? '', issuedAt: formatDate(a.issuedAt), content: contentView(JSON.parse(a.content) as AnnouncementContent, lang) };
}
