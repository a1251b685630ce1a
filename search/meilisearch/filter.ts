/**
 * Meilisearch filter expressions. The scope filter is built in exactly one place
 * (`scopeFilter`) and always goes first in the `filter` array of a search: Meilisearch parses each
 * array element on its own and ANDs them, so no user filter can reach into the scope expression.
 * Every value is quoted by `quote()` (Meilisearch's filter parser unescapes `\\` and `\"` inside
 * double quotes), so a value such as `x" OR orgId != "` stays one literal string.
 */
import { AppError } from '../../core/errors.js';
import type { SearchQuery, SearchScope } from '../port.js';
import { identifierGramKey } from './documents.js';

/** A string literal for a filter expression: double-quoted, backslashes and quotes escaped. */
export function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * The caller's scope as a filter expression: the organization; for customer users their own
 * customer's published entries only; an order-scoped session's order; and, without export-control
 * clearance, no export-controlled entry. Throws without a usable scope, before anything is sent.
 */
export function scopeFilter(scope: SearchScope | null | undefined): string {
  if (!scope || typeof scope.orgId !== 'string' || scope.orgId === '') {
    throw new AppError('forbidden', 'search needs a scope (organization, and customer for customer users)');
  }
  const parts = [`orgId = ${quote(scope.orgId)}`];
  if (scope.customerId !== null) {
    if (typeof scope.customerId !== 'string' || scope.customerId === '')
      throw new AppError('forbidden', 'search scope has an invalid customer');
    parts.push(`customerId = ${quote(scope.customerId)}`);
  }
  // A customer scope is published-only whatever the flag says: the flag can only narrow.
  if (scope.publishedOnly || scope.customerId !== null) parts.push('published = true');
  if (scope.orderId !== undefined && scope.orderId !== null) {
    if (typeof scope.orderId !== 'string' || scope.orderId === '') throw new AppError('forbidden', 'search scope has an invalid order');
    parts.push(`orderId = ${quote(scope.orderId)}`);
  }
  // Fails closed: an entry indexed without the flag is hidden too (every entry is written with it).
  if (scope.exportCleared !== true) parts.push('exportControlled = false');
  return parts.join(' AND ');
}

const isoDate = /^\d{4}-\d{2}-\d{2}$/;

/** Midnight UTC of an ISO date in Unix seconds: how `issueDate` is stored, filterable by range. */
export function dateToSeconds(date: string, field: string): number {
  const ms = isoDate.test(date) ? Date.parse(`${date}T00:00:00Z`) : Number.NaN;
  if (Number.isNaN(ms)) throw new AppError('validation_failed', `${field} must be a date (YYYY-MM-DD)`);
  return ms / 1000;
}

/** The user's filters, one expression each (ANDed by Meilisearch after the scope). */
export function queryFilters(query: SearchQuery, gradeKeys: readonly string[]): string[] {
  const filters: string[] = [];
  if (query.docClass) filters.push(`docClass = ${quote(query.docClass)}`);
  if (query.certType) filters.push(`certType = ${quote(query.certType)}`);
  if (query.customerId) filters.push(`customerId = ${quote(query.customerId)}`);
  if (query.orderId) filters.push(`orderId = ${quote(query.orderId)}`);
  if (gradeKeys.length > 0) filters.push(`gradeKeys IN [${gradeKeys.map(quote).join(', ')}]`);
  if (query.heat) filters.push(gramFilter('heatGrams', query.heat, 'heat'));
  if (query.po) filters.push(gramFilter('poGrams', query.po, 'po'));
  if (query.issuedFrom) filters.push(`issueDate >= ${dateToSeconds(query.issuedFrom, 'issuedFrom')}`);
  if (query.issuedTo) filters.push(`issueDate <= ${dateToSeconds(query.issuedTo, 'issuedTo')}`);
  if (!query.includeSuperseded) filters.push('superseded = false');
  return filters;
}

function gramFilter(attribute: string, value: string, field: string): string {
  const gram = identifierGramKey(value);
  if (gram === null) throw new AppError('validation_failed', `${field} needs at least 2 letters or digits`);
  return `${attribute} = ${quote(gram)}`;
}
