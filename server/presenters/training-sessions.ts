import { literal, Op, type Order, type WhereOptions } from 'sequelize';
import { ChildWorker } from '../../models/ChildWorker.js';
import { District, SubDistrict } from '../../models/index.js';
import { TRAINING_KINDS, TrainingRecord } from '../../models/TrainingRecord.js';
import { LEVEL_TRAINS, TRAINING_LEVELS, TrainingSession } from '../../models/TrainingSession.js';
import { TrainingTopic } from '../../models/TrainingTopic.js';
import { thisYear } from '../clock.js';
import { getSequelize } from '../db.js';
import { NotFoundError } from '../errors.js';
import type { Lang } from '../i18n/index.js';
import { type Actor, can, canMap, districtScope } from '../policies/index.js';
import { SESSION_SORT_KEYS, type RosterQuery, type SessionListQuery } from '../schemas/training-sessions.js';
import type { ExportColumn } from '../services/export.js';
import { sessionResultsOf } from '../services/training-deliverable.js';
import { districtsInOrder } from '../services/reference.js';
import { districtsFor, PLACE } from './child-workers.js';
import { byChinese, districtName, workerName } from './format.js';
import { type Choice, choicesIf, listFrame, pageWindow, scopedColumns, scopeShow, type ScopeShow, SHOW_ALL, withAll } from './list-page.js';

export const SESSIONS_PATH = '/trainings';
export const sessionHref = (id: number) => `${SESSIONS_PATH}/${id}`;

/** Hours from tenths, as people write them: 15 → `1.5`, 20 → `2`. */
const hoursOf = (tenths: number) => (tenths % 10 === 0 ? String(tenths / 10) : (tenths / 10).toFixed(1));

const SESSION_INCLUDE = [
  { model: District, as: 'district', attributes: ['id', 'name', 'nameEn', 'sortOrder', 'kind'] },
  { model: TrainingTopic, as: 'topics', through: { attributes: [] } },
];

/** The topics every form and filter offers, in the policy's order. */
export function topicsInOrder(): Promise<TrainingTopic[]> {
  return TrainingTopic.findAll({ order: [['sortOrder', 'ASC']] });
}

/** The topics a new session may cover: those not retired, in the policy's order. */
export function topicsInUse(): Promise<TrainingTopic[]> {
  return TrainingTopic.findAll({ where: { retiredAt: null }, order: [['sortOrder', 'ASC']] });
}

export const topicName = (topic: { name: string; nameEn: string }, lang: Lang) => (lang.locale === 'en' ? topic.nameEn : topic.name);

function containing(text: string) {
  const pattern = `%${text.replace(/[!%_]/g, (c) => `!${c}`)}%`;
  return { [Op.like]: getSequelize().literal(`${getSequelize().escape(pattern)} ESCAPE '!'`) };
}

/** The sessions of a topic, as a subquery (the list's topic filter). */
const withTopic = (code: string) => ({
  [Op.in]: literal(`(SELECT training_session_id FROM training_session_topics WHERE topic_code = ${getSequelize().escape(code)})`),
});

/** The list's filter inside the actor's scope; the export uses the same. */
export function sessionListWhere(actor: Actor, q: Omit<SessionListQuery, 'page' | 'perPage' | 'sort' | 'dir' | 'format'>): WhereOptions<TrainingSession> {
  const and: unknown[] = [districtScope(actor)];
  if (q.year) and.push({ heldOn: { [Op.between]: [`${q.year}-01-01`, `${q.year}-12-31`] } });
  if (q.level) and.push({ level: q.level });
  if (q.districtId) and.push({ districtId: q.districtId });
  if (q.kind) and.push({ kind: q.kind });
  if (q.topic) and.push({ id: withTopic(q.topic) });
  if (q.q) and.push({ title: containing(q.q) });
  return { [Op.and]: and } as WhereOptions<TrainingSession>;
}

/** One session as a row and as the facts of its page. */
export function sessionSummary(s: TrainingSession, lang: Lang, results?: { attended: number; passed: number }) {
  const { t } = lang;
  return {
    id: s.id,
    href: sessionHref(s.id),
    heldOn: s.heldOn,
    title: s.title,
    trainer: s.trainer,
    hours: hoursOf(s.hoursTenths),
    level: s.level,
    levelLabel: t(`trainings.levels.${s.level}`),
    kindLabel: t(`workers.trainingKinds.${s.kind}`),
    trainsLabel: t(`workers.kinds.${LEVEL_TRAINS[s.level]}`),
    districtName: districtName(s.district, lang),
    topics: (s.topics ?? []).sort((a, b) => a.sortOrder - b.sortOrder).map((x) => topicName(x, lang)),
    topicsText: (s.topics ?? []).map((x) => topicName(x, lang)).join(t('punct.listSep')),
    attended: results?.attended ?? 0,
    passed: results?.passed ?? 0,
  };
}

function orderOf(sort: SessionListQuery['sort'], dir: 'asc' | 'desc'): Order {
  const d = dir.toUpperCase();
  const first = sort === 'district' ? [{ model: District, as: 'district' }, 'sortOrder', d] : [sort, d];
  return [first, ['id', d]] as Order;
}

const FILTERS = ['year', 'level', 'districtId', 'topic', 'kind', 'q'] as const;

/** The sessions list: one page with its topics and results (three queries), and the filter choices. */
export async function sessionListPage(actor: Actor, query: SessionListQuery, lang: Lang) {
  const { t } = lang;
  const show = scopeShow(actor);
  const where = sessionListWhere(actor, query);
  const [count, page, districts, topics] = await Promise.all([
    TrainingSession.count({ where }),
    TrainingSession.findAll({ where, include: [SESSION_INCLUDE[0]], order: orderOf(query.sort, query.dir), ...pageWindow(query) }),
    districtsInOrder(districtScope(actor, 'id')),
    topicsInOrder(),
  ]);
  const ids = page.map((s) => s.id);
  const [results, withTopics] = await Promise.all([
    sessionResultsOf(ids),
    ids.length ? TrainingSession.findAll({ where: { id: ids }, attributes: ['id'], include: [SESSION_INCLUDE[1]] }) : [],
  ]);
  const topicsOf = new Map(withTopics.map((s) => [s.id, s.topics ?? []]));
  for (const s of page) s.topics = topicsOf.get(s.id) ?? [];
  return {
    show,
    ...listFrame(SESSIONS_PATH, query, count, SESSION_SORT_KEYS, FILTERS),
    rows: page.map((s) => sessionSummary(s, lang, results.get(s.id))),
    options: {
      years: withAll(
        lang,
        [0, 1, 2, 3].map((n) => thisYear() - n).map((y) => ({ value: y, label: String(y) })),
      ),
      levels: withAll(
        lang,
        TRAINING_LEVELS.map((l) => ({ value: l, label: t(`trainings.levels.${l}`) })),
      ),
      districts: choicesIf(
        show.district,
        withAll(
          lang,
          districts.map((d) => ({ value: d.id, label: districtName(d, lang) })),
        ),
      ),
      topics: withAll(
        lang,
        topics.map((x) => ({ value: x.code, label: topicName(x, lang) })),
      ),
      kinds: withAll(
        lang,
        TRAINING_KINDS.map((k) => ({ value: k, label: t(`workers.trainingKinds.${k}`) })),
      ),
    },
    can: { ...canMap(actor, 'training_session', ['export', 'report']), create: can(actor, 'create', 'training_session') },
  };
}

/** The export's columns: what the list shows. */
export function sessionExportColumns(
  lang: Lang,
  show: ScopeShow = SHOW_ALL,
): ExportColumn<TrainingSession & { results?: { attended: number; passed: number } }>[] {
  const { t } = lang;
  const row = (s: TrainingSession & { results?: { attended: number; passed: number } }) => sessionSummary(s, lang, s.results);
  return scopedColumns(
    [
      { header: t('trainings.fields.heldOn'), value: (s) => s.heldOn },
      { header: t('trainings.fields.title'), value: (s) => s.title },
      { header: t('trainings.fields.level'), value: (s) => row(s).levelLabel },
      { header: t('trainings.fields.district'), value: (s) => row(s).districtName, scope: 'district' },
      { header: t('trainings.fields.kind'), value: (s) => row(s).kindLabel },
      { header: t('trainings.fields.topics'), value: (s) => row(s).topicsText },
      { header: t('trainings.fields.trainer'), value: (s) => s.trainer },
      { header: t('trainings.fields.hours'), value: (s) => row(s).hours },
      { header: t('trainings.fields.attended'), value: (s) => row(s).attended },
      { header: t('trainings.fields.passed'), value: (s) => row(s).passed },
    ],
    show,
  );
}

/** The export's rows: the filtered sessions with topics and results, a batch at a time. */
export async function* sessionExportRows(actor: Actor, query: SessionListQuery) {
  const where = sessionListWhere(actor, query);
  let lastId = 0;
  for (;;) {
    const batch = await TrainingSession.findAll({
      where: { [Op.and]: [where, { id: { [Op.gt]: lastId } }] },
      include: SESSION_INCLUDE,
      order: [['id', 'ASC']],
      limit: 500,
    });
    const results = await sessionResultsOf(batch.map((s) => s.id));
    for (const s of batch) yield Object.assign(s, { results: results.get(s.id) });
    if (batch.length < 500) return;
    lastId = batch[batch.length - 1].id;
  }
}

/** Loads a session through the actor's district scope (404 outside it), with its district and topics. */
export async function loadSession(actor: Actor, id: number): Promise<TrainingSession & { cityDistrict: boolean }> {
  const s = await TrainingSession.findOne({ where: { ...districtScope(actor), id }, include: SESSION_INCLUDE });
  if (!s) throw new NotFoundError();
  return Object.assign(s, { cityDistrict: s.district?.kind === 'city' });
}

/** The choices of the new-session form: only the levels and districts the actor may hold. */
export async function sessionFormOptions(actor: Actor, lang: Lang) {
  const { t } = lang;
  const [districts, topics] = await Promise.all([districtsFor(actor), topicsInUse()]);
  const districtChoices = districts.filter((d) => d.kind !== 'city');
  const levels = TRAINING_LEVELS.filter((l) => (l === 'city' ? actor.cityLevel : districtChoices.length > 0));
  const choose = { value: '', label: t('workers.form.choose') };
  return {
    levels: levels.map((l) => ({ value: l, label: t(`trainings.levels.${l}`), hint: t(`trainings.levelHints.${l}`) })),
    districts: actor.cityLevel ? [choose, ...districtChoices.map((d) => ({ value: d.id, label: districtName(d, lang) }))] : [],
    kinds: [choose, ...TRAINING_KINDS.map((k) => ({ value: k, label: t(`workers.trainingKinds.${k}`) }))],
    topics: topics.map((x) => ({ value: x.code, label: topicName(x, lang) })),
  };
}

/** The roster as the session's page shows it: worker, place, masked number and result, by name. */
export async function sessionDetailPage(actor: Actor, session: TrainingSession & { cityDistrict: boolean }, lang: Lang) {
  const { t } = lang;
  const records = await TrainingRecord.findAll({
    where: { trainingSessionId: session.id },
    include: [{ model: ChildWorker, as: 'childWorker', attributes: ['id', 'name', 'kind', 'idNumberMasked', 'districtId', 'subDistrictId'], include: PLACE }],
    order: [['id', 'ASC']],
  });
  const roster = records
    .map((r) => {
      const w = (r as TrainingRecord & { childWorker: ChildWorker }).childWorker;
      return {
        workerId: w.id,
        href: `/workers/${w.id}`,
        name: workerName(w, t),
        idNumber: w.idNumberMasked,
        districtName: districtName(w.district, lang),
        subDistrictName: w.subDistrict?.name ?? '',
        passed: r.passed,
        resultLabel: t(r.passed ? 'workers.passed.yes' : 'workers.passed.no'),
      };
    })
    .sort((a, b) => byChinese(a.name, b.name));
  const passed = roster.filter((r) => r.passed).length;
  return {
    session: sessionSummary(session, lang, { attended: roster.length, passed }),
    roster,
    show: { district: session.level === 'city' },
    can: canMap(actor, 'training_session', ['record_roster'], session),
  };
}

/** At most this many candidates on one roster page: more asks to narrow by sub-district or name. */
export const ROSTER_PAGE_MAX = 400;

/**
 * The candidates of a session's roster: the active workers its level trains (a district session:
 * its district's directors; a city session: supervisors), narrowed by sub-district and name, with
 * those already on the roster marked.
 */
export async function rosterPage(session: TrainingSession, query: RosterQuery, lang: Lang) {
  const and: unknown[] = [{ kind: LEVEL_TRAINS[session.level], status: 'active' }];
  if (session.level === 'district') and.push({ districtId: session.districtId });
  if (query.subDistrictId) and.push({ subDistrictId: query.subDistrictId });
  if (query.q) and.push({ name: containing(query.q) });
  const where = { [Op.and]: and } as WhereOptions<ChildWorker>;
  const [count, workers, onRoster, subs] = await Promise.all([
    ChildWorker.count({ where }),
    ChildWorker.findAll({
      where,
      include: PLACE,
      order: [
        ['subDistrictId', 'ASC'],
        ['name', 'ASC'],
        ['id', 'ASC'],
      ],
      limit: ROSTER_PAGE_MAX,
    }),
    TrainingRecord.findAll({ where: { trainingSessionId: session.id }, attributes: ['childWorkerId', 'passed'] }),
    session.level === 'district'
      ? SubDistrict.findAll({
          where: { districtId: session.districtId },
          order: [
            ['sortOrder', 'ASC'],
            ['id', 'ASC'],
          ],
        })
      : [],
  ]);
  const results = new Map(onRoster.map((r) => [r.childWorkerId, r.passed]));
  const subChoices: Choice[] = withAll(
    lang,
    subs.map((s) => ({ value: s.id, label: s.name })),
  );
  return {
    count,
    more: count > workers.length,
    filters: { subDistrictId: query.subDistrictId ? String(query.subDistrictId) : '', q: query.q ?? '' },
    subDistricts: subs.length ? subChoices : [],
    candidates: workers.map((w) => ({
      id: w.id,
      name: workerName(w, lang.t),
      idNumber: w.idNumberMasked,
      districtName: districtName(w.district, lang),
      subDistrictName: w.subDistrict?.name ?? '',
      onRoster: results.has(w.id),
      resultLabel: results.has(w.id) ? lang.t(results.get(w.id) ? 'workers.passed.yes' : 'workers.passed.no') : '',
    })),
  };
}
