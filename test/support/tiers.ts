/**
 * Test tiers. The embedded tier (PGlite + filesystem store) always runs. The services tier (real
 * PostgreSQL + Ceph RGW S3 with Object Lock) runs when DATABASE_URL and S3_ENDPOINT are set; with
 * ARKIV_TEST_SERVICES=required a missing service is a failure, not a skip (CI sets it).
 */
export interface S3Settings {
  endPoint: string;
  region: string;
  accessKey: string;
  secretKey: string;
  forcePathStyle: boolean;
}

export interface Tier {
  name: 'embedded' | 'services';
  databaseUrl?: string;
  s3?: S3Settings;
}

const env = process.env;
export const servicesRequired = env.ARKIV_TEST_SERVICES === 'required';

function servicesTier(): Tier | null {
  const missing = [!env.DATABASE_URL && 'DATABASE_URL', !env.S3_ENDPOINT && 'S3_ENDPOINT'].filter(Boolean);
  if (missing.length > 0) {
    if (servicesRequired) throw new Error(`ARKIV_TEST_SERVICES=required but ${missing.join(', ')} not set`);
    return null;
  }
  return {
    name: 'services',
    databaseUrl: env.DATABASE_URL as string,
    s3: {
      endPoint: env.S3_ENDPOINT as string,
      region: env.S3_REGION ?? 'us-east-1',
      accessKey: env.S3_ACCESS_KEY_ID ?? '',
      secretKey: env.S3_SECRET_ACCESS_KEY ?? '',
      forcePathStyle: env.S3_FORCE_PATH_STYLE !== 'false',
    },
  };
}

const services = servicesTier();
export const tiers: Tier[] = [{ name: 'embedded' }, ...(services ? [services] : [])];
export const servicesTierOrNull = services;
export const mqttUrl = env.MQTT_URL ?? null;
