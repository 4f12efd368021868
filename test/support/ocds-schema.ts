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
