import fs from 'node:fs/promises';
import path from 'node:path';

export default async function globalTeardown(): Promise<void> {
  const file = process.env.TANDEM_TEST_TEMPLATE;
  if (file) await fs.rm(path.dirname(file), { recursive: true, force: true });
}
