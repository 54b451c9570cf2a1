import { rmSync } from 'node:fs';

export default async function globalTeardown() {
  await globalThis.dropTestTemplate?.();
  if (process.env.CONVENE_TEST_EMBEDDED_DUMP) rmSync(process.env.CONVENE_TEST_EMBEDDED_DUMP, { force: true });
}
