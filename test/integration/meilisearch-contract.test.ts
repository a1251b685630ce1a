/**
 * The Meilisearch adapter against Meilisearch's documented HTTP contract. Meilisearch cannot run
 * here, so a local HTTP server stands in for it: it records every request (method, path, query,
 * headers, JSON body) and answers as Meilisearch documents it (202 enqueued task → GET /tasks/{uid}
 * succeeded; search responses with hits, _formatted, _matchesPosition, facetDistribution, totals;
 * error objects { message, code, type, link }). The adapter runs for real, over real HTTP.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../archive/db.js';
import { AppError } from '../../core/errors.js';
import { createSearchEngine } from '../../search/create-search-index.js';
import { gradeInfo } from '../../search/grades.js';
import { createMeilisearchIndex, type MeilisearchIndexOptions } from '../../search/meilisearch/meilisearch-search.js';
import { indexSettings } from '../../search/meilisearch/settings.js';
import type { SearchDocument, SearchIndex, SearchQuery, SearchScope } from '../../search/port.js';
import { ConfigError, loadConfig } from '../../server/config.js';

interface Recorded {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: { authorization?: string | undefined; contentType?: string | undefined };
  body: unknown;
}

type Reply = { status: number; body: unknown };
type TaskOutcome = { status: 'succeeded' } | { status: 'failed'; error: object } | { status: 'processing' };

/** A stand-in for Meilisearch that records requests and answers with documented response shapes. */
class FakeMeili {
  readonly requests: Recorded[] = [];
  private nextTaskUid = 0;
  private readonly tasks = new Map<number, { type: string; indexUid: string | null; polls: number; outcome: TaskOutcome }>();
  /** Replies for the next requests, whatever they are (error injection). */
  readonly queuedReplies: Reply[] = [];
  /** How enqueued tasks end, unless `nextTaskOutcomes` says otherwise for the next ones. */
  taskOutcome: TaskOutcome = { status: 'succeeded' };
  readonly nextTaskOutcomes: TaskOutcome[] = [];
  /** GET /tasks answers `processing` this many times before the outcome. */
  pollsBeforeDone = 0;
  searchReply: object = searchResponse();
  healthy = true;
  private readonly server = createServer((req, res) => void this.handle(req, res));
  url = '';

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  reset(): void {
    this.requests.length = 0;
    this.queuedReplies.length = 0;
    this.taskOutcome = { status: 'succeeded' };
    this.nextTaskOutcomes.length = 0;
    this.pollsBeforeDone = 0;
    this.searchReply = searchResponse();
    this.healthy = true;
  }

  searches(): Recorded[] {
    return this.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/search'));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://x');
    const raw = Buffer.concat(chunks).toString();
    this.requests.push({
      method: req.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { authorization: req.headers.authorization, contentType: req.headers['content-type'] },
      body: raw === '' ? undefined : JSON.parse(raw),
    });
    const reply = this.queuedReplies.shift() ?? this.route(req.method ?? '', url.pathname);
    res.writeHead(reply.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(reply.body));
  }

  private route(method: string, path: string): Reply {
    const index = /^\/indexes\/([^/]+)/.exec(path)?.[1] ?? null;
    if (method === 'GET' && path === '/health') {
      return this.healthy
        ? { status: 200, body: { status: 'available' } }
        : { status: 503, body: { message: 'unavailable', code: 'internal', type: 'internal', link: '' } };
    }
    if (method === 'POST' && path === '/indexes') return this.enqueue('indexCreation', 'arkiv');
    if (method === 'PATCH' && path.endsWith('/settings')) return this.enqueue('settingsUpdate', index);
    if (method === 'POST' && path.endsWith('/documents/delete-batch')) return this.enqueue('documentDeletion', index);
    if (method === 'POST' && path.endsWith('/documents')) return this.enqueue('documentAdditionOrUpdate', index);
    if (method === 'POST' && path.endsWith('/search')) return { status: 200, body: this.searchReply };
    const taskUid = /^\/tasks\/(\d+)$/.exec(path)?.[1];
    if (method === 'GET' && taskUid !== undefined) return this.task(Number(taskUid));
    return { status: 404, body: { message: `no route ${method} ${path}`, code: 'not_found', type: 'invalid_request', link: '' } };
  }

  private enqueue(type: string, indexUid: string | null): Reply {
    const taskUid = this.nextTaskUid++;
    this.tasks.set(taskUid, { type, indexUid, polls: 0, outcome: this.nextTaskOutcomes.shift() ?? this.taskOutcome });
    return { status: 202, body: { taskUid, indexUid, status: 'enqueued', type, enqueuedAt: '2026-11-25T10:00:00.000000Z' } };
  }

  private task(uid: number): Reply {
    const task = this.tasks.get(uid);
    if (!task) {
      return {
        status: 404,
        body: {
          message: `Task \`${uid}\` not found.`,
          code: 'task_not_found',
          type: 'invalid_request',
          link: 'https://docs.meilisearch.com/errors#task_not_found',
        },
      };
    }
    task.polls++;
    const done = task.polls > this.pollsBeforeDone && task.outcome.status !== 'processing';
    const status = done ? task.outcome.status : 'processing';
    return {
      status: 200,
      body: {
        uid,
        batchUid: uid,
        indexUid: task.indexUid,
        status,
        type: task.type,
        canceledBy: null,
        details: {},
        error: done && task.outcome.status === 'failed' ? task.outcome.error : null,
        duration: done ? 'PT0.012S' : null,
        enqueuedAt: '2026-11-25T10:00:00.000000Z',
        startedAt: '2026-11-25T10:00:00.001000Z',
        finishedAt: done ? '2026-11-25T10:00:00.013000Z' : null,
      },
    };
  }
}

const ORG = '0b9f6a52-8d7c-4a8e-9f21-3c1d2e4f5a60';
const CUSTOMER = '5d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6';
const staff: SearchScope = { orgId: ORG, customerId: null, publishedOnly: false };
const customer: SearchScope = { orgId: ORG, customerId: CUSTOMER, publishedOnly: true };

function searchResponse(overrides: object = {}): object {
  return {
    hits: [
      {
        key: 'rev:7c1e2d3f-0000-4000-8000-000000000001:2',
        documentId: '7c1e2d3f-0000-4000-8000-000000000001',
        revisionNo: 2,
        artifactId: '9a8b7c6d-0000-4000-8000-000000000002',
        customerId: CUSTOMER,
        orderId: 'c0ffee00-0000-4000-8000-000000000003',
        title: 'Forged flange A182 F51 <script>',
        docClass: 'mtc',
        certType: '3.1',
        documentNumber: 'MTC-2024-000451',
        poNumber: '4500012345',
        grade: 'A182 F51',
        heatNumbers: ['4A2231'],
        tagNumbers: [],
        issueDate: 1718409600,
        published: true,
        superseded: false,
        _formatted: {
          title: 'Forged flange A182 F51 <script>',
          body: '…impact \uE000test\uE001 at -46 °C <b>&</b> heat 4A2231…',
        },
        _matchesPosition: { body: [{ start: 120, length: 4 }], identifierSuffixes: [{ start: 0, length: 6, indices: [3] }] },
        _rankingScore: 0.87,
      },
    ],
    query: 'impact test 2231',
    processingTimeMs: 3,
    hitsPerPage: 20,
    page: 1,
    totalPages: 3,
    totalHits: 41,
    facetDistribution: {
      docClass: { mtc: 30, coc: 11 },
      certType: { '3.1': 25, '3.2': 5 },
      gradeFamily: { duplex: 41 },
      customerId: { [CUSTOMER]: 41 },
      orderId: { 'c0ffee00-0000-4000-8000-000000000003': 41 },
      issueYear: { '2024': 20, '2023': 21 },
    },
    facetStats: { issueYear: { min: 2023, max: 2024 } },
    ...overrides,
  };
}

function sampleDocument(overrides: Partial<SearchDocument> = {}): SearchDocument {
  const grade = gradeInfo('A182 F51');
  return {
    key: 'rev:7c1e2d3f-0000-4000-8000-000000000001:2',
    orgId: ORG,
    customerId: CUSTOMER,
    orderId: 'c0ffee00-0000-4000-8000-000000000003',
    documentId: '7c1e2d3f-0000-4000-8000-000000000001',
    revisionNo: 2,
    artifactId: '9a8b7c6d-0000-4000-8000-000000000002',
    extractionId: null,
    published: true,
    superseded: false,
    docClass: 'mtc',
    certType: '3.1',
    title: 'Forged flange',
    documentNumber: 'MTC-24',
    poNumber: '45-001',
    grade: 'A182 F51',
    gradeFamily: grade.family,
    gradeKeys: grade.keys,
    heatNumbers: ['4A2231'],
    tagNumbers: [],
    materialStandards: ['ASTM A182'],
    issueDate: '2024-06-15',
    body: 'Impact test at -46 °C.\uE000',
    ...overrides,
  };
}

const meili = new FakeMeili();
const ADMIN_KEY = 'admin-key-for-tests';
let index: SearchIndex;

function makeIndex(overrides: Partial<MeilisearchIndexOptions> = {}): SearchIndex {
  return createMeilisearchIndex({ host: meili.url, apiKey: ADMIN_KEY, index: 'arkiv', ...overrides });
}

beforeAll(async () => {
  await meili.start();
  index = makeIndex();
});
afterAll(() => meili.stop());
beforeEach(() => meili.reset());

const json = 'application/json';

function bodyOf<T>(request: Recorded | undefined): T {
  if (!request) throw new Error('no such request was recorded');
  return request.body as T;
}
const auth = `Bearer ${ADMIN_KEY}`;

/**
 * Meilisearch's filter grammar, enough to check what an expression means: double-quoted strings
 * (a backslash takes the next character literally, as Meilisearch's parser unescapes `\\` and `\"`),
 * words, operators, brackets.
 */
type Token = { kind: 'string'; value: string } | { kind: 'word'; value: string } | { kind: 'op'; value: string };
function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expression.length) {
    const c = expression[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"') {
      let value = '';
      i++;
      while (i < expression.length && expression[i] !== '"') {
        if (expression[i] === '\\') i++;
        value += expression[i];
        i++;
      }
      if (expression[i] !== '"') throw new Error(`unterminated string in ${expression}`);
      i++;
      tokens.push({ kind: 'string', value });
    } else if (/[=!<>]/.test(c)) {
      const op = /^(?:>=|<=|!=|=|<|>)/.exec(expression.slice(i))?.[0] ?? c;
      tokens.push({ kind: 'op', value: op });
      i += op.length;
    } else if (/[[\](),]/.test(c)) {
      tokens.push({ kind: 'op', value: c });
      i++;
    } else {
      const word = /^[\p{L}\p{N}_.-]+/u.exec(expression.slice(i))?.[0];
      if (!word) throw new Error(`unexpected ${c} in ${expression}`);
      tokens.push({ kind: 'word', value: word });
      i += word.length;
    }
  }
  return tokens;
}

function expectedScopeTokens(scope: SearchScope): Token[] {
  const w = (value: string): Token => ({ kind: 'word', value });
  const eq: Token = { kind: 'op', value: '=' };
  const tokens: Token[] = [w('orgId'), eq, { kind: 'string', value: scope.orgId }];
  if (scope.customerId !== null) tokens.push(w('AND'), w('customerId'), eq, { kind: 'string', value: scope.customerId });
  if (scope.publishedOnly || scope.customerId !== null) tokens.push(w('AND'), w('published'), eq, w('true'));
  if (scope.orderId) tokens.push(w('AND'), w('orderId'), eq, { kind: 'string', value: scope.orderId });
  if (scope.exportCleared !== true) tokens.push(w('AND'), w('exportControlled'), eq, w('false'));
  return tokens;
}

describe('Meilisearch adapter: index settings and documents', () => {
  it('prepare() creates the index with its primary key, then patches the settings, waiting for each task', async () => {
    await index.prepare();
    expect(meili.requests).toEqual([
      {
        method: 'POST',
        path: '/indexes',
        query: {},
        headers: { authorization: auth, contentType: json },
        body: { uid: 'arkiv', primaryKey: 'id' },
      },
      { method: 'GET', path: expect.stringMatching(/^\/tasks\/\d+$/), query: {}, headers: { authorization: auth }, body: undefined },
      {
        method: 'PATCH',
        path: '/indexes/arkiv/settings',
        query: {},
        headers: { authorization: auth, contentType: json },
        body: indexSettings,
      },
      { method: 'GET', path: expect.stringMatching(/^\/tasks\/\d+$/), query: {}, headers: { authorization: auth }, body: undefined },
    ]);
    // Each task is awaited: the poll names the task the previous request enqueued.
    expect(meili.requests[1]?.path).not.toBe(meili.requests[3]?.path);
    const settings = meili.requests[2]?.body as typeof indexSettings;
    expect(settings.searchableAttributes.slice(0, 4)).toEqual(['heatNumbers', 'poNumber', 'documentNumber', 'tagNumbers']);
    expect(settings.searchableAttributes.at(-1)).toBe('body');
    expect(settings.filterableAttributes).toEqual(
      expect.arrayContaining([
        'orgId',
        'customerId',
        'orderId',
        'published',
        'superseded',
        'exportControlled',
        'docClass',
        'certType',
        'gradeKeys',
        'gradeFamily',
        'heatNumbers',
        'poNumber',
        'issueYear',
        'issueDate',
      ]),
    );
    expect(settings.typoTolerance.disableOnAttributes).toEqual(
      expect.arrayContaining(['heatNumbers', 'poNumber', 'documentNumber', 'tagNumbers']),
    );
    expect(settings.sortableAttributes).toContain('issueDate');
  });

  it('prepare() goes on when the index already exists (its creation task fails with index_already_exists)', async () => {
    meili.nextTaskOutcomes.push({
      status: 'failed',
      error: {
        message: 'Index `arkiv` already exists.',
        code: 'index_already_exists',
        type: 'invalid_request',
        link: 'https://docs.meilisearch.com/errors#index_already_exists',
      },
    });
    await index.prepare();
    expect(meili.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /indexes',
      expect.stringMatching(/^GET \/tasks\/\d+$/),
      'PATCH /indexes/arkiv/settings',
      expect.stringMatching(/^GET \/tasks\/\d+$/),
    ]);
    // Any other failure of the creation task is not forgiven.
    meili.reset();
    meili.nextTaskOutcomes.push({
      status: 'failed',
      error: { message: 'Index uid is invalid.', code: 'invalid_index_uid', type: 'invalid_request', link: '' },
    });
    await expect(index.prepare()).rejects.toMatchObject({ code: 'internal_error', details: { meiliCode: 'invalid_index_uid' } });
    expect(meili.requests.map((r) => r.method)).toEqual(['POST', 'GET']);
  });

  it('upsert() sends documents with a safe id, numeric dates and identifier helpers, in batches, each task awaited', async () => {
    const batched = makeIndex({ batchSize: 2 });
    const docs = [
      sampleDocument(),
      sampleDocument({ key: 'art:11111111-2222-4333-8444-555555555555', documentId: null, revisionNo: null }),
      sampleDocument({ key: 'rev:x_y:1', issueDate: null, heatNumbers: [], poNumber: null }),
    ];
    await batched.upsert(docs);
    expect(meili.requests.map((r) => `${r.method} ${r.path} ${JSON.stringify(r.query)}`)).toEqual([
      'POST /indexes/arkiv/documents {"primaryKey":"id"}',
      expect.stringMatching(/^GET \/tasks\/\d+ \{\}$/),
      'POST /indexes/arkiv/documents {"primaryKey":"id"}',
      expect.stringMatching(/^GET \/tasks\/\d+ \{\}$/),
    ]);
    const first = meili.requests[0]?.body as Record<string, unknown>[];
    expect(first).toHaveLength(2);
    expect(first[0]).toEqual({
      id: `${ORG}_2frev_3a7c1e2d3f-0000-4000-8000-000000000001_3a2`,
      key: 'rev:7c1e2d3f-0000-4000-8000-000000000001:2',
      orgId: ORG,
      customerId: CUSTOMER,
      orderId: 'c0ffee00-0000-4000-8000-000000000003',
      documentId: '7c1e2d3f-0000-4000-8000-000000000001',
      revisionNo: 2,
      artifactId: '9a8b7c6d-0000-4000-8000-000000000002',
      extractionId: null,
      published: true,
      superseded: false,
      exportControlled: false,
      docClass: 'mtc',
      certType: '3.1',
      title: 'Forged flange',
      product: null,
      manufacturer: null,
      documentNumber: 'MTC-24',
      poNumber: '45-001',
      grade: 'A182 F51',
      gradeFamily: 'duplex',
      gradeKeys: gradeInfo('A182 F51').keys,
      heatNumbers: ['4A2231'],
      tagNumbers: [],
      materialStandards: ['ASTM A182'],
      issueDate: Date.UTC(2024, 5, 15) / 1000,
      issueYear: 2024,
      body: 'Impact test at -46 °C.',
      identifierSuffixes: ['4A2231', 'A2231', '2231', '231', '45001', '5001', '001', 'MTC24', 'TC24', 'C24'],
      heatGrams: expect.arrayContaining(['4A', '4A2231', 'A223', '2231', '31']),
      poGrams: expect.arrayContaining(['45', '4500', '5001', '45001']),
    });
    for (const doc of [...first, ...bodyOf<Record<string, unknown>[]>(meili.requests[2])]) expect(doc.id).toMatch(/^[a-zA-Z0-9_-]{1,511}$/);
    const third = bodyOf<Record<string, unknown>[]>(meili.requests[2])[0];
    expect(third).toMatchObject({ id: `${ORG}_2frev_3ax_5fy_3a1`, issueDate: null, issueYear: null, heatGrams: [], poGrams: [] });
    // Ids are unique per organization: the same key in another org is another document.
    await batched.upsert([sampleDocument({ orgId: 'other-org' })]);
    expect(bodyOf<{ id: string }[]>(meili.requests[4])[0]?.id).toBe('other-org_2frev_3a7c1e2d3f-0000-4000-8000-000000000001_3a2');
  });

  it('remove() deletes by id within the organization, and sends nothing for no keys', async () => {
    await index.remove(ORG, []);
    expect(meili.requests).toEqual([]);
    await index.remove(ORG, ['rev:7c1e2d3f-0000-4000-8000-000000000001:2', 'art:abc']);
    expect(meili.requests[0]).toEqual({
      method: 'POST',
      path: '/indexes/arkiv/documents/delete-batch',
      query: {},
      headers: { authorization: auth, contentType: json },
      body: [`${ORG}_2frev_3a7c1e2d3f-0000-4000-8000-000000000001_3a2`, `${ORG}_2fart_3aabc`],
    });
    expect(meili.requests[1]?.path).toMatch(/^\/tasks\/\d+$/);
  });
});

describe('Meilisearch adapter: search', () => {
  it('sends the scope first, then the user filters, highlight/crop/matches/paging parameters', async () => {
    await index.search(customer, {
      q: 'impact test',
      docClass: 'mtc',
      certType: '3.1',
      grade: 'UNS S31803',
      heat: '4a-22',
      po: '450001',
      customerId: CUSTOMER,
      orderId: 'c0ffee00-0000-4000-8000-000000000003',
      issuedFrom: '2024-01-01',
      issuedTo: '2024-12-31',
      limit: 20,
    });
    expect(meili.requests).toHaveLength(1);
    const [request] = meili.requests;
    expect(request).toMatchObject({
      method: 'POST',
      path: '/indexes/arkiv/search',
      query: {},
      headers: { authorization: auth, contentType: json },
    });
    expect(request?.body).toEqual({
      q: 'impact test',
      filter: [
        `orgId = "${ORG}" AND customerId = "${CUSTOMER}" AND published = true AND exportControlled = false`,
        'docClass = "mtc"',
        'certType = "3.1"',
        `customerId = "${CUSTOMER}"`,
        'orderId = "c0ffee00-0000-4000-8000-000000000003"',
        `gradeKeys IN [${gradeInfo('S31803')
          .keys.map((k) => `"${k}"`)
          .join(', ')}]`,
        'heatGrams = "4A22"',
        'poGrams = "450001"',
        `issueDate >= ${Date.UTC(2024, 0, 1) / 1000}`,
        `issueDate <= ${Date.UTC(2024, 11, 31) / 1000}`,
        'superseded = false',
      ],
      facets: ['docClass', 'certType', 'gradeFamily', 'customerId', 'orderId', 'issueYear'],
      attributesToRetrieve: expect.arrayContaining(['key', 'documentId', 'revisionNo', 'artifactId', 'heatNumbers', 'issueDate']),
      attributesToHighlight: ['title', 'body'],
      attributesToCrop: ['body'],
      cropLength: 30,
      highlightPreTag: '\uE000',
      highlightPostTag: '\uE001',
      showMatchesPosition: true,
      showRankingScore: true,
      hitsPerPage: 20,
      page: 1,
    });
    expect(gradeInfo('S31803').keys).toEqual(expect.arrayContaining(['S31803', 'F51', '1.4462']));
  });

  it('maps hits, snippets (HTML-escaped, matches in <mark>), matched fields, facets, total and cursor', async () => {
    const result = await index.search(staff, { q: 'impact test 2231', limit: 20 });
    expect(result.total).toBe(41);
    expect(result.hits).toEqual([
      {
        key: 'rev:7c1e2d3f-0000-4000-8000-000000000001:2',
        documentId: '7c1e2d3f-0000-4000-8000-000000000001',
        revisionNo: 2,
        artifactId: '9a8b7c6d-0000-4000-8000-000000000002',
        customerId: CUSTOMER,
        orderId: 'c0ffee00-0000-4000-8000-000000000003',
        title: 'Forged flange A182 F51 <script>',
        docClass: 'mtc',
        certType: '3.1',
        documentNumber: 'MTC-2024-000451',
        poNumber: '4500012345',
        grade: 'A182 F51',
        heatNumbers: ['4A2231'],
        issueDate: '2024-06-15',
        published: true,
        superseded: false,
        score: 0.87,
        snippet: '…impact <mark>test</mark> at -46 °C &lt;b&gt;&amp;&lt;/b&gt; heat 4A2231…',
        matchedFields: ['body', 'heatNumbers'],
      },
    ]);
    expect(result.facets).toEqual({
      docClass: [
        { value: 'mtc', count: 30 },
        { value: 'coc', count: 11 },
      ],
      certType: [
        { value: '3.1', count: 25 },
        { value: '3.2', count: 5 },
      ],
      gradeFamily: [{ value: 'duplex', count: 41 }],
      customerId: [{ value: CUSTOMER, count: 41 }],
      orderId: [{ value: 'c0ffee00-0000-4000-8000-000000000003', count: 41 }],
      year: [
        { value: '2023', count: 21 },
        { value: '2024', count: 20 },
      ],
    });
    expect(result.nextCursor).not.toBeNull();
    await index.search(staff, { q: 'impact test 2231', limit: 20, cursor: result.nextCursor ?? undefined });
    expect(meili.searches()[1]?.body).toMatchObject({ page: 2, hitsPerPage: 20 });
    meili.searchReply = searchResponse({ page: 3, totalPages: 3 });
    expect((await index.search(staff, { q: 'x', limit: 20 })).nextCursor).toBeNull();
  });

  it('heat= and po= filters report the identifier as matched; an empty query has no snippet', async () => {
    meili.searchReply = searchResponse({ hits: [{ ...(searchResponse() as { hits: object[] }).hits[0], _matchesPosition: {} }] });
    const result = await index.search(staff, { heat: '2231', po: '4500', limit: 5 });
    expect(result.hits[0]?.matchedFields).toEqual(['heatNumbers', 'poNumber']);
    expect(result.hits[0]?.snippet).toBeNull();
    expect(meili.searches()[0]?.body).toMatchObject({ q: '', hitsPerPage: 5 });
  });

  it('refuses bad cursors, dates and too-short identifiers before sending anything', async () => {
    const refused = async (query: SearchQuery) => {
      const err = await index.search(staff, query).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('validation_failed');
    };
    await refused({ cursor: 'not-a-cursor', limit: 10 });
    await refused({ cursor: Buffer.from('p0').toString('base64url'), limit: 10 });
    await refused({ issuedFrom: '2024-13-45', limit: 10 });
    await refused({ issuedTo: '2024-01-01" OR orgId != "x', limit: 10 });
    await refused({ heat: '-', limit: 10 });
    expect(meili.requests).toEqual([]);
  });
});

describe('Meilisearch adapter: no search leaves without the scope', () => {
  const weird = [
    '',
    'x" OR orgId != "',
    'x\\" OR orgId != \\"',
    '\\',
    'a\\',
    '"',
    "' OR 1=1 --",
    ') OR (orgId EXISTS',
    'orgId = "other" OR',
    'NOT published = true',
    '*',
    '🔥 heat',
    'line\nbreak',
    'AND OR NOT TO IN [ ] ( )',
  ];
  const filterValues: Record<string, string[]> = {
    docClass: ['mtc', 'x" OR orgId != "'],
    certType: ['3.1', '3.1" OR published = false OR certType = "'],
    grade: ['S31803', 'F51") OR (orgId != "'],
    heat: ['4A2231', '21-4" OR "'],
    po: ['4500012345', '45\\'],
    customerId: ['5d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6', '" OR customerId != "'],
    orderId: ['c0ffee00', 'o\\" OR orgId EXISTS OR "'],
  };
  const names = Object.keys(filterValues);

  function* queries(): Generator<SearchQuery> {
    let n = 0;
    for (let mask = 0; mask < 1 << names.length; mask++) {
      for (const variant of [0, 1]) {
        const query: SearchQuery = { q: weird[n++ % weird.length], limit: 1 + (n % 50) };
        for (const [bit, name] of names.entries()) {
          if (mask & (1 << bit)) (query as unknown as Record<string, string>)[name] = filterValues[name]?.[variant] as string;
        }
        if (mask & 1) query.issuedFrom = '2020-01-01';
        if (mask & 2) query.issuedTo = '2025-12-31';
        query.includeSuperseded = (mask & 4) !== 0;
        yield query;
      }
    }
  }

  const scopes: [string, SearchScope][] = [
    ['staff', staff],
    ['customer', customer],
    ['staff (published only, export-cleared)', { orgId: ORG, customerId: null, publishedOnly: true, exportCleared: true }],
    [
      'order-scoped customer link',
      { orgId: ORG, customerId: CUSTOMER, publishedOnly: true, orderId: 'c0ffee00-0000-4000-8000-000000000003' },
    ],
    [
      'hostile scope values',
      { orgId: 'o" OR orgId != "', customerId: 'c\\" OR published = false OR \\"', publishedOnly: true, orderId: '" OR "' },
    ],
  ];

  it.each(scopes)(
    'every search request in the %s scope carries exactly that scope, first, and user values stay literals',
    async (_name, scope) => {
      const sent: SearchQuery[] = [];
      for (const query of queries()) {
        await index.search(scope, query);
        sent.push(query);
      }
      const searches = meili.searches();
      expect(searches).toHaveLength(sent.length);
      expect(sent.length).toBeGreaterThanOrEqual(256);
      const userValues = new Set(Object.values(filterValues).flat());
      for (const [i, request] of searches.entries()) {
        const filter = (request.body as { filter: unknown }).filter;
        expect(Array.isArray(filter)).toBe(true);
        const [first, ...rest] = filter as string[];
        // The scope is the first element, and means exactly the scope (no extra OR, no other value).
        expect(tokenize(first as string)).toEqual(expectedScopeTokens(scope));
        for (const expression of rest) {
          const tokens = tokenize(expression);
          // A user filter is one condition on one attribute: never an OR, and never about the scope's attributes
          // unless it is the narrowing customerId/orderId equality the API allows.
          expect(tokens.filter((t) => t.kind === 'word' && ['OR', 'NOT', 'EXISTS'].includes(t.value))).toEqual([]);
          expect(tokens[0]?.kind).toBe('word');
          expect(tokens[0]?.value).not.toBe('orgId');
          expect(tokens[0]?.value).not.toBe('published');
          for (const t of tokens.filter((t) => t.kind === 'string')) {
            const value = t.value;
            // Every string literal decodes back to something the caller gave (or a grade key / normalized identifier).
            const known =
              userValues.has(value) ||
              gradeInfo(sent[i]?.grade ?? '').keys.includes(value) ||
              /^[0-9A-Z]+$/.test(value) ||
              value === scope.customerId;
            expect(known, `unexpected literal ${JSON.stringify(value)} in ${expression}`).toBe(true);
          }
        }
      }
    },
  );

  it('the checker has teeth: an unescaped value would show up as an OR', () => {
    const naive = `docClass = "${'x" OR orgId != "'}"`;
    expect(tokenize(naive).some((t) => t.kind === 'word' && t.value === 'OR')).toBe(true);
  });

  it('a search without a usable scope throws before anything is sent', async () => {
    const broken = [
      null,
      undefined,
      {},
      { orgId: '' },
      { orgId: ORG, customerId: '' },
      { orgId: 42 },
      { orgId: ORG, customerId: null, publishedOnly: false, orderId: '' },
    ] as unknown as SearchScope[];
    for (const scope of broken) {
      const err = await index.search(scope, { q: 'anything', limit: 10 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('forbidden');
    }
    expect(meili.requests).toEqual([]);
  });

  it('tenant-token mode: searches carry a signed token whose searchRules hold the same scope; admin calls keep the API key', async () => {
    const searchApiKey = 'search-key-0123456789abcdef';
    const searchApiKeyUid = '85c3c2f9-bdd6-41f1-abd8-11fcf80e0f76';
    const tokens = makeIndex({ tenantToken: { searchApiKey, searchApiKeyUid, ttlSeconds: 120 } });
    const before = Math.floor(Date.now() / 1000);
    await tokens.search(customer, { q: 'impact', docClass: 'mtc', limit: 10 });
    await tokens.upsert([sampleDocument()]);
    const [search, upsert] = meili.requests;
    const bearer = search?.headers.authorization?.replace(/^Bearer /, '') ?? '';
    expect(decodeProtectedHeader(bearer)).toEqual({ alg: 'HS256', typ: 'JWT' });
    const { payload } = await jwtVerify(bearer, new TextEncoder().encode(searchApiKey), { algorithms: ['HS256'] });
    const scopeExpression = `orgId = "${ORG}" AND customerId = "${CUSTOMER}" AND published = true AND exportControlled = false`;
    expect(payload).toEqual({ searchRules: { arkiv: { filter: scopeExpression } }, apiKeyUid: searchApiKeyUid, exp: expect.any(Number) });
    expect(payload.exp).toBeGreaterThanOrEqual(before + 120);
    expect(payload.exp).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 120);
    expect(bodyOf<{ filter: string[] }>(search).filter[0]).toBe(scopeExpression);
    expect(upsert?.headers.authorization).toBe(auth);
    // A token signed with another key does not verify: the signature is the search key's.
    await expect(jwtVerify(bearer, new TextEncoder().encode(ADMIN_KEY))).rejects.toThrow();
  });
});

describe('ARKIV_SEARCH=meilisearch', () => {
  it('the engine factory builds the Meilisearch adapter from the settings, with tenant tokens when a search key is given', async () => {
    // The Meilisearch engine never touches the database: indexing goes to the engine directly.
    const noDatabase = undefined as unknown as Db;
    const engine = createSearchEngine(
      {
        engine: 'meilisearch',
        meiliHost: meili.url,
        meiliApiKey: ADMIN_KEY,
        meiliIndex: 'arkiv-test',
        meiliSearchApiKey: 'search-key',
        meiliSearchApiKeyUid: '85c3c2f9-bdd6-41f1-abd8-11fcf80e0f76',
      },
      noDatabase,
    );
    expect(engine.index.kind).toBe('meilisearch');
    expect(engine.indexFor(noDatabase)).toBe(engine.index);
    await engine.index.search(staff, { q: 'x', limit: 1 });
    await engine.index.remove(ORG, ['art:1']);
    const [search, remove] = meili.requests;
    expect(search?.path).toBe('/indexes/arkiv-test/search');
    const token = search?.headers.authorization?.replace(/^Bearer /, '') ?? '';
    const { payload } = await jwtVerify(token, new TextEncoder().encode('search-key'));
    expect(payload.searchRules).toEqual({ 'arkiv-test': { filter: `orgId = "${ORG}" AND exportControlled = false` } });
    expect(remove).toMatchObject({ path: '/indexes/arkiv-test/documents/delete-batch', headers: { authorization: auth } });
    expect(() => createSearchEngine({ engine: 'meilisearch' }, noDatabase)).toThrow(AppError);
  });

  it('configuration: MEILI_INDEX defaults to arkiv; a Meilisearch engine needs a host; tenant-token keys go together', () => {
    expect(loadConfig({}).MEILI_INDEX).toBe('arkiv');
    const meiliConfig = loadConfig({
      ARKIV_SEARCH: 'meilisearch',
      MEILI_HOST: 'http://meili:7700',
      MEILI_API_KEY: 'k',
      MEILI_INDEX: 'arkiv_prod-2',
    });
    expect(meiliConfig).toMatchObject({ ARKIV_SEARCH: 'meilisearch', MEILI_INDEX: 'arkiv_prod-2' });
    expect(() => loadConfig({ ARKIV_SEARCH: 'meilisearch' })).toThrow(/MEILI_HOST/);
    expect(() => loadConfig({ MEILI_INDEX: 'bad index/uid' })).toThrow(ConfigError);
    expect(() => loadConfig({ MEILI_SEARCH_API_KEY: 'search-key' })).toThrow(/MEILI_SEARCH_API_KEY_UID/);
    expect(
      loadConfig({ MEILI_SEARCH_API_KEY: 'k', MEILI_SEARCH_API_KEY_UID: '85c3c2f9-bdd6-41f1-abd8-11fcf80e0f76' }).MEILI_SEARCH_API_KEY_UID,
    ).toBe('85c3c2f9-bdd6-41f1-abd8-11fcf80e0f76');
  });
});

describe('Meilisearch adapter: errors and readiness', () => {
  it('maps a Meilisearch error response to an AppError with a stable code, keeping Meili’s code', async () => {
    meili.queuedReplies.push({
      status: 400,
      body: {
        message: 'Attribute `foo` is not filterable.',
        code: 'invalid_search_filter',
        type: 'invalid_request',
        link: 'https://docs.meilisearch.com/errors#invalid_search_filter',
      },
    });
    const refused = (await index.search(staff, { q: 'x', limit: 10 }).catch((e: unknown) => e)) as AppError;
    expect(refused).toBeInstanceOf(AppError);
    expect(refused.code).toBe('internal_error');
    expect(refused.details).toMatchObject({ engine: 'meilisearch', meiliCode: 'invalid_search_filter', httpStatus: 400 });
    expect(refused.message).toContain('invalid_search_filter');

    meili.queuedReplies.push({
      status: 403,
      body: {
        message: 'The provided API key is invalid.',
        code: 'invalid_api_key',
        type: 'auth',
        link: 'https://docs.meilisearch.com/errors#invalid_api_key',
      },
    });
    const denied = (await index.search(staff, { q: 'x', limit: 10 }).catch((e: unknown) => e)) as AppError;
    expect(denied.code).toBe('service_unavailable');
    expect(denied.details).toMatchObject({ meiliCode: 'invalid_api_key', httpStatus: 403 });

    meili.queuedReplies.push({ status: 502, body: 'bad gateway' });
    const gateway = (await index.search(staff, { q: 'x', limit: 10 }).catch((e: unknown) => e)) as AppError;
    expect(gateway.code).toBe('service_unavailable');
    expect(gateway.details).toMatchObject({ meiliCode: 'http_502' });
  });

  it('a failed task surfaces the task error; a task that never finishes times out', async () => {
    meili.taskOutcome = {
      status: 'failed',
      error: {
        message: 'Document identifier `a:b` is invalid.',
        code: 'invalid_document_id',
        type: 'invalid_request',
        link: 'https://docs.meilisearch.com/errors#invalid_document_id',
      },
    };
    meili.pollsBeforeDone = 2;
    const failed = (await index.upsert([sampleDocument()]).catch((e: unknown) => e)) as AppError;
    expect(failed).toBeInstanceOf(AppError);
    expect(failed.code).toBe('internal_error');
    expect(failed.details).toMatchObject({ meiliCode: 'invalid_document_id' });
    expect(meili.requests.filter((r) => r.path.startsWith('/tasks/'))).toHaveLength(3);

    meili.reset();
    meili.taskOutcome = { status: 'processing' };
    const slow = makeIndex({ taskTimeoutMs: 150 });
    const timedOut = (await slow.remove(ORG, ['art:1']).catch((e: unknown) => e)) as AppError;
    expect(timedOut.code).toBe('service_unavailable');
    expect(timedOut.message).toMatch(/still processing/);
  });

  it('an unreachable engine is service_unavailable; ready() follows GET /health', async () => {
    const down = createMeilisearchIndex({ host: 'http://127.0.0.1:1', apiKey: ADMIN_KEY, index: 'arkiv' });
    const err = (await down.search(staff, { q: 'x', limit: 10 }).catch((e: unknown) => e)) as AppError;
    expect(err.code).toBe('service_unavailable');
    expect(await down.ready()).toBe(false);

    expect(await index.ready()).toBe(true);
    expect(meili.requests.at(-1)).toEqual({ method: 'GET', path: '/health', query: {}, headers: { authorization: auth }, body: undefined });
    meili.healthy = false;
    expect(await index.ready()).toBe(false);
  });
});
