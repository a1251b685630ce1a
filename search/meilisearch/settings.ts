/**
 * The index settings Arkiv applies with PATCH /indexes/{uid}/settings (idempotent: `prepare()`
 * sends them at boot and before a reindex).
 */

/** In Meilisearch's attribute ranking, earlier attributes weigh more: identifiers first, body last. */
export const searchableAttributes = [
  'heatNumbers',
  'poNumber',
  'documentNumber',
  'tagNumbers',
  'title',
  'product',
  'manufacturer',
  'grade',
  'materialStandards',
  'identifierSuffixes',
  'body',
] as const;

/** Facets the API returns, in SearchFacets order; `issueYear` is the `year` facet. */
export const facetAttributes = ['docClass', 'certType', 'gradeFamily', 'customerId', 'orderId', 'issueYear'] as const;

export const indexSettings = {
  searchableAttributes,
  filterableAttributes: [
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
    'heatGrams',
    'poNumber',
    'poGrams',
    'issueYear',
    'issueDate',
  ],
  sortableAttributes: ['issueDate', 'issueYear'],
  // The matching helpers stay in the index but never go back to a client.
  displayedAttributes: [
    'id',
    'key',
    'orgId',
    'customerId',
    'orderId',
    'documentId',
    'revisionNo',
    'artifactId',
    'extractionId',
    'published',
    'superseded',
    'exportControlled',
    'docClass',
    'certType',
    'title',
    'product',
    'manufacturer',
    'documentNumber',
    'poNumber',
    'grade',
    'gradeFamily',
    'gradeKeys',
    'heatNumbers',
    'tagNumbers',
    'materialStandards',
    'issueDate',
    'issueYear',
    'body',
  ],
  // A heat or PO number one character off is a different heat or order: exact identifiers only.
  typoTolerance: {
    enabled: true,
    disableOnAttributes: ['heatNumbers', 'poNumber', 'documentNumber', 'tagNumbers', 'identifierSuffixes'],
  },
  faceting: { maxValuesPerFacet: 100 },
  // Exact totals (page/hitsPerPage mode) up to this many matches.
  pagination: { maxTotalHits: 10_000 },
} as const;

/** The fields a hit needs (tagNumbers to name the matched field; body comes back cropped in `_formatted` only). */
export const hitAttributes = [
  'key',
  'documentId',
  'revisionNo',
  'artifactId',
  'customerId',
  'orderId',
  'title',
  'docClass',
  'certType',
  'documentNumber',
  'poNumber',
  'grade',
  'heatNumbers',
  'tagNumbers',
  'issueDate',
  'published',
  'superseded',
] as const;
