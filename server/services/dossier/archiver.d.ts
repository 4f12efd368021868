// The part of archiver 5's API the dossier uses (the package ships no types).
declare module 'archiver' {
  import type { Readable, Transform } from 'node:stream';
  type EntryData = { name: string; store?: boolean; date?: Date };
  interface Archiver extends Transform {
    append(source: Readable | Buffer | string, data: EntryData): this;
    finalize(): Promise<void>;
    abort(): this;
    pointer(): number;
  }
  function archiver(format: 'zip', options?: { zlib?: { level?: number }; forceZip64?: boolean }): Archiver;
  export default archiver;
}
