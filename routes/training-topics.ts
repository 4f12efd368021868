import { Router } from 'express';
import { z } from 'zod';
import { trainingTopicCreator } from '../server/commands/reference/trainingTopicCreator.js';
import { flash } from '../server/middleware/locals.js';
import { rule } from '../server/middleware/rules.js';
import { type OnInvalid, validateBody } from '../server/middleware/validate.js';
import { can } from '../server/policies/index.js';
import { topicsInOrder } from '../server/presenters/training-sessions.js';
import { actorOf, bodyOf, by } from './kit.js';

const PATH = '/reference/training-topics';
const name = (max: number) => z.string({ message: 'validation.required' }).trim().min(1, 'validation.required').max(max, 'validation.tooLong');
const topicForm = z.object({ name: name(64), nameEn: name(128) });

const render: OnInvalid = async (req, res, form) => {
  res.render('reference/training-topics', {
    pageTitle: req.t('reference.topics.title'),
    topics: (await topicsInOrder()).map((x) => ({ code: x.code, name: x.name, nameEn: x.nameEn })),
    canAdd: can(actorOf(req), 'update', 'reference'),
    values: form.values,
    errors: form.errors,
  });
};

/** The training topics (#21): staff read them, the administrator adds to the policy's six. */
export function trainingTopicsRouter(): Router {
  const router = Router();
  router.get(PATH, rule('read', 'reference'), (req, res) => render(req, res, { values: {}, errors: {} }));
  router.post(PATH, rule('update', 'reference'), validateBody(topicForm, render), async (req, res) => {
    const topic = await trainingTopicCreator(bodyOf(res, topicForm), by(req));
    flash(req, 'success', 'reference.topics.added', { name: topic.name });
    res.redirect(PATH);
  });
  return router;
}
