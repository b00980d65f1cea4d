import { SyncBusyError, SyncEngine, SyncNotEnabledError, type SyncProgress } from '../../src/sync/engine';
import { DEFAULT_POLICY } from '../../src/sync/planner';
import { CONTAINER_NAME, CONTAINER_NAMES, PortError } from '../../src/sync/ports';
import { Crash, FakeCrm, FakeGraph, withFuse } from './support/fake-ports';

function setup(options: { initialLimit?: number; groupSize?: number } = {}) {
  const graph = new FakeGraph();
  const crm = new FakeCrm('contacts');
  const progress: SyncProgress[] = [];
  const engine = (over: Partial<ConstructorParameters<typeof SyncEngine>[0]> = {}) =>
    new SyncEngine({
      resource: 'contacts',
      graph,
      crm,
      holder: 'runner-1',
      onProgress: (p) => progress.push(p),
      ...options,
      ...over,
    });
  return { graph, crm, engine, progress };
}

/** Outlook item content by marker (CRM id), for items that carry one. */
function outlookByCrmId(graph: FakeGraph): Map<string | null, unknown> {
  return new Map([...graph.items.values()].map((i) => [i.marker, i.snapshot]));
}

describe('activation and the initial sync', () => {
  test('creates the dedicated container, pushes CRM records and pulls what Outlook already holds', async () => {
    const { graph, crm, engine, progress } = setup();
    const a = crm.userCreate({ name: 'Ada' });
    const b = crm.userCreate({ name: 'Bob' });
    const report = await engine().activate();
    expect(graph.container?.name).toBe(CONTAINER_NAME);
    expect(report).toMatchObject({ mode: 'initial', outcome: 'done', applied: { createGraph: 2 } });
    expect(outlookByCrmId(graph)).toEqual(
      new Map([
        [a, { name: 'Ada' }],
        [b, { name: 'Bob' }],
      ]),
    );
    expect(crm.links.size).toBe(2);
    expect(crm.state).toMatchObject({ enabled: true, initialDone: true, containerId: graph.container?.id });
    expect(progress.map((p) => p.phase)).toEqual(
      expect.arrayContaining(['lease', 'container', 'collect', 'plan', 'apply', 'done']),
    );
    expect(progress.at(-1)).toEqual({ resource: 'contacts', phase: 'done', done: 2, total: 2 });
  });

  test('re-finds our container after a reinstall and re-links our items instead of duplicating them', async () => {
    const { graph, crm, engine } = setup();
    const a = crm.userCreate({ name: 'Ada' });
    await engine().activate();
    // The store lost its sync state (reinstall) but the Outlook container is still there.
    await crm.forget();
    const outsider = graph.userCreate({ name: 'Zoe' });
    const report = await engine().activate();
    expect(graph.calls.createContainer).toBe(1);
    expect(report.applied).toEqual({ update: 1, createCrm: 1 });
    expect(graph.items.size).toBe(2);
    expect(crm.links.get(a)?.graphId).toBe([...graph.items].find(([, i]) => i.marker === a)?.[0]);
    // The pulled item now carries the id of its new CRM record.
    const pulled = [...crm.records].find(([, r]) => r.origin === 'sync');
    expect(pulled?.[1].snapshot).toEqual({ name: 'Zoe' });
    expect(graph.items.get(outsider)?.marker).toBe(pulled?.[0]);
  });

  test('a name the user already uses is left to them: ours takes the next free one', async () => {
    const { graph, crm, engine } = setup();
    graph.userContainerNames = [CONTAINER_NAME];
    await engine().activate();
    expect(graph.container?.name).toBe(`${CONTAINER_NAME} (2)`);
    expect(crm.state.containerId).toBe(graph.container?.id);
  });

  test('when every name is taken, activation stops with a clear error and creates nothing', async () => {
    const { graph, engine } = setup();
    graph.userContainerNames = [...CONTAINER_NAMES];
    const failure = engine()
      .activate()
      .catch((error: unknown) => error);
    expect(await failure).toBeInstanceOf(PortError);
    expect(((await failure) as PortError).message).toMatch(/Rename or remove one of them/);
    expect(graph.container).toBeNull();
  });

  test('the initial push stops at the cap; later changes of the rest still flow', async () => {
    const { graph, crm, engine } = setup({ initialLimit: 3 });
    const ids = ['A', 'B', 'C', 'D', 'E'].map((name) => crm.userCreate({ name }));
    expect((await engine().activate()).applied).toEqual({ createGraph: 3 });
    expect(graph.items.size).toBe(3);
    crm.userEdit(ids[4]!, { name: 'E2' });
    expect((await engine().sync()).applied).toEqual({ createGraph: 1 });
    expect(outlookByCrmId(graph).get(ids[4]!)).toEqual({ name: 'E2' });
  });

  test('records of other owners and imports (unless mass-updated) never reach Outlook', async () => {
    const { graph, crm, engine } = setup();
    crm.userCreate({ name: 'Theirs' }, { ownerId: 'someone-else' });
    crm.userCreate({ name: 'Imported' }, { origin: 'import' });
    crm.userCreate({ name: 'Migrated' }, { origin: 'migration' });
    const massUpdated = crm.userCreate(
      { name: 'Imported, then mass-updated' },
      { origin: 'import', massUpdated: true },
    );
    const mine = crm.userCreate({ name: 'Mine' });
    await engine().activate();
    expect([...outlookByCrmId(graph).keys()].sort()).toEqual([massUpdated, mine].sort());
  });

  test('sync before activation is refused', async () => {
    const { engine } = setup();
    await expect(engine().sync()).rejects.toBeInstanceOf(SyncNotEnabledError);
  });
});

describe('incremental sync', () => {
  test('edits flow both ways; a sync with no change writes nothing', async () => {
    const { graph, crm, engine } = setup();
    const a = crm.userCreate({ name: 'Ada', phone: '1' });
    await engine().activate();
    const writesAfterActivation = graph.calls.write;
    expect((await engine().sync()).applied).toEqual({});
    expect(graph.calls.write).toBe(writesAfterActivation);

    crm.userEdit(a, { phone: '2' });
    const graphId = crm.links.get(a)!.graphId;
    expect((await engine().sync()).applied).toEqual({ update: 1 });
    expect(graph.items.get(graphId)?.snapshot).toEqual({ name: 'Ada', phone: '2' });

    graph.userEdit(graphId, { name: 'Ada L.' });
    expect((await engine().sync()).applied).toEqual({ update: 1 });
    expect(crm.records.get(a)?.snapshot).toEqual({ name: 'Ada L.', phone: '2' });
    expect((await engine().sync()).applied).toEqual({});
  });

  test('an incremental run reads only the links of what changed; the guard still counts them all', async () => {
    const { graph, crm, engine } = setup();
    const ids = Array.from({ length: 12 }, (_, i) => crm.userCreate({ name: `P${i}` }));
    await engine().activate();
    const before = { ...crm.calls };
    const asked: { crmIds: readonly string[]; graphIds: readonly string[] }[] = [];
    const findLinks = crm.findLinks.bind(crm);
    crm.findLinks = async (query) => {
      asked.push(query);
      return findLinks(query);
    };
    crm.userEdit(ids[3]!, { name: 'P3 edited' });
    expect((await engine().sync()).applied).toEqual({ update: 1 });
    expect(crm.calls.loadLinks).toBe(before.loadLinks);
    // The run's own: the edited record; then reading its own write back: the item it wrote.
    const graphId = crm.links.get(ids[3]!)!.graphId;
    expect(asked).toEqual([
      { crmIds: [ids[3]], graphIds: [] },
      { crmIds: [], graphIds: [graphId] },
    ]);

    // Seven of twelve deleted in Outlook: the guard sees all twelve links, not the seven found.
    for (const id of ids.slice(0, 7)) graph.userDelete(crm.links.get(id)!.graphId);
    const report = await engine().sync();
    expect(report.outcome).toBe('refused');
    expect(report.refused).toMatchObject({ linked: 12, deletions: { crm: 7, graph: 0 } });
    expect(crm.calls.loadLinks).toBe(before.loadLinks);
  });

  test('our own writes are read back at the end of the run, so the next run’s delta is empty', async () => {
    const { graph, crm, engine } = setup();
    for (let i = 0; i < 5; i++) crm.userCreate({ name: `P${i}` });
    await engine().activate();
    const read = await graph.changes(graph.container!.id, crm.state.graphCursor, async () => []);
    expect(read.changes).toEqual([]);
    // With a change by the user meanwhile, the cursor stays put and the next run sees both.
    const a = [...crm.links.keys()][0]!;
    crm.userEdit(a, { name: 'edited' });
    const cursor = crm.state.graphCursor;
    const original = graph.write.bind(graph);
    graph.write = async (containerId, writes) => {
      const result = await original(containerId, writes);
      graph.userCreate({ name: 'typed in Outlook during the run' });
      return result;
    };
    await engine().sync();
    graph.write = original;
    expect(crm.state.graphCursor).toBe(cursor);
    expect((await engine().sync()).applied).toEqual({ createCrm: 1 });
  });

  test('both sides edit the same field: the CRM wins and the Outlook value is kept as a conflict', async () => {
    const { graph, crm, engine } = setup();
    const a = crm.userCreate({ name: 'Ada' });
    await engine().activate();
    const graphId = crm.links.get(a)!.graphId;
    crm.userEdit(a, { name: 'CRM' });
    graph.userEdit(graphId, { name: 'Outlook' });
    const report = await engine().sync();
    expect(report.conflicts).toBe(1);
    expect(graph.items.get(graphId)?.snapshot).toEqual({ name: 'CRM' });
    expect(crm.conflicts).toEqual([
      { crmId: a, field: 'name', crmValue: 'CRM', graphValue: 'Outlook', winner: 'crm' },
    ]);
  });

  test('an Outlook edit after the run read the item is not written over: the next run keeps it as a conflict', async () => {
    const { graph, crm, engine } = setup();
    const a = crm.userCreate({ name: 'Ada', phone: '1' });
    await engine().activate();
    const graphId = crm.links.get(a)!.graphId;
    crm.userEdit(a, { phone: '2' });
    graph.beforeUpdate = () => graph.userEdit(graphId, { phone: '3' });
    const first = await engine().sync();
    expect(first.outcome).toBe('partial');
    expect(first.failures).toEqual([expect.objectContaining({ action: 'update', kind: 'conflict' })]);
    expect(graph.items.get(graphId)?.snapshot).toEqual({ name: 'Ada', phone: '3' });
    const second = await engine().sync();
    expect(second).toMatchObject({ outcome: 'done', conflicts: 1, failures: [] });
    expect(graph.items.get(graphId)?.snapshot).toEqual({ name: 'Ada', phone: '2' });
    expect(crm.conflicts).toEqual([
      { crmId: a, field: 'phone', crmValue: '2', graphValue: '3', winner: 'crm' },
    ]);
  });

  test('an Outlook edit back to the agreed value during a run is no Outlook change: the CRM edit lands', async () => {
    // Both sides agreed on no phone; Outlook then set one, and the CRM another. The run plans a
    // conflict over it, but before its write the user clears the phone in Outlook again.
    const { graph, crm, engine } = setup();
    const a = crm.userCreate({ name: 'a', phone: 'a', company: 'a' });
    await engine().activate();
    const graphId = crm.links.get(a)!.graphId;
    crm.userEdit(a, { phone: null });
    await engine().sync();
    graph.userEdit(graphId, { phone: 'a' });
    crm.userEdit(a, { phone: 'c' });
    graph.beforeUpdate = () => graph.userEdit(graphId, { phone: null });
    const first = await engine().sync();
    expect(first.failures).toEqual([expect.objectContaining({ action: 'update', kind: 'conflict' })]);
    expect(graph.items.get(graphId)?.snapshot).toEqual({ name: 'a', company: 'a' });
    expect(crm.conflicts).toEqual([]);
    // Against the agreed content Outlook changed nothing, the CRM the phone: a three-way merge takes
    // the CRM's phone, with no conflict (just as if Outlook had never set one).
    const second = await engine().sync();
    expect(second).toMatchObject({ outcome: 'done', conflicts: 0, failures: [], applied: { update: 1 } });
    expect(graph.items.get(graphId)?.snapshot).toEqual({ name: 'a', phone: 'c', company: 'a' });
    expect(crm.records.get(a)?.snapshot).toEqual({ name: 'a', phone: 'c', company: 'a' });
    expect(crm.conflicts).toEqual([]);
  });

  test('an Outlook edit of a re-created item whose link was never stored, during the run that re-links it, is kept', async () => {
    const { graph, crm, engine } = setup();
    const a = crm.userCreate({ name: 'a', phone: 'b' });
    await engine().activate();
    const deleted = crm.links.get(a)!.graphId;
    graph.userDelete(deleted);
    crm.userEdit(a, { name: 'c' });
    // The re-create reaches Outlook but its answer is lost: the link still names the deleted item.
    graph.faults = { failRate: 0, lostRate: 1, random: () => 0.5 };
    expect((await engine().sync()).outcome).toBe('partial');
    graph.faults = null;
    const [recreated] = [...graph.items.keys()];
    expect(crm.links.get(a)?.graphId).toBe(deleted);
    crm.userEdit(a, { phone: 'a' });
    graph.beforeUpdate = () => graph.userEdit(recreated!, { phone: 'c' });
    const first = await engine().sync();
    expect(first.failures).toEqual([expect.objectContaining({ action: 'update', kind: 'conflict' })]);
    expect(crm.links.get(a)?.graphId).toBe(deleted);
    const second = await engine().sync();
    expect(second).toMatchObject({ outcome: 'done', conflicts: 1, failures: [] });
    expect(crm.links.get(a)?.graphId).toBe(recreated);
    expect(graph.items.get(recreated!)?.snapshot).toEqual({ name: 'c', phone: 'a' });
    expect(crm.conflicts).toEqual([
      { crmId: a, field: 'phone', crmValue: 'a', graphValue: 'c', winner: 'crm' },
    ]);
  });

  test('deletions: Outlook deletion soft-deletes in the CRM, CRM deletion deletes in Outlook', async () => {
    const { graph, crm, engine } = setup();
    const a = crm.userCreate({ name: 'Ada' });
    const b = crm.userCreate({ name: 'Bob' });
    await engine().activate();
    graph.userDelete(crm.links.get(a)!.graphId);
    crm.userDelete(b);
    const bGraph = crm.links.get(b)!.graphId;
    expect((await engine().sync()).applied).toEqual({ deleteCrm: 1, deleteGraph: 1 });
    expect(crm.records.get(a)).toMatchObject({ deleted: true, snapshot: { name: 'Ada' } });
    expect(graph.items.has(bGraph)).toBe(false);
    expect(crm.links.size).toBe(0);
  });

  test('an expired delta cursor restarts the delta and reconciles against the links without duplicates', async () => {
    const { graph, crm, engine } = setup();
    const a = crm.userCreate({ name: 'Ada' });
    crm.userCreate({ name: 'Bob' });
    await engine().activate();
    const graphId = crm.links.get(a)!.graphId;
    graph.userEdit(graphId, { name: 'Ada 2' });
    const zoe = graph.userCreate({ name: 'Zoe' });
    graph.expiredBefore = Number.MAX_SAFE_INTEGER;
    const report = await engine().sync();
    graph.expiredBefore = 0;
    expect(report).toMatchObject({
      mode: 'reconcile',
      outcome: 'done',
      applied: { update: 1, createCrm: 1 },
    });
    expect(graph.items.size).toBe(3);
    expect(crm.records.size).toBe(3);
    expect(crm.records.get(a)?.snapshot).toEqual({ name: 'Ada 2' });
    expect(crm.links.size).toBe(3);
    expect([...crm.links.values()].map((l) => l.graphId)).toContain(zoe);
  });

  test('replayed delta items collapse', async () => {
    const { graph, crm, engine } = setup();
    await engine().activate();
    graph.replay = true;
    graph.userCreate({ name: 'Once' });
    await engine().sync();
    expect(crm.records.size).toBe(1);
  });

  test('a mass deletion in Outlook stops the run with a report and deletes nothing', async () => {
    const { graph, crm, engine } = setup();
    for (let i = 0; i < 12; i++) crm.userCreate({ name: `P${i}` });
    await engine().activate();
    const cursor = crm.state.graphCursor;
    for (const id of [...graph.items.keys()].slice(0, 8)) graph.userDelete(id);
    const report = await engine().sync();
    expect(report).toMatchObject({
      outcome: 'refused',
      refused: { reason: 'massDelete', deletions: { crm: 8, graph: 0 }, linked: 12 },
    });
    expect([...crm.records.values()].filter((r) => r.deleted)).toHaveLength(0);
    expect(crm.state.graphCursor).toBe(cursor);
    // Once the user confirms, the same run goes through.
    const confirmed = await engine({ policy: { ...DEFAULT_POLICY, massDelete: false } }).sync();
    expect(confirmed.applied).toEqual({ deleteCrm: 8 });
  });
});

describe('deactivation', () => {
  test('deletes the container in Outlook, forgets links and cursors, leaves the CRM intact', async () => {
    const { graph, crm, engine } = setup();
    crm.userCreate({ name: 'Ada' });
    graph.container = null;
    await engine().activate();
    graph.userCreate({ name: 'From Outlook' });
    await engine().sync();
    const before = JSON.stringify([...crm.records]);
    await engine().deactivate();
    expect(graph.container).toBeNull();
    expect(graph.items.size).toBe(0);
    expect(crm.links.size).toBe(0);
    expect(crm.state).toMatchObject({
      enabled: false,
      containerId: null,
      graphCursor: null,
      crmCursor: null,
    });
    expect(JSON.stringify([...crm.records])).toBe(before);
    await expect(engine().sync()).rejects.toBeInstanceOf(SyncNotEnabledError);
  });

  test('the container deleted in Outlook deactivates the sync; the CRM keeps every record', async () => {
    const { graph, crm, engine } = setup();
    crm.userCreate({ name: 'Ada' });
    crm.userCreate({ name: 'Bob' });
    await engine().activate();
    graph.userDeleteContainer();
    const report = await engine().sync();
    expect(report.outcome).toBe('deactivated');
    expect([...crm.records.values()].every((r) => !r.deleted)).toBe(true);
    expect(crm.links.size).toBe(0);
    expect(crm.state.enabled).toBe(false);
  });
});

describe('lease, crashes and retries', () => {
  test('two runners never sync one user and resource at once; a dead runner’s lease expires', async () => {
    const { crm, engine } = setup();
    crm.userCreate({ name: 'Ada' });
    await crm.acquireLease('other-runner', 60_000);
    await expect(engine().activate()).rejects.toBeInstanceOf(SyncBusyError);
    crm.now += 60_001;
    await expect(engine().activate()).resolves.toMatchObject({ outcome: 'done' });
    expect(crm.lease).toBeNull();
  });

  test('each write leaves after its journal entry; the next group is journalled while this one is written', async () => {
    const { graph, crm, engine } = setup({ groupSize: 2 });
    for (let i = 0; i < 6; i++) crm.userCreate({ name: `P${i}` });
    const log: string[] = [];
    const journalled = new Set<string>();
    const addPending = crm.addPending.bind(crm);
    crm.addPending = async (pending) => {
      log.push(`journal ${pending.map((p) => p.crmId).join(',')} starts`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      await addPending(pending);
      for (const p of pending) journalled.add(p.crmId);
      log.push('journal stored');
    };
    const write = graph.write.bind(graph);
    graph.write = async (containerId, writes) => {
      for (const w of writes) if (w.op === 'create') expect(journalled.has(w.crmId)).toBe(true);
      log.push('write starts');
      await new Promise((resolve) => setTimeout(resolve, 20));
      log.push('write done');
      return write(containerId, writes);
    };
    expect((await engine().activate()).applied).toEqual({ createGraph: 6 });
    // Three groups: the journal of groups 2 and 3 is stored while the write before it is in flight.
    const order = log.map((entry) => entry.replace(/ [^ ]+ starts$/, ' starts'));
    expect(order.slice(0, 7)).toEqual([
      'journal starts',
      'journal stored',
      'write starts',
      'journal starts',
      'journal stored',
      'write done',
      'write starts',
    ]);
  });

  test('a crash after Outlook created items but before their links were stored: the rerun re-links', async () => {
    const { graph, crm, engine } = setup();
    graph.honoursTransactionId = false;
    for (let i = 0; i < 5; i++) crm.userCreate({ name: `P${i}` });
    const fuse = { calls: Infinity, after: true };
    const dying = new SyncEngine({
      resource: 'contacts',
      graph: withFuse(graph, fuse),
      crm: withFuse(crm, fuse),
      holder: 'dying',
    });
    // Die right after the Graph write call returns: items exist, links do not.
    const originalWrite = graph.write.bind(graph);
    graph.write = async (...args) => {
      const result = await originalWrite(...args);
      fuse.calls = 0;
      return result;
    };
    await expect(dying.activate()).rejects.toBeInstanceOf(Crash);
    graph.write = originalWrite;
    expect(graph.items.size).toBe(5);
    expect(crm.links.size).toBe(0);
    expect(crm.pending.size).toBe(5);

    crm.now += 10 * 60_000;
    const report = await engine().activate();
    expect(report.outcome).toBe('done');
    expect(report.applied).toEqual({ update: 5 });
    expect(graph.items.size).toBe(5);
    expect(crm.links.size).toBe(5);
    expect(crm.pending.size).toBe(0);
  });

  test('a write whose answer was lost is retried next run without a duplicate', async () => {
    const { graph, crm, engine } = setup();
    graph.honoursTransactionId = false;
    crm.userCreate({ name: 'Ada' });
    graph.faults = { failRate: 0, lostRate: 1, random: () => 0.5 };
    const first = await engine().activate();
    expect(first.outcome).toBe('partial');
    expect(first.failures).toEqual([expect.objectContaining({ action: 'createGraph', kind: 'temporary' })]);
    graph.faults = null;
    expect((await engine().sync()).outcome).toBe('done');
    expect(graph.items.size).toBe(1);
    expect(crm.links.size).toBe(1);
  });
});

describe('one bad item never blocks the others', () => {
  const crmNames = (crm: FakeCrm) => [...crm.records.values()].map((r) => r.snapshot.name).sort();

  test('a record the CRM refuses fails alone: the healthy changes commit and the cursors move on', async () => {
    const { graph, crm, engine } = setup();
    await engine().activate();
    const bad = graph.userCreate({ name: 'Refused' });
    graph.userCreate({ name: 'Ann' });
    graph.userCreate({ name: 'Ben' });
    const commit = crm.commit.bind(crm);
    crm.commit = async (commits) => {
      const refused = commits.map((c) => c.record?.op === 'create' && c.record.snapshot.name === 'Refused');
      const answered = await commit(commits.filter((_, i) => !refused[i]));
      let next = 0;
      return refused.map((r) =>
        r
          ? { ok: false as const, error: { kind: 'invalid' as const, message: 'name: refused' } }
          : answered[next++]!,
      );
    };
    const cursor = crm.state.graphCursor;
    const report = await engine().sync();
    expect(report.outcome).toBe('done');
    expect(report.applied).toEqual({ createCrm: 2 });
    expect(report.failures).toEqual([
      { action: 'createCrm', id: bad, kind: 'invalid', message: 'name: refused' },
    ]);
    expect(crmNames(crm)).toEqual(['Ann', 'Ben']);
    expect(crm.state.graphCursor).not.toBe(cursor);
  });

  test('an Outlook item whose content does not map is reported; the others arrive', async () => {
    const { graph, crm, engine } = setup();
    await engine().activate();
    const bad = graph.userCreate({ name: 'Unmappable' });
    graph.userCreate({ name: 'Ann' });
    const changes = graph.changes.bind(graph);
    graph.changes = async (...args) => {
      const read = await changes(...args);
      const unreadable = read.changes.some((c) => c.graphId === bad)
        ? [{ graphId: bad, message: 'Graph event has no start' }]
        : [];
      return { ...read, changes: read.changes.filter((c) => c.graphId !== bad), unreadable };
    };
    const report = await engine().sync();
    expect(report.outcome).toBe('done');
    expect(report.applied).toEqual({ createCrm: 1 });
    expect(report.failures).toEqual([
      { action: 'createCrm', id: bad, kind: 'invalid', message: 'Graph event has no start' },
    ]);
    expect(crmNames(crm)).toEqual(['Ann']);
  });
});

describe('what a run counts', () => {
  test('re-reading both sides after a mapping change counts only real writes, not refreshed links', async () => {
    const { crm, engine } = setup();
    const a = crm.userCreate({ name: 'Ada' });
    crm.userCreate({ name: 'Bob' });
    await engine().activate();
    // The links hold content read under the old mapping; the next run re-reads every linked item.
    for (const [crmId, link] of crm.links)
      crm.links.set(crmId, { ...link, snapshot: { ...link.snapshot, title: 'x' } });
    crm.state = { ...crm.state, graphCursor: null };
    const changesOf = crm.changes.bind(crm);
    crm.changes = async (cursor) => ({
      ...(await changesOf(cursor)),
      changes: await crm.getRecords([...crm.links.keys()]),
    });
    const refreshed = await engine().sync();
    expect(refreshed.outcome).toBe('done');
    expect(refreshed.applied).toEqual({});
    expect([...crm.links.values()].map((l) => l.snapshot.title)).toEqual([undefined, undefined]);

    crm.userEdit(a, { name: 'Ada Lovelace' });
    expect((await engine().sync()).applied).toEqual({ update: 1 });
  });
});
