import { spawn } from 'node:child_process';
import { projectRoot } from '../../server/config.js';

export type SpawnedApp = { base: string; stop: () => void };

/**
 * Starts the app as a process of its own (node with `args`, in the project folder, with `env` and
 * nothing else of this process's environment but PATH and HOME) and waits for the line that says
 * where it serves; an app that ends first fails with what it printed.
 */
export async function spawnApp(args: string[], env: Record<string, string>): Promise<SpawnedApp> {
  let out = '';
  const child = spawn(process.execPath, args, {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    out += d;
  });
  let ended = false;
  child.on('exit', () => {
    ended = true;
  });
  const stop = () => child.kill();
  try {
    for (;;) {
      const base = /running at (http:\/\/\S+?)\/\n/.exec(out)?.[1];
      if (base) return { base, stop };
      if (ended) throw new Error(`the app ended: ${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (e) {
    stop();
    throw e;
  }
}
