/**
 * A small fetch-based client for the part of Meilisearch's HTTP API Arkiv uses (health, index
 * creation, settings, documents, tasks, search). Why not the official `meilisearch` package: six
 * endpoints do not justify a dependency, and one `request()` through which every call passes keeps
 * the scope rule (search/meilisearch/filter.ts) and the error mapping in code we own and test.
 *
 * Errors: Meilisearch answers `{ message, code, type, link }`; they become an AppError here (the
 * adapter boundary), with Meili's `code` kept in `details.meiliCode` for logs. An unreachable or
 * failing engine is `service_unavailable`; a request Meilisearch refuses is Arkiv's bug (user input
 * is validated and escaped before it gets here), so `internal_error`.
 */
import { AppError } from '../../core/errors.js';

export interface MeiliClientOptions {
  host: string;
  apiKey?: string | undefined;
  /** Per HTTP request. */
  requestTimeoutMs?: number;
  /** How long `waitForTask` waits for an enqueued task before giving up. */
  taskTimeoutMs?: number;
}

/** The error object Meilisearch returns for failed requests and failed tasks. */
export interface MeiliErrorBody {
  message: string;
  code: string;
  type: string;
  link?: string;
}

/** What Meilisearch answers 202 with for every asynchronous operation. */
export interface EnqueuedTask {
  taskUid: number;
  indexUid: string | null;
  status: string;
  type: string;
}

interface Task {
  uid: number;
  status: 'enqueued' | 'processing' | 'succeeded' | 'failed' | 'canceled';
  type: string;
  error: MeiliErrorBody | null;
}

export class MeiliClient {
  private readonly base: string;
  private readonly requestTimeoutMs: number;
  private readonly taskTimeoutMs: number;

  constructor(private readonly options: MeiliClientOptions) {
    this.base = options.host.replace(/\/+$/, '');
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.taskTimeoutMs = options.taskTimeoutMs ?? 60_000;
  }

  /** One HTTP exchange; `bearer` overrides the API key (a tenant token for searches). */
  async request<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown, bearer?: string): Promise<T> {
    const headers: Record<string, string> = {};
    const key = bearer ?? this.options.apiKey;
    if (key) headers.authorization = `Bearer ${key}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers,
        body: body === undefined ? null : JSON.stringify(body),
        signal: AbortSignal.timeout(this.requestTimeoutMs),
      });
    } catch (err) {
      throw new AppError('service_unavailable', `search engine unreachable (${method} ${path})`, {
        cause: err,
        details: { engine: 'meilisearch' },
      });
    }
    const text = await response.text();
    if (!response.ok) throw meiliError(response.status, parseErrorBody(text), `${method} ${path}`);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  /** Polls GET /tasks/{uid} until the task succeeded; a failed or canceled task, or the timeout, throws. */
  async waitForTask(enqueued: EnqueuedTask): Promise<void> {
    const deadline = Date.now() + this.taskTimeoutMs;
    let pause = 25;
    for (;;) {
      const task = await this.request<Task>('GET', `/tasks/${enqueued.taskUid}`);
      if (task.status === 'succeeded') return;
      if (task.status === 'failed' || task.status === 'canceled') {
        const error = task.error ?? { message: `task ${task.uid} ${task.status}`, code: `task_${task.status}`, type: 'internal' };
        throw meiliError(undefined, error, `task ${task.uid} (${task.type})`);
      }
      if (Date.now() + pause > deadline) {
        throw new AppError(
          'service_unavailable',
          `search engine task ${task.uid} (${task.type}) still ${task.status} after ${this.taskTimeoutMs} ms`,
          {
            details: { engine: 'meilisearch', taskUid: task.uid },
          },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
      pause = Math.min(pause * 2, 500);
    }
  }
}

function parseErrorBody(text: string): MeiliErrorBody | null {
  try {
    const body = JSON.parse(text) as Partial<MeiliErrorBody>;
    return typeof body.code === 'string' && typeof body.message === 'string'
      ? { message: body.message, code: body.code, type: String(body.type ?? ''), ...(body.link ? { link: body.link } : {}) }
      : null;
  } catch {
    return null;
  }
}

/** Meilisearch's error types: `invalid_request` (4xx), `auth` (401/403), `internal` and `system` (5xx). */
export function meiliError(status: number | undefined, body: MeiliErrorBody | null, what: string): AppError {
  const meiliCode = body?.code ?? `http_${status ?? 'unknown'}`;
  const details = { engine: 'meilisearch', meiliCode, ...(status === undefined ? {} : { httpStatus: status }) };
  const reason = body ? `${body.code}: ${body.message}` : `HTTP ${status}`;
  const refusedOurRequest = body?.type === 'invalid_request' || (body === null && status !== undefined && status >= 400 && status < 500);
  return refusedOurRequest
    ? new AppError('internal_error', `search engine refused ${what} (${reason})`, { details })
    : new AppError('service_unavailable', `search engine failed ${what} (${reason})`, { details });
}
