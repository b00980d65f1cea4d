import fc from 'fast-check';
import type { EventFields } from '../../../src/domain/event';
import { instantToLocal, localToInstant } from '../../../src/domain/time-zones';
import { createEventMapper, planOccurrenceWrites } from '../../../src/sync/mapping/event-mapper';
import { crmIdOf, withCrmId, expandTandemProperties } from '../../../src/sync/mapping/extended-properties';
import type { GraphEvent, GraphSeries } from '../../../src/sync/mapping/graph-event';
import { BRUNO, CARMEN } from '../../sandbox/support/sandbox-harness';
import { withDomainRules } from './support/sandbox-rules';
import { graphOverHttp, type GraphHttp } from './support/graph-http';
import { aCrmEventAt, anAllDayCrmEvent, crmEventArbitrary } from './support/event-fixtures';

let env: Awaited<ReturnType<typeof graphOverHttp>>;
let graph: GraphHttp;
let calendar: string;
const mapper = createEventMapper();

beforeAll(async () => {
  env = await graphOverHttp();
  graph = env.graph;
});
beforeEach(async () => {
  env.sandbox.reset();
  withDomainRules(env.sandbox);
  calendar = (await graph.ok(201, 'POST', '/me/calendars', { name: 'Tandem' })).id;
});
afterAll(() => env.close());

const expand = `$expand=${encodeURIComponent(expandTandemProperties())}`;
const TEXT = 'outlook.body-content-type="text"';

let sequence = 0;
async function push(event: EventFields): Promise<GraphEvent> {
  const crmId = `crm-${++sequence}`;
  const body = withCrmId(mapper.toGraph(mapper.fromCrm(event)), crmId);
  const created = await graph.ok(201, 'POST', `/me/calendars/${calendar}/events`, {
    ...body,
    transactionId: `tx-${crmId}`,
  });
  const read = await read1(created.id);
  expect(crmIdOf(read)).toBe(crmId);
  return read;
}

function read1(id: string, prefer = TEXT): Promise<GraphEvent> {
  return graph.ok(200, 'GET', `/me/events/${id}?${expand}`, undefined, {
    Prefer: `IdType="ImmutableId", ${prefer}`,
  });
}

async function readSeries(
  masterId: string,
  window: { start: string; end: string },
  prefer = TEXT,
): Promise<GraphSeries> {
  const master = await read1(masterId, prefer);
  const query = `startDateTime=${window.start}&endDateTime=${window.end}&$top=1000`;
  const instances = await graph.ok(200, 'GET', `/me/events/${masterId}/instances?${query}`, undefined, {
    Prefer: `IdType="ImmutableId", ${prefer}`,
  });
  return { master, instances: instances.value, window };
}

test('timed events across DST changes read back to the same snapshot, in UTC and in other zones', async () => {
  const events = [
    // Madrid's clocks go forward during this meeting.
    aCrmEventAt('2026-03-29T01:30:00', 'Europe/Madrid', 120),
    aCrmEventAt('2026-11-01T00:30:00', 'America/New_York', 180, { reminderMinutes: null }),
    aCrmEventAt('2026-04-05T09:00:00', 'Australia/Sydney', 45, { description: null, location: null }),
    aCrmEventAt('2026-07-01T10:00:00', 'Asia/Kolkata', 30),
  ];
  for (const event of events) {
    const read = await push(event);
    const expected = mapper.fromCrm(event);
    expect(mapper.fromGraph(read)).toEqual(expected);
    for (const zone of ['Tokyo Standard Time', 'America/Sao_Paulo', 'Pacific/Auckland']) {
      expect(mapper.fromGraph(await read1(read.id!, `outlook.timezone="${zone}", ${TEXT}`))).toEqual(
        expected,
      );
    }
    // An HTML answer gives the same description.
    expect(mapper.fromGraph(await read1(read.id!, 'outlook.body-content-type="html"'))).toEqual(expected);
  }
});

test('all-day events stay dates whatever zone the answer is in', async () => {
  const event = anAllDayCrmEvent('2026-10-24', 3, { timeZone: 'America/Los_Angeles' });
  const read = await push(event);
  expect(read.isAllDay).toBe(true);
  for (const prefer of [TEXT, `outlook.timezone="Asia/Tokyo", ${TEXT}`]) {
    expect(mapper.fromGraph(await read1(read.id!, prefer))).toEqual(mapper.fromCrm(event));
  }
});

test('CRM participants reach Outlook in the body and come back, and nobody is mailed', async () => {
  const event = aCrmEventAt('2026-12-01T10:00:00', 'Europe/Madrid', 60, {
    attendees: [
      { email: BRUNO, name: 'Bruno Castillo', response: 'accepted' },
      { email: 'client@customer.example' },
    ],
  });
  const read = await push(event);
  expect(read.attendees).toEqual([]);
  expect(read.body?.content).toContain(`Bruno Castillo <${BRUNO}>`);
  expect(mapper.fromGraph(read)).toEqual(mapper.fromCrm(event));

  const changed = { ...mapper.fromCrm(event), attendees: [{ email: CARMEN, name: null, response: 'none' }] };
  await graph.ok(200, 'PATCH', `/me/events/${read.id}`, mapper.toGraph(changed, ['attendees']));
  expect(mapper.fromGraph(await read1(read.id!)).attendees).toEqual(changed.attendees);
  await graph.ok(204, 'DELETE', `/me/events/${read.id}`);
  for (const who of [BRUNO, CARMEN, 'client@customer.example']) expect(env.sandbox.mailbox(who)).toEqual([]);
});

test('attendees invited in Outlook become CRM participants next to ours', async () => {
  const event = aCrmEventAt('2026-12-01T10:00:00', 'Europe/Madrid', 60, {
    attendees: [{ email: 'client@customer.example' }],
  });
  const read = await push(event);
  await graph.ok(200, 'PATCH', `/me/events/${read.id}`, {
    attendees: [{ emailAddress: { address: CARMEN, name: 'Carmen Delgado' }, type: 'required' }],
  });
  expect(mapper.fromGraph(await read1(read.id!)).attendees).toEqual([
    { email: CARMEN, name: 'Carmen Delgado', response: 'none' },
    { email: 'client@customer.example', name: null, response: 'none' },
  ]);
});

describe('recurring series', () => {
  // Tuesdays and Fridays at 10:00 Madrid, across the March DST change, ten times.
  const crm = aCrmEventAt('2026-03-20T10:00:00', 'Europe/Madrid', 60, {
    recurrence: {
      pattern: { type: 'weekly', interval: 1, daysOfWeek: ['tuesday', 'friday'] },
      range: { type: 'numbered', startDate: '2026-03-20', numberOfOccurrences: 10 },
    },
  });
  const window = { start: '2026-03-01T00:00:00Z', end: '2026-06-01T00:00:00Z' };

  test('an unedited series reads back to the same snapshot, with no exceptions', async () => {
    const master = await push(crm);
    expect(master.type).toBe('seriesMaster');
    const series = await readSeries(master.id!, window);
    expect(series.instances).toHaveLength(10);
    expect(mapper.fromGraph(series)).toEqual(mapper.fromCrm(crm));
    const elsewhere = await readSeries(
      master.id!,
      window,
      `outlook.timezone="Eastern Standard Time", ${TEXT}`,
    );
    expect(mapper.fromGraph(elsewhere)).toEqual(mapper.fromCrm(crm));
  });

  test('an occurrence edited and one cancelled in Outlook map to the right CRM exceptions', async () => {
    const master = await push(crm);
    const before = await readSeries(master.id!, window);
    const byDate = (date: string) =>
      before.instances.find((i) =>
        instantToLocal(`${i.start!.dateTime}Z`, 'Europe/Madrid').startsWith(date),
      )!;

    // Friday 27 March moves to Thursday 26 at 16:00 for 30 minutes, renamed and relocated.
    const movedStart = localToInstant('2026-03-26T16:00:00', 'Europe/Madrid');
    await graph.ok(200, 'PATCH', `/me/events/${byDate('2026-03-27').id}`, {
      subject: 'Moved review',
      location: { displayName: 'Sala 5' },
      start: { dateTime: '2026-03-26T16:00:00', timeZone: 'Romance Standard Time' },
      end: { dateTime: '2026-03-26T16:30:00', timeZone: 'Romance Standard Time' },
    });
    // Tuesday 31 March (after the DST change) is cancelled.
    await graph.ok(204, 'DELETE', `/me/events/${byDate('2026-03-31').id}`);

    const series = await readSeries(master.id!, window);
    expect(series.instances).toHaveLength(9);
    const snapshot = mapper.fromGraph(series);
    const exceptions = [
      {
        originalStartDate: '2026-03-27',
        start: movedStart.toISOString(),
        end: new Date(movedStart.getTime() + 1_800_000).toISOString(),
        title: 'Moved review',
        location: 'Sala 5',
      },
      { originalStartDate: '2026-03-31', cancelled: true },
    ];
    expect(snapshot.exceptions).toEqual(exceptions);
    expect(mapper.toCrm(snapshot, ['exceptions'])).toEqual({ exceptions });
    // The CRM event holding those exceptions has the same snapshot: nothing left to sync.
    expect(mapper.fromCrm({ ...crm, exceptions })).toEqual(snapshot);
  });
});

describe('CRM exceptions written to a Graph series', () => {
  const crm = aCrmEventAt('2026-10-16T09:00:00', 'America/New_York', 90, {
    recurrence: {
      pattern: { type: 'weekly', interval: 1, daysOfWeek: ['friday'] },
      range: { type: 'endDate', startDate: '2026-10-16', endDate: '2026-11-20' },
    },
  });
  const window = { start: '2026-10-01T00:00:00Z', end: '2026-12-01T00:00:00Z' };

  async function apply(snapshot: ReturnType<typeof mapper.fromCrm>, masterId: string) {
    const writes = planOccurrenceWrites(snapshot, await readSeries(masterId, window));
    for (const { id } of writes.cancel) await graph.ok(204, 'DELETE', `/me/events/${id}`);
    for (const { id, body } of writes.update) await graph.ok(200, 'PATCH', `/me/events/${id}`, body);
    return writes;
  }

  test('a moved, a retitled and a cancelled occurrence reach Outlook and read back the same', async () => {
    const master = await push(crm);
    const exceptions: EventFields['exceptions'] = [
      // After New York's DST change (1 November): moved to Thursday 14:00 local.
      {
        originalStartDate: '2026-11-06',
        start: localToInstant('2026-11-05T14:00:00', 'America/New_York').toISOString(),
        end: localToInstant('2026-11-05T15:00:00', 'America/New_York').toISOString(),
      },
      { originalStartDate: '2026-10-23', title: 'Board prep', location: 'Room 9' },
      { originalStartDate: '2026-10-30', cancelled: true },
    ];
    const wanted = mapper.fromCrm({ ...crm, exceptions });
    const writes = await apply(wanted, master.id!);
    expect(writes.cancel.map((w) => w.originalStartDate)).toEqual(['2026-10-30']);
    expect(writes.update.map((w) => w.originalStartDate)).toEqual(['2026-10-23', '2026-11-06']);
    expect(mapper.fromGraph(await readSeries(master.id!, window))).toEqual(wanted);

    // Dropping the edits in the CRM puts the occurrences back; the cancelled date cannot come back.
    const plain = mapper.fromCrm(crm);
    const undo = await apply(plain, master.id!);
    expect(undo.unrestorable).toEqual(['2026-10-30']);
    expect(mapper.fromGraph(await readSeries(master.id!, window)).exceptions).toEqual([
      { cancelled: true, originalStartDate: '2026-10-30' },
    ]);
  });
});

test('property: random CRM events (DST zones, all-day, every pattern type) survive Graph over HTTP', async () => {
  await fc.assert(
    fc.asyncProperty(crmEventArbitrary, async (event) => {
      const read = await push(event);
      const expected = mapper.fromCrm(event);
      if (!event.recurrence) {
        expect(mapper.fromGraph(read)).toEqual(expected);
        return;
      }
      const from = event.isAllDay
        ? localToInstant(`${event.startDate}T00:00:00`, event.timeZone!)
        : new Date(event.start!);
      const window = {
        start: new Date(from.getTime() - 86_400_000).toISOString(),
        end: new Date(from.getTime() + 120 * 86_400_000).toISOString(),
      };
      expect(mapper.fromGraph(await readSeries(read.id!, window))).toEqual(expected);
    }),
    { numRuns: 60 },
  );
});
