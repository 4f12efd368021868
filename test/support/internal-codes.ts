import { SEEDED_CATEGORIES } from '../../server/migrations/20261207010100-service-category-versions.js';

/** The metric keys of the seeded service categories (#21: the categories are data; these are the ones every database has). */
const METRIC_KEYS = [...new Set(SEEDED_CATEGORIES.flatMap((c) => c.metrics.map((m) => m.key)))];
/** Keys no English sentence contains as a word: camelCase, or a dotted key. */
const CODE_LIKE_KEYS = METRIC_KEYS.filter((k) => /[A-Z.]/.test(k));

/**
 * What of a page's visible text is an internal code a person should not have to read: a metric
 * key, a field in fen, a raw path as a link's text; in English, Chinese punctuation right after
 * English text (the records' own Chinese text may keep theirs). Used by the browser walk of the
 * navigation and by the route test that renders a record page of every kind.
 */
export function internalCodesIn(text: string, lang: string): string[] {
  const found: string[] = [];
  const words = new Set(text.match(/[A-Za-z_][A-Za-z0-9_.]*/g) ?? []);
  for (const key of lang === 'en' ? CODE_LIKE_KEYS : METRIC_KEYS) if (words.has(key)) found.push(`metric key "${key}"`);
  for (const m of text.match(/\b[a-z]+(?:Fen|_fen)\b/g) ?? []) found.push(`fen field "${m}"`);
  for (const m of text.match(/(?:^|[\s(（：:])\/[a-z][a-z-]*\/\d+[^\s]*/gm) ?? []) found.push(`raw path "${m.trim()}"`);
  if (lang === 'en') for (const m of text.match(/[A-Za-z0-9)][\u3000-\u303f\uff00-\uffef]/g) ?? []) found.push(`full-width punctuation "${m}"`);
  return found;
}

/** The text a person reads in a rendered page's <main>: tags, scripts and styles removed, entities decoded, one line per block. */
export function mainTextOf(html: string): string {
  const main = /<main[\s\S]*?<\/main>/.exec(html)?.[0] ?? html;
  return main
    .replace(/<(script|style|template)[\s\S]*?<\/\1>/g, '')
    .replace(/<[^>]+>/g, '\n')
    .replace(/&#(\d+);/g, (_m, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join('\n');
}
