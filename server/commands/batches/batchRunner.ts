import { Op } from 'sequelize';
import { Batch, BatchItem } from '../../../models/Batch.js';
import { now } from '../../clock.js';
import { getSequelize, withTransaction } from '../../db.js';
import { HttpError, ValidationError } from '../../errors.js';
import { logger } from '../../logger.js';
import { recordAudit } from '../../services/audit.js';
import { auditActorOf, type By } from '../kernel.js';
import { BATCH_KIND_SPECS } from './batchKinds.js';

/** A runner whose heartbeat is older than this is taken to have died with its process. */
export const BATCH_STALE_MS = 60_000;
/** How many times an item whose transaction the database chose as a deadlock victim is tried again. */
const DEADLOCK_TRIES = 3;

/** Test hooks: `beforeItem` runs before each item's transaction (a throw there is a fault mid-batch); `insideItem` after the decision, inside its transaction. */
export type BatchHooks = { beforeItem?: (index: number, item: BatchItem) => Promise<void>; insideItem?: (index: number, item: BatchItem) => Promise<void> };

/** Another runner of the same batch marked the item first: this decision is rolled back. */
class AlreadyMarked extends Error {}

function isDeadlock(err: unknown): boolean {
  const original = (err as { original?: { code?: string } } | null)?.original;
  return original?.code === 'ER_LOCK_DEADLOCK' || original?.code === 'ER_LOCK_WAIT_TIMEOUT';
}

/** Why an item was refused, as a locale key and its values (a refused form's first field error). */
export function reasonOf(err: HttpError): { reasonKey: string; reasonVars: string | null } {
  const first = err instanceof ValidationError ? Object.values(err.fieldErrors)[0] : undefined;
  const { key, vars } = typeof first === 'string' ? { key: first, vars: {} } : (first ?? { key: err.messageKey, vars: err.vars });
  return { reasonKey: key, reasonVars: Object.keys(vars).length ? JSON.stringify(vars).slice(0, 1000) : null };
}

/**
 * Takes the batch for this runner: a new batch (no heartbeat), an interrupted one, or a running
 * one whose runner's heartbeat stopped. A conditional update checked by affected rows, so two
 * runners never both take it.
 */
async function takeBatch(batchId: number): Promise<boolean> {
  const at = now();
  const stale = new Date(at.getTime() - BATCH_STALE_MS);
  const [taken] = await withTransaction((transaction) =>
    Batch.update(
      { status: 'running', heartbeatAt: at },
      {
        where: {
          id: batchId,
          [Op.or]: [{ status: 'interrupted' }, { status: 'running', [Op.or]: [{ heartbeatAt: null }, { heartbeatAt: { [Op.lt]: stale } }] }],
        },
        transaction,
      },
    ),
  );
  return taken === 1;
}

/**
 * Decides the pending items of a batch one by one, each by the single action's command in its
 * own transaction (its own locks, rules, ledger movements and audit event, the batch named in the
 * event's request id), the item marked done in that same transaction: so a fault at any point
 * leaves each item decided and marked, or untouched and pending. A refusal of the command (403,
 * 404, 409, 422) marks the item refused with the reason, and the batch goes on. Any other error
 * stops the batch as `interrupted` (its starter may continue it). When no item is pending the
 * batch is `done`, audited with its outcome (`batch.finish`). Returns the batch as it ends.
 */
export async function batchRunner(batchId: number, by: By, hooks: BatchHooks = {}): Promise<Batch> {
  if (!(await takeBatch(batchId))) return (await Batch.findByPk(batchId))!;
  const batch = (await Batch.findByPk(batchId))!;
  const spec = BATCH_KIND_SPECS[batch.kind];
  const itemBy: By = { actor: by.actor, context: { ip: by.context?.ip ?? null, requestId: `batch-${batch.id}` } };
  let index = 0;
  let beat = Date.now();
  for (;;) {
    const pending = await BatchItem.findAll({ where: { batchId, outcome: 'pending' }, order: [['id', 'ASC']], limit: 100 });
    if (pending.length === 0) break;
    for (const item of pending) {
      try {
        await hooks.beforeItem?.(index, item);
        await decideItem(item, () => spec.decide(item.recordId, itemBy), index, hooks);
      } catch (err) {
        if (err instanceof AlreadyMarked) continue;
        if (err instanceof HttpError) {
          await withTransaction((transaction) =>
            BatchItem.update({ outcome: 'refused', ...reasonOf(err), decidedAt: now() }, { where: { id: item.id, outcome: 'pending' }, transaction }),
          );
        } else {
          logger.error({ err: String(err), batchId, itemId: item.id }, 'batch interrupted');
          await withTransaction((transaction) => Batch.update({ status: 'interrupted', heartbeatAt: null }, { where: { id: batchId }, transaction }));
          return (await Batch.findByPk(batchId))!;
        }
      }
      index++;
      if (Date.now() - beat > 2_000) {
        beat = Date.now();
        await withTransaction((transaction) => Batch.update({ heartbeatAt: now() }, { where: { id: batchId }, transaction }));
      }
    }
  }
  return finish(batch, by);
}

/** One item: the command and the item's mark in one transaction, tried again when the database broke a deadlock. */
async function decideItem(item: BatchItem, decide: () => Promise<unknown>, index: number, hooks: BatchHooks): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await withTransaction(async (transaction) => {
        await decide();
        await hooks.insideItem?.(index, item);
        const [marked] = await BatchItem.update({ outcome: 'done', decidedAt: now() }, { where: { id: item.id, outcome: 'pending' }, transaction });
        if (marked !== 1) throw new AlreadyMarked();
      });
      return;
    } catch (err) {
      if (attempt >= DEADLOCK_TRIES || !isDeadlock(err)) throw err;
    }
  }
}

/** The outcome of a batch's items, counted in one grouped query. */
export async function batchCounts(batchId: number): Promise<{ pending: number; done: number; refused: number; doneFen: number }> {
  const rows = (await BatchItem.findAll({
    attributes: ['outcome', [getSequelize().fn('COUNT', getSequelize().col('id')), 'n'], [getSequelize().fn('SUM', getSequelize().col('amount_fen')), 'fen']],
    where: { batchId },
    group: ['outcome'],
    raw: true,
  })) as unknown as { outcome: string; n: number | string; fen: number | string }[];
  const counts = { pending: 0, done: 0, refused: 0, doneFen: 0 };
  for (const r of rows) {
    counts[r.outcome as 'pending' | 'done' | 'refused'] = Number(r.n);
    if (r.outcome === 'done') counts.doneFen = Number(r.fen);
  }
  return counts;
}

async function finish(batch: Batch, by: By): Promise<Batch> {
  const counts = await batchCounts(batch.id);
  return withTransaction(async (transaction) => {
    const [ended] = await Batch.update({ status: 'done', finishedAt: now(), heartbeatAt: null }, { where: { id: batch.id, status: 'running' }, transaction });
    if (ended === 1) {
      await recordAudit({
        actor: auditActorOf(by.actor),
        action: 'batch.finish',
        recordType: 'batch',
        recordId: batch.id,
        districtId: batch.districtId,
        detail: { kind: batch.kind, count: batch.itemCount, done: counts.done, refused: counts.refused, doneFen: counts.doneFen },
        context: by.context,
      });
    }
    return (await Batch.findByPk(batch.id, { transaction }))!;
  });
}
