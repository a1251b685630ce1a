import { servicesRequired, servicesTierOrNull } from './tiers.js';

/** Says up front which tiers run, so a skipped service tier is never silent. */
export default function setup(): void {
  const lines = ['Arkiv test tiers:', '  embedded (PGlite + filesystem store): running'];
  if (servicesTierOrNull) {
    lines.push(`  services (PostgreSQL + S3 at ${servicesTierOrNull.s3?.endPoint}): running${servicesRequired ? ' (required)' : ''}`);
  } else {
    lines.push(
      '  services (PostgreSQL + Ceph RGW S3 + Mosquitto): SKIPPED — set DATABASE_URL and S3_ENDPOINT, or run `npm run test:services`',
    );
  }
  console.log(lines.join('\n'));
}
