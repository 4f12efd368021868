import { expect } from 'chai';
import { DataTypes, type Model, type ModelStatic, Op, type Order, type WhereOptions } from 'sequelize';
import { BadRequestError } from '../../server/errors.js';
import { encodeCursor, type KeysetPage, type PageCursor } from '../../server/services/keyset.js';
import { findListPage } from '../../server/services/list-query.js';
import { testSequelize } from '../support/hooks.js';

/**
 * Keyset pagination (#15) on a table of its own whose sort columns hold ties and NULLs of every
 * kind the lists sort by (a day, a moment, an integer, a text): walking a list by its "next"
 * cursors visits every row once, in the order the numbered (OFFSET) pages show them, and walking
 * back from its last page by "previous" likewise, in both directions of every column, with the id
 * ascending or descending behind it, with and without a filter.
 */
describe('keyset pagination: pages continued by cursor (#15)', function () {
  this.timeout(120_000);
  let Row: ModelStatic<Model>;
  const PER = 4;

  before(async () => {
    const sequelize = testSequelize();
    Row = sequelize.define(
      'KeysetRow',
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        day: { type: DataTypes.DATEONLY, allowNull: true },
        at: { type: DataTypes.DATE, allowNull: true },
        n: { type: DataTypes.INTEGER, allowNull: false },
        label: { type: DataTypes.STRING(20), allowNull: true },
        kind: { type: DataTypes.INTEGER, allowNull: false },
      },
      { tableName: 'keyset_test_rows', timestamps: false },
    );
    await Row.sync({ force: true });
    // 23 rows: three values per column with many ties, NULL in every nullable column now and then.
    const rows = Array.from({ length: 23 }, (_, i) => ({
      day: i % 5 === 0 ? null : `2026-0${(i % 3) + 1}-1${i % 2}`,
      at: i % 7 === 3 ? null : new Date(Date.UTC(2026, 0, 1 + (i % 4), 8, 30, 15, 123)),
      n: i % 3,
      label: i % 6 === 1 ? null : ['乙', 'alpha', 'Beta'][i % 3],
      kind: i % 2,
    }));
    await Row.bulkCreate(rows);
  });

  after(async () => {
    await Row.drop();
  });

  const page = (order: Order, where: WhereOptions, cursor?: PageCursor, offset = 0) =>
    findListPage(Row, { where, order, limit: PER, offset, cursor }) as Promise<{ rows: Model[]; count: number; exact: boolean; keyset?: KeysetPage }>;
  const idsOf = (rows: Model[]) => rows.map((r) => r.get('id') as number);

  const orders: Order[] = [];
  for (const column of ['day', 'at', 'n', 'label'])
    for (const dir of ['ASC', 'DESC'])
      for (const idDir of ['ASC', 'DESC'])
        orders.push([
          [column, dir],
          ['id', idDir],
        ] as Order);
  const filters: WhereOptions[] = [{}, { kind: 1 }, { [Op.and]: [{ n: { [Op.ne]: 1 } }] }];

  it('visits every row once forward by "next" and backward by "previous", in the order of the numbered pages', async () => {
    for (const order of orders)
      for (const where of filters) {
        const what = `${JSON.stringify(order)} where ${JSON.stringify(where)}`;
        const numbered: number[] = [];
        const total = await Row.count({ where });
        for (let offset = 0; offset < total; offset += PER) numbered.push(...idsOf((await page(order, where, undefined, offset)).rows));
        expect(numbered, what).to.have.length(total);

        const forward: number[] = [];
        let at = await page(order, where);
        forward.push(...idsOf(at.rows));
        for (let guard = 0; forward.length < total && guard < 50; guard += 1) {
          at = await page(order, where, { after: encodeCursor(at.keyset!.tag, null, at.keyset!.last) });
          forward.push(...idsOf(at.rows));
        }
        if (total > PER) expect(at.keyset?.hasNext, `the last page says no next ${what}`).to.equal(false);
        expect(forward, `forward ${what}`).to.deep.equal(numbered);

        const backward: number[][] = [];
        at = await page(order, where, { last: true });
        backward.unshift(idsOf(at.rows));
        for (let guard = 0; at.keyset?.hasPrev && guard < 50; guard += 1) {
          at = await page(order, where, { before: encodeCursor(at.keyset.tag, null, at.keyset.first) });
          backward.unshift(idsOf(at.rows));
        }
        expect(at.keyset?.page, `the walk back ends on the first page ${what}`).to.equal(1);
        expect(backward.flat(), `backward ${what}`).to.deep.equal(numbered);
      }
  });

  it('says which page a cursor leads to, and that the last page has no next', async () => {
    const order = [
      ['n', 'ASC'],
      ['id', 'ASC'],
    ] as Order;
    const first = await page(order, {});
    expect(first.keyset).to.include({ page: 1, hasPrev: false, hasNext: null });
    const second = await page(order, {}, { after: encodeCursor(first.keyset!.tag, 2, first.keyset!.last) });
    expect(second.keyset).to.include({ page: 2, hasPrev: true, hasNext: true });
    const last = await page(order, {}, { last: true });
    expect(last.keyset).to.include({ page: null, hasPrev: true, hasNext: false });
    expect(last.rows).to.have.length(PER);
    const back = await page(order, {}, { before: encodeCursor(second.keyset!.tag, 1, second.keyset!.first) });
    expect(back.keyset).to.include({ page: 1, hasPrev: false });
    expect(idsOf(back.rows)).to.deep.equal(idsOf(first.rows));
  });

  it('refuses a cursor that is not one, or continues another order or list (400 list.badCursor)', async () => {
    const order = [
      ['at', 'DESC'],
      ['id', 'ASC'],
    ] as Order;
    const first = await page(order, {});
    const { tag, last } = first.keyset!;
    const other = (
      await page(
        [
          ['label', 'ASC'],
          ['id', 'ASC'],
        ] as Order,
        {},
      )
    ).keyset!;
    const refused = [
      'not-a-cursor',
      Buffer.from('{"a":1}').toString('base64url'),
      encodeCursor(other.tag, 2, other.last), // another sort's
      encodeCursor(tag, 2, last.slice(1)), // a value missing
      encodeCursor(tag, 2, ['2026-01-01', last[1]]), // a day where a moment belongs
      encodeCursor(tag, 2, [last[0], 'DROP TABLE x']), // text where the id belongs
      encodeCursor(tag, 2, [last[0], null]), // no id
      encodeCursor(tag, -3, last), // no page number
    ];
    for (const after of refused) {
      let error: unknown = null;
      await page(order, {}, { after }).catch((e: unknown) => {
        error = e;
      });
      expect(error, after).to.be.instanceOf(BadRequestError).with.property('messageKey', 'list.badCursor');
    }
    let both: unknown = null;
    const cursor = encodeCursor(tag, 2, last);
    await page(order, {}, { after: cursor, before: cursor }).catch((e: unknown) => {
      both = e;
    });
    expect(both).to.be.instanceOf(BadRequestError);
    // A changed value of the right kind only moves the reader within the list they may read.
    const moved = await page(order, { kind: 1 }, { after: encodeCursor(tag, 2, ['2026-01-02T08:30:15.000Z', 1]) });
    expect(moved.rows.every((r) => r.get('kind') === 1)).to.equal(true);
  });
});
