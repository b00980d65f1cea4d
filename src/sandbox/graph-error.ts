/** A failure answered in Microsoft Graph's error shape: `{"error":{"code","message","innerError"}}`. */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'GraphError';
  }
}

export function graphErrorBody(
  code: string,
  message: string,
  requestId: string,
  date: Date,
): { error: { code: string; message: string; innerError: Record<string, string> } } {
  return {
    error: {
      code,
      message,
      innerError: {
        date: date.toISOString().replace(/\.\d{3}Z$/, ''),
        'request-id': requestId,
        'client-request-id': requestId,
      },
    },
  };
}

export const badRequest = (message: string, code = 'ErrorInvalidRequest'): GraphError =>
  new GraphError(400, code, message);

export const itemNotFound = (
  message = 'The specified object was not found in the store.',
  code = 'ErrorItemNotFound',
): GraphError => new GraphError(404, code, message);

/** Graph's answer to a body property the v1.0 type does not define. */
export const unknownProperty = (property: string, type: string): GraphError =>
  new GraphError(
    400,
    'RequestBodyRead',
    `The property '${property}' does not exist on type 'microsoft.graph.${type}'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
  );
