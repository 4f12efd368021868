import { Writable } from 'node:stream';
import { expect } from 'chai';
import type { Response } from 'express';
import { sendExport } from '../../server/services/export.js';

/**
 * A download the reader abandons: the response stops taking bytes (a slow or gone client), then
 * closes. The export must end there, not wait for a 'drain' that never comes, holding its rows.
 */
describe('an export whose reader goes away', () => {
  it('ends when the response closes while it waits to write, and says how many rows it wrote', async () => {
    const stalled = new Writable({ highWaterMark: 64, write: () => undefined }); // never calls back: nothing drains
    const res = Object.assign(stalled, { setHeader: () => res, type: () => res }) as unknown as Response;
    let yielded = 0;
    async function* rows() {
      for (let i = 0; i < 10_000; i++) {
        yielded++;
        yield { n: i, text: `第${i}行` };
      }
    }
    const done = sendExport(res, 'csv', '导出', [{ header: '序号', value: (r: { n: number }) => r.n }], rows());
    setTimeout(() => stalled.destroy(), 20);
    const written = await done;
    expect(written).to.be.greaterThan(0).and.below(10_000);
    expect(yielded).to.be.below(10_000);
  });
});
