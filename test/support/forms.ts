/**
 * Reads a form off a page as a browser would submit it: the inputs (checked boxes only, no
 * buttons or files), each select's chosen option, each textarea's text. For tests that open a form,
 * change a field and post it back whole.
 */

const unescapeHtml = (s: string) =>
  s
    .replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

const attr = (tag: string, name: string) => {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m ? unescapeHtml(m[1]) : null;
};

/** A form's action without its query (a multipart form carries its CSRF token there). */
const pathOf = (action: string | null) => action?.split('?')[0] ?? null;

/**
 * The fields of the form on `html` whose action is `action` (its path: a multipart form's
 * `?_csrf=` is left aside), the first form when none is named.
 */
export function formValues(html: string, action?: string): Record<string, string> {
  const forms = [...html.matchAll(/<form\b[^>]*>[\s\S]*?<\/form>/g)].map((m) => m[0]);
  const form = action ? forms.find((f) => pathOf(attr(f.slice(0, f.indexOf('>') + 1), 'action')) === pathOf(action)) : forms[0];
  if (!form) throw new Error(`No form with action ${action} on the page`);
  const out: Record<string, string> = {};
  for (const [tag] of form.matchAll(/<input\b[^>]*>/g)) {
    const name = attr(tag, 'name');
    const type = attr(tag, 'type') ?? 'text';
    if (!name || ['submit', 'button', 'file', 'reset'].includes(type)) continue;
    if ((type === 'checkbox' || type === 'radio') && !/\schecked\b/.test(tag)) continue;
    out[name] = attr(tag, 'value') ?? (type === 'checkbox' ? 'on' : '');
  }
  for (const [, tag, body] of form.matchAll(/(<select\b[^>]*>)([\s\S]*?)<\/select>/g)) {
    const name = attr(tag, 'name');
    if (!name) continue;
    const options = [...body.matchAll(/<option\b[^>]*>/g)].map((m) => m[0]);
    const chosen = options.find((o) => /\sselected\b/.test(o)) ?? options[0];
    out[name] = chosen ? (attr(chosen, 'value') ?? '') : '';
  }
  for (const [, tag, body] of form.matchAll(/(<textarea\b[^>]*>)([\s\S]*?)<\/textarea>/g)) {
    const name = attr(tag, 'name');
    if (name) out[name] = unescapeHtml(body.replace(/^\n/, ''));
  }
  return out;
}

/** The action of the form on `html` whose action's path is `path` (with its query: a multipart form's CSRF token). */
export function formAction(html: string, path: string): string {
  for (const [tag] of html.matchAll(/<form\b[^>]*>/g)) {
    const action = attr(tag, 'action');
    if (pathOf(action) === path) return action!;
  }
  throw new Error(`No form with action ${path} on the page`);
}

/** The rows of the "changed since you opened it" notice: field → [theirs, yours]. */
export function staleChanges(html: string): Record<string, [string, string]> {
  const out: Record<string, [string, string]> = {};
  for (const [, field, theirs, yours] of html.matchAll(
    /<tr data-field="([^"]+)"><th scope="row">[^<]*<\/th><td[^>]*>([^<]*)<\/td><td[^>]*>([^<]*)<\/td><\/tr>/g,
  )) {
    out[field] = [unescapeHtml(theirs), unescapeHtml(yours)];
  }
  return out;
}

/**
 * The `_version` an edit form of `record` carries when opened now (its lockVersion as stored), for
 * tests that post an edit form without opening it first.
 */
export async function versionNow(record: { reload(): Promise<unknown>; lockVersion: number }): Promise<string> {
  await record.reload();
  return String(record.lockVersion);
}
