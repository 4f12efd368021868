import fs from 'node:fs';
import path from 'node:path';

/**
 * The OCDS 1.1.5 merge rules (schema/merging): how a contracting process's releases, in date
 * order, make its compiled release (the latest state) and its versioned release (the history of
 * every field). The rules, as the reference implementation applies them:
 * - `id`, `date` and `tag` of a release are omitted when merged (`omitWhenMerged`);
 * - a field set to null in a later release is removed;
 * - objects merge field by field;
 * - an array of objects merges its items by their `id` (identifier merge): an item with an id
 *   seen before is merged into it, a new id is appended; two items with one id in one release
 *   are merged in order. An item whose fields are all set to null is thereby emptied (the
 *   standard's way of removing an item: its id stays);
 * - every other array (strings, numbers, and the schema's `wholeListMerge` arrays) is replaced
 *   whole, as are arrays of objects that carry no id.
 */

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };
export type ReleaseLike = Obj & { ocid: string; id: string; date: string; tag: string[] };

export const SCHEMA_DIR = path.join(import.meta.dirname, 'schema-1.1.5');

/** Field names the release schema merges as a whole list (`wholeListMerge`), read from the schema. */
const WHOLE_LIST: ReadonlySet<string> = (() => {
  const schema = JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, 'release-schema.json'), 'utf8')) as Json;
  const names = new Set<string>();
  const walk = (node: Json): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(walk);
    for (const [k, v] of Object.entries(node)) {
      if (k === 'properties' && v && typeof v === 'object' && !Array.isArray(v)) {
        for (const [name, def] of Object.entries(v)) if (def && typeof def === 'object' && !Array.isArray(def) && def.wholeListMerge === true) names.add(name);
      }
      walk(v);
    }
  };
  walk(schema);
  return names;
})();

const OMIT_WHEN_MERGED = new Set(['id', 'date', 'tag']);

const isObj = (v: Json | undefined): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/** Whether the array at field `name` is merged by its items' ids. */
function byIdentifier(name: string, value: Json[]): boolean {
  return !WHOLE_LIST.has(name) && value.length > 0 && value.every((i) => isObj(i) && i.id !== undefined && i.id !== null);
}

/** A deep copy without the nulls (a null removes a field; in a new object there is nothing to remove). */
function withoutNulls(v: Json): Json {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (isObj(v)) {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = withoutNulls(x);
    return out;
  }
  return v;
}

function mergeInto(target: Obj, source: Obj): void {
  for (const [k, v] of Object.entries(source)) {
    if (v === null) {
      delete target[k];
    } else if (isObj(v)) {
      const inner = isObj(target[k]) ? (target[k] as Obj) : {};
      mergeInto(inner, v);
      target[k] = inner;
    } else if (Array.isArray(v) && byIdentifier(k, v)) {
      const list = Array.isArray(target[k]) && (target[k] as Json[]).every(isObj) ? (target[k] as Obj[]) : [];
      for (const item of v as Obj[]) {
        let existing = list.find((e) => String(e.id) === String(item.id));
        if (!existing) {
          existing = { id: item.id };
          list.push(existing);
        }
        mergeInto(existing, item);
      }
      target[k] = list;
    } else {
      target[k] = withoutNulls(v);
    }
  }
}

/** The releases in the order they are merged: by date, the order given keeping ties. */
function inOrder<R extends ReleaseLike>(releases: R[]): R[] {
  return releases
    .map((r, i) => ({ r, i }))
    .sort((a, b) => Date.parse(a.r.date) - Date.parse(b.r.date) || a.i - b.i)
    .map((x) => x.r);
}

/** The compiled release of one ocid's releases (tag `compiled`, the latest release's date). */
export function compileReleases(releases: ReleaseLike[]): Obj {
  if (!releases.length) throw new Error('No release to compile');
  const ordered = inOrder(releases);
  const last = ordered[ordered.length - 1];
  const out: Obj = {};
  for (const r of ordered) {
    const body: Obj = {};
    for (const [k, v] of Object.entries(r)) if (!OMIT_WHEN_MERGED.has(k)) body[k] = v;
    mergeInto(out, body);
  }
  return { ocid: last.ocid, id: `${last.ocid}-${last.date}`, date: last.date, tag: ['compiled'], ...out };
}

type Version = { releaseID: string; releaseDate: string; releaseTag: string[]; value: Json };
type Stamp = Omit<Version, 'value'>;
/** A versioned node: leaves are lists of versions, objects recurse, identifier arrays keep their items' ids plain. */
type VNode = { [k: string]: VNode | Version[] | VNode[] | Json };

const same = (a: Json, b: Json) => JSON.stringify(a) === JSON.stringify(b);

function addVersion(node: VNode, k: string, value: Json, stamp: Stamp): void {
  const list = (Array.isArray(node[k]) ? node[k] : []) as Version[];
  const last = list[list.length - 1];
  if (last ? same(last.value, value) : value === null) return;
  list.push({ ...stamp, value });
  node[k] = list;
}

/**
 * A language variant of a text field (`title_en`): the versioned-release schema keeps these as
 * plain strings (its patternProperties are not versioned), so the versioned release holds their
 * latest value.
 */
const LANGUAGE_VARIANT = /^[A-Za-z]+_[a-z]{2,3}(?:[-_][A-Za-z0-9]+)*$/;

function versionInto(node: VNode, source: Obj, stamp: Stamp): void {
  for (const [k, v] of Object.entries(source)) {
    if (LANGUAGE_VARIANT.test(k) && !isObj(v) && !Array.isArray(v)) {
      if (v === null) delete node[k];
      else node[k] = v;
    } else if (isObj(v)) {
      const inner = isObj(node[k] as Json) && !Array.isArray(node[k]) ? (node[k] as VNode) : {};
      versionInto(inner, v, stamp);
      node[k] = inner;
    } else if (Array.isArray(v) && byIdentifier(k, v)) {
      const list = (Array.isArray(node[k]) ? node[k] : []) as VNode[];
      for (const item of v as Obj[]) {
        let existing = list.find((e) => String(e.id) === String(item.id));
        if (!existing) {
          existing = { id: item.id };
          list.push(existing);
        }
        const { id: _id, ...rest } = item;
        versionInto(existing, rest, stamp);
      }
      node[k] = list;
    } else if (v === null && isObj(node[k] as Json)) {
      // A whole object set to null: each of its fields is removed.
      nullAll(node[k] as VNode, stamp);
    } else {
      addVersion(node, k, v, stamp);
    }
  }
}

function nullAll(node: VNode, stamp: Stamp): void {
  for (const [k, v] of Object.entries(node)) {
    if (Array.isArray(v) && v.length && 'releaseID' in (v[0] as object)) addVersion(node, k, null, stamp);
    else if (isObj(v as Json)) nullAll(v as VNode, stamp);
  }
}

/** The versioned release of one ocid's releases: each field with the releases that set its values. */
export function versionReleases(releases: ReleaseLike[]): VNode {
  if (!releases.length) throw new Error('No release to version');
  const ordered = inOrder(releases);
  const out: VNode = {};
  for (const r of ordered) {
    const stamp: Stamp = { releaseID: r.id, releaseDate: r.date, releaseTag: r.tag };
    const body: Obj = {};
    for (const [k, v] of Object.entries(r)) if (!OMIT_WHEN_MERGED.has(k) && k !== 'ocid') body[k] = v;
    versionInto(out, body, stamp);
  }
  return { ocid: ordered[0].ocid, ...out };
}
