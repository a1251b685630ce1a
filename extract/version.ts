/**
 * Bumped whenever a change can alter results: the archive re-extracts every revision whose stored
 * extraction carries an older version.
 */
export const EXTRACTOR_VERSION = 'arkiv-extract/1.2.0';
