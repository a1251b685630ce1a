/**
 * The restore will not start: the backup is unusable or the target is not a fresh, matching
 * installation. Nothing has been written to the target when this is thrown (the CLI exits 2).
 */
export class RestoreRefused extends Error {}
