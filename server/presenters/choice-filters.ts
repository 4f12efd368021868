import { literal, Op } from 'sequelize';
import { Contract } from '../../models/Contract.js';
import { Organisation } from '../../models/Organisation.js';
import { getSequelize } from '../db.js';
import type { Lang } from '../i18n/index.js';
import type { Actor } from '../policies/index.js';
import { contractScope } from '../policies/contract.js';
import { organisationRecordScope } from '../policies/organisation.js';
import { hrefWith } from '../services/listing.js';
import { type Choice, withAll } from './list-page.js';

/**
 * A list's filter by a contract or an organisation, chosen by what people know them by (#13): the
 * 合同编号 or the organisation's name, never a database id typed into a number box. Few choices in
 * the reader's scope are offered as a list; many are searched by a part of the number or name
 * (a text filter that works without JavaScript). A record chosen by a link (`?contractId=` from a
 * contract's page) is shown by its name, with a link that clears it.
 */

/** At most this many choices are offered as a list; more are searched by text. */
export const CHOICE_LIMIT = 60;

export type ChoiceFilter = {
  /** The id filter (`contractId`) and the text filter searched when choices are many (`contractText`). */
  name: string;
  textName: string;
  label: string;
  mode: 'select' | 'search' | 'hidden';
  options: Choice[];
  /** A record chosen by id, shown by its name, with the list's address without it. */
  chosen: { label: string; clearHref: string } | null;
};

function likePattern(text: string): string {
  return getSequelize().escape(`%${text.replace(/[!%_]/g, (c) => `!${c}`)}%`);
}

/** Contract ids whose 合同编号 or organisation's name contains `text` (a subquery: it works in counts and exports alike). */
export function contractsMatching(text: string) {
  const p = likePattern(text);
  return {
    [Op.in]: literal(
      `(SELECT c.id FROM contracts c LEFT JOIN organisations o ON o.id = c.organisation_id WHERE c.number LIKE ${p} ESCAPE '!' OR o.name LIKE ${p} ESCAPE '!')`,
    ),
  };
}

/** Organisation ids whose name or unified social credit code contains `text`. */
export function organisationsMatching(text: string) {
  const p = likePattern(text);
  return { [Op.in]: literal(`(SELECT o.id FROM organisations o WHERE o.name LIKE ${p} ESCAPE '!' OR o.uscc LIKE ${p} ESCAPE '!')`) };
}

type ListQuery = Record<string, unknown> & { page: number };

function frame(name: string, textName: string, label: string, path: string, query: ListQuery) {
  return { name, textName, label, clearHref: hrefWith(path, query, { [name]: undefined, page: 1 }) };
}

/** The choice of a contract among those the reader may see. */
export async function contractChoice(actor: Actor, lang: Lang, path: string, query: ListQuery, showOrganisation = true): Promise<ChoiceFilter> {
  const f = frame('contractId', 'contractText', lang.t('list.contractFilter'), path, query);
  const rows = await Contract.findAll({
    where: contractScope(actor),
    attributes: ['id', 'number'],
    include: [{ model: Organisation, as: 'organisation', attributes: ['id', 'name'] }],
    // Numbers are unique (contracts_number): ordered by the number alone, the index answers it;
    // a tie-break on the id made MariaDB sort every contract in scope on each list page (#15).
    order: [['number', 'ASC']],
    limit: CHOICE_LIMIT + 1,
  });
  const labelOf = (c: Contract) => (showOrganisation && c.organisation ? `${c.number}${lang.t('punct.paren', { text: c.organisation.name })}` : c.number);
  const id = Number(query.contractId) || null;
  if (rows.length <= CHOICE_LIMIT) {
    return {
      ...f,
      mode: 'select',
      options: withAll(
        lang,
        rows.map((c) => ({ value: c.id, label: labelOf(c) })),
      ),
      chosen: null,
    };
  }
  const chosen = id
    ? await Contract.findOne({
        where: { [Op.and]: [contractScope(actor), { id }] },
        attributes: ['id', 'number'],
        include: [{ model: Organisation, as: 'organisation', attributes: ['id', 'name'] }],
      })
    : null;
  return { ...f, mode: 'search', options: [], chosen: id ? { label: chosen ? labelOf(chosen) : lang.t('list.chosenGone'), clearHref: f.clearHref } : null };
}

/** The choice of an organisation among those the reader may see; none for an organisation user (`shown` false). */
export async function organisationChoice(actor: Actor, lang: Lang, path: string, query: ListQuery, shown: boolean): Promise<ChoiceFilter> {
  const f = frame('organisationId', 'organisationText', lang.t('list.organisationFilter'), path, query);
  if (!shown) return { ...f, mode: 'hidden', options: [], chosen: null };
  const rows = await Organisation.findAll({
    where: organisationRecordScope(actor),
    attributes: ['id', 'name'],
    order: [
      ['name', 'ASC'],
      ['id', 'ASC'],
    ],
    limit: CHOICE_LIMIT + 1,
  });
  const id = Number(query.organisationId) || null;
  if (rows.length <= CHOICE_LIMIT) {
    return {
      ...f,
      mode: 'select',
      options: withAll(
        lang,
        rows.map((o) => ({ value: o.id, label: o.name })),
      ),
      chosen: null,
    };
  }
  const chosen = id ? await Organisation.findOne({ where: { [Op.and]: [organisationRecordScope(actor), { id }] }, attributes: ['id', 'name'] }) : null;
  return { ...f, mode: 'search', options: [], chosen: id ? { label: chosen ? chosen.name : lang.t('list.chosenGone'), clearHref: f.clearHref } : null };
}

/**
 * A record a list is filtered to by a link only (a worker's claims, a budget line's allocations):
 * shown by its name with a link that clears it, never as a number.
 */
export function linkedChoice(name: string, label: string, chosenLabel: string | null, path: string, query: ListQuery): ChoiceFilter {
  const f = frame(name, '', label, path, query);
  return { ...f, mode: 'hidden', options: [], chosen: query[name] ? { label: chosenLabel ?? '', clearHref: f.clearHref } : null };
}

/** A list's conditions for the text searches of its contract and organisation choices (the export uses the very same). */
export function choiceTextConditions(
  filter: { contractText?: string; organisationText?: string },
  columns: { contract?: string; organisation?: string } = { contract: 'contractId', organisation: 'organisationId' },
): unknown[] {
  const out: unknown[] = [];
  if (filter.contractText && columns.contract) out.push({ [columns.contract]: contractsMatching(filter.contractText) });
  if (filter.organisationText && columns.organisation) out.push({ [columns.organisation]: organisationsMatching(filter.organisationText) });
  return out;
}
