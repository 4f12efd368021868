import { QueryTypes, type QueryInterface } from 'sequelize';

/** A table or column name as the migrations write them (a name from the migration's own text, never input). */
const IDENTIFIER = /^[a-z][a-z0-9_]*$/;

type IndexInfo = { name: string; unique: boolean; primary?: boolean; fields: { attribute: string }[] };
type KeyInfo = { constraintName: string; columnName: string };

/**
 * Drops columns in a migration's `down`, on both dialects, with the indexes and foreign keys that
 * cover them, and keeps the rest of the table as it was.
 *
 * - MySQL/MariaDB: each column's foreign key first (the server will not drop an index a foreign
 *   key leans on), then the indexes naming it, then the column.
 * - SQLite (≥ 3.35): the indexes naming the column, then a plain `ALTER TABLE … DROP COLUMN`.
 *   SQLite refuses that for a column with a foreign key; only for such a column is the table
 *   rebuilt (Sequelize's `removeColumn`), with foreign keys switched off meanwhile — dropping the
 *   old table would otherwise delete, or refuse, the rows of the tables that point at it — and
 *   its other indexes made again (the rebuild loses them); `foreign_key_check` must find nothing.
 *   (Sequelize's `removeColumn` alone on SQLite loses every index of the table.)
 */
export async function dropColumns(qi: QueryInterface, table: string, columns: string[]): Promise<void> {
  for (const name of [table, ...columns]) {
    if (!IDENTIFIER.test(name)) throw new Error(`dropColumns: not a table or column name: ${name}`);
  }
  const sqlite = qi.sequelize.getDialect() === 'sqlite';
  const keys = (await qi.getForeignKeyReferencesForTable(table)) as unknown as KeyInfo[];
  const keyed = new Set(keys.filter((k) => columns.includes(k.columnName)).map((k) => k.columnName));
  if (!sqlite) {
    for (const key of keys.filter((k) => keyed.has(k.columnName))) await qi.removeConstraint(table, key.constraintName);
  }
  const indexes = ((await qi.showIndex(table)) as unknown as IndexInfo[]).filter((i) => !i.primary && i.name !== 'PRIMARY');
  const covering = (i: IndexInfo) => i.fields.some((f) => columns.includes(f.attribute));
  for (const index of indexes.filter((i) => covering(i) && !i.name.startsWith('sqlite_autoindex_'))) await qi.removeIndex(table, index.name);
  // Names cannot be bound as replacements: they passed IDENTIFIER above and are quoted by the dialect.
  const quoted = qi.quoteIdentifier(table);
  for (const column of columns.filter((c) => !sqlite || !keyed.has(c))) {
    await qi.sequelize.query(`ALTER TABLE ${quoted} DROP COLUMN ${qi.quoteIdentifier(column)}`);
  }
  if (!sqlite || keyed.size === 0) return;
  const kept = indexes.filter((i) => !covering(i) && !i.name.startsWith('sqlite_autoindex_'));
  await qi.sequelize.query('PRAGMA foreign_keys = OFF');
  try {
    for (const column of keyed) await qi.removeColumn(table, column);
    for (const index of kept) {
      await qi.addIndex(
        table,
        index.fields.map((f) => f.attribute),
        { name: index.name, unique: index.unique },
      );
    }
    const broken = await qi.sequelize.query(`PRAGMA foreign_key_check(${quoted})`, { type: QueryTypes.SELECT });
    if (broken.length) throw new Error(`dropColumns: rows of ${table} point at nothing`);
  } finally {
    await qi.sequelize.query('PRAGMA foreign_keys = ON');
  }
}
