import type { IncomingMessage } from 'node:http';
import type { SessionRow } from '../../archive/identity/sessions.js';
import type { Actor } from '../../policies/actor.js';
import type { Logger } from '../logger.js';

/** Hono context typing shared by every route. */
export interface AppEnv {
  Bindings: { incoming?: IncomingMessage };
  Variables: {
    actor: Actor;
    /** How the actor signed in: step-up and logout act on the session or token behind it. */
    auth: AuthContext;
    requestId: string;
    log: Logger;
  };
}

export type AuthContext = { kind: 'token'; tokenId: string } | { kind: 'session'; session: SessionRow } | { kind: 'oidc' };
