import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';

/**
 * The delegated credentials the server holds for a user's background sync (a refresh token, or the
 * token cache it lives in), sealed with AES-256-GCM under the server's secret key. The sealed text is
 * bound to its user: moved to another user's row it no longer opens. Nothing here logs or returns a
 * secret to a caller other than the worker that uses it.
 */

const KEY_BYTES = 32;
const IV_BYTES = 12;
const VERSION = 'v1';

/** A 32-byte key from base64 (or base64url) or hex text; throws naming the variable otherwise. */
export function parseSecretKey(text: string, name = 'TANDEM_SECRET_KEY'): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : /^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)
      ? Buffer.from(trimmed, 'base64')
      : undefined;
  if (key?.length !== KEY_BYTES)
    throw new Error(`${name} must be 32 bytes, as 64 hex digits or 44 base64 characters.`);
  return key;
}

export interface SecretKeySource {
  /** The configured key text (`TANDEM_SECRET_KEY`). */
  secretKey: string | undefined;
  /** Where the demo tenant keeps a generated key. */
  dataDir: string;
  /** Only the demo tenant may generate its own key; a real tenant must be given one. */
  sandbox: boolean;
}

/**
 * The configured key, or on the demo tenant the one generated into the data directory at first use
 * (readable by this user only) and read back afterwards.
 */
export async function loadSecretKey(source: SecretKeySource): Promise<Buffer> {
  if (source.secretKey) return parseSecretKey(source.secretKey);
  if (!source.sandbox)
    throw new Error(
      'TANDEM_SECRET_KEY must be set to hold background-sync credentials for a Microsoft 365 tenant (32 bytes, base64 or hex: `openssl rand -base64 32`).',
    );
  const file = path.join(source.dataDir, 'secret.key');
  try {
    return parseSecretKey(await fs.readFile(file, 'utf8'), file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await fs.mkdir(source.dataDir, { recursive: true });
  const key = randomBytes(KEY_BYTES);
  try {
    // `wx`: of two processes starting at once, one writes and the other reads what it wrote.
    await fs.writeFile(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return parseSecretKey(await fs.readFile(file, 'utf8'), file);
  }
}

export class SealedSecretError extends Error {
  constructor() {
    super('Stored sync credentials cannot be opened with this server secret key.');
    this.name = 'SealedSecretError';
  }
}

export function seal(key: Buffer, owner: string, secret: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(owner));
  const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), body]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.');
}

export function unseal(key: Buffer, owner: string, sealed: string): string {
  const [version, iv, tag, body, ...rest] = sealed.split('.');
  if (version !== VERSION || iv === undefined || tag === undefined || body === undefined || rest.length)
    throw new SealedSecretError();
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(owner));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    throw new SealedSecretError();
  }
}

export interface CredentialOwner {
  orgId: string;
  userId: string;
}

/** Sealed credentials per user in `sync_credentials`. */
export class SyncCredentialVault {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly key: Buffer,
  ) {}

  private static aad(owner: CredentialOwner): string {
    return `${owner.orgId}/${owner.userId}`;
  }

  async save(owner: CredentialOwner, secret: string): Promise<void> {
    const sealed = seal(this.key, SyncCredentialVault.aad(owner), secret);
    await this.db
      .insertInto('sync_credentials')
      .values({ org_id: owner.orgId, user_id: owner.userId, sealed })
      .onConflict((oc) =>
        oc
          .column('user_id')
          .doUpdateSet({ sealed, updated_at: sql<Date>`now()` })
          .where('sync_credentials.org_id', '=', owner.orgId),
      )
      .execute();
  }

  /** The user's secret, or undefined when the server holds none. Throws `SealedSecretError` under another key. */
  async load(owner: CredentialOwner): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('sync_credentials')
      .select('sealed')
      .where('org_id', '=', owner.orgId)
      .where('user_id', '=', owner.userId)
      .executeTakeFirst();
    return row ? unseal(this.key, SyncCredentialVault.aad(owner), row.sealed) : undefined;
  }

  async has(owner: CredentialOwner): Promise<boolean> {
    const row = await this.db
      .selectFrom('sync_credentials')
      .select('user_id')
      .where('org_id', '=', owner.orgId)
      .where('user_id', '=', owner.userId)
      .executeTakeFirst();
    return row !== undefined;
  }

  async remove(owner: CredentialOwner): Promise<void> {
    await this.db
      .deleteFrom('sync_credentials')
      .where('org_id', '=', owner.orgId)
      .where('user_id', '=', owner.userId)
      .execute();
  }
}
