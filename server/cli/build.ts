/**
 * `npm run build`: the app as plain JavaScript in `dist/` (#15), which `npm start` runs with node
 * itself. Running TypeScript through tsx's loader in production served a light page at a quarter
 * of the compiled app's rate and held 100 MB more (bench note of #15), though the code is the same.
 *
 * Transpiles every .ts file of server/, models/ and routes/ with esbuild (the compiler tsx itself
 * uses, so the JavaScript is what tsx ran; types are checked by `npm run typecheck`, not here), one
 * file to one file, and copies the files the code reads beside itself (locales, the districts'
 * data, the OCDS schema and extension). It takes about a second; `npm start` runs it first, so the
 * compiled app is never older than its source.
 */
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { projectRoot } from '../config.js';
import { type Output, runAsScript } from './entry.js';

/** The folders of the app's code. */
export const APP_SOURCES = ['server', 'models', 'routes'] as const;
export const DIST = 'dist';

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

/** Builds `dist/` afresh from the sources under `root`; the number of files written. */
export async function buildDist(root: string = projectRoot, sources: readonly string[] = APP_SOURCES): Promise<{ compiled: number; copied: number }> {
  const out = path.join(root, DIST);
  fs.rmSync(out, { recursive: true, force: true });
  const files = sources.flatMap((d) => filesUnder(path.join(root, d)));
  const scripts = files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
  await build({
    entryPoints: scripts,
    outdir: out,
    outbase: root,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    bundle: false,
    logLevel: 'warning',
    tsconfig: path.join(root, 'tsconfig.json'),
  });
  const assets = files.filter((f) => !f.endsWith('.ts'));
  for (const f of assets) {
    const to = path.join(out, path.relative(root, f));
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(f, to);
  }
  // node reads the compiled files as ES modules by the nearest package.json's "type".
  fs.writeFileSync(path.join(out, 'package.json'), `${JSON.stringify({ type: 'module', private: true })}\n`);
  return { compiled: scripts.length, copied: assets.length };
}

runAsScript(import.meta.url, async (io: Output) => {
  const started = performance.now();
  const { compiled, copied } = await buildDist();
  io.out(`Built ${DIST}/: ${compiled} modules compiled, ${copied} files copied in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  return 0;
});
