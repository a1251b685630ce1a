import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { getIntegrityRun, listIntegrityRuns, requestIntegrityRun } from '../../archive/integrity/runs.js';
import { errorResponses, IdParam, json, PageQuery } from '../contracts/common.js';
import { findingView, IntegrityReportSchema, IntegrityRunSchema, runView } from '../contracts/integrity.js';
import type { AppEnv } from '../http/env.js';
import type { RouteDeps } from './route-deps.js';

const security = [{ bearer: [] }];
/** How often the event stream polls the run row; progress is saved once per fixity batch anyway. */
const POLL_MS = 1000;
/** A stream ends after this long even if the run does not; clients reconnect. */
const MAX_STREAM_MS = 30 * 60_000;

export function integrityRoutes(app: OpenAPIHono<AppEnv>, { archive }: RouteDeps): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/integrity/runs',
      'x-arkiv-permission': 'integrity.run',
      tags: ['integrity'],
      security,
      summary: 'Start an integrity (fixity) run over the organization’s archive',
      description: 'Queued and executed by a job runner; follow it with GET /integrity/runs/{id}/events.',
      responses: { 202: json(IntegrityRunSchema, 'Queued'), ...errorResponses },
    }),
    async (c) => c.json(runView(await requestIntegrityRun(archive, c.get('actor'))), 202),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/integrity/runs',
      'x-arkiv-permission': 'audit.read',
      tags: ['integrity'],
      security,
      summary: 'List integrity runs, newest first',
      request: { query: PageQuery },
      responses: {
        200: json(z.object({ items: z.array(IntegrityRunSchema), nextCursor: z.string().nullable() }), 'A page'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const page = await listIntegrityRuns(archive, c.get('actor'), c.req.valid('query'));
      return c.json({ items: page.items.map(runView), nextCursor: page.nextCursor }, 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/integrity/runs/{id}',
      'x-arkiv-permission': 'audit.read',
      tags: ['integrity'],
      security,
      summary: 'An integrity run with its findings (the JSON report)',
      request: { params: z.object({ id: IdParam }) },
      responses: { 200: json(IntegrityReportSchema, 'The run and its findings'), ...errorResponses },
    }),
    async (c) => {
      const { run, findings } = await getIntegrityRun(archive, c.get('actor'), c.req.valid('param').id);
      return c.json({ ...runView(run), findings: findings.map(findingView) }, 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/integrity/runs/{id}/events',
      'x-arkiv-permission': 'audit.read',
      tags: ['integrity'],
      security,
      summary: 'Progress of a run as server-sent events (`progress`, then `done`)',
      request: { params: z.object({ id: IdParam }) },
      responses: { 200: { description: 'text/event-stream of progress objects' }, ...errorResponses },
    }),
    async (c) => {
      const actor = c.get('actor');
      const id = c.req.valid('param').id;
      // Authorized (and scoped) before the stream opens, so refusals are plain JSON errors.
      await getIntegrityRun(archive, actor, id);
      return streamSSE(c, async (stream) => {
        const until = Date.now() + MAX_STREAM_MS;
        let last = '';
        while (!stream.aborted && Date.now() < until) {
          // The database going away (shutdown) ends the stream; the client reconnects elsewhere.
          const found = await getIntegrityRun(archive, actor, id).catch(() => null);
          if (!found) return;
          const { run } = found;
          const data = JSON.stringify({ status: run.status, progress: run.progress ?? null });
          if (data !== last) await stream.writeSSE({ event: 'progress', data });
          last = data;
          if (run.status === 'succeeded' || run.status === 'failed') {
            await stream.writeSSE({ event: 'done', data: JSON.stringify(runView(run)) });
            return;
          }
          await stream.sleep(POLL_MS);
        }
      });
    },
  );
}
