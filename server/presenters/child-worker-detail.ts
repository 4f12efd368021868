import { CHILD_WORKER_KINDS, CHILD_WORKER_STATUSES, CHILD_WORKER_TRANSITIONS, type ChildWorker, EMPLOYMENTS } from '../../models/ChildWorker.js';
import { editFormValues } from './stale-edit.js';
import { AuditEvent, SubDistrict, User } from '../../models/index.js';
import { WORKER_NOTE_KINDS, ChildWorkerNote } from '../../models/ChildWorkerNote.js';
import { TRAINING_KINDS, TrainingRecord } from '../../models/TrainingRecord.js';
import { type Actor, can as can_, canMap, movesOf } from '../policies/index.js';
import { TrainingSession } from '../../models/TrainingSession.js';
import { Community } from '../../models/Community.js';
import { districtName, workerName } from './format.js';
import { districtsFor, summaryOf, WORKERS_PATH } from './child-workers.js';
import { formatDateTime } from './format.js';
import type { Lang } from '../i18n/index.js';

/** Hours from tenths, as people write them: 15 → `1.5`, 20 → `2`. */
const hoursOf = (tenths: number) => (tenths % 10 === 0 ? String(tenths / 10) : (tenths / 10).toFixed(1));

/**
 * A worker's page: the facts with masked numbers, the training records newest first with the
 * status they add up to today, the last 20 events about the worker (who changed or revealed what,
 * and when: PIPL accountability), and the buttons the policy allows (reveal, edit, add a training).
 */
export async function workerDetailPage(actor: Actor, worker: ChildWorker, today: string, lang: Lang) {
  const { t } = lang;
  const [records, events, notes] = await Promise.all([
    TrainingRecord.findAll({
      where: { childWorkerId: worker.id },
      include: [{ model: TrainingSession, as: 'session', attributes: ['id', 'districtId'] }],
      order: [
        ['trainedOn', 'DESC'],
        ['id', 'DESC'],
      ],
    }),
    AuditEvent.findAll({ where: { recordType: 'child_worker', recordId: String(worker.id) }, order: [['seq', 'DESC']], limit: 20 }),
    ChildWorkerNote.findAll({
      where: { childWorkerId: worker.id },
      order: [
        ['notedOn', 'DESC'],
        ['id', 'DESC'],
      ],
    }),
  ]);
  const authors = notes.length ? await User.findAll({ where: { id: [...new Set(notes.map((n) => n.recordedBy))] }, attributes: ['id', 'displayName'] }) : [];
  const authorOf = new Map(authors.map((u) => [u.id, u.displayName]));
  const can = {
    ...canMap(actor, 'child_worker', ['update', 'reveal', 'record_training', 'note'], worker),
    ...movesOf(actor, 'child_worker', CHILD_WORKER_TRANSITIONS, worker),
  };
  return {
    worker: { ...summaryOf(worker, today, lang), hasPhone: !!worker.phoneEnc },
    trainings: records.map((r) => ({
      id: r.id,
      kindLabel: t(`workers.trainingKinds.${r.kind}`),
      trainedOn: r.trainedOn,
      course: r.course,
      hours: hoursOf(r.hoursTenths),
      trainer: r.trainer,
      passed: r.passed,
      passedLabel: t(r.passed ? 'workers.passed.yes' : 'workers.passed.no'),
      sessionHref: r.session && can_(actor, 'read', 'training_session', r.session) ? `/trainings/${r.session.id}` : null,
      certificateHref: r.certificateFileId ? `${WORKERS_PATH}/${worker.id}/trainings/${r.id}/certificate` : null,
    })),
    notes: notes.map((n) => ({
      notedOn: n.notedOn,
      kind: n.kind,
      kindLabel: t(`workers.notes.kinds.${n.kind}`),
      text: n.text,
      by: authorOf.get(n.recordedBy) ?? '',
    })),
    events: events.map((e) => {
      const field = e.action === 'child_worker.reveal' ? (JSON.parse(e.detail ?? '{}') as { field?: string }).field : undefined;
      return {
        at: formatDateTime(e.at),
        actor: e.actorName ?? '',
        action: e.action,
        label: t(`workers.events.${e.action.replace('child_worker.', '')}`) + (field ? ` · ${t(`workers.fields.${field}`)}` : ''),
      };
    }),
    can,
  };
}

/** A form's values as the fields show them: the worker as they are; the numbers are typed only to change them. */
export function workerFormValues(worker: ChildWorker): Record<string, unknown> {
  return editFormValues(worker, {
    kind: worker.kind,
    name: worker.name,
    districtId: worker.districtId,
    subDistrictId: worker.subDistrictId ?? '',
    community: worker.community ?? '',
    employment: worker.employment,
    idNumber: '',
    phone: '',
    // Not fields of the form (its number fields stay empty): a stale save's notice shows another
    // save's new numbers by these masks.
    idNumberMasked: worker.idNumberMasked,
    phoneMasked: worker.phoneMasked ?? '',
  });
}

/** The choices of the new and edit forms: only the districts the actor keeps, and their sub-districts by district. */
export async function workerFormOptions(actor: Actor, lang: Lang) {
  const { t } = lang;
  const districts = await districtsFor(actor);
  const subs = await SubDistrict.findAll({
    where: { districtId: districts.map((d) => d.id) },
    attributes: ['id', 'name', 'districtId'],
    order: [
      ['sortOrder', 'ASC'],
      ['id', 'ASC'],
    ],
  });
  const communities = subs.length
    ? await Community.findAll({
        where: { subDistrictId: subs.map((s) => s.id), retiredAt: null },
        attributes: ['name', 'subDistrictId'],
        order: [
          ['sortOrder', 'ASC'],
          ['id', 'ASC'],
        ],
      })
    : [];
  const subName = new Map(subs.map((s) => [s.id, s.name]));
  const choose = (key: string) => ({ value: '', label: t(key) });
  return {
    communities: communities.map((c) => ({ name: c.name, subDistrict: subName.get(c.subDistrictId) ?? '' })),
    kinds: [choose('workers.form.choose'), ...CHILD_WORKER_KINDS.map((k) => ({ value: k, label: t(`workers.kinds.${k}`) }))],
    employments: [choose('workers.form.choose'), ...EMPLOYMENTS.map((e) => ({ value: e, label: t(`workers.employments.${e}`) }))],
    statuses: CHILD_WORKER_STATUSES.map((s) => ({ value: s, label: t(`workers.statuses.${s}`) })),
    districts: [choose('workers.form.choose'), ...districts.map((d) => ({ value: d.id, label: districtName(d, lang) }))],
    subDistricts: districts
      .map((d) => ({
        label: districtName(d, lang),
        options: subs.filter((s) => s.districtId === d.id).map((s) => ({ value: s.id, label: s.name })),
      }))
      .filter((g) => g.options.length > 0),
  };
}

/** The choices of the training form. */
export function trainingFormOptions(lang: Lang) {
  const { t } = lang;
  return {
    kinds: [{ value: '', label: t('workers.form.choose') }, ...TRAINING_KINDS.map((k) => ({ value: k, label: t(`workers.trainingKinds.${k}`) }))],
    passed: [
      { value: '', label: t('workers.form.choose') },
      { value: 'yes', label: t('workers.passed.yes') },
      { value: 'no', label: t('workers.passed.no') },
    ],
  };
}

/** The choices of the note form. */
export function workerNoteOptions(lang: Lang) {
  const { t } = lang;
  return { kinds: [{ value: '', label: t('workers.form.choose') }, ...WORKER_NOTE_KINDS.map((k) => ({ value: k, label: t(`workers.notes.kinds.${k}`) }))] };
}
