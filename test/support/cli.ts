import { execFile } from 'node:child_process';
import type { Output } from '../../server/cli/entry.js';
import { projectRoot } from '../../server/config.js';

/** An Output that keeps what a command writes, for a test to read. */
export function captured(): Output & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return {
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
    stdout: () => out,
    stderr: () => err,
  };
}

/**
 * Runs a command line script (`server/cli/<name>.ts`) as its own process, as `npm run` does, on
 * this database: the one smoke test per script that its wiring (exit code, output) works.
 */
export function runScript(script: string, args: string[], databaseUrl: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', `server/cli/${script}`, ...args],
      { cwd: projectRoot, env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' } },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
