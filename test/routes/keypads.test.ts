import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { projectRoot } from '../../server/config.js';

function viewFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? viewFiles(p) : p.endsWith('.ejs') ? [p] : [];
  });
}

/** A field's name that asks for money (an amount, a price, a budget, a ceiling, a total, a value). */
const MONEY_NAME = /(?:amount|price|budget|ceiling|total|value)(?:\]|_|$)/i;

/**
 * Money typed on a phone (#13): every field for an amount opens the decimal keypad (inputmode),
 * whether written as the field partial or as an input of its own; the parser behind it accepts
 * what that keypad types (test/schemas/money.test.ts).
 */
describe('fields for money open the number keypad on a phone (#13)', () => {
  it('every money field of every view has inputmode', () => {
    const missing: string[] = [];
    let checked = 0;
    for (const file of viewFiles(path.join(projectRoot, 'views'))) {
      const text = fs.readFileSync(file, 'utf8');
      const fields = [
        ...[...text.matchAll(/include\('[^']*partials\/field', \{([^}]*)\}/g)].map((m) => ({ name: /name: '([^']*)'/.exec(m[1])?.[1] ?? '', tag: m[1] })),
        ...[...text.matchAll(/<input\b[^>]*>/g)].map((m) => ({ name: /name="([^"<]*)"/.exec(m[0])?.[1] ?? '', tag: m[0] })),
      ];
      for (const f of fields) {
        if (!MONEY_NAME.test(f.name) || /type[:=] ?["'](?:hidden|checkbox|radio|select)["']/.test(f.tag)) continue;
        checked += 1;
        if (!/inputmode/.test(f.tag)) missing.push(`${path.relative(projectRoot, file)}: ${f.name}`);
      }
    }
    expect(missing).to.deep.equal([]);
    expect(checked, 'money fields found').to.be.greaterThan(10);
  });
});
