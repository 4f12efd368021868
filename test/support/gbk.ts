/**
 * GBK bytes of a text, for tests of files written by Excel on a Chinese Windows. Node can decode
 * GB 18030 but not encode it, so the two-byte table is built once by decoding every GBK pair.
 */
let table: Map<string, Buffer> | undefined;

function gbkTable(): Map<string, Buffer> {
  if (table) return table;
  table = new Map();
  const decoder = new TextDecoder('gb18030', { fatal: true });
  for (let lead = 0x81; lead <= 0xfe; lead += 1) {
    for (let trail = 0x40; trail <= 0xfe; trail += 1) {
      if (trail === 0x7f) continue;
      const bytes = Buffer.from([lead, trail]);
      try {
        const ch = decoder.decode(bytes);
        if (ch.length === 1 && !table.has(ch)) table.set(ch, bytes);
      } catch {
        // not a GBK pair
      }
    }
  }
  return table;
}

export function gbk(text: string): Buffer {
  const map = gbkTable();
  return Buffer.concat(
    Array.from(text, (ch) => {
      if (ch.charCodeAt(0) < 0x80) return Buffer.from(ch, 'latin1');
      const bytes = map.get(ch);
      if (!bytes) throw new Error(`no GBK bytes for ${ch}`);
      return bytes;
    }),
  );
}
