/** Where the test run's PostgreSQL is: TEST_DATABASE_URL, else DATABASE_URL, else the embedded one. */
export function testServerUrl(): string | null {
  return process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || null;
}

export const TEMPLATE_ENV = 'CONVENE_TEST_TEMPLATE';
export const DUMP_ENV = 'CONVENE_TEST_EMBEDDED_DUMP';
