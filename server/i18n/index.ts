import en from './locales/en.json' with { type: 'json' };
import zhCN from './locales/zh-CN.json' with { type: 'json' };

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'zh-CN';

type Tree = { [key: string]: string | Tree };
const catalogues: Record<Locale, Tree> = { 'zh-CN': zhCN as Tree, en: en as Tree };

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

export type Translate = (key: string, vars?: Record<string, string | number>) => string;

/**
 * The translator for a locale: `t('nav.users')`, with `{name}` placeholders filled from `vars`.
 * A key missing in English falls back to Chinese; a key missing in both shows itself, which a
 * test catches.
 */
export function translator(locale: Locale): Translate {
  return (key, vars) => {
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
