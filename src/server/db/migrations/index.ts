import type { Migration } from 'kysely/migration';
import * as initial from './001-initial';
import * as onboarding from './002-onboarding';
import * as sync from './003-sync';
import * as proofsAndLimits from './004-proofs-and-limits';
import * as backgroundSync from './005-background-sync';
import * as syncSubscriptions from './006-sync-subscriptions';
import * as contactSearch from './007-contact-search';

/** Every migration, in order. Names are permanent: they are recorded in the database. */
export const migrations: Record<string, Migration> = {
  '001-initial': initial,
  '002-onboarding': onboarding,
  '003-sync': sync,
  '004-proofs-and-limits': proofsAndLimits,
  '005-background-sync': backgroundSync,
  '006-sync-subscriptions': syncSubscriptions,
  '007-contact-search': contactSearch,
};
