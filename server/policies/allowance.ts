import { Op, type WhereOptions } from 'sequelize';
import type { Role } from '../../models/User.js';
import type { Actor } from './actor.js';
import { keepsMoneyOf } from './finance.js';
import { approverMayPay, type PayingDistrict } from './payment.js';
import { allow } from './registry.js';
import { districtScope, inDistrictScope } from './scopes.js';

/**
 * Child workers' allowances (津补贴, #21, section 二(一)). The civil-affairs officer of a district
 * (city level: any district) keeps its schedule and generates, regenerates and submits the month's
 * list; finance of the district approves or rejects it against a budget line and records it paid.
 * Segregation of duties: whoever generated or submitted a list never decides it, and whoever
 * approved it does not record it paid (unless the district's recorded one-reviewer exception, as
 * for payments). Inspectors read; the lists name people, so the administrator does not.
 */
export const ALLOWANCE_LIST_RESOURCE = 'allowance_list';
export const ALLOWANCE_RATE_RESOURCE = 'allowance_rate';

const READERS: readonly Role[] = ['officer', 'finance', 'inspector'];

type ListLike = {
  districtId: number;
  generatedBy: number;
  submittedBy: number | null;
  decidedBy?: number | null;
  district?: PayingDistrict;
};

/** Finance of the list's district decides it, never who generated or submitted it. */
export function decidesAllowanceList(actor: Actor, list: ListLike): boolean {
  return keepsMoneyOf(actor, list.districtId) && list.generatedBy !== actor.id && list.submittedBy !== actor.id;
}

/** Finance of the list's district records it paid, but not who approved it (unless the district's exception). */
export function paysAllowanceList(actor: Actor, list: ListLike): boolean {
  return keepsMoneyOf(actor, list.districtId) && (list.decidedBy !== actor.id || approverMayPay(list.district));
}

/** Lists an actor sees: their district's (city level: all). */
export function allowanceListScope(actor: Actor): WhereOptions {
  return districtScope(actor);
}

/** Lists waiting for `actor` (finance) to decide: submitted ones of their district they neither generated nor submitted. */
export function allowanceQueueWhere(actor: Actor): WhereOptions {
  return {
    [Op.and]: [districtScope(actor), { status: 'submitted', generatedBy: { [Op.ne]: actor.id }, submittedBy: { [Op.ne]: actor.id } }],
  };
}

const inScope = (actor: Actor, record: { districtId: number }) => inDistrictScope(actor, record.districtId);

allow(READERS, ['list', 'read', 'export'], ALLOWANCE_LIST_RESOURCE, inScope);
allow('officer', 'generate', ALLOWANCE_LIST_RESOURCE, inScope);
allow('officer', ['regenerate', 'submit'], ALLOWANCE_LIST_RESOURCE, inScope);
allow('finance', ['approve', 'reject'], ALLOWANCE_LIST_RESOURCE, decidesAllowanceList);
allow('finance', 'pay', ALLOWANCE_LIST_RESOURCE, paysAllowanceList);

allow(READERS, ['list', 'read'], ALLOWANCE_RATE_RESOURCE, inScope);
allow('officer', 'create', ALLOWANCE_RATE_RESOURCE, inScope);

/** The approver of a list, who must leave recording it paid to a second finance reviewer: the page says so. */
export function awaitsSecondPayer(actor: Actor, list: ListLike & { status: string }): boolean {
  return list.status === 'approved' && keepsMoneyOf(actor, list.districtId) && list.decidedBy === actor.id && !approverMayPay(list.district);
}
