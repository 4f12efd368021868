import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';

/**
 * "One way per thing" (DESIGN.md), kept by a test: the things issue #11 folded into one place
 * must not grow back. Each check names the files that break it.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');

function filesUnder(dir: string, ext: string): string[] {
  return fs
    .readdirSync(path.join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(ext))
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)))
    .sort();
}

/** The files (and lines) of `files` where `pattern` matches, as `file:line: text`. */
function occurrences(files: string[], pattern: RegExp): string[] {
  const out: string[] = [];
  for (const file of files) {
    fs.readFileSync(path.join(ROOT, file), 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (pattern.test(line)) out.push(`${file}:${i + 1}: ${line.trim()}`);
      });
  }
  return out;
}

describe('one way per thing', () => {
  it('views never test a status: the presenter hands them `can` (movesOf) and labels', () => {
    expect(occurrences(filesUnder('views', '.ejs'), /\bstatus\s*[!=]==?/)).to.deep.equal([]);
  });

  it('views include other views by their path from views/ (#15): a relative include is looked up on disk at every render', () => {
    expect(occurrences(filesUnder('views', '.ejs'), /include\(\s*['"`][^/]/)).to.deep.equal([]);
  });

  it('the largest record id is written once (schemas/common.ts)', () => {
    const files = [...filesUnder('server', '.ts'), ...filesUnder('routes', '.ts')].filter((f) => f !== 'server/schemas/common.ts');
    expect(occurrences(files, /2_?147_?483_?647/)).to.deep.equal([]);
  });

  it('routers take their preamble from the request kit, not a copy of their own', () => {
    const routers = filesUnder('routes', '.ts').filter((f) => f !== 'routes/kit.ts');
    expect(occurrences(routers, /^(const|function|async function) (langOf|by|subjectOf|subject|auditActor|actorOf)\b/)).to.deep.equal([]);
  });

  it('commands take who acts, the audit actor, the contract lock and the transition check from the kernel', () => {
    const commands = filesUnder('server/commands', '.ts').filter((f) => f !== 'server/commands/kernel.ts');
    expect(occurrences(commands, /export (type \w+By = |const \w*[aA]uditActor\w* = |(async )?function (lockedContract|checkTransition)\b)/)).to.deep.equal([]);
  });

  it('a state machine is asked through canMove, not a can-move function per model', () => {
    expect(occurrences(filesUnder('models', '.ts'), /export function \w+CanMove\b/)).to.deep.equal([]);
  });

  it('"today" comes from the clock: nothing else adds the Beijing offset by hand', () => {
    const files = [...filesUnder('server', '.ts'), ...filesUnder('routes', '.ts')].filter((f) => f !== 'server/clock.ts');
    expect(occurrences(files, /8 \* 3600_?000|8 \* 60 \* 60 \* 1000|28_?800_?000/)).to.deep.equal([]);
    // The server's local year or the UTC year is not the Beijing year for eight hours a year.
    expect(occurrences(files, /\.getFullYear\(\)|today\(\)\.slice\(0, 4\)/)).to.deep.equal([]);
  });

  it('no command restates a role check the policy registry answers', () => {
    // `input.role` (the role of a user being created or edited) is data, not a permission.
    expect(occurrences(filesUnder('server/commands', '.ts'), /\b(actor|by\.actor)\.role\s*[!=]==/)).to.deep.equal([]);
  });
});
