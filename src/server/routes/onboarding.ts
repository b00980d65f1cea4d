import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { identityOf } from '../plugins/auth';
import { registerRateLimits } from '../plugins/rate-limit';
import type { OnboardingService } from '../services/onboarding-service';

const Terms = {
  acceptTerms: Type.Literal(true),
  termsVersion: Type.String({ minLength: 1, maxLength: 40 }),
};
const LanguageCode = Type.Union([Type.Literal('en'), Type.Literal('es')]);
const Email = Type.String({ format: 'email', maxLength: 254 });
const Token = Type.String({ pattern: '^[A-Za-z0-9_-]{20,100}$' });
const Code = Type.String({ pattern: '^[0-9]{6}$' });

/**
 * Onboarding, for a signed-in Microsoft 365 identity that may not be a member yet (`identity` access):
 * what to show, install, enter a same-email account, associate another account, accept an
 * invitation, request to join.
 */
export function registerOnboardingRoutes(app: FastifyInstance, onboarding: OnboardingService): void {
  void app.register(async (scope) => {
    await registerRateLimits(scope, onboarding.db);
    onboardingRoutes(scope, onboarding);
  });
}

function onboardingRoutes(app: FastifyInstance, onboarding: OnboardingService): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const config = { access: 'identity' as const };
  // Routes that mail someone, check a secret or write, per caller in the store every replica shares.
  const limited = {
    ...config,
    rateLimit: { max: onboarding.settings.requestsPerHour, timeWindow: 3600_000 },
  };

  api.get('/api/onboarding', { config }, async (request) => onboarding.state(identityOf(request)));

  api.post(
    '/api/onboarding/install',
    {
      config: limited,
      schema: {
        body: Type.Object(
          { ...Terms, orgName: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const result = await onboarding.install(identityOf(request), request.body);
      return reply.status(result.created ? 201 : 200).send(result);
    },
  );

  api.post('/api/onboarding/enter', { config: limited }, async (request) =>
    onboarding.enter(identityOf(request)),
  );

  api.post(
    '/api/onboarding/associate/code',
    {
      config: limited,
      schema: {
        body: Type.Object(
          { email: Email, language: Type.Optional(LanguageCode) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) =>
      reply.status(202).send(await onboarding.requestAssociationCode(identityOf(request), request.body)),
  );

  api.post(
    '/api/onboarding/associate/verify',
    {
      config: limited,
      schema: {
        body: Type.Object({ code: Code }, { additionalProperties: false }),
      },
    },
    async (request) => onboarding.verifyAssociationCode(identityOf(request), request.body.code),
  );

  // The token travels in the body, never in a URL that could end up in a log.
  api.post(
    '/api/onboarding/invitation',
    { config: limited, schema: { body: Type.Object({ token: Token }, { additionalProperties: false }) } },
    async (request) => onboarding.previewInvitation(identityOf(request), request.body.token),
  );

  // From another tenant (or with an unverified email claim) the invitation's address is proven by a
  // code mailed to it, sent with the link's token to `accept`.
  api.post(
    '/api/onboarding/invitation/code',
    {
      config: limited,
      schema: {
        body: Type.Object(
          { token: Token, language: Type.Optional(LanguageCode) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) =>
      reply.status(202).send(await onboarding.requestInvitationCode(identityOf(request), request.body)),
  );

  api.post(
    '/api/onboarding/accept',
    {
      config: limited,
      schema: {
        body: Type.Object(
          { ...Terms, token: Type.Optional(Token), code: Type.Optional(Code) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) =>
      reply.status(201).send(await onboarding.acceptInvitation(identityOf(request), request.body)),
  );

  api.post(
    '/api/onboarding/join-request',
    {
      config: limited,
      schema: {
        body: Type.Object(
          {
            ...Terms,
            message: Type.Optional(Type.String({ maxLength: 500 })),
            language: Type.Optional(LanguageCode),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) =>
      reply.status(201).send(await onboarding.requestToJoin(identityOf(request), request.body)),
  );
}
