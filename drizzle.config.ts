import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './archive/schema.ts',
  out: './migrations',
});
