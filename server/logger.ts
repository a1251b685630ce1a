import { destination, pino } from 'pino';
import type { Config } from './config.js';

/** JSON logs. Secrets never reach them: auth headers, cookies and tokens are redacted. */
export function createLogger(config: Pick<Config, 'LOG_LEVEL'>, fd: 1 | 2 = 1) {
  return pino(
    {
      level: config.LOG_LEVEL,
      base: { service: 'arkiv' },
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'token', '*.token', 'secret', '*.secret', 'password'],
        censor: '[redacted]',
      },
    },
    destination({ fd, sync: false }),
  );
}
export type Logger = ReturnType<typeof createLogger>;
