import fs from 'node:fs';
import path from 'node:path';
import ajvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import { SCHEMA_DIR } from '../../server/services/ocds/merge.js';

/**
 * The official OCDS 1.1.5 schemas (the copy the app ships, identical to ../shared/ocds-1.1.5)
 * under a JSON Schema draft-04 validator that checks formats (date-time, uri, email): every
 * release, release package, record package and versioned release the app writes is checked
 * against them. The schemas' own keywords (codelist, mergeStrategy …) are annotations.
 */
// CommonJS packages: their class and function are the `default` of what ESM imports.
const ajv = new ajvDraft04.default({ strict: false, allErrors: true, validateFormats: true });
ajvFormats.default(ajv);
const schemas = ['release-schema.json', 'release-package-schema.json', 'record-package-schema.json', 'versioned-release-validation-schema.json'];
for (const file of schemas) ajv.addSchema(JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, file), 'utf8')), file);

export type OcdsDocument = 'release-schema.json' | 'release-package-schema.json' | 'record-package-schema.json' | 'versioned-release-validation-schema.json';

/** The schema's errors for `data` (an empty list when it is valid), as readable lines. */
export function ocdsErrors(schema: OcdsDocument, data: unknown): string[] {
  const validate = ajv.getSchema(schema);
  if (!validate) throw new Error(`No schema ${schema}`);
  return validate(data) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
}

/**
 * The release schema with this publication's extension applied (a JSON merge patch, as OCDS
 * extensions are applied): the extension's own field (`tender.chineseProcurementMethod`) is
 * checked against its closed codelist too.
 */
const EXTENSION_DIR = path.join(SCHEMA_DIR, '..', 'extension');
function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}
const extended = mergePatch(
  JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, 'release-schema.json'), 'utf8')),
  JSON.parse(fs.readFileSync(path.join(EXTENSION_DIR, 'release-schema.json'), 'utf8')),
) as Record<string, unknown>;
extended.id = 'urn:careprocure:release-schema-with-extension';
const extendedAjv = new ajvDraft04.default({ strict: false, allErrors: true, validateFormats: true });
ajvFormats.default(extendedAjv);
const validateExtended = extendedAjv.compile(extended);

/** The errors of `release` against the release schema with the extension applied. */
export function extendedReleaseErrors(release: unknown): string[] {
  return validateExtended(release) ? [] : (validateExtended.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
}

/** The codes of an official codelist (its CSV's Code column), or of the extension's own. */
export function codelist(name: string): Set<string> {
  const file = fs.existsSync(path.join(SCHEMA_DIR, 'codelists', name)) ? path.join(SCHEMA_DIR, 'codelists', name) : path.join(EXTENSION_DIR, 'codelists', name);
  // Codes carry no comma or quote, so the code column is read without a full CSV parser.
  const [header, ...rows] = fs.readFileSync(file, 'utf8').trim().split(/\r?\n/);
  const column = header.split(',').indexOf('Code');
  if (column < 0) throw new Error(`${name} has no Code column`);
  return new Set(rows.map((r) => r.split(',')[column]));
}
