import path from 'node:path';
import type { Request, Response } from 'express';
import { Router } from 'express';
import type { Config } from '../server/config.js';
import { NotFoundError } from '../server/errors.js';
import { publicRoute } from '../server/middleware/rules.js';
import { validateParams, validateQuery } from '../server/middleware/validate.js';
import { PUBLIC_OCDS_PATH, publicOcdsPage } from '../server/presenters/public-ocds.js';
import { bulkParams, extensionParams, ocidParams, publicOcdsQuery } from '../server/schemas/public.js';
import { bulkPackage, type PackageBase, projectRecordPackage, projectReleasePackage } from '../server/services/ocds/packages.js';
import { langOf, paramsOf, queryOf } from './kit.js';

const EXTENSION_DIR = path.join(import.meta.dirname, '../server/services/ocds/extension');

/**
 * Open Contracting data for everyone (#19): no sign-in, no session written, the app's CSP. The
 * list of what is published, and each package as a `.json` download; anything not published is a
 * 404, as if it did not exist.
 */
export function publicOcdsRouter(config: Config): Router {
  const router = Router();
  const baseOf = (req: Request): PackageBase => ({ baseUrl: (config.publicUrl ?? `${req.protocol}://${req.get('host')}`).replace(/\/+$/, '') });
  const sendJson = (res: Response, name: string, body: unknown) => {
    if (!body) throw new NotFoundError();
    res
      .set('Cache-Control', 'public, max-age=300')
      .attachment(name)
      .type('application/json')
      .send(JSON.stringify(body, null, 2));
  };

  router.get(PUBLIC_OCDS_PATH, publicRoute, validateQuery(publicOcdsQuery), async (req, res) => {
    const list = await publicOcdsPage(queryOf(res, publicOcdsQuery), langOf(req));
    res.render('public/ocds', { pageTitle: req.t('public.ocds.title'), list });
  });
  router.get(`${PUBLIC_OCDS_PATH}/releases/:ocid.json`, publicRoute, validateParams(ocidParams), async (req, res) => {
    const { ocid } = paramsOf(res, ocidParams);
    sendJson(res, `${ocid}-releases.json`, await projectReleasePackage(ocid, baseOf(req)));
  });
  router.get(`${PUBLIC_OCDS_PATH}/records/:ocid.json`, publicRoute, validateParams(ocidParams), async (req, res) => {
    const { ocid } = paramsOf(res, ocidParams);
    sendJson(res, `${ocid}-record.json`, await projectRecordPackage(ocid, baseOf(req)));
  });
  for (const kind of ['releases', 'records'] as const) {
    router.get(`${PUBLIC_OCDS_PATH}/:year/:district/${kind}.json`, publicRoute, validateParams(bulkParams), async (req, res) => {
      const { year, district } = paramsOf(res, bulkParams);
      sendJson(res, `ocds-${year}-${district}-${kind}.json`, await bulkPackage(year, district, kind, baseOf(req)));
    });
  }
  router.get(`${PUBLIC_OCDS_PATH}/extension/:file`, publicRoute, validateParams(extensionParams), (_req, res) => {
    res
      .set('Cache-Control', 'public, max-age=3600')
      .type('application/json')
      .sendFile(path.join(EXTENSION_DIR, paramsOf(res, extensionParams).file));
  });
  router.get(`${PUBLIC_OCDS_PATH}/extension/codelists/chineseProcurementMethod.csv`, publicRoute, (_req, res) => {
    res
      .set('Cache-Control', 'public, max-age=3600')
      .type('text/csv')
      .sendFile(path.join(EXTENSION_DIR, 'codelists', 'chineseProcurementMethod.csv'));
  });
  return router;
}
