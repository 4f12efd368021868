import { Op, type Order, type WhereOptions } from 'sequelize';
import { editFormValues } from './stale-edit.js';
import { District, Organisation, StoredFile, User } from '../../models/index.js';
import { OrganisationDocument } from '../../models/OrganisationDocument.js';
import { OrganisationStatusChange } from '../../models/OrganisationStatusChange.js';
import { ORGANISATION_STATUSES, ORGANISATION_TRANSITIONS, ORGANISATION_TYPES, type OrganisationStatus } from '../../models/Organisation.js';
import { ORGANISATION_DOCUMENT_TYPES } from '../../models/OrganisationDocument.js';
import { getSequelize } from '../db.js';
import { NotFoundError } from '../errors.js';
import { type Actor, canMap, districtScope } from '../policies/index.js';
import { organisationRecordScope } from '../policies/organisation.js';
import { ORGANISATION_SORT_KEYS, type OrganisationFilter, type OrganisationListQuery, type OrganisationSortKey } from '../schemas/organisations.js';
import type { ExportColumn } from '../services/export.js';
import { acceptAttribute, FILE_TYPES, uploadKind } from '../services/storage/kinds.js';
import { formatDate, formatDateTime, districtName } from './format.js';
import type { Lang } from '../i18n/index.js';
import { listFrame, pageWindow, withAll, choicesIf, scopeShow, scopedColumns, type ScopeShow, SHOW_ALL } from './list-page.js';
import { findListPage } from '../services/list-query.js';
import { districtsInOrder } from '../services/reference.js';

export const ORGANISATIONS_PATH = '/organisations';
export const organisationHref = (id: number) => `${ORGANISATIONS_PATH}/${id}`;

const DISTRICT = { model: District, as: 'district', attributes: ['id', 'name', 'nameEn', 'sortOrder'] };

const STATUS_CLASSES: Record<OrganisationStatus, string> = {
  active: 'text-bg-success',
  suspended: 'text-bg-warning',
  ineligible: 'text-bg-danger',
};

/** `%text%` for LIKE with the text's own wildcards escaped (`!` works on both dialects). */
function containing(text: string) {
  const pattern = `%${text.replace(/[!%_]/g, (c) => `!${c}`)}%`;
  return { [Op.like]: getSequelize().literal(`${getSequelize().escape(pattern)} ESCAPE '!'`) };
}

/** The list's filter inside the actor's scope; the export uses the very same one. */
export function organisationListWhere(actor: Actor, filter: OrganisationFilter): WhereOptions<Organisation> {
  const where: Record<string | symbol, unknown> = {};
  if (filter.q) where[Op.or] = [{ name: containing(filter.q) }, { uscc: containing(filter.q.toUpperCase()) }];
  if (filter.districtId) where.districtId = filter.districtId;
  if (filter.status) where.status = filter.status;
  if (filter.orgType) where.orgType = filter.orgType;
  // `and`, not a spread: a district filter must never widen the actor's own district scope.
  return { [Op.and]: [organisationRecordScope(actor), where] } as WhereOptions<Organisation>;
}

function orderOf(sort: OrganisationSortKey, dir: 'asc' | 'desc'): Order {
  const direction = dir.toUpperCase();
  const first = sort === 'district' ? [{ model: District, as: 'district' }, 'sortOrder', direction] : [sort, direction];
  return [first, ['id', direction]] as Order;
}

/** One row of the list, and the facts of the detail page. */
function summaryOf(org: Organisation, lang: Lang) {
  const { t } = lang;
  const status = org.status as OrganisationStatus;
  return {
    id: org.id,
    href: organisationHref(org.id),
    name: org.name,
    uscc: org.uscc,
    orgTypeLabel: t(`organisations.types.${org.orgType}`),
    districtName: districtName(org.district, lang),
    status,
    statusLabel: t(`organisations.status.${status}`),
    statusClass: STATUS_CLASSES[status],
    ineligibleUntil: org.ineligibleUntil ?? '',
    legalRepresentative: org.legalRepresentative ?? '',
    address: org.address ?? '',
    contactName: org.contactName ?? '',
    contactPhone: org.contactPhone ?? '',
    contactEmail: org.contactEmail ?? '',
    bankName: org.bankName ?? '',
    bankAccountMasked: maskBankAccount(org.bankAccount),
    socialWorkerCount: org.socialWorkerCount,
    counsellorCount: org.counsellorCount,
    lawyerCount: org.lawyerCount,
    statusReason: org.statusReason ?? '',
    createdAt: formatDateTime(org.createdAt),
  };
}
export type OrganisationSummary = ReturnType<typeof summaryOf>;

async function districtsFor(actor: Actor): Promise<District[]> {
  return districtsInOrder(districtScope(actor, 'id'));
}

/**
 * The organisation list: one page of filtered, sorted organisations with their districts, counted
 * and read in the database (a constant number of queries), plus the filter form's options.
 */
export async function organisationListPage(actor: Actor, query: OrganisationListQuery, lang: Lang) {
  const show = scopeShow(actor);
  const { t } = lang;
  const [{ rows, ...count }, districts] = await Promise.all([
    // Counted on the table alone up to its cap, continued by cursor from "next" (#15).
    findListPage(Organisation, {
      where: organisationListWhere(actor, query),
      include: [DISTRICT],
      order: orderOf(query.sort, query.dir),
      ...pageWindow(query),
    }),
    districtsFor(actor),
  ]);
  return {
    show,
    ...listFrame(ORGANISATIONS_PATH, query, count, ORGANISATION_SORT_KEYS, ['q', 'districtId', 'status', 'orgType'] as const),
    rows: rows.map((o) => summaryOf(o, lang)),
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
        ORGANISATION_STATUSES.map((s) => ({ value: s, label: t(`organisations.status.${s}`) })),
      ),
      types: withAll(
        lang,
        ORGANISATION_TYPES.map((s) => ({ value: s, label: t(`organisations.types.${s}`) })),
      ),
    },
    can: canMap(actor, 'organisation', ['create', 'export']),
  };
}

/** The export's columns: what the list shows and the rest of the record. */
export function organisationExportColumns(lang: Lang, show: ScopeShow = SHOW_ALL): ExportColumn<Organisation>[] {
  const { t } = lang;
  const s = (o: Organisation) => summaryOf(o, lang);
  const f = (key: string) => t(`organisations.fields.${key}`);
  return scopedColumns(
    [
      { header: f('name'), value: (o) => o.name },
      { header: f('uscc'), value: (o) => o.uscc },
      { header: f('orgType'), value: (o) => s(o).orgTypeLabel },
      { header: f('district'), value: (o) => s(o).districtName, scope: 'district' },
      { header: f('status'), value: (o) => s(o).statusLabel },
      { header: f('ineligibleUntil'), value: (o) => o.ineligibleUntil ?? '' },
      { header: f('legalRepresentative'), value: (o) => o.legalRepresentative ?? '' },
      { header: f('address'), value: (o) => o.address ?? '' },
      { header: f('contactName'), value: (o) => o.contactName ?? '' },
      { header: f('contactPhone'), value: (o) => o.contactPhone ?? '' },
      { header: f('contactEmail'), value: (o) => o.contactEmail ?? '' },
      { header: f('bankName'), value: (o) => o.bankName ?? '' },
      { header: f('bankAccount'), value: (o) => maskBankAccount(o.bankAccount) },
      { header: f('socialWorkerCount'), value: (o) => o.socialWorkerCount },
      { header: f('counsellorCount'), value: (o) => o.counsellorCount },
      { header: f('lawyerCount'), value: (o) => o.lawyerCount },
      { header: f('createdAt'), value: (o) => formatDateTime(o.createdAt) },
    ],
    show,
  );
}

/** The options `inBatches` reads the export with: the list's filter and the districts. */
export function organisationExportQuery(actor: Actor, filter: OrganisationFilter) {
  return { where: organisationListWhere(actor, filter), include: [DISTRICT] };
}

/** Loads an organisation through the actor's scope: another organisation's or district's is a 404. */
export async function loadOrganisation(actor: Actor, id: number): Promise<Organisation> {
  // `and`, not a spread: an organisation user's scope is itself a condition on `id`.
  const organisation = await Organisation.findOne({ where: { [Op.and]: [organisationRecordScope(actor), { id }] }, include: [DISTRICT] });
  if (!organisation) throw new NotFoundError();
  return organisation;
}

/** One of the organisation's documents with its stored file; any other id is a 404. */
export async function loadOrganisationDocument(organisation: Organisation, documentId: number): Promise<OrganisationDocument & { file: StoredFile }> {
  const document = await OrganisationDocument.findOne({
    where: { id: documentId, organisationId: organisation.id },
    include: [{ model: StoredFile, as: 'file' }],
  });
  if (!document?.file) throw new NotFoundError();
  return document as OrganisationDocument & { file: StoredFile };
}

const sizeOf = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`);

/**
 * An organisation's page: its facts, its status history, its documents, and which buttons to
 * show. Three queries beside the organisation itself.
 */
export async function organisationDetailPage(actor: Actor, organisation: Organisation, lang: Lang) {
  const { t } = lang;
  const [changes, documents] = await Promise.all([
    OrganisationStatusChange.findAll({
      where: { organisationId: organisation.id },
      include: [{ model: User, as: 'changer', attributes: ['id', 'displayName'] }],
      order: [
        ['changedAt', 'DESC'],
        ['id', 'DESC'],
      ],
    }),
    OrganisationDocument.findAll({
      where: { organisationId: organisation.id },
      include: [
        { model: StoredFile, as: 'file', attributes: ['id', 'originalName', 'size', 'mimeType'] },
        { model: User, as: 'uploader', attributes: ['id', 'displayName'] },
      ],
      order: [
        ['createdAt', 'DESC'],
        ['id', 'DESC'],
      ],
    }),
  ]);
  const can = canMap(actor, 'organisation', ['list', 'update', 'update_contact', 'change_status', 'upload_document', 'download_document'], organisation);
  const href = organisationHref(organisation.id);
  return {
    organisation: summaryOf(organisation, lang),
    history: changes.map((c) => ({
      at: formatDateTime(c.changedAt),
      from: t(`organisations.status.${c.fromStatus}`),
      to: t(`organisations.status.${c.toStatus}`),
      reason: c.reason,
      ineligibleUntil: c.ineligibleUntil ?? '',
      by: c.changer?.displayName ?? '',
    })),
    documents: documents.map((d) => ({
      id: d.id,
      title: d.title,
      docTypeLabel: t(`organisations.docTypes.${d.docType}`),
      fileName: d.file?.originalName ?? '',
      size: sizeOf(d.file?.size ?? 0),
      uploadedBy: d.uploader?.displayName ?? '',
      uploadedAt: formatDate(d.createdAt),
      href: `${href}/documents/${d.id}`,
    })),
    can,
  };
}

/** The officer form's values for an organisation as it is. */
export function formValuesOf(org: Organisation): Record<string, unknown> {
  return editFormValues(org, {
    name: org.name,
    uscc: org.uscc,
    orgType: org.orgType,
    districtId: org.districtId,
    legalRepresentative: org.legalRepresentative ?? '',
    address: org.address ?? '',
    contactName: org.contactName ?? '',
    contactPhone: org.contactPhone ?? '',
    contactEmail: org.contactEmail ?? '',
    bankName: org.bankName ?? '',
    bankAccount: org.bankAccount ?? '',
    socialWorkerCount: org.socialWorkerCount,
    counsellorCount: org.counsellorCount,
    lawyerCount: org.lawyerCount,
  });
}

/** The choices of the forms: the districts the officer keeps, the types, the statuses an organisation may move to, the document types. */
export async function organisationFormOptions(actor: Actor, lang: Lang, organisation?: Organisation) {
  const { t } = lang;
  const districts = await districtsFor(actor);
  const kind = uploadKind('qualification_document');
  const choose = { value: '', label: t('organisations.form.choose') };
  const statuses = organisation ? ORGANISATION_TRANSITIONS[organisation.status as OrganisationStatus] : ORGANISATION_STATUSES;
  return {
    districts: [choose, ...districts.filter((d) => d.kind !== 'city').map((d) => ({ value: d.id, label: districtName(d, lang) }))],
    types: [choose, ...ORGANISATION_TYPES.map((s) => ({ value: s, label: t(`organisations.types.${s}`) }))],
    statuses: [choose, ...statuses.map((s) => ({ value: s, label: t(`organisations.status.${s}`) }))],
    docTypes: [choose, ...ORGANISATION_DOCUMENT_TYPES.map((s) => ({ value: s, label: t(`organisations.docTypes.${s}`) }))],
    accept: acceptAttribute(kind),
    uploadHint: t('upload.hint', {
      types: kind.types.map((id) => FILE_TYPES[id].extensions[0].slice(1).toUpperCase()).join(', '),
      size: `${kind.maxBytes / 1024 / 1024} MB`,
      count: kind.maxFiles,
    }),
  };
}

/** An account number as pages and exports show it: its last four digits (the printed payment form shows it whole). */
export function maskBankAccount(account: string | null | undefined): string {
  if (!account) return '';
  return `**** ${account.slice(-4)}`;
}
