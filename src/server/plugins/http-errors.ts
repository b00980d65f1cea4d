import { Ajv, type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyError, FastifyInstance } from 'fastify';
import { databaseErrorAnswer, HttpError } from '../errors';

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
  app.setErrorHandler((caught: FastifyError | HttpError, request, reply) => {
    const fromDatabase = databaseErrorAnswer(caught);
    if (fromDatabase) {
      if (fromDatabase.statusCode >= 500) request.log.warn({ err: caught }, 'database unavailable');
      else request.log.info({ err: caught }, 'request refused by the database');
    }
    const error = fromDatabase ?? caught;
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

/** How deeply a request's JSON may nest; the API's own shapes stay far below it. */
const MAX_DEPTH = 32;
/** A UTF-16 surrogate without its other half. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** NUL, or a lone surrogate: text no column, mail or Graph call can carry. */
const unstorable = (text: string) => text.includes('\u0000') || LONE_SURROGATE.test(text);

/**
 * Refuses, for every route of this scope and before any route's own validation, text that cannot be
 * stored (NUL, lone surrogates) anywhere in the body, query string or path parameters, in values and
 * in keys alike, and bodies nested deeper than any of our shapes. The answer names the field.
 */
export function registerTextCheck(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const problem =
      findProblem(request.params, 'params') ??
      findProblem(request.query, 'querystring') ??
      findProblem(request.body, 'body');
    if (problem) throw new HttpError(400, 'invalid_request', problem);
  });
}

/** The first unstorable text or too-deep nesting in a parsed value, described; walked without recursion. */
function findProblem(root: unknown, name: string): string | undefined {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: root, path: name, depth: 0 }];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const { value, path, depth } = item;
    if (typeof value === 'string') {
      if (unstorable(value)) return `${path} contains a NUL character or an unpaired surrogate`;
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_DEPTH) return `${path} is nested too deeply`;
    const entries: [string | number, unknown][] = Array.isArray(value)
      ? [...value.entries()]
      : Object.entries(value);
    // Pushed last to first, so the first problem in the document's order is the one named.
    for (const [key, child] of entries.reverse()) {
      if (typeof key === 'string' && unstorable(key)) {
        return `${path} has a field name that contains a NUL character or an unpaired surrogate`;
      }
      stack.push({ value: child, path: `${path}.${key}`, depth: depth + 1 });
    }
  }
  return undefined;
}
