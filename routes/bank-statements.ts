import { Router } from 'express';
import { z } from 'zod';
import { STATEMENT_LINE_STATUSES } from '../models/BankStatement.js';
import type { Config } from '../server/config.js';
import { bankStatementConfirmer } from '../server/commands/payments/bankStatementConfirmer.js';
import { bankStatementImporter } from '../server/commands/payments/bankStatementImporter.js';
import { confirmFirst } from '../server/middleware/confirm.js';
import { flash } from '../server/middleware/locals.js';
import { rule } from '../server/middleware/rules.js';
import { upload, uploadsOf } from '../server/middleware/upload.js';
import { type OnInvalid, validateParams, validateQuery } from '../server/middleware/validate.js';
import { BANK_STATEMENT_RESOURCE } from '../server/policies/batch.js';
import {
  BANK_STATEMENTS_PATH,
  bankStatementListPage,
  bankStatementPage,
  loadBankStatement,
  reconcileConfirmation,
} from '../server/presenters/bank-statements.js';
import { readStatement, StatementFileError } from '../server/schemas/bank-statement.js';
import { idParams } from '../server/schemas/common.js';
import { storeFor } from '../server/services/storage/index.js';
import { actorOf, by, langOf, queryOf, subjectLoader } from './kit.js';

const { subject, of: subjectOf } = subjectLoader(BANK_STATEMENT_RESOURCE, loadBankStatement);
const statusQuery = z.object({
  status: z
    .union([z.literal(''), z.enum(STATEMENT_LINE_STATUSES)])
    .optional()
    .transform((v) => (v ? v : undefined)),
});

const renderList: OnInvalid = async (req, res, form) => {
  res.render('bank-statements/index', { pageTitle: req.t('bankStatements.title'), list: await bankStatementListPage(actorOf(req)), errors: form.errors });
};

/** Bank reconciliation (#18): statements imported (CSV/XLSX), their lines matched to approved payments, the matched ones recorded paid in one step. */
export function bankStatementsRouter(config: Config): Router {
  const router = Router();
  const store = storeFor(config);
  const id = validateParams(idParams);

  router.get(BANK_STATEMENTS_PATH, rule('list', BANK_STATEMENT_RESOURCE), (req, res) => renderList(req, res, { values: {}, errors: {} }));

  router.post(
    BANK_STATEMENTS_PATH,
    rule('import', BANK_STATEMENT_RESOURCE),
    upload('bank_statement', 'file', store, { onInvalid: renderList }),
    async (req, res) => {
      const uploaded = uploadsOf(res)[0];
      if (!uploaded) {
        res.status(422);
        return renderList(req, res, { values: {}, errors: { file: 'validation.required' } });
      }
      const chunks: Buffer[] = [];
      for await (const chunk of await store.get(uploaded.key)) chunks.push(Buffer.from(chunk));
      let read: Awaited<ReturnType<typeof readStatement>>;
      try {
        read = await readStatement(Buffer.concat(chunks), uploaded.originalName.toLowerCase().endsWith('.xlsx') ? 'xlsx' : 'csv');
      } catch (err) {
        if (!(err instanceof StatementFileError)) throw err;
        res.status(422);
        return renderList(req, res, { values: {}, errors: { file: `bankStatements.file.${err.reason}` } });
      }
      const { statement, again } = await bankStatementImporter(read, uploaded, by(req));
      flash(req, again ? 'info' : 'success', again ? 'bankStatements.flash.again' : 'bankStatements.flash.imported', {
        id: statement.id,
        lines: statement.lineCount,
      });
      res.redirect(303, `${BANK_STATEMENTS_PATH}/${statement.id}`);
    },
  );

  router.get(`${BANK_STATEMENTS_PATH}/:id`, rule('read', BANK_STATEMENT_RESOURCE), id, subject('read'), validateQuery(statusQuery), async (req, res) => {
    const page = await bankStatementPage(actorOf(req), subjectOf(res), queryOf(res, statusQuery).status, langOf(req));
    res.render('bank-statements/show', { pageTitle: req.t('bankStatements.detailTitle', { id: subjectOf(res).id }), ...page });
  });

  router.post(
    `${BANK_STATEMENTS_PATH}/:id/confirm`,
    rule('reconcile', BANK_STATEMENT_RESOURCE),
    id,
    subject('reconcile'),
    confirmFirst((req, res) => reconcileConfirmation(subjectOf(res), langOf(req))),
    async (req, res) => {
      const { recorded, refused } = await bankStatementConfirmer(subjectOf(res), by(req));
      flash(req, refused ? 'warning' : 'success', 'bankStatements.flash.confirmed', { recorded, refused });
      res.redirect(303, `${BANK_STATEMENTS_PATH}/${subjectOf(res).id}`);
    },
  );

  return router;
}
