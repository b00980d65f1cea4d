import { Ajv, type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyError, FastifyInstance } from 'fastify';
import { HttpError } from '../errors';

/**
 * Strict input validation: bodies are never coerced and unknown fields are refused (so a typo is an
 * error, not silently dropped data); query strings and path params are coerced from text.
 */
export function registerValidation(app: FastifyInstance): void {
  const strict = addFormats(
    new Ajv({
      allErrors: false,
      coerceTypes: false,
      removeAdditional: false,
      useDefaults: true,
      strict: false,
    }),
  );
  const lenient = addFormats(
    new Ajv({
      allErrors: false,
      coerceTypes: 'array',
      removeAdditional: false,
      useDefaults: true,
      strict: false,
    }),
  );
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? strict : lenient).compile(schema),
  );
  app.setSchemaErrorFormatter(
    (errors, dataVar) => new HttpError(400, 'invalid_request', describe(errors[0], dataVar)),
  );
}

function describe(error: ErrorObject | undefined, dataVar: string): string {
  if (!error) return `${dataVar} is not valid`;
  const where = dataVar + error.instancePath.replace(/\//g, '.');
  switch (error.keyword) {
    case 'additionalProperties':
      return `${where}.${String(error.params.additionalProperty)} is not a known field`;
    case 'required':
      return `${where}.${String(error.params.missingProperty)} is required`;
    case 'anyOf':
      return `${where} has an invalid value`;
    default:
      return `${where} ${error.message ?? 'is not valid'}`;
  }
}

/** Every error answers `{ "error": { code, message } }`; 5xx answers never reveal internals. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | HttpError, request, reply) => {
    if (error instanceof HttpError) {
      return reply
        .status(error.statusCode)
        .headers(error.headers)
        .send({ error: { ...error.details, code: error.code, message: error.message } });
    }
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return reply
        .status(status)
        .send({ error: { code: 'internal_error', message: 'Something went wrong on our side.' } });
    }
    return reply.status(status).send({ error: { code: clientCode(error), message: clientMessage(error) } });
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({
      error: { code: 'not_found', message: `No route for ${request.method} ${request.url.split('?')[0]}.` },
    });
  });
}

function clientCode(error: FastifyError): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'body_too_large';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'unsupported_media_type';
    default:
      return 'invalid_request';
  }
}

function clientMessage(error: FastifyError): string {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'The request body is not valid JSON.';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'The request body is too large.';
    default:
      return error.message;
  }
}
