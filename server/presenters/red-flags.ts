import { Op, type Order, type WhereOptions } from 'sequelize';
import { District } from '../../models/District.js';
import { AuditEvent, User } from '../../models/index.js';
import { RED_FLAG_STATUSES, RED_FLAG_TRANSITIONS, RedFlag } from '../../models/RedFlag.js';
import type { Lang } from '../i18n/index.js';
import { type Actor, can, canMap, districtScope, movesOf } from '../policies/index.js';
import { CITY_ROUND, RED_FLAG_RESOURCE } from '../policies/red-flag.js';
import type { RedFlagListQuery } from '../schemas/oversight.js';
import type { ExportColumn } from '../services/export.js';
import { formatFen } from '../services/money.js';
import { type Evidence, RED_FLAG_RULES, type RedFlagRule } from '../services/red-flag-rules.js';
import { districtsInOrder } from '../services/reference.js';
import { districtName, formatDate, formatDateTime } from './format.js';
import { choicesIf, listFrame, pageWindow, scopeShow, withAll } from './list-page.js';

export const RED_FLAGS_PATH = '/overview/flags';

const SORT_COLUMNS: Record<RedFlagListQuery['sort'], string[][]> = {
  lastFoundOn: [['lastFoundOn'], ['id']],
  firstFoundOn: [['firstFoundOn'], ['id']],
  rule: [['rule'], ['id']],
  district: [['districtId'], ['id']],
};

/** A rule as people read it: its name, its threshold in words and its basis. */
export function ruleDeclaration(rule: RedFlagRule, lang: Lang) {
  return {
    key: rule.key,
    label: lang.t(`overview.flags.rules.${rule.key}.label`),
    threshold: lang.t(`overview.flags.rules.${rule.key}.threshold`, { n: rule.threshold, days: rule.withinDays ?? 0 }),
    basis: lang.t(`overview.flags.rules.${rule.key}.basis`),
  };
}

/** One fact of the evidence as shown: money in ¥, a procurement method or claim kind by its label. */
function fact(key: string, v: string | number | null, lang: Lang): string {
  if (v === null || v === '') return '—';
  if (key.endsWith('Fen')) return formatFen(Number(v));
  if (key === 'method') return lang.t(`projects.method.${v}`);
  if (key === 'claimKind') return lang.t(`claims.kind.${v}`);
  return String(v);
}

/** The evidence as lines of text, each linking to its record. */
export function evidenceLines(evidence: Evidence, lang: Lang): { text: string; href: string }[] {
  return evidence.items.map((item) => ({
    href: item.href,
    text: lang.t(`overview.flags.evidence.${item.kind}`, Object.fromEntries(Object.entries(item.values).map(([k, v]) => [k, fact(k, v, lang)]))),
  }));
}

function listWhere(actor: Actor, q: Pick<RedFlagListQuery, 'rule' | 'status' | 'districtId'>): WhereOptions {
  const and: WhereOptions[] = [districtScope(actor)];
  if (q.rule) and.push({ rule: q.rule });
  if (q.status) and.push({ status: q.status });
  if (q.districtId) and.push({ districtId: q.districtId });
  return { [Op.and]: and };
}

const rulesByKey = new Map(RED_FLAG_RULES.map((r) => [r.key, r]));

function rowOf(actor: Actor, f: RedFlag, lang: Lang) {
  const rule = rulesByKey.get(f.rule as RedFlagRule['key']);
  const evidence = JSON.parse(f.evidence) as Evidence;
  return {
    id: f.id,
    rule: f.rule,
    ruleLabel: rule ? lang.t(`overview.flags.rules.${rule.key}.label`) : f.rule,
    figure: rule ? lang.t(`overview.flags.figure.${rule.unit}`, { n: evidence.figure, threshold: rule.threshold }) : '',
    subject: f.subject,
    district: districtName(f.district, lang),
    districtId: f.districtId,
    status: f.status,
    statusLabel: lang.t(`overview.flags.status.${f.status}`),
    tone: f.status === 'open' ? 'danger' : 'secondary',
    firstFoundOn: formatDate(f.firstFoundOn),
    lastFoundOn: formatDate(f.lastFoundOn),
    clearedOn: formatDate(f.clearedOn),
    dismissedAt: formatDateTime(f.dismissedAt),
    dismissReason: f.dismissReason ?? '',
    evidence: evidenceLines(evidence, lang),
    version: f.lockVersion,
    can: movesOf(actor, RED_FLAG_RESOURCE, RED_FLAG_TRANSITIONS, f),
  };
}

/** The red flags' page: the rules declared with their thresholds and bases, the flags of the actor's scope with their evidence. */
export async function redFlagListPage(actor: Actor, query: RedFlagListQuery, lang: Lang) {
  const where = listWhere(actor, query);
  const show = scopeShow(actor);
  const order = SORT_COLUMNS[query.sort].map((o) => [...o, query.dir]) as Order;
  const [{ rows, count }, districts, counts, lastRound] = await Promise.all([
    RedFlag.findAndCountAll({ where, include: [{ model: District, as: 'district' }], order, ...pageWindow(query) }),
    districtsInOrder(districtScope(actor, 'id') as WhereOptions<District>),
    RedFlag.count({ where: { [Op.and]: [districtScope(actor), { status: 'open' }] }, group: ['rule'] }) as unknown as Promise<
      { rule: string; count: number }[]
    >,
    AuditEvent.findOne({ where: { action: 'red_flags.round' }, order: [['at', 'DESC']], attributes: ['at', 'actorId', 'actorName'] }),
  ]);
  // Who asked for the last round, by the name people know them by (the audit keeps the username).
  const asker = lastRound?.actorId ? await User.findByPk(lastRound.actorId, { attributes: ['displayName'] }) : null;
  const openByRule = new Map(counts.map((c) => [c.rule, Number(c.count)]));
  return {
    ...listFrame(RED_FLAGS_PATH, query, count, ['lastFoundOn', 'rule', 'district', 'firstFoundOn'] as const, ['rule', 'status', 'districtId'] as const),
    show,
    rows: rows.map((f) => rowOf(actor, f, lang)),
    rules: RED_FLAG_RULES.map((r) => ({
      ...ruleDeclaration(r, lang),
      open: openByRule.get(r.key) ?? 0,
      href: `${RED_FLAGS_PATH}?rule=${r.key}&status=open`,
    })),
    options: {
      rules: withAll(
        lang,
        RED_FLAG_RULES.map((r) => ({ value: r.key, label: lang.t(`overview.flags.rules.${r.key}.label`) })),
      ),
      statuses: withAll(
        lang,
        RED_FLAG_STATUSES.map((s) => ({ value: s, label: lang.t(`overview.flags.status.${s}`) })),
      ),
      districts: choicesIf(
        show.district,
        withAll(
          lang,
          districts.map((d) => ({ value: d.id, label: districtName(d, lang) })),
        ),
      ),
    },
    lastRound: lastRound
      ? lang.t(lastRound.actorId ? 'overview.flags.lastRoundBy' : 'overview.flags.lastRoundNightly', {
          at: formatDateTime(lastRound.at),
          name: asker?.displayName ?? lastRound.actorName ?? '',
        })
      : lang.t('overview.flags.neverComputed'),
    can: { ...canMap(actor, RED_FLAG_RESOURCE, ['export']), compute: can(actor, 'compute', RED_FLAG_RESOURCE, CITY_ROUND) },
  };
}

/** The list's export: every flag the filter holds, with its evidence as text. */
export async function redFlagExport(actor: Actor, query: RedFlagListQuery, lang: Lang) {
  const flags = await RedFlag.findAll({ where: listWhere(actor, query), include: [{ model: District, as: 'district' }], order: [['id', 'ASC']] });
  const rows = flags.map((f) => rowOf(actor, f, lang));
  type Row = (typeof rows)[number];
  const columns: ExportColumn<Row>[] = [
    { header: lang.t('overview.flags.fields.rule'), value: (r) => r.ruleLabel },
    { header: lang.t('overview.flags.fields.subject'), value: (r) => r.subject },
    { header: lang.t('overview.district'), value: (r) => r.district },
    { header: lang.t('overview.flags.fields.figure'), value: (r) => r.figure },
    { header: lang.t('overview.flags.fields.evidence'), value: (r) => r.evidence.map((e) => e.text).join('\n') },
    { header: lang.t('overview.flags.fields.status'), value: (r) => r.statusLabel },
    { header: lang.t('overview.flags.fields.firstFoundOn'), value: (r) => r.firstFoundOn },
    { header: lang.t('overview.flags.fields.lastFoundOn'), value: (r) => r.lastFoundOn },
    { header: lang.t('overview.flags.fields.dismissReason'), value: (r) => r.dismissReason },
  ];
  return { rows, columns };
}

/** A flag the actor may see (their district; the city level all), else undefined. */
export async function loadRedFlag(actor: Actor, id: number): Promise<RedFlag | null> {
  return RedFlag.findOne({ where: { [Op.and]: [{ id }, districtScope(actor)] } });
}
