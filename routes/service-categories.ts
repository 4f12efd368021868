import { type Request, type Response, Router } from 'express';
import { categoryMetricAdder, categoryRuleAdder } from '../server/commands/reference/categoryMetricAdder.js';
import { categoryMetricRemover, categoryRuleRemover, serviceCategoryRemover } from '../server/commands/reference/categoryDraftRemover.js';
import { categoryVersionCreator } from '../server/commands/reference/categoryVersionCreator.js';
import { categoryVersionPublisher } from '../server/commands/reference/categoryVersionPublisher.js';
import { serviceCategoryAdder } from '../server/commands/reference/serviceCategoryAdder.js';
import { flash } from '../server/middleware/locals.js';
import { rule } from '../server/middleware/rules.js';
import { type OnInvalid, refusalsOnPage, validateBody, validateParams } from '../server/middleware/validate.js';
import { z } from 'zod';
import { CATEGORIES_PATH, categoryVersionPage, categoryVersionsPage, loadCategoryVersion, versionHref } from '../server/presenters/service-categories.js';
import {
  categoryForm,
  categoryParams,
  metricForm,
  metricRemoveForm,
  ruleForm,
  ruleRemoveForm,
  versionForm,
  versionParams,
} from '../server/schemas/service-categories.js';
import { actorOf, bodyOf, by, langOf, paramsOf } from './kit.js';

const yearOf = (res: Response) => paramsOf(res, versionParams).year;

const renderList: OnInvalid = async (req, res, form) => {
  res.render('reference/category-versions', {
    pageTitle: req.t('serviceCategories.title'),
    ...(await categoryVersionsPage(actorOf(req), langOf(req))),
    values: form.values,
    errors: form.errors,
  });
};

/** A version's page; a refused form (any of the three) is shown again with its input and the errors beside its fields. */
const renderVersion: OnInvalid = async (req: Request, res: Response, form) => {
  const version = await loadCategoryVersion(yearOf(res));
  res.render('reference/category-version', {
    pageTitle: req.t('serviceCategories.versionTitle', { year: version.year }),
    ...(await categoryVersionPage(actorOf(req), version, langOf(req))),
    values: form.values,
    errors: form.errors,
    refusal: form.refusal,
  });
};

/**
 * Service categories and their metrics as data (#21): staff read each year's version; the city
 * administrator starts a year (a copy of the last), adds categories, metrics and rules to its
 * draft, and publishes it, after which it never changes.
 */
export function serviceCategoriesRouter(): Router {
  const router = Router();
  const year = validateParams(versionParams);
  const EMPTY = { values: {}, errors: {} };
  router.get(CATEGORIES_PATH, rule('read', 'reference'), (req, res) => renderList(req, res, EMPTY));
  router.post(CATEGORIES_PATH, rule('update', 'reference'), validateBody(versionForm, renderList), async (req, res) => {
    const version = await categoryVersionCreator(bodyOf(res, versionForm), by(req));
    flash(req, 'success', 'serviceCategories.flash.created', { year: version.year });
    res.redirect(versionHref(version.year));
  });
  router.get(`${CATEGORIES_PATH}/:year`, rule('read', 'reference'), year, (req, res) => renderVersion(req, res, EMPTY));
  router.post(
    `${CATEGORIES_PATH}/:year/categories`,
    rule('update', 'reference'),
    year,
    refusalsOnPage,
    validateBody(categoryForm, renderVersion),
    async (req, res) => {
      const category = await serviceCategoryAdder(yearOf(res), bodyOf(res, categoryForm), by(req));
      flash(req, 'success', 'serviceCategories.flash.categoryAdded', { name: category.name });
      res.redirect(`${versionHref(yearOf(res))}#c-${category.code}`);
    },
  );
  router.post(
    `${CATEGORIES_PATH}/:year/metrics`,
    rule('update', 'reference'),
    year,
    refusalsOnPage,
    validateBody(metricForm, renderVersion),
    async (req, res) => {
      const metric = await categoryMetricAdder(yearOf(res), bodyOf(res, metricForm), by(req));
      flash(req, 'success', 'serviceCategories.flash.metricAdded', { name: metric.name });
      res.redirect(`${versionHref(yearOf(res))}#c-${bodyOf(res, metricForm).category}`);
    },
  );
  router.post(`${CATEGORIES_PATH}/:year/rules`, rule('update', 'reference'), year, refusalsOnPage, validateBody(ruleForm, renderVersion), async (req, res) => {
    await categoryRuleAdder(yearOf(res), bodyOf(res, ruleForm), by(req));
    flash(req, 'success', 'serviceCategories.flash.ruleAdded');
    res.redirect(`${versionHref(yearOf(res))}#c-${bodyOf(res, ruleForm).ruleMetric.split(':')[0]}`);
  });
  // Taking out of a draft what was added by mistake; a refusal says on the version's page what to do first.
  const category = validateParams(categoryParams);
  const codeOf = (res: Response) => paramsOf(res, categoryParams).code;
  const removed = (req: Request, res: Response, key: string, name: string) => {
    flash(req, 'success', key, { name });
    res.redirect(versionHref(yearOf(res)));
  };
  router.post(
    `${CATEGORIES_PATH}/:year/categories/:code/remove`,
    rule('update', 'reference'),
    category,
    refusalsOnPage,
    validateBody(z.object({}), renderVersion),
    async (req, res) => {
      const gone = await serviceCategoryRemover(yearOf(res), codeOf(res), by(req));
      removed(req, res, 'serviceCategories.flash.categoryRemoved', gone.name);
    },
  );
  router.post(
    `${CATEGORIES_PATH}/:year/categories/:code/metrics/remove`,
    rule('update', 'reference'),
    category,
    refusalsOnPage,
    validateBody(metricRemoveForm, renderVersion),
    async (req, res) => {
      const gone = await categoryMetricRemover(yearOf(res), codeOf(res), bodyOf(res, metricRemoveForm).key, by(req));
      removed(req, res, 'serviceCategories.flash.metricRemoved', gone.name);
    },
  );
  router.post(
    `${CATEGORIES_PATH}/:year/categories/:code/rules/remove`,
    rule('update', 'reference'),
    category,
    refusalsOnPage,
    validateBody(ruleRemoveForm, renderVersion),
    async (req, res) => {
      await categoryRuleRemover(yearOf(res), codeOf(res), bodyOf(res, ruleRemoveForm), by(req));
      removed(req, res, 'serviceCategories.flash.ruleRemoved', '');
    },
  );
  router.post(
    `${CATEGORIES_PATH}/:year/publish`,
    rule('update', 'reference'),
    year,
    refusalsOnPage,
    validateBody(z.object({}), renderVersion),
    async (req, res) => {
      await categoryVersionPublisher(yearOf(res), by(req));
      flash(req, 'success', 'serviceCategories.flash.published', { year: yearOf(res) });
      res.redirect(versionHref(yearOf(res)));
    },
  );
  return router;
}
