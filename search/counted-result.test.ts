import { describe, expect, it } from 'vitest';
import { countedResult, FACET_BUCKETS, type FacetColumns } from './counted-result.js';

describe('countedResult', () => {
  it('counts the facet columns, largest first, ties by value, at most FACET_BUCKETS each, empty values not counted', () => {
    const orders = Array.from({ length: 25 }, (_, i) => `o${String(i).padStart(2, '0')}`);
    const columns: FacetColumns = [
      30,
      ['mtc', 'coc', 'coc', null],
      null,
      ['duplex'],
      null,
      Object.fromEntries(orders.map((o) => [o, 1])),
      [2021, 2020, 2020, 2021, null],
    ];
    const { facets, total } = countedResult(columns, [], 20);
    expect(total).toBe(30);
    expect(facets.docClass).toEqual([
      { value: 'coc', count: 2 },
      { value: 'mtc', count: 1 },
    ]);
    expect(facets.year).toEqual([
      { value: '2020', count: 2 },
      { value: '2021', count: 2 },
    ]);
    expect(facets.orderId).toHaveLength(FACET_BUCKETS);
    expect(facets.orderId[0]).toEqual({ value: 'o00', count: 1 });
    expect(facets.certType).toEqual([]);
    expect(facets.customerId).toEqual([]);
    expect(countedResult(null, [], 20).total).toBe(0);
  });

  it('shows `limit` entries of the page and gives the next cursor only when one more came back', () => {
    const more = countedResult(
      null,
      [
        ['a', 30],
        ['b', 20],
        ['c', 10],
      ],
      2,
    );
    expect(more.page).toEqual([
      { id: 'a', sortKey: 30 },
      { id: 'b', sortKey: 20 },
    ]);
    expect(more.nextCursor).toEqual({ id: 'b', sortKey: 20 });
    const last = countedResult(null, [['c', 10]], 2);
    expect(last.page).toHaveLength(1);
    expect(last.nextCursor).toBeNull();
  });
});
