/**
 * Every kind of upload the system accepts, declared in this one place: which file types it
 * allows, how large a file may be and how many files one form may carry. The upload middleware,
 * the sniffer and the forms' hints all read these (SECURITY.md "Files": an allow-list per kind).
 */

/** The file types the sniffer can recognise from their bytes. */
export const FILE_TYPE_IDS = ['pdf', 'jpeg', 'png', 'docx', 'xlsx', 'csv'] as const;
export type FileTypeId = (typeof FILE_TYPE_IDS)[number];

export type FileType = {
  id: FileTypeId;
  /** The MIME type a stored file of this type is served with. */
  mime: string;
  /** Lower-case file name endings, with the dot, that this type may carry. */
  extensions: readonly string[];
};

export const FILE_TYPES: Readonly<Record<FileTypeId, FileType>> = {
  pdf: { id: 'pdf', mime: 'application/pdf', extensions: ['.pdf'] },
  jpeg: { id: 'jpeg', mime: 'image/jpeg', extensions: ['.jpg', '.jpeg'] },
  png: { id: 'png', mime: 'image/png', extensions: ['.png'] },
  docx: {
    id: 'docx',
    mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    extensions: ['.docx'],
  },
  xlsx: { id: 'xlsx', mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', extensions: ['.xlsx'] },
  csv: { id: 'csv', mime: 'text/csv', extensions: ['.csv'] },
};

const MB = 1024 * 1024;

export type UploadKind = {
  name: string;
  types: readonly FileTypeId[];
  /** Largest file accepted, in bytes. */
  maxBytes: number;
  /** Most files one request may carry for this kind. */
  maxFiles: number;
};

const kind = (name: string, types: FileTypeId[], maxMegabytes: number, maxFiles: number): UploadKind =>
  Object.freeze({ name, types: Object.freeze([...types]), maxBytes: maxMegabytes * MB, maxFiles });

export const UPLOAD_KINDS = {
  /** 资质证明: registration certificates, licences of a social organisation. */
  qualification_document: kind('qualification_document', ['pdf', 'jpeg', 'png'], 20, 10),
  /** A child director's training certificate. */
  training_certificate: kind('training_certificate', ['pdf', 'jpeg', 'png'], 10, 1),
  /** What an organisation hands in as evidence of a deliverable. */
  deliverable_attachment: kind('deliverable_attachment', ['pdf', 'docx', 'xlsx', 'csv', 'jpeg', 'png'], 50, 20),
  /** A hotline's call log, checked later for child-identifying numbers. */
  call_log: kind('call_log', ['csv', 'xlsx'], 100, 1),
  /** 发票 and receipts behind a claim. */
  receipt: kind('receipt', ['pdf', 'jpeg', 'png'], 10, 5),
  /** The signed contract and its amendments. */
  contract_document: kind('contract_document', ['pdf'], 30, 5),
  /** A bank statement or treasury payment file to reconcile payments with. */
  bank_statement: kind('bank_statement', ['csv', 'xlsx'], 10, 1),
  /** A list of child directors to import. */
  worker_import: kind('worker_import', ['csv', 'xlsx'], 20, 1),
  /** A district's communities (社区) to import: sub-district and community a row (#21). */
  community_import: kind('community_import', ['csv', 'xlsx'], 5, 1),
} as const satisfies Record<string, UploadKind>;

export type UploadKindName = keyof typeof UPLOAD_KINDS;

export function isUploadKindName(value: unknown): value is UploadKindName {
  return typeof value === 'string' && Object.hasOwn(UPLOAD_KINDS, value);
}

export function uploadKind(name: UploadKindName): UploadKind {
  const found = UPLOAD_KINDS[name];
  if (!found) throw new Error(`Unknown upload kind: ${String(name)}`);
  return found;
}

/** The lower-case ending of a file name, with its dot (`报告.PDF` → `.pdf`), or '' when it has none. */
export function extensionOf(fileName: string): string {
  const base = fileName.replace(/^.*[\\/]/, '');
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot).toLowerCase() : '';
}

/** The kind's types that a file with this name could be; empty when the ending is not allowed. */
export function typesForName(k: UploadKind, fileName: string): FileTypeId[] {
  const ext = extensionOf(fileName);
  return k.types.filter((t) => FILE_TYPES[t].extensions.includes(ext));
}

/** What a form's file input accepts: `.pdf,.jpg,.jpeg,.png` for its `accept` attribute. */
export function acceptAttribute(k: UploadKind): string {
  return k.types.flatMap((t) => FILE_TYPES[t].extensions).join(',');
}
