/** Recorded with every stored verdict; bump when the verifier's judgement changes. */
export const VERIFIER_VERSION = 'arkiv-verify/1';
