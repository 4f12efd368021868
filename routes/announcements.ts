import type { Request, Response } from 'express';
import { Router } from 'express';
import type { AnnouncementTransition } from '../models/LotteryAnnouncement.js';
import { announcementCreator } from '../server/commands/announcements/announcementCreator.js';
import { announcementEditor } from '../server/commands/announcements/announcementEditor.js';
import { announcementTransitioner } from '../server/commands/announcements/announcementTransitioner.js';
import { thisYear } from '../server/clock.js';
import { confirmFirst } from '../server/middleware/confirm.js';
import { flash } from '../server/middleware/locals.js';
import { rule } from '../server/middleware/rules.js';
import { type OnInvalid, refusalsOnPage, validateBody, validateParams, validateQuery } from '../server/middleware/validate.js';
import { authorize } from '../server/policies/index.js';
import { ANNOUNCEMENT_RESOURCE } from '../server/policies/announcement.js';
import {
  ANNOUNCEMENTS_PATH,
  announcementContentExport,
  announcementExport,
  announcementFormOptions,
  announcementFormValuesOf,
  announcementListPage,
  announcementPage,
  loadAnnouncement,
} from '../server/presenters/announcements.js';
import { editing, idParams } from '../server/schemas/common.js';
import {
  announcementExportQuery,
  announcementListQuery,
  announcementStepForm,
  announcementTextForm,
  newAnnouncementForm,
} from '../server/schemas/announcements.js';
import { actorOf, auditedExport, bodyOf, by, idOf, langOf, queryOf, staleEdit, subjectLoader } from './kit.js';
import { listQuery } from '../server/middleware/held-filters.js';

const { subject, of: subjectOf } = subjectLoader(ANNOUNCEMENT_RESOURCE, loadAnnouncement);

const renderNew: OnInvalid = async (req, res, form) => {
  res.status(Object.keys(form.errors).length ? 422 : 200).render('announcements/new', {
    pageTitle: req.t('announcements.new'),
    options: await announcementFormOptions(actorOf(req), langOf(req)),
    values: form.values,
    errors: form.errors,
  });
};

async function renderShow(req: Request, res: Response, status = 200, extra: Record<string, unknown> = {}) {
  const a = await loadAnnouncement(actorOf(req), idOf(res));
  const page = await announcementPage(actorOf(req), a, langOf(req));
  res.status(status).render('announcements/show', { pageTitle: page.content.title, a: page, errors: {}, values: {}, refusal: null, ...extra });
}

/** A refused form on the announcement's page: 409 for a refused rule, 422 beside the fields, else (a stale save) the status already set. */
const onInvalidText: OnInvalid = (req, res, form) =>
  renderShow(req, res, form.refusal ? 409 : Object.keys(form.errors).length ? 422 : res.statusCode, {
    errors: form.errors,
    values: form.values,
    refusal: form.refusal ?? null,
  });
const textEdit = editing(announcementTextForm);

/**
 * The yearly lottery-fund usage announcements (福利彩票公益金使用情况公告, #19): officers draft,
 * edit, submit and issue them; finance approves or returns them; printed on A4 and exported.
 */
export function announcementsRouter(): Router {
  const router = Router();
  const id = validateParams(idParams);

  router.get(ANNOUNCEMENTS_PATH, rule('list', ANNOUNCEMENT_RESOURCE), listQuery(announcementListQuery, ANNOUNCEMENTS_PATH), async (req, res) => {
    const query = queryOf(res, announcementListQuery);
    if (query.format) {
      authorize(actorOf(req), 'export', ANNOUNCEMENT_RESOURCE);
      const { rows, columns } = await announcementExport(actorOf(req), query, langOf(req));
      await auditedExport(req, res, {
        action: 'lottery_announcement.export',
        recordType: 'lottery_announcement',
        format: query.format,
        filename: req.t('announcements.exportFilename'),
        columns,
        rows,
        count: rows.length,
        detail: { filter: { year: query.year, districtId: query.districtId, status: query.status } },
      });
      return;
    }
    res.render('announcements/index', { pageTitle: req.t('announcements.title'), list: await announcementListPage(actorOf(req), query, langOf(req)) });
  });

  router.get(`${ANNOUNCEMENTS_PATH}/new`, rule('create', ANNOUNCEMENT_RESOURCE), (req, res) =>
    renderNew(req, res, { values: { year: thisYear() - 1, agencyId: actorOf(req).agencyId ?? '' }, errors: {} }),
  );

  router.post(ANNOUNCEMENTS_PATH, rule('create', ANNOUNCEMENT_RESOURCE), validateBody(newAnnouncementForm, renderNew), async (req, res) => {
    const a = await announcementCreator(bodyOf(res, newAnnouncementForm), by(req));
    flash(req, 'success', 'announcements.flash.created');
    res.redirect(`${ANNOUNCEMENTS_PATH}/${a.id}`);
  });

  router.get(`${ANNOUNCEMENTS_PATH}/:id`, rule('read', ANNOUNCEMENT_RESOURCE), id, subject('read'), (req, res) => renderShow(req, res));

  router.post(
    `${ANNOUNCEMENTS_PATH}/:id/text`,
    rule('update', ANNOUNCEMENT_RESOURCE),
    id,
    subject('update'),
    refusalsOnPage,
    staleEdit(announcementFormValuesOf, { area: 'announcements' }),
    validateBody(textEdit, onInvalidText),
    async (req, res) => {
      await announcementEditor(idOf(res), bodyOf(res, textEdit), by(req));
      flash(req, 'success', 'announcements.flash.saved');
      res.redirect(`${ANNOUNCEMENTS_PATH}/${idOf(res)}`);
    },
  );

  for (const step of ['submit', 'return', 'approve', 'issue'] as const satisfies readonly AnnouncementTransition[]) {
    const guard =
      step === 'issue'
        ? [
            confirmFirst((req, res) => ({
              title: req.t('announcements.confirmIssue.title'),
              consequences: [req.t('announcements.confirmIssue.public'), req.t('announcements.confirmIssue.frozen')],
              back: `${ANNOUNCEMENTS_PATH}/${idOf(res)}`,
              button: req.t('announcements.moves.issue'),
            })),
          ]
        : [];
    router.post(
      `${ANNOUNCEMENTS_PATH}/:id/${step}`,
      rule(step, ANNOUNCEMENT_RESOURCE),
      id,
      subject(step),
      refusalsOnPage,
      validateBody(announcementStepForm, onInvalidText),
      ...guard,
      async (req, res) => {
        await announcementTransitioner(idOf(res), step, by(req), bodyOf(res, announcementStepForm).reason);
        flash(req, 'success', `announcements.flash.${step}`);
        res.redirect(`${ANNOUNCEMENTS_PATH}/${idOf(res)}`);
      },
    );
  }

  router.get(`${ANNOUNCEMENTS_PATH}/:id/print`, rule('print', ANNOUNCEMENT_RESOURCE), id, subject('print'), async (req, res) => {
    const page = await announcementPage(actorOf(req), subjectOf(res), langOf(req));
    res.render('announcements/print', { pageTitle: page.content.title, a: page, draftMark: page.status !== 'issued' });
  });

  router.get(
    `${ANNOUNCEMENTS_PATH}/:id/export`,
    rule('export', ANNOUNCEMENT_RESOURCE),
    id,
    subject('read'),
    validateQuery(announcementExportQuery),
    async (req, res) => {
      const a = subjectOf(res);
      const { rows, columns, title } = await announcementContentExport(a, langOf(req));
      await auditedExport(req, res, {
        action: 'lottery_announcement.export',
        recordType: 'lottery_announcement',
        districtId: a.districtId,
        format: queryOf(res, announcementExportQuery).format,
        filename: title,
        columns,
        rows,
        count: rows.length,
        detail: { announcementId: a.id, status: a.status },
      });
    },
  );
  return router;
}
