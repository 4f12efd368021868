import { Op, type WhereOptions } from 'sequelize';
import type { Role } from '../../models/User.js';
import type { Actor } from './actor.js';
import { keepsMoneyOf } from './finance.js';
import { allow } from './registry.js';
import { districtScope, evidenceScope, inDistrictScope, loadedAsEvidence } from './scopes.js';

/**
 * Payments (拨付, DOMAIN.md "Payment"). Officers request instalment payments of their district's
 * contracts and mark milestones met; finance of the district (city level: all) approves, rejects
 * and records them paid, but never approves what they requested themselves nor records paid what
 * they approved (segregation of duties: here and again in the command; the one-reviewer exception
 * is the administrator's, per district); inspectors and the administrator read; organisation
 * users read the payments of their own contracts, an evaluator those of the contracts they evaluate. The finance dashboard is finance's, and the
 * inspectors' and administrator's to read.
 */
export const PAYMENT_RESOURCE = 'payment';
export const FINANCE_DASHBOARD_RESOURCE = 'finance_dashboard';

const STAFF: readonly Role[] = ['admin', 'officer', 'finance', 'inspector'];

type PaymentLike = { districtId: number; organisationId: number; requestedBy: number };
/** The district as far as paying is concerned: whether the administrator recorded the one-reviewer exception. */
export type PayingDistrict = { singleFinanceReviewer?: boolean | null } | null | undefined;
type ApprovedLike = { districtId: number; approvedBy?: number | null; district?: PayingDistrict };
type ContractLike = { districtId: number };

/** Payments an actor sees: an organisation user those of their organisation, staff their district's (city level: all). */
export function paymentScope(actor: Actor): WhereOptions {
  if (actor.role === 'org') return { organisationId: actor.organisationId ?? -1 };
  if (actor.role === 'evaluator') return evidenceScope(actor);
  return districtScope(actor);
}

/** Finance of the payment's district decides it, never whoever requested it. */
export function decidesPayment(actor: Actor, p: PaymentLike): boolean {
  return keepsMoneyOf(actor, p.districtId) && p.requestedBy !== actor.id;
}

/**
 * Finance of the payment's district records it paid, but not whoever approved it: approving and
 * paying are separate duties (DOMAIN.md, Decisions), unless the administrator recorded that the
 * district has one finance reviewer. The district must be loaded with the record to see that
 * exception; without it the rule stays strict.
 */
export function paysPayment(actor: Actor, p: ApprovedLike): boolean {
  return keepsMoneyOf(actor, p.districtId) && (p.approvedBy !== actor.id || approverMayPay(p.district));
}

/** Whether the district's recorded exception lets the approver record the payment too. */
export function approverMayPay(district: PayingDistrict): boolean {
  return district?.singleFinanceReviewer === true;
}

/** The approver of a payment (or claim) who must leave recording it paid to a second finance reviewer: the page says so. */
export function awaitsSecondReviewer(actor: Actor, p: ApprovedLike): boolean {
  return keepsMoneyOf(actor, p.districtId) && p.approvedBy === actor.id && !approverMayPay(p.district);
}

/** Payments waiting for `actor` (finance) to decide: requested ones of their district, oldest first. */
export function approvalQueueWhere(actor: Actor): WhereOptions {
  return { [Op.and]: [districtScope(actor), { status: 'requested', requestedBy: { [Op.ne]: actor.id } }] };
}

const readsPayment = (actor: Actor, p: PaymentLike) =>
  actor.role === 'org' ? p.organisationId === actor.organisationId : inDistrictScope(actor, p.districtId);

allow([...STAFF, 'org'], ['list', 'read', 'form'], PAYMENT_RESOURCE, readsPayment);
// An evaluator reads the payments of the contracts they evaluate (paymentScope loads only those).
allow('evaluator', 'read', PAYMENT_RESOURCE, loadedAsEvidence);
allow(STAFF, 'export', PAYMENT_RESOURCE);
allow('officer', ['request', 'milestone'], PAYMENT_RESOURCE, (actor: Actor, c: ContractLike) => inDistrictScope(actor, c.districtId));
allow('finance', 'queue', PAYMENT_RESOURCE);
allow('finance', ['approve', 'reject'], PAYMENT_RESOURCE, decidesPayment);
allow('finance', 'pay', PAYMENT_RESOURCE, paysPayment);
allow(['finance', 'inspector', 'admin'], 'view', FINANCE_DASHBOARD_RESOURCE);
