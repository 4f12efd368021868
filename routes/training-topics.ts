import { Router } from 'express';
import { z } from 'zod';
import { trainingTopicCreator } from '../server/commands/reference/trainingTopicCreator.js';
import { trainingTopicRenamer, trainingTopicRetirer } from '../server/commands/reference/trainingTopicEditor.js';
import { POLICY_TOPIC_CODES } from '../models/TrainingTopic.js';
import { flash } from '../server/middleware/locals.js';
import { rule } from '../server/middleware/rules.js';
import { type OnInvalid, validateBody, validateParams } from '../server/middleware/validate.js';
import { can } from '../server/policies/index.js';
import { topicsInOrder } from '../server/presenters/training-sessions.js';
import { actorOf, bodyOf, by, paramsOf } from './kit.js';

const PATH = '/reference/training-topics';
const name = (max: number) => z.string({ message: 'validation.required' }).trim().min(1, 'validation.required').max(max, 'validation.tooLong');
const topicForm = z.object({ name: name(64), nameEn: name(128) });
const topicParams = z.object({ code: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/) });

const render: OnInvalid = async (req, res, form) => {
  res.render('reference/training-topics', {
    pageTitle: req.t('reference.topics.title'),
    topics: (await topicsInOrder()).map((x) => ({
      code: x.code,
      name: x.name,
      nameEn: x.nameEn,
      retired: !!x.retiredAt,
      policy: (POLICY_TOPIC_CODES as readonly string[]).includes(x.code),
      href: `${PATH}/${x.code}`,
    })),
    editing: typeof form.values._topic === 'string' ? form.values._topic : null,
    canAdd: can(actorOf(req), 'update', 'reference'),
    values: form.values,
    errors: form.errors,
  });
};

/** The training topics (#21): staff read them, the administrator adds to the policy's six, renames them, and retires (or restores) those added. */
export function trainingTopicsRouter(): Router {
  const router = Router();
  router.get(PATH, rule('read', 'reference'), (req, res) => render(req, res, { values: {}, errors: {} }));
  router.post(PATH, rule('update', 'reference'), validateBody(topicForm, render), async (req, res) => {
    const topic = await trainingTopicCreator(bodyOf(res, topicForm), by(req));
    flash(req, 'success', 'reference.topics.added', { name: topic.name });
    res.redirect(PATH);
  });
  const code = validateParams(topicParams);
  const codeOf = (res: Parameters<OnInvalid>[1]) => paramsOf(res, topicParams).code;
  // The form's values are the renamed topic's: a refusal comes back beside that topic's fields.
  const renderRename: OnInvalid = (req, res, form) => render(req, res, { ...form, values: { ...form.values, _topic: codeOf(res) } });
  router.post(`${PATH}/:code/rename`, rule('update', 'reference'), code, validateBody(topicForm, renderRename), async (req, res) => {
    const topic = await trainingTopicRenamer(codeOf(res), bodyOf(res, topicForm), by(req));
    flash(req, 'success', 'reference.topics.renamed', { name: topic.name });
    res.redirect(PATH);
  });
  for (const [action, retire] of [
    ['retire', true],
    ['restore', false],
  ] as const) {
    router.post(`${PATH}/:code/${action}`, rule('update', 'reference'), code, async (req, res) => {
      const topic = await trainingTopicRetirer(codeOf(res), retire, by(req));
      flash(req, 'success', `reference.topics.flash.${action}`, { name: topic.name });
      res.redirect(PATH);
    });
  }
  return router;
}
