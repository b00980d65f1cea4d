import { sql, type Kysely, type Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { emailProofNeeded, type EmailProof } from '../auth/email-trust';
import type { Identity } from '../auth/token-verifier';
import type { Database } from '../db/schema';
import { badRequest, conflict, forbidden, gone, HttpError, notFound, tooManyRequests } from '../errors';
import { enqueueMail } from '../mail/outbox';
import { toLanguage, type Language } from '../mail/mail-templates';
import { recordAudit } from './audit-log';
import { enforceLimit, underLimit } from './usage-limits';
import { hashSecret, newCode, sameHash } from './one-time-secrets';
import { addMember, createOrganisation } from './org-service';
import { INSTALLER_ROLES, isUniqueViolation, links, type OnboardingSettings } from './onboarding-settings';

type Db = Kysely<Database> | Transaction<Database>;

export interface OrgSummary {
  id: string;
  name: string;
  edition: 'free' | 'paid';
}

/** What the add-in should show a signed-in Microsoft 365 user. */
export type OnboardingState =
  | { state: 'member'; org: OrgSummary }
  | { state: 'deactivated' }
  | { state: 'existing_account' }
  | {
      state: 'invited';
      invitation: { id: string; org: { id: string; name: string }; expiresAt: string };
    }
  | { state: 'install' }
  | { state: 'admin_required' }
  | {
      state: 'request_to_join';
      org: { id: string; name: string };
      request: { id: string; createdAt: string } | null;
      /** The caller's newest request, when it was rejected: "declined on …" rather than a blank form. */
      declined: { id: string; createdAt: string; decidedAt: string } | null;
    };

export interface TermsAcceptance {
  acceptTerms: true;
  termsVersion: string;
}

/**
 * Everything a Microsoft 365 identity does before (and while becoming) a member: install, enter a
 * same-email account, associate another account, accept an invitation, request to join.
 */
export class OnboardingService {
  constructor(
    /** Also where the onboarding routes count their limits. */
    readonly db: Kysely<Database>,
    readonly settings: OnboardingSettings,
  ) {}

  async state(identity: Identity): Promise<OnboardingState & { termsVersion: string }> {
    return { ...(await this.resolveState(identity)), termsVersion: this.settings.termsVersion };
  }

  private async resolveState(identity: Identity): Promise<OnboardingState> {
    const linked = await this.linkedUser(identity);
    if (linked) {
      if (linked.status !== 'active') return { state: 'deactivated' };
      return { state: 'member', org: await this.org(linked.org_id) };
    }
    if (await this.enterableAccount(identity)) return { state: 'existing_account' };
    const invitation = await this.invitationForIdentity(identity);
    if (invitation) {
      return {
        state: 'invited',
        invitation: {
          id: invitation.id,
          org: { id: invitation.org_id, name: invitation.org_name },
          expiresAt: invitation.expires_at.toISOString(),
        },
      };
    }
    const org = await this.orgOfTenant(identity.tenantId);
    if (!org) return { state: isInstaller(identity) ? 'install' : 'admin_required' };
    // The newest request tells it all: pending (wait), rejected (say so and when), or none.
    const latest = await this.db
      .selectFrom('join_requests')
      .select(['id', 'status', 'created_at', 'decided_at'])
      .where('org_id', '=', org.id)
      .where('ms_tenant_id', '=', identity.tenantId)
      .where('ms_object_id', '=', identity.objectId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirst();
    const pending = latest?.status === 'pending' ? latest : undefined;
    const declinedAt = latest?.status === 'rejected' ? latest.decided_at : null;
    return {
      state: 'request_to_join',
      org: { id: org.id, name: org.name },
      request: pending ? { id: pending.id, createdAt: pending.created_at.toISOString() } : null,
      declined:
        latest && declinedAt
          ? { id: latest.id, createdAt: latest.created_at.toISOString(), decidedAt: declinedAt.toISOString() }
          : null,
    };
  }

  /**
   * The first administrator of a tenant creates its organisation and becomes its super admin. A user
   * whose email already has an account goes straight into it instead.
   */
  async install(
    identity: Identity,
    input: TermsAcceptance & { orgName?: string | undefined },
  ): Promise<{ created: boolean; orgId: string; userId: string }> {
    await this.refuseMember(identity);
    const existing = await this.enterIfAccountExists(identity, 'refuse');
    if (existing) return { created: false, ...existing };
    if (!isInstaller(identity)) {
      throw new HttpError(
        403,
        'admin_required',
        'A Microsoft 365 administrator of your organisation must install Tandem first.',
      );
    }
    this.checkTerms(input);
    if (await this.orgOfTenant(identity.tenantId)) {
      throw new HttpError(409, 'already_installed', 'Tandem is already installed for your organisation.');
    }
    try {
      return await this.db.transaction().execute(async (trx) => {
        const created = await createOrganisation(trx, {
          tenantId: identity.tenantId,
          name: input.orgName?.trim() || organisationNameFor(identity.email),
          edition: this.settings.newOrgEdition,
          admin: {
            email: identity.email,
            displayName: identity.name,
            msTenantId: identity.tenantId,
            msObjectId: identity.objectId,
          },
        });
        await this.recordTerms(trx, created.orgId, created.adminUserId, identity, input.termsVersion);
        await recordAudit(trx, {
          orgId: created.orgId,
          actor: { userId: created.adminUserId, email: identity.email },
          action: 'org.installed',
          target: { type: 'org', id: created.orgId },
          details: { tenantId: identity.tenantId, termsVersion: input.termsVersion },
        });
        return { created: true, orgId: created.orgId, userId: created.adminUserId };
      });
    } catch (error) {
      // Two administrators installing at the same moment: one wins, the other is told.
      if (isUniqueViolation(error)) {
        throw new HttpError(409, 'already_installed', 'Tandem is already installed for your organisation.');
      }
      throw error;
    }
  }

  /**
   * Links the identity to the CRM account registered under its own email, when the token vouches
   * for that address (see `emailProofNeeded`); otherwise the address is proven by a code first, and
   * the answer is the same as for an address without an account.
   */
  async enter(identity: Identity): Promise<{ orgId: string; userId: string }> {
    await this.refuseMember(identity);
    const entered = await this.enterIfAccountExists(identity);
    if (!entered) throw notFound('A Tandem account with your email address');
    return entered;
  }

  /** Sends a one-time code to the email of another CRM account the user wants to associate. */
  async requestAssociationCode(
    identity: Identity,
    input: { email: string; language?: Language | undefined },
  ): Promise<{ email: string; expiresAt: string }> {
    await this.refuseMember(identity);
    const email = input.email.trim().toLowerCase();
    // Your own address needs a code only when your sign-in cannot vouch for it: a verified claim
    // either opens its account directly or has no account a code could prove.
    if (email === identity.email && identity.emailVerified && !(await this.accountToProve(identity))) {
      throw badRequest('That is your own email address: open Tandem to enter its account directly.');
    }
    // The answer is the same whether or not the address has an account: no one learns who has one.
    const target = await this.db
      .selectFrom('users')
      .select(['id', 'org_id', 'language', 'ms_object_id', 'status'])
      .where(sql`lower(email)`, '=', email)
      .executeTakeFirst();
    const deliverable = target && target.ms_object_id === null && target.status === 'active';
    const expiresAt = new Date(Date.now() + this.settings.codeTtlMs);
    await this.db.transaction().execute(async (trx) => {
      await this.limitCodes(trx, identity, email);
      // Only the newest code counts.
      await trx
        .updateTable('association_codes')
        .set({ used_at: new Date() })
        .where('ms_tenant_id', '=', identity.tenantId)
        .where('ms_object_id', '=', identity.objectId)
        .where('invitation_id', 'is', null)
        .where('used_at', 'is', null)
        .execute();
      const id = uuidv7();
      const code = newCode();
      await trx
        .insertInto('association_codes')
        .values({
          id,
          ms_tenant_id: identity.tenantId,
          ms_object_id: identity.objectId,
          org_id: deliverable ? target.org_id : null,
          target_user_id: deliverable ? target.id : null,
          email,
          code_hash: hashSecret(code, id),
          expires_at: expiresAt,
        })
        .execute();
      if (deliverable) {
        await enqueueMail(trx, {
          orgId: target.org_id,
          to: email,
          language: input.language ?? toLanguage(target.language),
          template: 'association_code',
          params: { code, minutes: Math.round(this.settings.codeTtlMs / 60_000) },
        });
      }
    });
    if (deliverable) this.settings.mailQueued();
    return { email, expiresAt: expiresAt.toISOString() };
  }

  /** Checks the one-time code and links the identity to the account it was sent for. */
  async verifyAssociationCode(identity: Identity, code: string): Promise<{ orgId: string; userId: string }> {
    await this.refuseMember(identity);
    const row = await this.checkCode(identity, null, code);
    if (!row.target_user_id || !row.org_id) throw codeInvalid(0);
    const targetUserId = row.target_user_id;
    const orgId = row.org_id;
    await this.db.transaction().execute(async (trx) => {
      const linked = await trx
        .updateTable('users')
        .set({ ms_tenant_id: identity.tenantId, ms_object_id: identity.objectId })
        .where('id', '=', targetUserId)
        .where('ms_object_id', 'is', null)
        .where('status', '=', 'active')
        .executeTakeFirst();
      if (Number(linked.numUpdatedRows) !== 1) {
        throw conflict('That account is already associated with another Microsoft 365 account.');
      }
      await trx
        .updateTable('association_codes')
        .set({ used_at: new Date() })
        .where('id', '=', row.id)
        .execute();
      await recordAudit(trx, {
        orgId,
        actor: { userId: targetUserId, email: identity.email },
        action: 'account.associated',
        target: { type: 'user', id: targetUserId },
        details: { tenantId: identity.tenantId, accountEmail: row.email },
      });
    });
    return { orgId, userId: targetUserId };
  }

  /**
   * What an invitation link leads to, for the page it opens: the organisation, and whether the
   * invitation can be accepted by this identity (and if not, why). Changes nothing.
   */
  async previewInvitation(identity: Identity, token: string) {
    const invitation = await this.invitationByToken(token);
    if (!invitation) throw notFound('Invitation');
    let problem: string | null = null;
    try {
      checkInvitationUsable(invitation, identity);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      problem = error.code;
    }
    return {
      org: { id: invitation.org_id, name: invitation.org_name },
      expiresAt: invitation.expires_at.toISOString(),
      // Only the invitee learns the address; anyone else is told it is not theirs.
      email: problem === 'invitation_other_email' ? null : invitation.email,
      acceptable: problem === null,
      problem,
      // `code`: accepting needs a code mailed to the invitation's address first.
      proof: invitationProof(invitation, identity),
    };
  }

  /**
   * Accepts an invitation: by its link token, or (no token) the pending invitation addressed to the
   * identity's verified email. When the token cannot vouch for the invitation's address (another
   * tenant, an unverified claim), the code mailed to that address comes with the link. The invitee
   * joins with the organisation's default profile.
   */
  async acceptInvitation(
    identity: Identity,
    input: TermsAcceptance & { token?: string | undefined; code?: string | undefined },
  ): Promise<{ orgId: string; userId: string; invitationId: string }> {
    await this.refuseMember(identity);
    const invitation = input.token
      ? await this.invitationByToken(input.token)
      : await this.invitationForIdentity(identity);
    if (!invitation) throw notFound('Invitation');
    checkInvitationUsable(invitation, identity);
    this.checkTerms(input);
    let codeId: string | null = null;
    if (invitationProof(invitation, identity) === 'code') {
      if (!input.code) {
        throw new HttpError(
          403,
          'email_unconfirmed',
          'Confirm the address this invitation was sent to: ask for a code, then enter it.',
        );
      }
      codeId = (await this.checkCode(identity, invitation.id, input.code)).id;
    }
    if (await this.accountByEmail(identity.email)) {
      throw new HttpError(
        409,
        'account_exists',
        'A Tandem account already exists for your email address: open Tandem to enter it.',
      );
    }
    try {
      return await this.db.transaction().execute(async (trx) => {
        // The row lock makes a link usable once even when it is opened twice at the same moment.
        const locked = await trx
          .selectFrom('invitations')
          .select(['status', 'expires_at'])
          .where('id', '=', invitation.id)
          .forUpdate()
          .executeTakeFirstOrThrow();
        checkInvitationUsable({ ...invitation, ...locked }, identity);
        const userId = await addMember(trx, invitation.org_id, {
          email: identity.email,
          displayName: invitation.display_name || identity.name,
          msTenantId: identity.tenantId,
          msObjectId: identity.objectId,
        });
        await trx
          .updateTable('invitations')
          .set({ status: 'accepted', accepted_at: new Date(), accepted_user_id: userId })
          .where('id', '=', invitation.id)
          .execute();
        if (codeId) {
          await trx
            .updateTable('association_codes')
            .set({ used_at: new Date() })
            .where('id', '=', codeId)
            .execute();
        }
        await this.recordTerms(trx, invitation.org_id, userId, identity, input.termsVersion);
        await recordAudit(trx, {
          orgId: invitation.org_id,
          actor: { userId, email: identity.email },
          action: 'invitation.accepted',
          target: { type: 'invitation', id: invitation.id },
          details: {
            userId,
            by: input.token ? 'link' : 'email',
            proof: codeId ? 'code' : 'claim',
            termsVersion: input.termsVersion,
          },
        });
        return { orgId: invitation.org_id, userId, invitationId: invitation.id };
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('You already have a Tandem account.');
      throw error;
    }
  }

  /**
   * Files a request to join the organisation of the caller's tenant and mails every user who can
   * approve it.
   */
  async requestToJoin(
    identity: Identity,
    input: TermsAcceptance & { message?: string | undefined; language?: Language | undefined },
  ): Promise<{ id: string; orgId: string }> {
    await this.refuseMember(identity);
    if (await this.accountByEmail(identity.email)) {
      throw new HttpError(
        409,
        'account_exists',
        'A Tandem account already exists for your email address: open Tandem to enter it.',
      );
    }
    const org = await this.orgOfTenant(identity.tenantId);
    if (!org) {
      throw new HttpError(
        404,
        'not_installed',
        'Tandem is not installed for your organisation yet: a Microsoft 365 administrator must install it first.',
      );
    }
    if (await this.invitationForIdentity(identity)) {
      throw new HttpError(409, 'invitation_pending', 'You have an invitation: accept it to join.');
    }
    this.checkTerms(input);
    const pending = await this.db
      .selectFrom('join_requests')
      .select('id')
      .where('ms_tenant_id', '=', identity.tenantId)
      .where('ms_object_id', '=', identity.objectId)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (pending) throw new HttpError(409, 'request_pending', 'Your request to join is already pending.');
    const id = uuidv7();
    try {
      await this.db.transaction().execute(async (trx) => {
        await enforceLimit(
          trx,
          { of: 'identity', table: 'join_requests', ...ids(identity) },
          {
            limit: this.settings.joinRequestsPerDay,
            windowMs: 86_400_000,
            message: 'Too many requests to join. Try again tomorrow.',
          },
        );
        await enforceLimit(
          trx,
          { of: 'org_requests', orgId: org.id },
          {
            limit: this.settings.joinRequestsPerOrgPerDay,
            windowMs: 86_400_000,
            message: 'Your organisation has received too many requests to join today. Try again tomorrow.',
          },
        );
        await trx
          .insertInto('join_requests')
          .values({
            id,
            org_id: org.id,
            ms_tenant_id: identity.tenantId,
            ms_object_id: identity.objectId,
            email: identity.email,
            display_name: identity.name,
            language: input.language ?? 'en',
            message: input.message?.trim() || null,
            terms_version: input.termsVersion,
            status: 'pending',
          })
          .execute();
        // Past the hourly number of such mails the request still counts: approvers find it on the
        // Users page.
        const mailed = await underLimit(
          trx,
          { of: 'org_mails', orgId: org.id, template: 'join_request' },
          {
            limit: this.settings.joinRequestMailsPerOrgPerHour,
            windowMs: 3600_000,
          },
        );
        for (const approver of mailed ? await userManagers(trx, org.id) : []) {
          await enqueueMail(trx, {
            orgId: org.id,
            to: approver.email,
            language: toLanguage(approver.language),
            template: 'join_request',
            params: {
              orgName: org.name,
              requesterName: identity.name,
              requesterEmail: identity.email,
              message: input.message?.trim() || null,
              link: links.approveRequest(this.settings, id),
            },
          });
        }
        await recordAudit(trx, {
          orgId: org.id,
          actor: { userId: null, email: identity.email },
          action: 'join_request.created',
          target: { type: 'join_request', id },
          details: { tenantId: identity.tenantId, objectId: identity.objectId },
        });
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new HttpError(409, 'request_pending', 'Your request to join is already pending.');
      }
      throw error;
    }
    this.settings.mailQueued();
    return { id, orgId: org.id };
  }

  /**
   * Mails a one-time code to the address an invitation was sent to, for an identity whose token
   * cannot vouch for that address (another tenant, a guest, an unverified email claim).
   */
  async requestInvitationCode(
    identity: Identity,
    input: { token: string; language?: Language | undefined },
  ): Promise<{ email: string; expiresAt: string }> {
    await this.refuseMember(identity);
    const invitation = await this.invitationByToken(input.token);
    if (!invitation) throw notFound('Invitation');
    checkInvitationUsable(invitation, identity);
    const email = invitation.email.toLowerCase();
    const expiresAt = new Date(Date.now() + this.settings.codeTtlMs);
    await this.db.transaction().execute(async (trx) => {
      await this.limitCodes(trx, identity, email);
      await trx
        .updateTable('association_codes')
        .set({ used_at: new Date() })
        .where('ms_tenant_id', '=', identity.tenantId)
        .where('ms_object_id', '=', identity.objectId)
        .where('invitation_id', '=', invitation.id)
        .where('used_at', 'is', null)
        .execute();
      const id = uuidv7();
      const code = newCode();
      await trx
        .insertInto('association_codes')
        .values({
          id,
          ms_tenant_id: identity.tenantId,
          ms_object_id: identity.objectId,
          org_id: invitation.org_id,
          target_user_id: null,
          invitation_id: invitation.id,
          email,
          code_hash: hashSecret(code, id),
          expires_at: expiresAt,
        })
        .execute();
      await enqueueMail(trx, {
        orgId: invitation.org_id,
        to: email,
        language: input.language ?? 'en',
        template: 'address_code',
        params: { code, minutes: Math.round(this.settings.codeTtlMs / 60_000) },
      });
    });
    this.settings.mailQueued();
    return { email, expiresAt: expiresAt.toISOString() };
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /** Codes are limited per asking identity and per address they go to, whoever asks. */
  private async limitCodes(trx: Transaction<Database>, identity: Identity, email: string): Promise<void> {
    const message = 'Too many codes were asked for. Try again later.';
    await enforceLimit(
      trx,
      { of: 'identity', table: 'association_codes', ...ids(identity) },
      {
        limit: this.settings.codesPerHour,
        windowMs: 3600_000,
        message,
      },
    );
    await enforceLimit(
      trx,
      { of: 'address', email },
      {
        limit: this.settings.codesPerAddressPerHour,
        windowMs: 3600_000,
        message,
      },
    );
  }

  /**
   * The identity's newest unused code for an account association (`invitationId` null) or for an
   * invitation, checked against `code`. Every guess counts, atomically, before it is compared.
   */
  private async checkCode(identity: Identity, invitationId: string | null, code: string) {
    let query = this.db
      .selectFrom('association_codes')
      .selectAll()
      .where('ms_tenant_id', '=', identity.tenantId)
      .where('ms_object_id', '=', identity.objectId)
      .where('used_at', 'is', null);
    query =
      invitationId === null
        ? query.where('invitation_id', 'is', null)
        : query.where('invitation_id', '=', invitationId);
    const row = await query.orderBy('created_at', 'desc').executeTakeFirst();
    if (!row) throw new HttpError(400, 'no_code', 'Ask for a code first.');
    if (row.expires_at.getTime() <= Date.now()) {
      throw gone('code_expired', 'This code has expired. Ask for a new one.');
    }
    // Counting the attempt first, atomically, keeps parallel guesses within the limit.
    const counted = await this.db
      .updateTable('association_codes')
      .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
      .where('id', '=', row.id)
      .where('used_at', 'is', null)
      .where('attempts', '<', this.settings.codeMaxAttempts)
      .returning('attempts')
      .executeTakeFirst();
    if (!counted) {
      throw tooManyRequests('Too many wrong codes. Ask for a new code.', 60);
    }
    const proves = invitationId !== null || (row.target_user_id !== null && row.org_id !== null);
    if (!proves || !sameHash(row.code_hash, hashSecret(code, row.id))) {
      throw codeInvalid(this.settings.codeMaxAttempts - counted.attempts);
    }
    return row;
  }

  private checkTerms(input: TermsAcceptance): void {
    if (input.termsVersion !== this.settings.termsVersion) {
      throw new HttpError(
        400,
        'terms_outdated',
        `The terms of use have changed (version ${this.settings.termsVersion}): read and accept them again.`,
      );
    }
  }

  private recordTerms(trx: Db, orgId: string, userId: string, identity: Identity, version: string) {
    return recordTermsAcceptance(trx, { orgId, userId, identity, version });
  }

  private async refuseMember(identity: Identity): Promise<void> {
    const linked = await this.linkedUser(identity);
    if (!linked) return;
    if (linked.status !== 'active') throw forbidden('Your Tandem account has been deactivated.');
    throw new HttpError(409, 'already_member', 'You are already a member of a Tandem organisation.');
  }

  /**
   * Enters the account registered on the identity's email when the token alone vouches for the
   * address. An account the token cannot vouch for is never entered; `install` is told it exists (an
   * organisation cannot be created over its address), everyone else learns nothing.
   */
  private async enterIfAccountExists(
    identity: Identity,
    untrusted: 'ignore' | 'refuse' = 'ignore',
  ): Promise<{ orgId: string; userId: string } | null> {
    const account = await this.accountByEmail(identity.email);
    if (!account) return null;
    if (emailProofNeeded(identity, account.email, { tenantId: account.org_tenant_id }) !== 'claim') {
      if (untrusted === 'ignore') return null;
      throw new HttpError(
        409,
        'email_unconfirmed',
        'A Tandem account already uses your email address: ask for a code to prove the address is yours.',
      );
    }
    if (account.ms_object_id !== null) {
      throw conflict(
        'The Tandem account with your email address is associated with another Microsoft 365 account.',
      );
    }
    if (account.status !== 'active') throw forbidden('Your Tandem account has been deactivated.');
    await this.db.transaction().execute(async (trx) => {
      const linked = await trx
        .updateTable('users')
        .set({ ms_tenant_id: identity.tenantId, ms_object_id: identity.objectId })
        .where('id', '=', account.id)
        .where('ms_object_id', 'is', null)
        .executeTakeFirst();
      if (Number(linked.numUpdatedRows) !== 1) {
        throw conflict('The account was just associated with another Microsoft 365 account.');
      }
      await recordAudit(trx, {
        orgId: account.org_id,
        actor: { userId: account.id, email: identity.email },
        action: 'account.linked',
        target: { type: 'user', id: account.id },
        details: { tenantId: identity.tenantId },
      });
    });
    return { orgId: account.org_id, userId: account.id };
  }

  private linkedUser(identity: Identity) {
    return this.db
      .selectFrom('users')
      .select(['id', 'org_id', 'status'])
      .where('ms_tenant_id', '=', identity.tenantId)
      .where('ms_object_id', '=', identity.objectId)
      .executeTakeFirst();
  }

  private accountByEmail(email: string) {
    return this.db
      .selectFrom('users')
      .innerJoin('orgs', 'orgs.id', 'users.org_id')
      .select([
        'users.id',
        'users.org_id',
        'users.email',
        'users.status',
        'users.ms_object_id',
        'orgs.tenant_id as org_tenant_id',
      ])
      .where(sql`lower(users.email)`, '=', email.toLowerCase())
      .executeTakeFirst();
  }

  /** An account on the identity's email that only a code can open for it. */
  private async accountToProve(identity: Identity): Promise<boolean> {
    const account = await this.accountByEmail(identity.email);
    return Boolean(
      account && emailProofNeeded(identity, account.email, { tenantId: account.org_tenant_id }) === 'code',
    );
  }

  /** A not yet associated account on the identity's email that the token alone may enter. */
  private async enterableAccount(identity: Identity): Promise<boolean> {
    const account = await this.accountByEmail(identity.email);
    return Boolean(
      account &&
      account.ms_object_id === null &&
      emailProofNeeded(identity, account.email, { tenantId: account.org_tenant_id }) === 'claim',
    );
  }

  private async org(orgId: string): Promise<OrgSummary> {
    return this.db
      .selectFrom('orgs')
      .select(['id', 'name', 'edition'])
      .where('id', '=', orgId)
      .executeTakeFirstOrThrow();
  }

  private orgOfTenant(tenantId: string) {
    return this.db
      .selectFrom('orgs')
      .select(['id', 'name', 'edition'])
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
  }

  private invitationQuery() {
    return this.db
      .selectFrom('invitations')
      .innerJoin('orgs', 'orgs.id', 'invitations.org_id')
      .select([
        'invitations.id',
        'invitations.org_id',
        'orgs.name as org_name',
        'orgs.tenant_id as org_tenant_id',
        'invitations.email',
        'invitations.display_name',
        'invitations.ms_object_id',
        'invitations.status',
        'invitations.expires_at',
      ]);
  }

  private invitationByToken(token: string) {
    return this.invitationQuery().where('invitations.token_hash', '=', hashSecret(token)).executeTakeFirst();
  }

  /**
   * The newest usable invitation addressed to the identity that its token alone vouches for (opening
   * the add-in accepts it). Others are reached through their link, with a code.
   */
  private async invitationForIdentity(identity: Identity) {
    const candidates = await this.invitationQuery()
      .where(sql`lower(invitations.email)`, '=', identity.email)
      .where('invitations.status', '=', 'pending')
      .where('invitations.expires_at', '>', new Date())
      .orderBy('invitations.sent_at', 'desc')
      .execute();
    return (
      candidates.find(
        (c) =>
          invitationMatches(c, identity) &&
          emailProofNeeded(identity, c.email, { tenantId: c.org_tenant_id }) === 'claim',
      ) ?? null
    );
  }
}

interface InvitationCheck {
  email: string;
  ms_object_id: string | null;
  org_tenant_id: string | null;
  status: 'pending' | 'accepted' | 'revoked';
  expires_at: Date;
}

function invitationMatches(invitation: InvitationCheck, identity: Identity): boolean {
  if (invitation.email.toLowerCase() !== identity.email) return false;
  // Picked from the directory: only that very Microsoft 365 user of the organisation's tenant.
  if (invitation.ms_object_id !== null) {
    return invitation.ms_object_id === identity.objectId && invitation.org_tenant_id === identity.tenantId;
  }
  return true;
}

/** How the identity proves it owns the address the invitation was sent to. */
function invitationProof(invitation: InvitationCheck, identity: Identity): EmailProof {
  return emailProofNeeded(identity, invitation.email, { tenantId: invitation.org_tenant_id });
}

function checkInvitationUsable(invitation: InvitationCheck, identity: Identity): void {
  if (invitation.status === 'accepted') {
    throw new HttpError(409, 'invitation_used', 'This invitation has already been used.');
  }
  if (invitation.status === 'revoked') throw gone('invitation_revoked', 'This invitation was withdrawn.');
  if (invitation.expires_at.getTime() <= Date.now()) {
    throw gone('invitation_expired', 'This invitation has expired: ask for a new one.');
  }
  if (!invitationMatches(invitation, identity)) {
    throw new HttpError(
      403,
      'invitation_other_email',
      'This invitation was sent to another person: sign in with the account it was addressed to.',
    );
  }
}

function ids(identity: Identity) {
  return { tenantId: identity.tenantId, objectId: identity.objectId };
}

function codeInvalid(left: number): HttpError {
  return new HttpError(
    400,
    'code_invalid',
    left > 0
      ? `That code is not right; ${left} attempt${left === 1 ? '' : 's'} left.`
      : 'That code is not right. Ask for a new code.',
    {},
    { attemptsLeft: left },
  );
}

function isInstaller(identity: Identity): boolean {
  return identity.roles.some((role) => INSTALLER_ROLES.has(role));
}

function organisationNameFor(email: string): string {
  const domain = email.split('@')[1] ?? email;
  const name = domain.split('.')[0] ?? domain;
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** Active members who can approve requests and receive their mails: super admins and "manage users" holders. */
export async function userManagers(db: Db, orgId: string) {
  return db
    .selectFrom('users')
    .innerJoin('profiles', 'profiles.id', 'users.profile_id')
    .select(['users.id', 'users.email', 'users.language'])
    .where('users.org_id', '=', orgId)
    .where('users.status', '=', 'active')
    .where((eb) =>
      eb.or([
        eb('users.is_super_admin', '=', true),
        sql<boolean>`profiles.permissions @> '["manage_users"]'::jsonb`,
      ]),
    )
    .orderBy('users.email')
    .execute();
}

export async function recordTermsAcceptance(
  db: Db,
  input: {
    orgId: string;
    userId: string;
    identity: { tenantId: string; objectId: string; email: string };
    version: string;
    acceptedAt?: Date | undefined;
  },
): Promise<void> {
  await db
    .insertInto('terms_acceptances')
    .values({
      id: uuidv7(),
      org_id: input.orgId,
      user_id: input.userId,
      version: input.version,
      ms_tenant_id: input.identity.tenantId,
      ms_object_id: input.identity.objectId,
      email: input.identity.email,
      ...(input.acceptedAt ? { accepted_at: input.acceptedAt } : {}),
    })
    .execute();
}
