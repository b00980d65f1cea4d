import { parseArgs } from 'node:util';
import { demoContact, demoEvent, random } from './seed-data';

const USAGE = `Usage: tandem seed [--url URL] [--user UPN] [--contacts N] [--events N] [--imported PCT] [--seed N]

Fills a running Tandem (on the Graph sandbox) with realistic demo data for one user: contacts and events
created one by one (they sync), a share imported in bulk (they do not, until mass-updated), and a few
items already in the user's Outlook. Installs the organisation first when the user is its administrator.

  --url URL        the server (default http://localhost:3000)
  --user UPN       the demo user (default admin@contoso.example)
  --contacts N     CRM contacts to create (default 200)
  --events N       CRM events to create (default 100)
  --imported PCT   share created by bulk import, in percent (default 20)
  --seed N         random seed, for the same data every time (default 1)
`;

export async function seed(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string', default: 'http://localhost:3000' },
      user: { type: 'string', default: 'admin@contoso.example' },
      contacts: { type: 'string', default: '200' },
      events: { type: 'string', default: '100' },
      imported: { type: 'string', default: '20' },
      seed: { type: 'string', default: '1' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return void console.log(USAGE);
  const base = values.url.replace(/\/$/, '');
  const counts = {
    contacts: count(values.contacts, '--contacts'),
    events: count(values.events, '--events'),
    imported: count(values.imported, '--imported'),
  };
  if (counts.imported > 100) throw new Error('--imported is a percentage between 0 and 100.');
  const next = random(count(values.seed, '--seed'));
  const crm = client(base, await sandboxToken(base, values.user, 'crm'));
  const graph = client(`${base}/graph/v1.0`, await sandboxToken(base, values.user, 'graph'));

  await joinOrganisation(crm, values.user);
  const today = new Date().toISOString().slice(0, 10);
  for (const [resource, total] of [
    ['contacts', counts.contacts],
    ['events', counts.events],
  ] as const) {
    const imported = Math.round((total * counts.imported) / 100);
    const records = Array.from({ length: total }, (_, i) =>
      resource === 'contacts' ? demoContact(next, i) : demoEvent(next, i, today),
    );
    for (let i = imported; i < total; i++) {
      await crm('POST', `/api/${resource}`, { ...records[i], origin: 'api' });
      progress(`${resource}: ${i - imported + 1}/${total - imported} created`);
    }
    for (let i = 0; i < imported; i += 1000) {
      await crm('POST', `/api/${resource}/import`, {
        records: records.slice(i, Math.min(i + 1000, imported)),
      });
    }
    progress(`${resource}: ${total - imported} created one by one, ${imported} imported\n`);
  }

  // Some of the user's own Outlook items, outside Tandem's calendar and folder.
  for (let i = 0; i < 5; i++) {
    const c = demoContact(next, 10_000 + i);
    await graph('POST', '/me/contacts', {
      givenName: c.firstName,
      surname: c.lastName,
      emailAddresses: [{ address: c.email, name: `${c.firstName} ${c.lastName}` }],
      companyName: c.accountName,
    });
  }
  console.log(
    `Seeded ${values.user}: ${counts.contacts} contacts, ${counts.events} events, 5 Outlook contacts.`,
  );
}

type Call = (method: string, path: string, body?: unknown) => Promise<unknown>;

function client(base: string, token: string): Call {
  return async (method, path, body) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
    return text ? (JSON.parse(text) as unknown) : undefined;
  };
}

async function sandboxToken(base: string, user: string, audience: 'crm' | 'graph'): Promise<string> {
  let res: Response;
  try {
    res = await fetch(`${base}/sandbox/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user, audience }),
    });
  } catch {
    throw new Error(`No Tandem server answers at ${base}: start one with \`npm start\`.`);
  }
  if (res.status === 404)
    throw new Error(`${base} does not run the Graph sandbox: seed works on the demo tenant only.`);
  if (!res.ok)
    throw new Error(`The sandbox refused a token for ${user} (${res.status}): ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** Makes the user a member: installs the organisation (an administrator) or enters a same-email account. */
async function joinOrganisation(crm: Call, user: string): Promise<void> {
  const state = (await crm('GET', '/api/onboarding')) as { state?: string; termsVersion: string };
  if (state.state === 'member') return;
  if (state.state === 'install') {
    await crm('POST', '/api/onboarding/install', { acceptTerms: true, termsVersion: state.termsVersion });
    return;
  }
  if (state.state === 'existing_account') {
    await crm('POST', '/api/onboarding/enter');
    return;
  }
  throw new Error(`${user} is not a member of an organisation (onboarding state "${state.state}").`);
}

function count(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} must be a whole number, got "${text}".`);
  return n;
}

function progress(line: string): void {
  if (process.stdout.isTTY) process.stdout.write(`\r${line}`);
  else if (line.endsWith('\n')) process.stdout.write(line);
}
