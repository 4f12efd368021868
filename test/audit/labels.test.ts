import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { CATALOGUE_TRANSITIONS } from '../../models/CatalogueItem.js';
import { CLAIM_TRANSITIONS } from '../../models/Claim.js';
import { ANNOUNCEMENT_TRANSITIONS } from '../../models/LotteryAnnouncement.js';
import { PAYMENT_TRANSITIONS } from '../../models/Payment.js';
import { PROJECT_TRANSITIONS } from '../../models/Project.js';
import { projectRoot } from '../../server/config.js';
import { translator } from '../../server/i18n/index.js';
import { actionLabel } from '../../server/presenters/audit.js';

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Every audit action the code writes: the literal ones, and those built from a transition table. */
const codeFiles = () => [...sources(path.join(projectRoot, 'server')), ...sources(path.join(projectRoot, 'routes'))];

function actionsWritten(): string[] {
  const found = new Set<string>();
  for (const file of codeFiles()) {
    for (const m of fs.readFileSync(file, 'utf8').matchAll(/action: '([a-z_]+\.[a-z_.]+)'/g)) found.add(m[1]);
  }
  for (const t of Object.keys(CATALOGUE_TRANSITIONS)) found.add(`catalogue.${t}`);
  for (const t of Object.keys(PAYMENT_TRANSITIONS)) found.add(`payment.${t}`);
  for (const t of Object.keys(CLAIM_TRANSITIONS)) if (t !== 'edit') found.add(`claim.${t}`);
  for (const t of Object.keys(PROJECT_TRANSITIONS)) found.add(`project.${t}`);
  for (const t of Object.keys(ANNOUNCEMENT_TRANSITIONS)) found.add(`lottery_announcement.${t}`);
  return [...found].sort();
}

/** Every record type the code writes into the audit trail. */
function recordTypesWritten(): string[] {
  const found = new Set<string>();
  for (const file of codeFiles()) for (const m of fs.readFileSync(file, 'utf8').matchAll(/recordType: '([a-z_]+)'/g)) found.add(m[1]);
  return [...found].sort();
}

describe('audit trail labels', () => {
  it('has a label in both languages for every action the code writes', () => {
    const actions = actionsWritten();
    expect(actions.length).to.be.greaterThan(40);
    for (const locale of ['zh-CN', 'en'] as const) {
      const t = translator(locale);
      const missing = actions.filter((a) => actionLabel(a, t) === a);
      expect(missing, `${locale} labels missing`).to.deep.equal([]);
    }
  });

  it('names every record type the code writes in both languages (the record-type filter offers them by name)', () => {
    const types = recordTypesWritten();
    expect(types).to.include('contract');
    for (const locale of ['zh-CN', 'en'] as const) {
      const t = translator(locale);
      const missing = types.filter((r) => t(`audit.recordTypes.${r}`) === `audit.recordTypes.${r}`);
      expect(missing, `${locale} record types unnamed`).to.deep.equal([]);
    }
  });
});
