import { sql, type Kysely, type Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Actor } from '../auth/permissions';
import type { Database } from '../db/schema';
import { badRequest, conflict, forbidden, HttpError, notFound } from '../errors';
import { toLanguage, type Language } from '../mail/mail-templates';
import { enqueueMail } from '../mail/outbox';
import { recordAudit } from './audit-log';
import { recordTermsAcceptance } from './onboarding-service';
import { isUniqueViolation, links, type OnboardingSettings } from './onboarding-settings';
import { hashSecret, newLinkToken } from './one-time-secrets';
import { addMember } from './org-service';

type Db = Kysely<Database> | Transaction<Database>;

export interface Invitee {
  email: string;
  displayName?: string | undefined;
  /** Directory object id, when picked from the tenant's Microsoft 365 users. */
  msObjectId?: string | undefined;
}

export interface InviteResult {
  invited: { id: string; email: string; expiresAt: string; replaced: boolean }[];
  skipped: { email: string; reason: 'already_member' | 'duplicate' }[];
}

/** The Users page: members and their profiles, invitations, join requests, and the audit log. */
export class UserAdminService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly settings: OnboardingSettings,
  ) {}

  // ---- members -------------------------------------------------------------------------------

  async members(actor: Actor) {
    const rows = await this.db
      .selectFrom('users')
      .innerJoin('profiles', 'profiles.id', 'users.profile_id')
      .select([
        'users.id',
        'users.email',
        'users.display_name',
        'users.status',
        'users.is_super_admin',
        'users.ms_object_id',
        'users.created_at',
        'profiles.id as profile_id',
        'profiles.name as profile_name',
      ])
      .where('users.org_id', '=', actor.orgId)
      .orderBy('users.display_name')
      .orderBy('users.id')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      email: r.email,
      displayName: r.display_name,
      status: r.status,
      isSuperAdmin: r.is_super_admin,
      microsoft365: r.ms_object_id !== null,
      profile: { id: r.profile_id, name: r.profile_name },
      createdAt: r.created_at.toISOString(),
    }));
  }

  async profiles(actor: Actor) {
    const rows = await this.db
      .selectFrom('profiles')
      .select(['id', 'name', 'permissions', 'is_default'])
      .where('org_id', '=', actor.orgId)
      .orderBy('name')
      .execute();
    return rows.map((r) => ({ id: r.id, name: r.name, permissions: r.permissions, isDefault: r.is_default }));
  }

  async changeProfile(actor: Actor, userId: string, profileId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const user = await this.memberForChange(trx, actor, userId);
      const profile = await trx
        .selectFrom('profiles')
        .select(['id', 'name'])
        .where('org_id', '=', actor.orgId)
        .where('id', '=', profileId)
        .executeTakeFirst();
      if (!profile) throw badRequest('body.profileId is not a profile of your organisation');
      if (user.profile_id === profile.id) return;
      await trx.updateTable('users').set({ profile_id: profile.id }).where('id', '=', user.id).execute();
      await recordAudit(trx, {
        orgId: actor.orgId,
        actor: { userId: actor.userId, email: actor.email },
        action: 'user.profile_changed',
        target: { type: 'user', id: user.id },
        details: { from: user.profile_name, to: profile.name },
      });
    });
  }

  /** Deactivated members cannot sign in; everything they own stays. */
  async setStatus(actor: Actor, userId: string, status: 'active' | 'deactivated'): Promise<void> {
    if (userId === actor.userId && status === 'deactivated') {
      throw conflict('You cannot deactivate yourself.');
    }
    await this.db.transaction().execute(async (trx) => {
      const user = await this.memberForChange(trx, actor, userId);
      if (user.status === status) return;
      await trx.updateTable('users').set({ status }).where('id', '=', user.id).execute();
      await recordAudit(trx, {
        orgId: actor.orgId,
        actor: { userId: actor.userId, email: actor.email },
        action: status === 'deactivated' ? 'user.deactivated' : 'user.reactivated',
        target: { type: 'user', id: user.id },
      });
    });
  }

  private async memberForChange(trx: Db, actor: Actor, userId: string) {
    const user = await trx
      .selectFrom('users')
      .innerJoin('profiles', 'profiles.id', 'users.profile_id')
      .select([
        'users.id',
        'users.status',
        'users.is_super_admin',
        'users.profile_id',
        'profiles.name as profile_name',
      ])
      .where('users.org_id', '=', actor.orgId)
      .where('users.id', '=', userId)
      .forUpdate()
      .executeTakeFirst();
    if (!user) throw notFound('User');
    // A super admin answers only to another super admin.
    if (user.is_super_admin && !actor.isSuperAdmin) {
      throw forbidden('Only a super admin can change a super admin.');
    }
    return user;
  }

  // ---- invitations ---------------------------------------------------------------------------

  async pendingInvitations(actor: Actor) {
    const rows = await this.db
      .selectFrom('invitations')
      .select(['id', 'email', 'display_name', 'ms_object_id', 'sent_at', 'expires_at', 'invited_by'])
      .where('org_id', '=', actor.orgId)
      .where('status', '=', 'pending')
      .orderBy('sent_at', 'desc')
      .execute();
    const now = Date.now();
    return rows.map((r) => ({
      id: r.id,
      email: r.email,
      displayName: r.display_name,
      microsoft365: r.ms_object_id !== null,
      sentAt: r.sent_at.toISOString(),
      expiresAt: r.expires_at.toISOString(),
      expired: r.expires_at.getTime() <= now,
      invitedBy: r.invited_by,
    }));
  }

  /** Invites people (paid editions only); inviting someone already invited replaces their link. */
  async invite(actor: Actor, invitees: Invitee[], language: Language | undefined): Promise<InviteResult> {
    const org = await this.paidOrg(actor);
    const result: InviteResult = { invited: [], skipped: [] };
    const seen = new Set<string>();
    for (const invitee of invitees) {
      const email = invitee.email.trim().toLowerCase();
      if (seen.has(email)) {
        result.skipped.push({ email, reason: 'duplicate' });
        continue;
      }
      seen.add(email);
      // Only the organisation's own members are skipped: an address with an account in another
      // organisation is invited like any other, so the answer never tells that it has one.
      const member = await this.db
        .selectFrom('users')
        .select('id')
        .where('org_id', '=', actor.orgId)
        .where(sql`lower(email)`, '=', email)
        .executeTakeFirst();
      if (member) {
        result.skipped.push({ email, reason: 'already_member' });
        continue;
      }
      result.invited.push(await this.sendInvitation(actor, org, { ...invitee, email }, language));
    }
    if (result.invited.length > 0) this.settings.mailQueued();
    return result;
  }

  /** A new link for a pending invitation (the old one stops working) and a new mail. */
  async resendInvitation(actor: Actor, invitationId: string) {
    const org = await this.paidOrg(actor);
    const invitation = await this.db
      .selectFrom('invitations')
      .select(['email', 'display_name', 'ms_object_id', 'status', 'language'])
      .where('org_id', '=', actor.orgId)
      .where('id', '=', invitationId)
      .executeTakeFirst();
    if (!invitation) throw notFound('Invitation');
    if (invitation.status !== 'pending') throw conflict(`This invitation is ${invitation.status}.`);
    const sent = await this.sendInvitation(
      actor,
      org,
      {
        email: invitation.email,
        displayName: invitation.display_name ?? undefined,
        msObjectId: invitation.ms_object_id ?? undefined,
      },
      toLanguage(invitation.language),
    );
    this.settings.mailQueued();
    return sent;
  }

  async revokeInvitation(actor: Actor, invitationId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const invitation = await trx
        .selectFrom('invitations')
        .select(['id', 'status', 'email'])
        .where('org_id', '=', actor.orgId)
        .where('id', '=', invitationId)
        .forUpdate()
        .executeTakeFirst();
      if (!invitation) throw notFound('Invitation');
      if (invitation.status !== 'pending') throw conflict(`This invitation is ${invitation.status}.`);
      await trx
        .updateTable('invitations')
        .set({ status: 'revoked' })
        .where('id', '=', invitation.id)
        .execute();
      await recordAudit(trx, {
        orgId: actor.orgId,
        actor: { userId: actor.userId, email: actor.email },
        action: 'invitation.revoked',
        target: { type: 'invitation', id: invitation.id },
        details: { email: invitation.email },
      });
    });
  }

  private async sendInvitation(
    actor: Actor,
    org: { id: string; name: string },
    invitee: Invitee,
    language: Language | undefined,
  ): Promise<InviteResult['invited'][number]> {
    const token = newLinkToken();
    const expiresAt = new Date(Date.now() + this.settings.invitationTtlMs);
    const lang = language ?? 'en';
    const inviter = await this.db
      .selectFrom('users')
      .select('display_name')
      .where('id', '=', actor.userId)
      .executeTakeFirstOrThrow();
    const attempt = () =>
      this.db.transaction().execute(async (trx) => {
        const existing = await trx
          .selectFrom('invitations')
          .select(['id', 'display_name'])
          .where('org_id', '=', org.id)
          .where(sql`lower(email)`, '=', invitee.email)
          .where('status', '=', 'pending')
          .forUpdate()
          .executeTakeFirst();
        const id = existing?.id ?? uuidv7();
        const values = {
          email: invitee.email,
          // A re-invite without a name (e.g. "New user" with the name left empty) keeps the one on file.
          display_name: invitee.displayName ?? existing?.display_name ?? null,
          ms_object_id: invitee.msObjectId ?? null,
          language: lang,
          token_hash: hashSecret(token),
          sent_at: new Date(),
          expires_at: expiresAt,
          invited_by: actor.userId,
        };
        if (existing) {
          // Re-inviting replaces the link: the old token's hash is gone, so the old link is dead.
          await trx.updateTable('invitations').set(values).where('id', '=', id).execute();
        } else {
          await trx
            .insertInto('invitations')
            .values({ id, org_id: org.id, status: 'pending', ...values })
            .execute();
        }
        await enqueueMail(trx, {
          orgId: org.id,
          to: invitee.email,
          language: lang,
          template: 'invitation',
          params: {
            orgName: org.name,
            inviterName: inviter.display_name,
            link: links.invitation(this.settings, token),
            expiresAt,
          },
        });
        await recordAudit(trx, {
          orgId: org.id,
          actor: { userId: actor.userId, email: actor.email },
          action: existing ? 'invitation.replaced' : 'invitation.created',
          target: { type: 'invitation', id },
          details: { email: invitee.email, microsoft365: invitee.msObjectId !== undefined },
        });
        return { id, email: invitee.email, expiresAt: expiresAt.toISOString(), replaced: Boolean(existing) };
      });
    try {
      return await attempt();
    } catch (error) {
      // Two admins inviting the same person at once: the second becomes a replacement.
      if (isUniqueViolation(error)) return attempt();
      throw error;
    }
  }

  private async paidOrg(actor: Actor) {
    const org = await this.db
      .selectFrom('orgs')
      .select(['id', 'name', 'edition'])
      .where('id', '=', actor.orgId)
      .executeTakeFirstOrThrow();
    if (org.edition !== 'paid') {
      throw new HttpError(
        403,
        'paid_edition_required',
        'Inviting users needs a paid edition of Tandem; your organisation uses the free edition.',
      );
    }
    return org;
  }

  // ---- join requests -------------------------------------------------------------------------

  async pendingJoinRequests(actor: Actor) {
    const rows = await this.db
      .selectFrom('join_requests')
      .select(['id', 'email', 'display_name', 'message', 'created_at'])
      .where('org_id', '=', actor.orgId)
      .where('status', '=', 'pending')
      .orderBy('created_at')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      email: r.email,
      displayName: r.display_name,
      message: r.message,
      createdAt: r.created_at.toISOString(),
    }));
  }

  /** One request, whatever its state: the "Approve and add" dialog opened from a mail may find it decided. */
  async joinRequest(actor: Actor, requestId: string) {
    const r = await this.db
      .selectFrom('join_requests')
      .leftJoin('users as decider', 'decider.id', 'join_requests.decided_by')
      .select([
        'join_requests.id',
        'join_requests.email',
        'join_requests.display_name',
        'join_requests.message',
        'join_requests.status',
        'join_requests.created_at',
        'join_requests.decided_at',
        'decider.email as decided_by_email',
      ])
      .where('join_requests.org_id', '=', actor.orgId)
      .where('join_requests.id', '=', requestId)
      .executeTakeFirst();
    if (!r) throw notFound('Join request');
    return {
      id: r.id,
      email: r.email,
      displayName: r.display_name,
      message: r.message,
      status: r.status,
      createdAt: r.created_at.toISOString(),
      decidedAt: r.decided_at?.toISOString() ?? null,
      decidedBy: r.decided_by_email,
    };
  }

  /** "Approve and add": the requester becomes a member (default profile unless one is chosen) and is told. */
  async approveJoinRequest(actor: Actor, requestId: string, profileId: string | undefined) {
    const result = await this.db.transaction().execute(async (trx) => {
      const request = await this.pendingRequest(trx, actor, requestId);
      const org = await trx
        .selectFrom('orgs')
        .select(['name'])
        .where('id', '=', actor.orgId)
        .executeTakeFirstOrThrow();
      let profileName: string | undefined;
      if (profileId) {
        const profile = await trx
          .selectFrom('profiles')
          .select('name')
          .where('org_id', '=', actor.orgId)
          .where('id', '=', profileId)
          .executeTakeFirst();
        if (!profile) throw badRequest('body.profileId is not a profile of your organisation');
        profileName = profile.name;
      }
      const taken = await trx
        .selectFrom('users')
        .select('id')
        .where((eb) =>
          eb.or([
            eb(sql`lower(email)`, '=', request.email.toLowerCase()),
            eb.and([
              eb('ms_tenant_id', '=', request.ms_tenant_id),
              eb('ms_object_id', '=', request.ms_object_id),
            ]),
          ]),
        )
        .executeTakeFirst();
      if (taken) throw conflict('The requester already has a Tandem account.');
      const userId = await addMember(
        trx,
        actor.orgId,
        {
          email: request.email,
          displayName: request.display_name,
          msTenantId: request.ms_tenant_id,
          msObjectId: request.ms_object_id,
        },
        profileName,
      );
      await trx.updateTable('users').set({ language: request.language }).where('id', '=', userId).execute();
      await trx
        .updateTable('join_requests')
        .set({ status: 'approved', decided_at: new Date(), decided_by: actor.userId, user_id: userId })
        .where('id', '=', request.id)
        .execute();
      await recordTermsAcceptance(trx, {
        orgId: actor.orgId,
        userId,
        identity: { tenantId: request.ms_tenant_id, objectId: request.ms_object_id, email: request.email },
        version: request.terms_version,
        acceptedAt: request.created_at,
      });
      await enqueueMail(trx, {
        orgId: actor.orgId,
        to: request.email,
        language: toLanguage(request.language),
        template: 'join_approved',
        params: { orgName: org.name, link: links.app(this.settings) },
      });
      await recordAudit(trx, {
        orgId: actor.orgId,
        actor: { userId: actor.userId, email: actor.email },
        action: 'join_request.approved',
        target: { type: 'join_request', id: request.id },
        details: { userId, email: request.email, profile: profileName ?? 'default' },
      });
      return { userId };
    });
    this.settings.mailQueued();
    return result;
  }

  async rejectJoinRequest(actor: Actor, requestId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const request = await this.pendingRequest(trx, actor, requestId);
      const org = await trx
        .selectFrom('orgs')
        .select(['name'])
        .where('id', '=', actor.orgId)
        .executeTakeFirstOrThrow();
      await trx
        .updateTable('join_requests')
        .set({ status: 'rejected', decided_at: new Date(), decided_by: actor.userId })
        .where('id', '=', request.id)
        .execute();
      await enqueueMail(trx, {
        orgId: actor.orgId,
        to: request.email,
        language: toLanguage(request.language),
        template: 'join_rejected',
        params: { orgName: org.name },
      });
      await recordAudit(trx, {
        orgId: actor.orgId,
        actor: { userId: actor.userId, email: actor.email },
        action: 'join_request.rejected',
        target: { type: 'join_request', id: request.id },
        details: { email: request.email },
      });
    });
    this.settings.mailQueued();
  }

  private async pendingRequest(trx: Db, actor: Actor, requestId: string) {
    // Scoped to the caller's organisation: another tenant's request is simply not found.
    const request = await trx
      .selectFrom('join_requests')
      .selectAll()
      .where('org_id', '=', actor.orgId)
      .where('id', '=', requestId)
      .forUpdate()
      .executeTakeFirst();
    if (!request) throw notFound('Join request');
    if (request.status !== 'pending') throw conflict(`This request was already ${request.status}.`);
    return request;
  }

  // ---- audit log -----------------------------------------------------------------------------

  async auditLog(actor: Actor, options: { limit: number; before?: string | undefined }) {
    const rows = await this.db
      .selectFrom('audit_log')
      .select([
        'id',
        'actor_user_id',
        'actor_email',
        'action',
        'target_type',
        'target_id',
        'details',
        'created_at',
      ])
      .where('org_id', '=', actor.orgId)
      .$if(options.before !== undefined, (q) => q.where('id', '<', options.before as string))
      .orderBy('id', 'desc')
      .limit(options.limit)
      .execute();
    return {
      items: rows.map((r) => ({
        id: r.id,
        at: r.created_at.toISOString(),
        actor: { userId: r.actor_user_id, email: r.actor_email },
        action: r.action,
        target: { type: r.target_type, id: r.target_id },
        details: r.details,
      })),
      next: rows.length === options.limit ? rows[rows.length - 1]!.id : null,
    };
  }
}
