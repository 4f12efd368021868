import type { User } from '../../models/User.js';
import type { Actor } from './actor.js';
import { allow } from './registry.js';

/** Users are kept by the system administrator; everyone manages their own password. */
allow('admin', ['list', 'read', 'create', 'export'], 'user');
allow('admin', ['update', 'disable', 'enable', 'reset_password', 'end_sessions'], 'user', (actor: Actor, user: User) => user.id !== actor.id);
allow('any', 'change_own_password', 'account');
