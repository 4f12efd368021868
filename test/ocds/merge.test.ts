import { expect } from 'chai';
import { compileReleases, type ReleaseLike, versionReleases } from '../../server/services/ocds/merge.js';
import { ocdsErrors } from '../support/ocds-schema.js';

/** A release of ocid `ocds-213czf-1` on day `d` of March 2026 with `tag` and the given fields. */
const release = (n: number, tag: string[], body: Record<string, unknown>): ReleaseLike =>
  ({ ocid: 'ocds-213czf-1', id: `ocds-213czf-1-${n}`, date: `2026-03-0${n}T09:00:00+08:00`, tag, initiationType: 'tender', ...body }) as ReleaseLike;

const supplier = { id: 'CN-USCC-52440300MJL1234567', name: '阳光社工' };

describe('OCDS merge rules (compiled and versioned releases)', () => {
  it('merges objects field by field; a later value replaces; id, date and tag are not merged', () => {
    const compiled = compileReleases([
      release(1, ['tender'], { tender: { id: 't', title: '探访', status: 'active', procurementMethod: 'open' } }),
      release(2, ['tenderUpdate'], { tender: { id: 't', status: 'complete' } }),
    ]);
    expect(compiled).to.deep.equal({
      ocid: 'ocds-213czf-1',
      id: 'ocds-213czf-1-2026-03-02T09:00:00+08:00',
      date: '2026-03-02T09:00:00+08:00',
      tag: ['compiled'],
      initiationType: 'tender',
      tender: { id: 't', title: '探访', status: 'complete', procurementMethod: 'open' },
    });
    expect(ocdsErrors('release-schema.json', compiled)).to.deep.equal([]);
  });

  it('merges arrays of objects by id: a repeated item is merged, a new one appended, order of first appearance kept', () => {
    const compiled = compileReleases([
      release(1, ['contract'], {
        contracts: [
          {
            id: 'c',
            milestones: [
              { id: 'm1', title: '第 1 期', status: 'scheduled' },
              { id: 'm2', title: '第 2 期', status: 'scheduled' },
            ],
          },
        ],
      }),
      release(2, ['implementation'], {
        contracts: [
          {
            id: 'c',
            milestones: [
              { id: 'm2', status: 'met' },
              { id: 'm3', title: '第 3 期', status: 'scheduled' },
            ],
          },
        ],
      }),
      // The same id twice in one release: merged in order (the later fields win).
      release(3, ['implementation'], {
        contracts: [
          {
            id: 'c',
            milestones: [
              { id: 'm1', status: 'met' },
              { id: 'm1', dueDate: '2026-04-01T00:00:00+08:00' },
            ],
          },
        ],
      }),
    ]);
    expect((compiled.contracts as any)[0].milestones).to.deep.equal([
      { id: 'm1', title: '第 1 期', status: 'met', dueDate: '2026-04-01T00:00:00+08:00' },
      { id: 'm2', title: '第 2 期', status: 'met' },
      { id: 'm3', title: '第 3 期', status: 'scheduled' },
    ]);
  });

  it('removes a field set to null, a whole object set to null, and empties an array item whose fields are all null (its id stays)', () => {
    const compiled = compileReleases([
      release(1, ['contract'], {
        contracts: [
          {
            id: 'c',
            description: '家庭探访',
            period: { startDate: '2026-01-01T00:00:00+08:00', endDate: '2026-12-31T00:00:00+08:00' },
            milestones: [
              { id: 'm1', title: '第 1 期', type: 'payment', status: 'scheduled' },
              { id: 'm2', title: '第 2 期', type: 'payment', status: 'scheduled' },
            ],
          },
        ],
      }),
      release(2, ['contractAmendment'], {
        contracts: [{ id: 'c', description: null, period: null, milestones: [{ id: 'm2', title: null, type: null, status: null }] }],
      }),
    ]);
    expect((compiled.contracts as any)[0]).to.deep.equal({
      id: 'c',
      milestones: [{ id: 'm1', title: '第 1 期', type: 'payment', status: 'scheduled' }, { id: 'm2' }],
    });
  });

  it('replaces whole lists: strings (roles), the schema’s wholeListMerge arrays, and objects without ids', () => {
    const compiled = compileReleases([
      release(1, ['award'], {
        parties: [
          {
            ...supplier,
            roles: ['supplier'],
            additionalIdentifiers: [
              { scheme: 'A', id: '1' },
              { scheme: 'B', id: '2' },
            ],
          },
        ],
        tender: {
          id: 't',
          items: [
            {
              id: 'i',
              additionalClassifications: [
                { scheme: 'X', id: '1' },
                { scheme: 'X', id: '2' },
              ],
            },
          ],
        },
      }),
      release(2, ['implementation'], {
        parties: [{ ...supplier, roles: ['supplier', 'payee'], additionalIdentifiers: [{ scheme: 'B', id: '2' }] }],
        tender: { id: 't', items: [{ id: 'i', additionalClassifications: [{ scheme: 'X', id: '3' }] }] },
      }),
    ]);
    expect((compiled.parties as any)[0].roles).to.deep.equal(['supplier', 'payee']);
    expect((compiled.parties as any)[0].additionalIdentifiers).to.deep.equal([{ scheme: 'B', id: '2' }]);
    expect((compiled.tender as any).items[0].additionalClassifications).to.deep.equal([{ scheme: 'X', id: '3' }]);
  });

  it('keeps an amendment beside the contract it changed, and sorts releases by date whatever their order', () => {
    const r1 = release(1, ['contract'], { contracts: [{ id: 'c', awardID: 'a', value: { amount: 30000, currency: 'CNY' }, status: 'active' }] });
    const r2 = release(2, ['contractAmendment'], {
      contracts: [
        { id: 'c', value: { amount: 33000, currency: 'CNY' }, amendments: [{ id: 'version-2', rationale: '服务范围扩大', date: '2026-03-02T09:00:00+08:00' }] },
      ],
    });
    const r3 = release(3, ['contractAmendment'], {
      contracts: [
        { id: 'c', value: { amount: 31000, currency: 'CNY' }, amendments: [{ id: 'version-3', rationale: '调减', date: '2026-03-03T09:00:00+08:00' }] },
      ],
    });
    const compiled = compileReleases([r3, r1, r2]);
    const c = (compiled.contracts as any)[0];
    expect(c.value).to.deep.equal({ amount: 31000, currency: 'CNY' });
    expect(c.amendments.map((a: any) => a.id)).to.deep.equal(['version-2', 'version-3']);
    expect(compiled.date).to.equal(r3.date);

    const versioned = versionReleases([r3, r1, r2]) as any;
    expect(versioned.contracts[0].id).to.equal('c');
    expect(versioned.contracts[0].value.amount.map((v: any) => [v.releaseID, v.value])).to.deep.equal([
      [r1.id, 30000],
      [r2.id, 33000],
      [r3.id, 31000],
    ]);
    // An unchanged value is one version, not three.
    expect(versioned.contracts[0].value.currency).to.have.length(1);
    expect(versioned.contracts[0].status).to.deep.equal([{ releaseID: r1.id, releaseDate: r1.date, releaseTag: ['contract'], value: 'active' }]);
    expect(versioned.contracts[0].amendments.map((a: any) => a.id)).to.deep.equal(['version-2', 'version-3']);
    expect(ocdsErrors('versioned-release-validation-schema.json', versioned)).to.deep.equal([]);
  });

  it('the versioned release records a removal as a null version, and keeps array items’ ids plain', () => {
    const r1 = release(1, ['contract'], {
      contracts: [{ id: 'c', awardID: 'a', description: '家庭探访', milestones: [{ id: 'm1', title: '第 1 期', title_en: 'Instalment 1' }] }],
    });
    const r2 = release(2, ['contractAmendment'], { contracts: [{ id: 'c', description: null, milestones: [{ id: 'm1', title: null, title_en: null }] }] });
    const versioned = versionReleases([r1, r2]) as any;
    expect(versioned.contracts[0].description.map((v: any) => v.value)).to.deep.equal(['家庭探访', null]);
    expect(versioned.contracts[0].milestones[0].id).to.equal('m1');
    expect(versioned.contracts[0].milestones[0].title.map((v: any) => v.value)).to.deep.equal(['第 1 期', null]);
    expect(versioned).to.not.have.property('tag');
    // Language variants stay plain strings in the versioned schema: the latest value, gone when removed.
    expect(versioned.contracts[0].milestones[0]).to.not.have.property('title_en');
    expect((versionReleases([r1]) as any).contracts[0].milestones[0].title_en).to.equal('Instalment 1');
    expect(ocdsErrors('versioned-release-validation-schema.json', versioned)).to.deep.equal([]);
  });
});
