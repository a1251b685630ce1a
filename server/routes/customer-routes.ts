import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { createCustomer, getCustomer, listCustomers } from '../../archive/customers/customers.js';
import { createOrder, getOrder, listOrders } from '../../archive/customers/orders.js';
import { errorResponses, IdParam, json, PageQuery } from '../contracts/common.js';
import { CreateCustomerBody, CreateOrderBody, CustomerSchema, OrderListQuery, OrderSchema } from '../contracts/customers.js';
import type { AppEnv } from '../http/env.js';
import { withIdempotency } from '../http/idempotency.js';
import type { RouteDeps } from './route-deps.js';

const security = [{ bearer: [] }];
const page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export function customerRoutes(app: OpenAPIHono<AppEnv>, { archive }: RouteDeps): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/customers',
      'x-arkiv-permission': 'customer.manage',
      tags: ['customers'],
      security,
      summary: 'Create a customer',
      request: { body: { content: { 'application/json': { schema: CreateCustomerBody } }, required: true } },
      responses: { 201: json(CustomerSchema, 'Created'), 409: json(z.any(), 'Duplicate code'), ...errorResponses },
    }),
    async (c) => {
      const body = c.req.valid('json');
      return withIdempotency(c, archive.db, [body], async () => ({
        status: 201,
        body: await createCustomer(archive, c.get('actor'), body),
      })) as never;
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/customers',
      'x-arkiv-permission': 'customer.read',
      tags: ['customers'],
      security,
      summary: 'List customers',
      request: { query: PageQuery },
      responses: { 200: json(page(CustomerSchema), 'A page'), ...errorResponses },
    }),
    async (c) => c.json(await listCustomers(archive, c.get('actor'), c.req.valid('query')), 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/customers/{id}',
      'x-arkiv-permission': 'customer.read',
      tags: ['customers'],
      security,
      summary: 'A customer',
      request: { params: z.object({ id: IdParam }) },
      responses: { 200: json(CustomerSchema, 'The customer'), ...errorResponses },
    }),
    async (c) => c.json(await getCustomer(archive, c.get('actor'), c.req.valid('param').id), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/orders',
      'x-arkiv-permission': 'order.manage',
      tags: ['orders'],
      security,
      summary: "Create an order (a customer's purchase order)",
      request: { body: { content: { 'application/json': { schema: CreateOrderBody } }, required: true } },
      responses: { 201: json(OrderSchema, 'Created'), ...errorResponses },
    }),
    async (c) => {
      const body = c.req.valid('json');
      return withIdempotency(c, archive.db, [body], async () => ({
        status: 201,
        body: await createOrder(archive, c.get('actor'), body),
      })) as never;
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/orders',
      'x-arkiv-permission': 'order.read',
      tags: ['orders'],
      security,
      summary: 'List orders',
      request: { query: PageQuery.merge(OrderListQuery) },
      responses: { 200: json(page(OrderSchema), 'A page'), ...errorResponses },
    }),
    async (c) => c.json(await listOrders(archive, c.get('actor'), c.req.valid('query')), 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/orders/{id}',
      'x-arkiv-permission': 'order.read',
      tags: ['orders'],
      security,
      summary: 'An order',
      request: { params: z.object({ id: IdParam }) },
      responses: { 200: json(OrderSchema, 'The order'), ...errorResponses },
    }),
    async (c) => c.json(await getOrder(archive, c.get('actor'), c.req.valid('param').id), 200),
  );
}
