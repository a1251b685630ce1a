import { describe, expect, it } from 'vitest';
import { countedResult, FACET_BUCKETS, type FacetCount } from './counted-result.js';

describe('countedResult', () => {
  it('turns counts into facets, largest first, ties by value, at most FACET_BUCKETS each', () => {
    const counts: FacetCount[] = [
      ['total', '', 30],
      ['year', '2020', 15],
      ['year', '2021', 15],
      ['docClass', 'mtc', 4],
      ['docClass', 'coc', 9],
      ...Array.from({ length: 25 }, (_, i): FacetCount => ['orderId', `o${String(i).padStart(2, '0')}`, 1]),
      ['unknown', 'x', 1],
    ];
    const { facets, total } = countedResult(counts, [], 20);
    expect(total).toBe(30);
    expect(facets.docClass).toEqual([
      { value: 'coc', count: 9 },
      { value: 'mtc', count: 4 },
    ]);
    expect(facets.year.map((b) => b.value)).toEqual(['2020', '2021']);
    expect(facets.orderId).toHaveLength(FACET_BUCKETS);
    expect(facets.orderId[0]?.value).toBe('o00');
    expect(facets.certType).toEqual([]);
  });

  it('shows `limit` entries of the page and gives the next cursor only when one more came back', () => {
    const more = countedResult(
      [],
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
    const last = countedResult([], [['c', 10]], 2);
    expect(last.page).toHaveLength(1);
    expect(last.nextCursor).toBeNull();
  });
});
