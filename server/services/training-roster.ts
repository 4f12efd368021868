import { ChildWorker } from '../../models/ChildWorker.js';
import { maskIdNumber, validateIdNumber } from './identifiers.js';
import type { PersonalDataCipher } from './personal-data.js';

/** A line's result word that marks a worker as not passed (合格 is the default). */
const FAILED = /^(不合格|未通过|fail(ed)?|no|x|0)$/i;
const PASSED = /^(合格|通过|pass(ed)?|yes|1)?$/i;

export type PastedRoster = { entries: { workerId: number; passed: boolean }[]; problems: string[] };

/**
 * A roster pasted as text (the import of a sign-in sheet): one ID number a line, optionally
 * followed by a result (合格 by default, 不合格 when not passed), separated by a space, comma or tab.
 * Each number is found through its blind index, never decrypted; a line that is not a valid number,
 * or a number not in the registry, is a problem naming the line and the masked number.
 */
export async function rosterFromIdNumbers(text: string, cipher: PersonalDataCipher): Promise<PastedRoster> {
  const lines = text
    .split(/\r?\n/)
    .map((l, i) => ({
      line: i + 1,
      parts: l
        .trim()
        .split(/[\s,，\t]+/)
        .filter(Boolean),
    }))
    .filter((l) => l.parts.length > 0);
  const problems: string[] = [];
  const wanted: { line: number; index: string; masked: string; passed: boolean }[] = [];
  for (const { line, parts } of lines) {
    const checked = validateIdNumber(parts[0]);
    const word = parts.slice(1).join('');
    if (!checked.ok || !(FAILED.test(word) || PASSED.test(word))) {
      problems.push(`${line}`);
      continue;
    }
    wanted.push({ line, index: cipher.index('idNumber', checked.value), masked: maskIdNumber(checked.value), passed: !FAILED.test(word) });
  }
  const found = wanted.length ? await ChildWorker.findAll({ where: { idNumberIndex: wanted.map((w) => w.index) }, attributes: ['id', 'idNumberIndex'] }) : [];
  const byIndex = new Map(found.map((w) => [w.idNumberIndex, w.id]));
  const entries: PastedRoster['entries'] = [];
  for (const w of wanted) {
    const id = byIndex.get(w.index);
    if (id === undefined) problems.push(`${w.line} (${w.masked})`);
    else entries.push({ workerId: id, passed: w.passed });
  }
  return { entries, problems };
}
