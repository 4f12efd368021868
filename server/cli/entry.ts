import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Where a command writes: the process's stdout and stderr, or a test's buffers. */
export type Output = { out: (text: string) => void; err: (text: string) => void };

const processOutput: Output = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** Whether the module at `moduleUrl` is the script node was started with (not one a test imported). */
function isEntryPoint(moduleUrl: string): boolean {
  const script = process.argv[1];
  if (!script || !fs.existsSync(script)) return false;
  return fs.realpathSync(script) === fs.realpathSync(fileURLToPath(moduleUrl));
}

/**
 * Runs a command as the process when its file is the one node was started with: the number it
 * returns is the exit code. Tests import the same file and call the command in-process.
 */
export function runAsScript(moduleUrl: string, command: (io: Output) => Promise<number>): void {
  if (!isEntryPoint(moduleUrl)) return;
  command(processOutput).then(
    (code) => {
      process.exitCode = code;
    },
    // A command reports its own failures; this is the last resort.
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 2;
    },
  );
}
