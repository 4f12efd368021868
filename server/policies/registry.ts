import type { Role } from '../../models/User.js';
import { canMove, type TransitionTable } from '../../models/transitions.js';
import { ForbiddenError } from '../errors.js';
import type { Actor } from './actor.js';

type Condition = (actor: Actor, record: never) => boolean;
type Rule = { roles: ReadonlySet<Role> | 'any'; condition?: Condition };

const rules = new Map<string, Rule[]>();

/**
 * Declares who may do `action` on `resource`: the roles, and optionally a condition on the
 * record. Rules add up: an action is allowed when any rule allows it. Policy files call this once
 * per rule at import (Outline's `allow(User, "update", Document, condition)`).
 */
export function allow<R>(
  roles: Role | readonly Role[] | 'any',
  actions: string | readonly string[],
  resource: string,
  condition?: (actor: Actor, record: R) => boolean,
): void {
  const roleSet = roles === 'any' ? 'any' : new Set<Role>(typeof roles === 'string' ? [roles] : roles);
  for (const action of typeof actions === 'string' ? [actions] : actions) {
    const key = `${resource}:${action}`;
    const list = rules.get(key) ?? [];
    list.push({ roles: roleSet, condition: condition as Condition | undefined });
    rules.set(key, list);
  }
}

/**
 * Whether `actor` may do `action` on `resource`. Without a record only the roles are checked
 * (may this user list users at all?); with one, the rule's condition too.
 */
export function can<R>(actor: Actor | null | undefined, action: string, resource: string, record?: R): boolean {
  if (!actor) return false;
  const list = rules.get(`${resource}:${action}`);
  if (!list) return false;
  return list.some(
    (r) =>
      (r.roles === 'any' || r.roles.has(actor.role)) && (record === undefined || !r.condition || (r.condition as (a: Actor, rec: R) => boolean)(actor, record)),
  );
}

/** Like `can`, but throws ForbiddenError (403) when the answer is no. */
export function authorize<R>(actor: Actor | null | undefined, action: string, resource: string, record?: R): void {
  if (!can(actor, action, resource, record)) throw new ForbiddenError();
}

/** Whether any rule names `resource:action`; the router test uses it to find rules that do not exist. */
export function isDeclared(action: string, resource: string): boolean {
  return rules.has(`${resource}:${action}`);
}

/** A `can` map for a view: `{ update: true, disable: false }`. Views never decide permissions. */
export function canMap<R>(actor: Actor | null | undefined, resource: string, actions: readonly string[], record?: R) {
  return Object.fromEntries(actions.map((a) => [a, can(actor, a, resource, record)])) as Record<string, boolean>;
}

/**
 * The moves of a record's state machine that `actor` may make now: each a transition `table`
 * allows from the record's status and a rule `resource:<transition>` allows the actor on the
 * record. The one place where the state and the permission meet: presenters hand the result to
 * views as part of `can`, so no view tests a status.
 */
export function movesOf<T extends TransitionTable, R extends { status: string }>(
  actor: Actor | null | undefined,
  resource: string,
  table: T,
  record: R,
  transitions: readonly (keyof T & string)[] = Object.keys(table) as (keyof T & string)[],
): Record<keyof T & string, boolean> {
  return Object.fromEntries(transitions.map((t) => [t, canMove(table, record.status, t) && can(actor, t, resource, record)])) as Record<
    keyof T & string,
    boolean
  >;
}
