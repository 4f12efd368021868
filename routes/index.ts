import type { Express } from 'express';
import type { Config } from '../server/config.js';
import { accountRouter } from './account.js';
import { adminUsersRouter } from './admin-users.js';
import { auditRouter } from './audit.js';
import { authRouter } from './auth.js';
import { allocationsRouter } from './allocations.js';
import { budgetRouter } from './budget.js';
import { catalogueRouter } from './catalogue.js';
import { childWorkersRouter } from './child-workers.js';
import { contractsRouter } from './contracts.js';
import { dashboardRouter } from './dashboard.js';
import { evaluationAdminRouter } from './evaluation-admin.js';
import { evaluationsRouter } from './evaluations.js';
import { deliverableCallLogRouter } from './deliverable-call-log.js';
import { deliverableScheduleRouter } from './deliverable-schedule.js';
import { deliverablesRouter } from './deliverables.js';
import { languageRouter } from './language.js';
import { organisationsRouter } from './organisations.js';
import { paymentsRouter } from './payments.js';
import { projectsRouter } from './projects.js';
import { referenceRouter } from './reference.js';

/** Mounts every area's router. Each route states its rule (see test/routes/rules.test.ts). */
export function mountRoutes(app: Express, config: Config): void {
  app.use(authRouter());
  app.use(languageRouter());
  app.use(accountRouter(config));
  app.use(dashboardRouter());
  app.use(referenceRouter());
  app.use(auditRouter());
  app.use(adminUsersRouter(config));
  app.use(catalogueRouter());
  app.use(projectsRouter());
  app.use(budgetRouter());
  app.use(allocationsRouter());
  app.use(contractsRouter(config));
  app.use(paymentsRouter());
  app.use(evaluationAdminRouter());
  app.use(evaluationsRouter());
  app.use(deliverablesRouter(config));
  app.use(deliverableCallLogRouter(config));
  app.use(deliverableScheduleRouter());
  app.use(organisationsRouter(config));
  app.use(childWorkersRouter(config));
}
