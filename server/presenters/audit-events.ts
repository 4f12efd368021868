import { type Model, type ModelStatic, QueryTypes } from 'sequelize';
import { BudgetLine } from '../../models/BudgetLine.js';
import { CatalogueItem } from '../../models/CatalogueItem.js';
import { ChildWorker } from '../../models/ChildWorker.js';
import { Contract } from '../../models/Contract.js';
import { Instalment } from '../../models/Instalment.js';
import { type AuditEvent, Organisation, User } from '../../models/index.js';
import { Project } from '../../models/Project.js';
import { getSequelize } from '../db.js';
import type { Translate } from '../i18n/index.js';
import { formatFen } from '../services/money.js';
import { workerName } from './format.js';

/**
 * What an audit event says, for a person to check it: who (name, username and role), which
 * record (by its number or name, linked to the record's own page), from which state to which,
 * and the amounts (in ¥) and other facts its detail records, each with a label. The detail's
 * raw text stays for the technical view; internal codes and ids are left out of the sentence.
 */

/** The record's own page, per record type (the page applies its access rules itself). */
const RECORD_PAGES: Record<string, (id: string) => string> = {
  allocation: (id) => `/allocations/${id}`,
  budget_line: (id) => `/budget-lines/${id}`,
  catalogue_item: (id) => `/catalogue/${id}`,
  child_worker: (id) => `/workers/${id}`,
  claim: (id) => `/claims/${id}`,
  contract: (id) => `/contracts/${id}`,
  deliverable: (id) => `/deliverables/${id}`,
  district: (id) => `/reference/districts/${id}`,
  evaluation: (id) => `/evaluations/${id}`,
  organisation: (id) => `/organisations/${id}`,
  payment: (id) => `/payments/${id}`,
  project: (id) => `/projects/${id}`,
  user: (id) => `/admin/users/${id}`,
};

/** Where each record type's states are labelled in the locale files. */
const STATE_LABELS: Record<string, string> = {
  allocation: 'finance.allocationStatus',
  catalogue_item: 'catalogue.status',
  claim: 'claims.status',
  contract: 'contracts.status',
  deliverable: 'deliverables.status',
  evaluation: 'evaluations.status',
  instalment: 'contracts.instalmentStatus',
  organisation: 'organisations.status',
  payment: 'payments.status',
  project: 'projects.status',
  user: 'users.status',
};

/**
 * Where a record type's name is read: its model and one or two of its columns, and how the name
 * (and, for records without a page of their own, the link) is made of them.
 */
type NameSource = {
  model: ModelStatic<Model>;
  columns: [string] | [string, string];
  name: (row: NameRow, t: Translate) => string;
  href?: (row: NameRow) => string;
};
type NameRow = { id: number; a: string; b: string | null };

const NAMERS: Record<string, NameSource> = {
  contract: { model: Contract, columns: ['number'], name: (r) => r.a },
  organisation: { model: Organisation, columns: ['name'], name: (r) => r.a },
  project: { model: Project, columns: ['title'], name: (r) => r.a },
  budget_line: { model: BudgetLine, columns: ['name'], name: (r) => r.a },
  catalogue_item: { model: CatalogueItem, columns: ['code', 'name'], name: (r) => `${r.a} ${r.b}` },
  child_worker: { model: ChildWorker, columns: ['name'], name: (r, t) => workerName({ id: r.id, name: r.a }, t) },
  user: { model: User, columns: ['displayName'], name: (r) => r.a },
  // An instalment has no page of its own: it is read on its contract's payments page.
  instalment: { model: Instalment, columns: ['seq', 'contractId'], name: (r) => r.a, href: (r) => `/payments/contracts/${r.b}` },
};

/**
 * One SELECT per record type present, joined by UNION ALL into one statement (#15): a page of the
 * trail costs one round trip for its records' names however many kinds of record it shows.
 * Ids are integers (checked by the caller); columns and tables are the models' own, quoted.
 */
async function namesOf(idsByType: Map<string, number[]>, t: Translate): Promise<Map<string, Map<string, { name: string; href?: string }>>> {
  const names = new Map<string, Map<string, { name: string; href?: string }>>();
  if (!idsByType.size) return names;
  const s = getSequelize();
  const q = (name: string) => s.getQueryInterface().quoteIdentifier(name);
  const text = (source: NameSource, attribute: string | undefined) =>
    attribute ? `CAST(${q(source.model.getAttributes()[attribute]?.field ?? attribute)} AS CHAR)` : 'NULL';
  const selects = [...idsByType].map(([type, ids]) => {
    const source = NAMERS[type];
    return `SELECT ${s.escape(type)} AS record_type, ${q('id')} AS id, ${text(source, source.columns[0])} AS a, ${text(source, source.columns[1])} AS b FROM ${q(source.model.getTableName() as string)} WHERE ${q('id')} IN (${ids.join(', ')})`;
  });
  const rows = await s.query<{ record_type: string; id: number | string; a: string | null; b: string | null }>(selects.join(' UNION ALL '), {
    type: QueryTypes.SELECT,
  });
  for (const row of rows) {
    const source = NAMERS[row.record_type];
    const named: NameRow = { id: Number(row.id), a: row.a ?? '', b: row.b };
    let byId = names.get(row.record_type);
    if (!byId) {
      byId = new Map();
      names.set(row.record_type, byId);
    }
    byId.set(String(named.id), { name: source.name(named, t), href: source.href?.(named) });
  }
  return names;
}

export type RecordRef = { label: string; href: string | null };
export type Fact = { label: string; value: string };

/** A label from the locale files, or null when they have none (t shows a missing key as itself). */
function labelOf(key: string, t: Translate): string | null {
  const text = t(key);
  return text === key ? null : text;
}

/** Names and links of the records the events on a page refer to, read in one statement. */
export async function recordRefsOf(events: AuditEvent[], t: Translate): Promise<Map<AuditEvent, RecordRef>> {
  const idsByType = new Map<string, number[]>();
  for (const e of events) {
    if (!e.recordType || !e.recordId || !/^\d+$/.test(e.recordId) || !Object.hasOwn(NAMERS, e.recordType)) continue;
    const id = Number(e.recordId);
    if (!Number.isSafeInteger(id)) continue;
    const ids = idsByType.get(e.recordType) ?? [];
    if (!ids.includes(id)) ids.push(id);
    idsByType.set(e.recordType, ids);
  }
  const names = await namesOf(idsByType, t);
  const refs = new Map<AuditEvent, RecordRef>();
  for (const e of events) {
    if (!e.recordType) continue;
    const typeLabel = /^[a-z_]+$/.test(e.recordType) ? (labelOf(`audit.recordTypes.${e.recordType}`, t) ?? e.recordType) : e.recordType;
    const known = e.recordId ? names.get(e.recordType)?.get(e.recordId) : undefined;
    const name = known ? known.name : e.recordId ? `#${e.recordId}` : '';
    const href = known?.href ?? (e.recordId && /^\d+$/.test(e.recordId) && RECORD_PAGES[e.recordType] ? RECORD_PAGES[e.recordType](e.recordId) : null);
    refs.set(e, { label: name ? `${typeLabel} ${name}` : typeLabel, href });
  }
  return refs;
}

function stateLabel(recordType: string | null, state: unknown, t: Translate): string {
  const code = String(state);
  const prefix = recordType ? STATE_LABELS[recordType] : undefined;
  return (prefix && labelOf(`${prefix}.${code}`, t)) ?? labelOf(`audit.states.${code}`, t) ?? code;
}

/** The change of state an event records (`status: {from, to}`, or `from`/`to`), as "草稿 → 履行中". */
export function stateChangeOf(e: AuditEvent, detail: Record<string, unknown>, t: Translate): string {
  const status = detail.status;
  const change =
    status && typeof status === 'object' && 'to' in status
      ? (status as { from?: unknown; to: unknown })
      : 'to' in detail && typeof detail.to === 'string'
        ? detail
        : null;
  if (!change) return '';
  const to = stateLabel(e.recordType, change.to, t);
  return change.from == null || change.from === '' ? to : `${stateLabel(e.recordType, change.from, t)} → ${to}`;
}

/**
 * The facts of a detail a person can read: amounts (`…Fen`) in ¥, and the keys the locale files
 * label (`audit.fields.<key>`) with plain values. Ids, codes without a label and nested data are
 * left to the technical view.
 */
export function factsOf(detail: Record<string, unknown>, t: Translate): Fact[] {
  const facts: Fact[] = [];
  for (const [key, value] of Object.entries(detail)) {
    if (key === 'status' || key === 'from' || key === 'to') continue;
    if (/Fen$/.test(key) && (typeof value === 'number' || (typeof value === 'string' && /^-?\d+$/.test(value)))) {
      facts.push({ label: labelOf(`audit.fields.${key}`, t) ?? t('audit.fields.amountFen'), value: formatFen(BigInt(value)) });
      continue;
    }
    const label = labelOf(`audit.fields.${key}`, t);
    if (!label || value === null || value === '' || typeof value === 'object') continue;
    if (key === 'role' && typeof value === 'string') facts.push({ label, value: labelOf(`roles.${value}`, t) ?? value });
    else if (typeof value === 'boolean') facts.push({ label, value: t(value ? 'audit.yes' : 'audit.no') });
    else facts.push({ label, value: String(value) });
  }
  return facts;
}

/** The detail as an object, or {} for none or text that is not a JSON object. */
export function detailOf(e: AuditEvent): Record<string, unknown> {
  if (!e.detail) return {};
  try {
    const parsed: unknown = JSON.parse(e.detail);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
