import { expect } from 'chai';
import { Op } from 'sequelize';
import { AuditEvent } from '../../models/index.js';
import { withTransaction } from '../../server/db.js';
import { recordAudit, verifyAuditChain } from '../../server/services/audit.js';
import { unique } from '../factories/index.js';

describe('write transactions under concurrency', () => {
  it('20 transactions at once all commit, and the audit chain stays one line', async () => {
    const marker = unique('concurrent-');
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        withTransaction(async () => {
          await recordAudit({ actor: null, action: 'test.concurrent', recordType: 'test', recordId: `${marker}-${i}` });
          await recordAudit({ actor: null, action: 'test.concurrent', recordType: 'test', recordId: `${marker}-${i}b` });
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'rejected')).to.deep.equal([]);
    const events = await AuditEvent.findAll({ where: { recordId: { [Op.like]: `${marker}-%` } }, order: [['seq', 'ASC']] });
    expect(events).to.have.length(40);
    // Each transaction's two events are adjacent: appends were serialised, not interleaved.
    for (let i = 0; i < events.length; i += 2) {
      expect(events[i + 1].recordId).to.equal(`${events[i].recordId}b`);
      expect(events[i + 1].seq).to.equal(events[i].seq + 1);
    }
    expect((await verifyAuditChain()).ok).to.equal(true);
  });

  it('a failing transaction leaves nothing behind, its audit event included', async () => {
    const marker = unique('rollback-');
    await withTransaction(async () => {
      await recordAudit({ actor: null, action: 'test.rollback', recordType: 'test', recordId: marker });
      throw new Error('refused half-way');
    }).catch(() => undefined);
    expect(await AuditEvent.count({ where: { recordId: marker } })).to.equal(0);
    expect((await verifyAuditChain()).ok).to.equal(true);
  });

  it("joins the caller's transaction instead of opening a second one", async () => {
    await withTransaction(async (outer) => {
      await withTransaction(async (inner) => {
        expect(inner).to.equal(outer);
      });
    });
  });
});
