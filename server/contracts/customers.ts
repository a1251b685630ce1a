import { z } from '@hono/zod-openapi';

export const CreateCustomerBody = z
  .object({ name: z.string().min(1).max(300), code: z.string().min(1).max(64).optional() })
  .openapi('CreateCustomer');

export const CustomerSchema = z
  .object({ id: z.uuid(), name: z.string(), code: z.string().nullable(), createdAt: z.string() })
  .openapi('Customer');

export const CreateOrderBody = z
  .object({ customerId: z.uuid(), number: z.string().min(1).max(100), title: z.string().max(300).optional() })
  .openapi('CreateOrder');

export const OrderSchema = z
  .object({
    id: z.uuid(),
    customerId: z.uuid(),
    number: z.string(),
    title: z.string().nullable(),
    status: z.string(),
    createdAt: z.string(),
  })
  .openapi('Order');

export const OrderListQuery = z.object({ customerId: z.uuid().optional() });
