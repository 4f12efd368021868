import { createHash } from 'node:crypto';
import type { Lang } from '../i18n/index.js';
import { findPersonalNumbers, maskIdNumber, maskPhone } from '../services/identifiers.js';

/** One field another save changed since the form was opened: the stored value beside the user's input. */
export type StaleChange = { field: string; label: string; theirs: string; yours: string };

/** The "changed since you opened it" notice above an edit form that a stale save brought back. */
export type StaleEditNotice = { changes: StaleChange[] };

/** A form's values: what its presenter hands the form (`_version` included), or what was submitted. */
export type FormValues = Record<string, unknown>;

/** The options of a form's selects, by field: a value is shown by its option's label. */
export type FieldChoices = Record<string, { value: unknown; label: string }[]>;

/**
 * What a list's items are joined with in a value's digest: fixed, whatever the reader's language, so a
 * form opened before a language switch (or a deploy) still compares as unchanged.
 */
const DIGEST_LIST_SEP = '、';

/** The text a value stands for in a form: empty for nothing, a list joined (by `sep`), anything else as a string. */
function textOf(value: unknown, sep = DIGEST_LIST_SEP): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map((v) => textOf(v, sep)).join(sep);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value).trim();
}

/**
 * A value as the notice shows it: a select's by its option's label, personal numbers masked
 * whether a field holds them or they sit in free text.
 */
function shown(field: string, text: string, lang: Lang, choices: FieldChoices): string {
  if (text === '') return lang.t('stale.empty');
  const choice = choices[field.replace(/_\d+$/, '')]?.find((o) => String(o.value) === text);
  if (choice) return choice.label;
  if (/Masked$/.test(field)) return text;
  if (/idNumber/i.test(field)) return maskIdNumber(text);
  if (/phone/i.test(field)) return maskPhone(text);
  let out = '';
  let at = 0;
  for (const f of findPersonalNumbers(text)) {
    out += text.slice(at, f.start) + f.masked;
    at = f.end;
  }
  return out + text.slice(at);
}

/**
 * The label of a form field from its area's locale keys: `keys[name]` when the form labels it
 * with another key, else `<area>.fields.<name>`; a numbered row field (`figure_2`) by its name and
 * row (`… 3`); the field's own name when the area has no label.
 */
export function areaFieldLabel(area: string, lang: Lang, keys: Record<string, string> = {}): (field: string) => string {
  return (field) => {
    const row = /^(.+)_(\d+)$/.exec(field);
    const name = row ? row[1] : field;
    const key = keys[name] ?? `${area}.fields.${name}`;
    const label = lang.t(key);
    const base = label === key ? name : label;
    return row ? lang.t('stale.row', { label: base, n: Number(row[2]) + 1 }) : base;
  };
}

/**
 * A short digest of each field's value: what an edit form carries of the values it was opened
 * with (`_opened`), so a stale save can tell which fields another save changed without the page
 * holding a second copy of the values (personal numbers among them).
 */
export function digestsOf(values: FormValues): Record<string, string> {
  return Object.fromEntries(Object.entries(fieldsOf(values)).map(([k, v]) => [k, createHash('sha256').update(textOf(v)).digest('base64url').slice(0, 10)]));
}

/** An edit form's values as it is opened: the record's fields, its version and the digests of what it shows. */
export function editFormValues(record: { lockVersion: number }, values: FormValues): FormValues {
  return { ...values, _version: record.lockVersion, _opened: JSON.stringify(digestsOf(values)) };
}

/** The digests a form was opened with, as its hidden `_opened` carried them (null when missing or not JSON). */
export function openedDigestsOf(submitted: FormValues): Record<string, string> | null {
  const raw = submitted._opened;
  if (typeof raw !== 'string' || raw === '') return null;
  try {
    const parsed: unknown = JSON.parse(raw);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, string>) : null;
  } catch {
    return null;
  }
}

/** A form's values without its own hidden fields (`_version`, `_opened`, `_csrf`). */
export function fieldsOf(values: FormValues): FormValues {
  return Object.fromEntries(Object.entries(values).filter(([k]) => !k.startsWith('_')));
}

/**
 * What another save changed since the user opened the form: each field whose stored value differs
 * from the value the form was opened with (its digest in `_opened`), or — for a form that did not
 * carry them (a tab from before the deploy) — from the user's input. Theirs (stored now) beside yours (the
 * input), labelled in the user's language, a select's value by its option, personal numbers masked.
 */
export function staleEditNotice(
  opened: Record<string, string> | null,
  current: FormValues,
  yours: FormValues,
  labels: { labelOf: (field: string) => string; choices?: FieldChoices },
  lang: Lang,
): StaleEditNotice {
  const choices = labels.choices ?? {};
  const now = digestsOf(current);
  const mine = digestsOf(yours);
  const changes: StaleChange[] = [];
  for (const [field, value] of Object.entries(fieldsOf(current))) {
    if (now[field] === (opened ? opened[field] : mine[field])) continue;
    const sep = lang.t('punct.listSep');
    changes.push({
      field,
      label: labels.labelOf(field),
      theirs: shown(field, textOf(value, sep), lang, choices),
      yours: field in yours ? shown(field, textOf(yours[field], sep), lang, choices) : lang.t('stale.notInForm'),
    });
  }
  return { changes };
}

/**
 * The values a stale form is shown again with: the user's input, on the current version and the
 * current values' digests (so the next save is based on them).
 */
export function staleFormValues(current: FormValues, yours: FormValues): FormValues {
  return { ...fieldsOf(yours), _version: current._version, _opened: current._opened };
}
