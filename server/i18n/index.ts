import fs from 'node:fs';
import path from 'node:path';

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'zh-CN';

type Tree = { [key: string]: string | Tree };

const LOCALE_DIR = path.join(import.meta.dirname, 'locales');

/**
 * A locale's catalogue: `locales/<locale>.json` (the shared strings) merged with one file per
 * area in `locales/<locale>/` (e.g. `locales/en/catalogue.json`), so areas keep their own strings.
 * A key defined twice is a mistake and stops the start.
 */
function loadCatalogue(locale: Locale): Tree {
  const tree = JSON.parse(fs.readFileSync(path.join(LOCALE_DIR, `${locale}.json`), 'utf8')) as Tree;
  const areaDir = path.join(LOCALE_DIR, locale);
  const areaFiles = fs.existsSync(areaDir)
    ? fs
        .readdirSync(areaDir)
        .filter((f) => f.endsWith('.json'))
        .sort()
    : [];
  for (const file of areaFiles) {
    merge(tree, JSON.parse(fs.readFileSync(path.join(areaDir, file), 'utf8')) as Tree, `${locale}/${file}`, '');
  }
  return tree;
}

function merge(into: Tree, from: Tree, source: string, prefix: string): void {
  for (const [k, v] of Object.entries(from)) {
    const existing = into[k];
    if (typeof v === 'object' && (existing === undefined || typeof existing === 'object')) {
      into[k] = existing ?? {};
      merge(into[k] as Tree, v, source, `${prefix}${k}.`);
    } else if (existing !== undefined) {
      throw new Error(`Locale key ${prefix}${k} is defined twice (again in ${source})`);
    } else {
      into[k] = v;
    }
  }
}

const catalogues: Record<Locale, Tree> = { 'zh-CN': loadCatalogue('zh-CN'), en: loadCatalogue('en') };

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

function lookup(tree: Tree, key: string): string | undefined {
  let node: string | Tree | undefined = tree;
  for (const part of key.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = node[part];
  }
  return typeof node === 'string' ? node : undefined;
}

/** A locale key, or a key with the values of its placeholders (a field error that names what it found). */
export type Message = string | { key: string; vars: Record<string, string | number> };

export type Translate = (key: Message, vars?: Record<string, string | number>) => string;

/** The user's language, as presenters and services need it: the translator and the locale (for district names). */
export type Lang = { t: Translate; locale: Locale };

/**
 * The translator for a locale: `t('nav.users')`, with `{name}` placeholders filled from `vars`.
 * A key missing in English falls back to Chinese; a key missing in both shows itself, which a
 * test catches.
 */
export function translator(locale: Locale): Translate {
  return (message, given) => {
    const key = typeof message === 'string' ? message : message.key;
    const vars = typeof message === 'string' ? given : { ...message.vars, ...given };
    const text = lookup(catalogues[locale], key) ?? lookup(catalogues[DEFAULT_LOCALE], key) ?? key;
    if (!vars) return text;
    return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
  };
}

/** Every key of a locale, flattened, for the test that both locales say the same things. */
export function keysOf(locale: Locale): string[] {
  const out: string[] = [];
  const walk = (tree: Tree, prefix: string) => {
    for (const [k, v] of Object.entries(tree)) {
      if (typeof v === 'string') out.push(prefix + k);
      else walk(v, `${prefix}${k}.`);
    }
  };
  walk(catalogues[locale], '');
  return out.sort();
}
