import type { GraphContext, RouteDefinition } from './graph-dispatcher';
import { GraphError } from './graph-error';
import { applySelect, graphUrl, odataContext, parseSelect, parseTop } from './graph-request';
import { matchesFilter, parseFilter } from './odata-filter';
import type { UserRecord } from './sandbox-state';

const USER_SCOPES = ['User.ReadBasic.All', 'User.Read.All', 'Directory.Read.All'];
/** Filter operators Entra ID only accepts as "advanced queries" (ConsistencyLevel + $count). */
const ADVANCED_OPERATORS = ['ne', 'not', 'endswith'];

function renderUser(user: UserRecord): Record<string, unknown> {
  return {
    businessPhones: [...user.businessPhones],
    displayName: user.displayName,
    givenName: user.givenName,
    jobTitle: user.jobTitle,
    mail: user.mail,
    mobilePhone: user.mobilePhone,
    officeLocation: user.officeLocation,
    preferredLanguage: user.preferredLanguage,
    surname: user.surname,
    userPrincipalName: user.userPrincipalName,
    id: user.id,
  };
}

function getMe(ctx: GraphContext) {
  const select = parseSelect(ctx.req.query);
  return {
    body: {
      '@odata.context': odataContext(
        ctx.req.origin,
        select ? `users(${[...select].join(',')})/$entity` : 'users/$entity',
      ),
      ...applySelect(renderUser(ctx.caller), select),
    },
  };
}

function getUser(ctx: GraphContext) {
  const key = ctx.params.id!;
  const user = ctx.sandbox.findUser(key);
  if (!user || user.tenantId !== ctx.caller.tenantId) {
    throw new GraphError(
      404,
      'Request_ResourceNotFound',
      `Resource '${key}' does not exist or one of its queried reference-property objects are not present.`,
    );
  }
  return {
    body: {
      '@odata.context': odataContext(ctx.req.origin, 'users/$entity'),
      ...applySelect(renderUser(user), parseSelect(ctx.req.query)),
    },
  };
}

/** `$search="displayName:an" OR "mail:an"`: word-prefix matching like the directory's tokenised search. */
function searchMatcher(search: string): (user: Record<string, unknown>) => boolean {
  const text = search.trim();
  const clauses = [...text.matchAll(/"([^"]*)"|(\bAND\b|\bOR\b)/g)];
  if (clauses.length === 0) {
    throw new GraphError(
      400,
      'Request_UnsupportedQuery',
      `Syntax error: the $search value '${search}' is not valid.`,
    );
  }
  const terms: { property: string; term: string }[] = [];
  const joins: string[] = [];
  for (const clause of clauses) {
    if (clause[2]) {
      joins.push(clause[2]);
      continue;
    }
    const [property, ...rest] = clause[1]!.split(':');
    if (rest.length === 0 || !property) {
      throw new GraphError(
        400,
        'Request_UnsupportedQuery',
        'The $search value must name a property, e.g. "displayName:value".',
      );
    }
    terms.push({ property, term: rest.join(':').toLowerCase() });
  }
  const any = joins.some((j) => j === 'OR');
  return (user) => {
    const results = terms.map(({ property, term }) => {
      const key = Object.keys(user).find((k) => k.toLowerCase() === property.toLowerCase());
      const value = key ? user[key] : undefined;
      if (typeof value !== 'string') return false;
      const lower = value.toLowerCase();
      return lower.startsWith(term) || lower.split(/[\s@._-]+/).some((word) => word.startsWith(term));
    });
    return any ? results.some(Boolean) : results.every(Boolean);
  };
}

function listUsers(ctx: GraphContext) {
  const { query, headers } = ctx.req;
  const eventual = headers.consistencylevel?.toLowerCase() === 'eventual';
  const count = query.get('$count');
  if (query.has('$skip'))
    throw new GraphError(400, 'Request_BadRequest', "'$skip' is not supported by the service.");
  if (count !== null && !eventual) {
    throw new GraphError(400, 'Request_BadRequest', '$count is not currently supported.');
  }
  let users = Object.values(ctx.sandbox.state.users)
    .filter((u) => u.tenantId === ctx.caller.tenantId)
    .map(renderUser);

  const filterText = query.get('$filter');
  if (filterText) {
    const filter = parseFilter(filterText);
    if (filter.features.has('contains')) {
      throw new GraphError(
        400,
        'Request_UnsupportedQuery',
        "Unsupported Query: 'contains' is not supported.",
      );
    }
    if (ADVANCED_OPERATORS.some((op) => filter.features.has(op)) && !(eventual && count === 'true')) {
      throw new GraphError(
        400,
        'Request_UnsupportedQuery',
        "Unsupported or invalid query filter clause specified. Advanced queries need 'ConsistencyLevel: eventual' and '$count=true'.",
      );
    }
    users = users.filter((u) => matchesFilter(filter, u));
  }
  const search = query.get('$search');
  if (search !== null) {
    if (!eventual) {
      throw new GraphError(
        400,
        'Request_UnsupportedQuery',
        "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
      );
    }
    const matches = searchMatcher(search);
    users = users.filter(matches);
  }
  const orderBy = query.get('$orderby');
  const [orderField, direction] = (orderBy ?? 'displayName').trim().split(/\s+/);
  if (
    orderBy &&
    !['displayname', 'userprincipalname', 'mail', 'givenname', 'surname'].includes(orderField!.toLowerCase())
  ) {
    throw new GraphError(400, 'Request_UnsupportedQuery', `Sorting by '${orderField}' is not supported.`);
  }
  const key =
    Object.keys(users[0] ?? {}).find((k) => k.toLowerCase() === orderField!.toLowerCase()) ?? 'displayName';
  users.sort(
    (a, b) => String(a[key] ?? '').localeCompare(String(b[key] ?? '')) * (direction === 'desc' ? -1 : 1),
  );

  const top = parseTop(query, 999) ?? 100;
  const skipToken = query.get('$skiptoken');
  const offset = skipToken ? decodeOffset(skipToken) : 0;
  const page = users.slice(offset, offset + top);
  const select = parseSelect(query);
  const body: Record<string, unknown> = { '@odata.context': odataContext(ctx.req.origin, 'users') };
  if (count === 'true') body['@odata.count'] = users.length;
  if (offset + top < users.length) {
    const next = new URLSearchParams(query);
    next.set('$skiptoken', encodeOffset(offset + top));
    body['@odata.nextLink'] = graphUrl(ctx.req.origin, ctx.requestPath, next);
  }
  body.value = page.map((u) => applySelect(u, select));
  return { body };
}

function encodeOffset(offset: number): string {
  return 'RFNwdAIAAQAAA' + Buffer.from(`offset:${offset}`).toString('base64url');
}

function decodeOffset(token: string): number {
  const match = /^offset:(\d+)$/.exec(Buffer.from(token.slice(13), 'base64url').toString('utf8'));
  if (!token.startsWith('RFNwdAIAAQAAA') || !match) {
    throw new GraphError(
      400,
      'Request_BadRequest',
      'The specified page token value has expired or is invalid.',
    );
  }
  return Number(match[1]);
}

export const userRoutes: RouteDefinition[] = [
  { method: 'GET', template: '/me', scopes: ['User.Read', ...USER_SCOPES], handler: getMe },
  { method: 'GET', template: '/users', scopes: USER_SCOPES, handler: listUsers },
  { method: 'GET', template: '/users/{id}', scopes: USER_SCOPES, handler: getUser },
];
