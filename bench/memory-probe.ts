/**
 * Loaded into the app's process by bench:memory (`node --import …/memory-probe.js`), before the
 * app itself: answers the benchmark's questions over the IPC channel and does nothing else.
 * `memory`: process.memoryUsage() and V8's heap spaces; `gc`: two full collections first (the
 * process runs with --expose-gc), so what is left is what the app holds.
 */
import v8 from 'node:v8';

export type ProbeAsk = { probe: 'memory' | 'gc'; id: number };
export type ProbeAnswer = {
  probe: 'answer';
  id: number;
  usage: NodeJS.MemoryUsage;
  spaces: { name: string; usedMb: number; sizeMb: number }[];
};

const mb = (n: number) => Math.round((n / 1048576) * 10) / 10;

if (process.send) {
  process.on('message', (m: ProbeAsk) => {
    if (typeof m !== 'object' || m === null || !('probe' in m)) return;
    if (m.probe === 'gc') {
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      gc?.();
    }
    const spaces = v8.getHeapSpaceStatistics().map((s) => ({ name: s.space_name, usedMb: mb(s.space_used_size), sizeMb: mb(s.space_size) }));
    const answer: ProbeAnswer = { probe: 'answer', id: m.id, usage: process.memoryUsage(), spaces };
    process.send?.(answer);
  });
  // The channel alone must not keep an app alive that is told to stop.
  process.channel?.unref();
}
