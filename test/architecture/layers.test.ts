import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';

/**
 * The house rule "imports run downwards only, and there is no circle" (DESIGN.md), kept by a
 * test: every relative import of routes/, server/ and models/ (static `import … from`,
 * `import type`, `export … from`, side-effect and dynamic imports alike: a type-only import is
 * still an arrow) is read from the source, each file is placed on a layer, and the test fails on
 * an import that runs from a lower layer to a higher one, or on a circle between files.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const SCANNED = ['routes', 'server', 'models'];

/**
 * The layers, top to bottom. A file may import from its own layer or any layer below it.
 * The design card's order is routes → presenters → commands → schemas/middleware → services →
 * policies → models; the files outside those folders sit where what they do puts them:
 * - boot: what starts and wires the whole app (index, app, database, housekeeping, the first
 *   users' seeding, which calls a command, the CLIs, the passport wiring). Nothing imports them but each other and the tests.
 * - auth/signin and auth/session-store read and write users, sign-in attempts, sessions and the
 *   audit trail the way a service does, and commands call them: they sit with the services.
 * - foundation: what every layer may use and that uses nothing of the app: the data layer
 *   (db, migrate and the migrations), the clock, errors, i18n, logger, config, and
 *   auth/password (hashing, pure functions). Models may import them.
 */
const LAYERS = ['boot', 'routes', 'presenters', 'commands', 'schemas/middleware', 'services', 'policies', 'models', 'foundation'] as const;
type Layer = (typeof LAYERS)[number];

const PLACES: [RegExp, Layer][] = [
  [/^server\/(index|app|database|housekeeping|seed|shutdown)\.ts$/, 'boot'],
  [/^server\/cli\//, 'boot'],
  [/^server\/auth\/passport\.ts$/, 'boot'],
  [/^routes\//, 'routes'],
  [/^server\/presenters\//, 'presenters'],
  [/^server\/commands\//, 'commands'],
  [/^server\/(schemas|middleware)\//, 'schemas/middleware'],
  [/^server\/services\//, 'services'],
  [/^server\/auth\/(signin|session-store)\.ts$/, 'services'],
  [/^server\/policies\//, 'policies'],
  [/^models\//, 'models'],
  [/^server\/(db|migrate|clock|errors|logger|config)\.ts$/, 'foundation'],
  [/^server\/types\.d\.ts$/, 'foundation'],
  [/^server\/(i18n|migrations)\//, 'foundation'],
  [/^server\/auth\/password\.ts$/, 'foundation'],
];

/**
 * Arrows that run upwards today, each `from → to`. Other engineers are removing them; an entry
 * that no longer occurs fails the test, so this list can only shrink. Do not add to it.
 */
const ALLOWED_UPWARD: string[] = [];

/**
 * Imports that close a circle today, each `from → to` (every import between two files of one
 * circle is listed). Same rule: it can only shrink.
 */
const ALLOWED_CIRCLE: string[] = [];

function layerOf(file: string): Layer {
  for (const [pattern, layer] of PLACES) if (pattern.test(file)) return layer;
  throw new Error(`${file} has no layer: place it in test/architecture/layers.test.ts`);
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...sourceFiles(rel));
    else if (entry.name.endsWith('.ts')) out.push(rel);
  }
  return out;
}

// `import x from '…'`, `import type { X } from '…'`, `export { x } from '…'`, `export * from '…'`
// (over several lines too: a statement ends at its `;`), `import '…'` and `import('…')`.
const IMPORT_PATTERNS = [/^\s*(?:import|export)\b[^;]*?\bfrom\s*['"]([^'"]+)['"]/gm, /^\s*import\s*['"]([^'"]+)['"]/gm, /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g];

function resolve(from: string, specifier: string): string | undefined {
  const base = path.posix.join(path.posix.dirname(from), specifier);
  const candidates = [base.replace(/\.js$/, '.ts'), base.replace(/\.js$/, '.d.ts'), `${base}.ts`, `${base}/index.ts`];
  return candidates.find((c) => c.endsWith('.ts') && fs.existsSync(path.join(ROOT, c)));
}

/** The relative specifiers a source text imports from. */
function relativeImports(text: string): string[] {
  return IMPORT_PATTERNS.flatMap((pattern) => [...text.matchAll(pattern)].map((match) => match[1])).filter((s) => s.startsWith('.'));
}

function importGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of SCANNED.flatMap(sourceFiles)) {
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
    const targets = new Set<string>();
    for (const specifier of relativeImports(text)) {
      const target = resolve(file, specifier);
      if (target) targets.add(target);
    }
    graph.set(file, targets);
  }
  return graph;
}

const arrow = (from: string, to: string): string => `${from} → ${to}`;

function upwardArrows(graph: Map<string, Set<string>>): string[] {
  const out: string[] = [];
  for (const [from, targets] of graph) {
    for (const to of targets) {
      const a = LAYERS.indexOf(layerOf(from));
      const b = LAYERS.indexOf(layerOf(to));
      if (b < a) out.push(`${arrow(from, to)}   (${layerOf(from)} imports ${layerOf(to)})`);
    }
  }
  return out.sort();
}

/** Strongly connected components of more than one file (or a file importing itself): Tarjan. */
function circles(graph: Map<string, Set<string>>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w === undefined) break;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)?.has(v)) out.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return out;
}

/** One circle through `start` inside its component, as a readable path `a → b → … → a`. */
function circleThrough(graph: Map<string, Set<string>>, component: string[]): string {
  const inside = new Set(component);
  const start = component[0];
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift() as string;
    for (const w of [...(graph.get(v) ?? [])].sort()) {
      if (!inside.has(w)) continue;
      if (w === start) {
        const trail = [start];
        for (let x: string | undefined = v; x !== undefined && x !== start; x = previous.get(x)) trail.unshift(x);
        return [start, ...trail].join(' → ');
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return component.join(' ↔ ');
}

function circleArrows(graph: Map<string, Set<string>>, components: string[][]): string[] {
  const out: string[] = [];
  for (const component of components) {
    const inside = new Set(component);
    for (const from of component) for (const to of graph.get(from) ?? []) if (inside.has(to)) out.push(arrow(from, to));
  }
  return out.sort();
}

describe('layers: imports run downwards only, and there is no circle', () => {
  const graph = importGraph();

  it('places every file of routes/, server/ and models/ on a layer', () => {
    for (const file of graph.keys()) layerOf(file);
    expect(graph.size).to.be.greaterThan(250);
  });

  it('reads every kind of import: type-only, re-exports, over several lines, side effects, dynamic', () => {
    const text = [
      "import { a } from './a.js';",
      "import type { B } from '../b.js';",
      'import {',
      '  c,',
      '  type C,',
      "} from './c.js';",
      "export { d } from './d.js';",
      "export type * from './e.js';",
      "import './f.js';",
      "const g = await import('./g.js');",
      "import { z } from 'zod';",
      "export const h = 'not from here';",
    ].join('\n');
    expect(relativeImports(text).sort()).to.deep.equal(['../b.js', './a.js', './c.js', './d.js', './e.js', './f.js', './g.js']);
    expect(graph.get('server/app.ts')).to.include('routes/index.ts');
    expect(graph.get('routes/kit.ts')).to.include('server/commands/kernel.ts');
  });

  it('has no import from a lower layer to a higher one', () => {
    const found = upwardArrows(graph);
    const key = (line: string): string => line.split('   (')[0];
    const unexpected = found.filter((line) => !ALLOWED_UPWARD.includes(key(line)));
    const gone = ALLOWED_UPWARD.filter((entry) => !found.some((line) => key(line) === entry));
    expect(unexpected, `imports running upwards:\n  ${unexpected.join('\n  ')}\n`).to.deep.equal([]);
    expect(gone, `allowed upward imports that no longer occur (delete them from ALLOWED_UPWARD):\n  ${gone.join('\n  ')}\n`).to.deep.equal([]);
  });

  it('has no circle of imports', () => {
    const components = circles(graph);
    const found = circleArrows(graph, components);
    const unexpected = found.filter((entry) => !ALLOWED_CIRCLE.includes(entry));
    const gone = ALLOWED_CIRCLE.filter((entry) => !found.includes(entry));
    const shown = components.map((c) => circleThrough(graph, c));
    expect(unexpected, `circles:\n  ${shown.join('\n  ')}\nimports inside them:\n  ${unexpected.join('\n  ')}\n`).to.deep.equal([]);
    expect(gone, `allowed circle imports that no longer close a circle (delete them from ALLOWED_CIRCLE):\n  ${gone.join('\n  ')}\n`).to.deep.equal([]);
  });
});
