import type { IncomingMessage } from 'node:http';
import type { Actor } from '../../policies/actor.js';
import type { Logger } from '../logger.js';

/** Hono context typing shared by every route. */
export interface AppEnv {
  Bindings: { incoming?: IncomingMessage };
  Variables: {
    actor: Actor;
    requestId: string;
    log: Logger;
  };
}
