import { Router } from 'express';
import type { Config } from '../server/config.js';
import { rule } from '../server/middleware/rules.js';
import { validateParams } from '../server/middleware/validate.js';
import { DOSSIER_RESOURCE } from '../server/policies/dossier.js';
import { loadContract } from '../server/presenters/contracts.js';
import { auditDossierDownload, dossierEntries, dossierFilename, manifestEntries } from '../server/presenters/dossier.js';
import { idParams } from '../server/schemas/common.js';
import { verifyAuditChain } from '../server/services/audit.js';
import { writeZip } from '../server/services/dossier/zip-writer.js';
import { storeFor } from '../server/services/storage/index.js';
import { contentDisposition } from '../server/services/storage/download.js';
import { actorOf, by, langOf, subjectLoader } from './kit.js';
import { renderTo } from './printable-pdf.js';

const { subject, of: contractOf } = subjectLoader(DOSSIER_RESOURCE, loadContract);

/** The contract dossier (合同档案包, #20): one ZIP of the whole contract, streamed as it is built. */
export function dossierRouter(config: Config): Router {
  const router = Router();
  const store = storeFor(config);

  router.get('/contracts/:id/dossier.zip', rule('download', DOSSIER_RESOURCE), validateParams(idParams), subject('download'), async (req, res) => {
    const contract = contractOf(res);
    // The chain as it stands when the download begins: the manifest reports it (`audit:verify`).
    const chain = await verifyAuditChain();
    await auditDossierDownload(contract, chain, by(req));
    res.status(200).set({
      'Content-Type': 'application/zip',
      'Content-Disposition': contentDisposition(dossierFilename(contract, langOf(req))),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'private, no-store',
    });
    const sources = { actor: actorOf(req), lang: langOf(req), render: renderTo(res), store, chromiumPath: config.chromiumPath };
    await writeZip(res, dossierEntries(contract, sources), async (rows) => manifestEntries(contract, chain, actorOf(req), rows));
  });

  return router;
}
