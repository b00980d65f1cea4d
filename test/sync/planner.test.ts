import fc from 'fast-check';
import type { CrmChange, GraphChange, Link } from '../../src/sync/changes';
import type { Snapshot } from '../../src/sync/model';
import { DEFAULT_POLICY, plan, type SyncPolicy } from '../../src/sync/planner';
import { sameSnapshot } from '../../src/sync/snapshot';
import { applyPlan, everything, type World } from './support/plan-model';

const link = (crmId: string, graphId: string, snapshot: Snapshot): Link => ({
  crmId,
  graphId,
  snapshot,
  changeKey: 'ck0',
});
const crmUp = (crmId: string, snapshot: Snapshot): CrmChange => ({ crmId, snapshot });
const crmDel = (crmId: string): CrmChange => ({ crmId, deleted: true });
const gUp = (graphId: string, snapshot: Snapshot, marker: string | null = null): GraphChange => ({
  graphId,
  snapshot,
  changeKey: 'ck1',
  marker,
});
const gDel = (graphId: string): GraphChange => ({ graphId, deleted: true });
const noGuard: SyncPolicy = { ...DEFAULT_POLICY, massDelete: false };

const base = { title: 'Review', location: 'Room 1' };
const L = link('c1', 'g1', base);

describe('planner: one linked pair', () => {
  test('nothing changed anywhere: no action', () => {
    expect(plan([L], [], []).actions).toEqual([]);
  });

  test('a change whose content equals the link is no change (echo of our own write, version bump)', () => {
    expect(
      plan([L], [crmUp('c1', { ...base })], [gUp('g1', { location: 'Room 1', title: 'Review' })]).actions,
    ).toEqual([]);
  });

  test('absent and null fields are the same content', () => {
    expect(plan([L], [crmUp('c1', { ...base, notes: null })], []).actions).toEqual([]);
  });

  test('changed in the CRM only: copied to Outlook, only the changed field', () => {
    const { actions } = plan([L], [crmUp('c1', { ...base, title: 'Review v2' })], []);
    expect(actions).toEqual([
      {
        type: 'update',
        crmId: 'c1',
        graphId: 'g1',
        snapshot: { title: 'Review v2', location: 'Room 1' },
        toGraph: ['title'],
        toCrm: [],
        restoreCrm: false,
        changeKey: 'ck0',
        conflicts: [],
      },
    ]);
  });

  test('changed in Outlook only: copied to the CRM, with the new change key', () => {
    const { actions } = plan([L], [], [gUp('g1', { title: 'Review', location: null })]);
    expect(actions).toEqual([
      expect.objectContaining({
        type: 'update',
        snapshot: { title: 'Review' },
        toGraph: [],
        toCrm: ['location'],
        changeKey: 'ck1',
        conflicts: [],
      }),
    ]);
  });

  test('changed on both sides, different fields: merged, each side gets the other’s field', () => {
    const { actions } = plan(
      [L],
      [crmUp('c1', { ...base, title: 'CRM title' })],
      [gUp('g1', { ...base, location: 'Room 9' })],
    );
    expect(actions).toEqual([
      expect.objectContaining({
        type: 'update',
        snapshot: { title: 'CRM title', location: 'Room 9' },
        toGraph: ['title'],
        toCrm: ['location'],
        conflicts: [],
      }),
    ]);
  });

  test('changed on both sides to the same value: only the link moves', () => {
    const { actions } = plan(
      [L],
      [crmUp('c1', { ...base, title: 'Same' })],
      [gUp('g1', { ...base, title: 'Same' })],
    );
    expect(actions).toEqual([
      expect.objectContaining({
        type: 'update',
        snapshot: { ...base, title: 'Same' },
        toGraph: [],
        toCrm: [],
      }),
    ]);
  });

  test('true conflict: the CRM wins by default and the losing Outlook value is recorded', () => {
    const { actions } = plan(
      [L],
      [crmUp('c1', { ...base, title: 'A' })],
      [gUp('g1', { ...base, title: 'B' })],
    );
    expect(actions).toEqual([
      expect.objectContaining({
        type: 'update',
        snapshot: { ...base, title: 'A' },
        toGraph: ['title'],
        toCrm: [],
        conflicts: [{ crmId: 'c1', field: 'title', crmValue: 'A', graphValue: 'B', winner: 'crm' }],
      }),
    ]);
  });

  test('true conflict with the Outlook-wins policy: the losing CRM value is recorded', () => {
    const { actions } = plan(
      [L],
      [crmUp('c1', { ...base, title: 'A' })],
      [gUp('g1', { ...base, title: 'B' })],
      { ...DEFAULT_POLICY, conflictWinner: 'graph' },
    );
    expect(actions).toEqual([
      expect.objectContaining({
        snapshot: { ...base, title: 'B' },
        toGraph: [],
        toCrm: ['title'],
        conflicts: [{ crmId: 'c1', field: 'title', crmValue: 'A', graphValue: 'B', winner: 'graph' }],
      }),
    ]);
  });

  test('a field cleared on one side and edited on the other is a conflict, not a silent loss', () => {
    const { actions } = plan(
      [L],
      [crmUp('c1', { title: 'Review' })],
      [gUp('g1', { ...base, location: 'Hall' })],
    );
    expect(actions[0]).toMatchObject({
      conflicts: [{ field: 'location', crmValue: null, graphValue: 'Hall', winner: 'crm' }],
    });
  });

  test('deleted in the CRM, untouched in Outlook: deleted in Outlook', () => {
    expect(plan([L], [crmDel('c1')], []).actions).toEqual([
      { type: 'deleteGraph', crmId: 'c1', graphId: 'g1' },
    ]);
    expect(plan([L], [crmDel('c1')], [gUp('g1', base)]).actions).toEqual([
      { type: 'deleteGraph', crmId: 'c1', graphId: 'g1' },
    ]);
  });

  test('deleted in Outlook, untouched in the CRM: soft-deleted in the CRM', () => {
    expect(plan([L], [], [gDel('g1')]).actions).toEqual([{ type: 'deleteCrm', crmId: 'c1', graphId: 'g1' }]);
    expect(plan([L], [crmUp('c1', base)], [gDel('g1')]).actions).toEqual([
      { type: 'deleteCrm', crmId: 'c1', graphId: 'g1' },
    ]);
  });

  test('deleted in the CRM but edited in Outlook: the edit wins, the CRM record is restored with it', () => {
    const edited = { ...base, title: 'Moved' };
    expect(plan([L], [crmDel('c1')], [gUp('g1', edited)]).actions).toEqual([
      {
        type: 'update',
        crmId: 'c1',
        graphId: 'g1',
        snapshot: edited,
        toGraph: [],
        toCrm: ['location', 'title'],
        restoreCrm: true,
        changeKey: 'ck1',
        conflicts: [],
      },
    ]);
  });

  test('deleted in Outlook but edited in the CRM: the edit wins, the item is re-created', () => {
    const edited = { ...base, title: 'Kept' };
    expect(plan([L], [crmUp('c1', edited)], [gDel('g1')]).actions).toEqual([
      { type: 'createGraph', crmId: 'c1', snapshot: edited, replaces: 'g1' },
    ]);
  });

  test('deleted on both sides: only the link goes', () => {
    expect(plan([L], [crmDel('c1')], [gDel('g1')]).actions).toEqual([
      { type: 'unlink', crmId: 'c1', graphId: 'g1' },
    ]);
  });
});

describe('planner: unlinked records and items', () => {
  test('a new CRM record is created in Outlook', () => {
    expect(plan([], [crmUp('c1', base)], []).actions).toEqual([
      { type: 'createGraph', crmId: 'c1', snapshot: base, replaces: null },
    ]);
  });

  test('a new Outlook item is created in the CRM', () => {
    expect(plan([], [], [gUp('g1', base)]).actions).toEqual([
      { type: 'createCrm', graphId: 'g1', snapshot: base, changeKey: 'ck1' },
    ]);
  });

  test('a deleted record or item that was never linked: nothing', () => {
    expect(plan([], [crmDel('c1')], [gDel('g1')]).actions).toEqual([]);
  });

  test('an unlinked Outlook item carrying our CRM id is re-linked, not duplicated', () => {
    const { actions } = plan([], [crmUp('c1', base)], [gUp('g1', base, 'c1')]);
    expect(actions).toEqual([
      expect.objectContaining({
        type: 'update',
        crmId: 'c1',
        graphId: 'g1',
        toGraph: [],
        toCrm: [],
        conflicts: [],
      }),
    ]);
  });

  test('re-linking a pair that differs: no base, so differing fields are settled by the policy and recorded', () => {
    const { actions } = plan([], [crmUp('c1', base)], [gUp('g1', { ...base, title: 'Other' }, 'c1')]);
    expect(actions).toEqual([
      expect.objectContaining({
        type: 'update',
        snapshot: base,
        toGraph: ['title'],
        conflicts: [{ crmId: 'c1', field: 'title', crmValue: 'Review', graphValue: 'Other', winner: 'crm' }],
      }),
    ]);
  });

  test('our marker on an item whose CRM record is deleted: the item goes', () => {
    expect(plan([], [crmDel('c1')], [gUp('g1', base, 'c1')]).actions).toEqual([
      { type: 'deleteGraph', crmId: 'c1', graphId: 'g1' },
    ]);
  });

  test('a marker naming a record the CRM does not know: pulled in as a new record', () => {
    expect(plan([], [], [gUp('g1', base, 'unknown')]).actions).toEqual([
      { type: 'createCrm', graphId: 'g1', snapshot: base, changeKey: 'ck1' },
    ]);
  });

  test('a second item carrying the marker of a linked record is a duplicate of ours and is removed', () => {
    expect(plan([L], [], [gUp('g2', base, 'c1')]).actions).toEqual([
      { type: 'deleteDuplicate', crmId: 'c1', graphId: 'g2' },
    ]);
  });

  test('two unlinked items with the same marker: one is re-linked, the other removed', () => {
    const { actions } = plan([], [crmUp('c1', base)], [gUp('g2', base, 'c1'), gUp('g1', base, 'c1')]);
    expect(actions).toEqual([
      expect.objectContaining({ type: 'update', crmId: 'c1', graphId: 'g1' }),
      { type: 'deleteDuplicate', crmId: 'c1', graphId: 'g2' },
    ]);
  });
});

describe('planner: recovering from an interrupted run', () => {
  test('an item re-created for a deleted one, whose link was never stored, takes the deleted one’s place', () => {
    const { actions } = plan([L], [], [gDel('g1'), gUp('g2', base, 'c1')]);
    expect(actions).toEqual([
      expect.objectContaining({
        type: 'update',
        crmId: 'c1',
        graphId: 'g2',
        toGraph: [],
        toCrm: [],
        changeKey: 'ck1',
      }),
    ]);
  });

  test('our own deletion coming back: unlinked when the record is still deleted', () => {
    expect(plan([L], [crmDel('c1')], [{ graphId: 'g1', deleted: true, ours: true }]).actions).toEqual([
      { type: 'unlink', crmId: 'c1', graphId: 'g1' },
    ]);
  });

  test('our own deletion coming back while the record was restored: the record goes back to Outlook', () => {
    expect(plan([L], [crmUp('c1', base)], [{ graphId: 'g1', deleted: true, ours: true }]).actions).toEqual([
      { type: 'createGraph', crmId: 'c1', snapshot: base, replaces: 'g1' },
    ]);
  });

  test('restoring a record for an Outlook edit overwrites every field the deleted record held', () => {
    const { actions } = plan(
      [L],
      [{ crmId: 'c1', deleted: true, snapshot: { ...base, notes: 'typed before deleting' } }],
      [gUp('g1', { ...base, title: 'Edited' })],
    );
    expect(actions[0]).toMatchObject({ restoreCrm: true, toCrm: ['location', 'notes', 'title'] });
  });
});

describe('planner: replays and duplicates in the changes', () => {
  test('the same Outlook change twice collapses to one action', () => {
    const change = gUp('g1', { ...base, title: 'X' });
    expect(plan([L], [], [change, change]).actions).toHaveLength(1);
    expect(plan([], [], [gUp('g9', base), gUp('g9', base)]).actions).toHaveLength(1);
  });

  test('a deletion is final even when a replayed older state comes after it', () => {
    expect(plan([L], [], [gDel('g1'), gUp('g1', { ...base, title: 'old' })]).actions).toEqual([
      { type: 'deleteCrm', crmId: 'c1', graphId: 'g1' },
    ]);
  });

  test('the CRM feed repeating a record: its last state counts', () => {
    expect(plan([L], [crmDel('c1'), crmUp('c1', { ...base, title: 'Back' })], []).actions).toEqual([
      expect.objectContaining({ type: 'update', toGraph: ['title'] }),
    ]);
  });
});

describe('planner: mass-delete guard', () => {
  const links = Array.from({ length: 10 }, (_, i) => link(`c${i}`, `g${i}`, { title: `t${i}` }));

  test('deleting more than half of at least 10 linked items stops the run and reports', () => {
    const result = plan(
      links,
      [],
      links.slice(0, 6).map((l) => gDel(l.graphId)),
    );
    expect(result).toEqual({
      actions: [],
      refused: { reason: 'massDelete', deletions: { crm: 6, graph: 0 }, linked: 10 },
    });
  });

  test('Outlook suddenly empty (a full listing missing every item) is refused too', () => {
    const result = plan(
      links,
      [],
      links.map((l) => gDel(l.graphId)),
    );
    expect(result.refused).toMatchObject({ deletions: { crm: 10, graph: 0 } });
  });

  test('CRM-side mass deletion is guarded the same way', () => {
    expect(
      plan(
        links,
        links.slice(0, 6).map((l) => crmDel(l.crmId)),
        [],
      ).refused,
    ).toMatchObject({
      deletions: { crm: 0, graph: 6 },
    });
  });

  test('half or fewer, or fewer than 10 links, goes ahead', () => {
    expect(
      plan(
        links,
        [],
        links.slice(0, 5).map((l) => gDel(l.graphId)),
      ).actions,
    ).toHaveLength(5);
    const few = links.slice(0, 9);
    expect(
      plan(
        few,
        [],
        few.map((l) => gDel(l.graphId)),
      ).actions,
    ).toHaveLength(9);
  });

  test('the guard can be turned off once the user confirms', () => {
    expect(
      plan(
        links,
        [],
        links.map((l) => gDel(l.graphId)),
        noGuard,
      ).actions,
    ).toHaveLength(10);
  });
});

// ---- property: random states on both sides --------------------------------------------------

const FIELDS = ['title', 'location', 'notes'] as const;
const valueArb = fc.constantFrom(null, 'a', 'b', 'c');
const snapArb = fc.record({ title: valueArb, location: valueArb, notes: valueArb });
type SideState =
  { kind: 'same' } | { kind: 'edit'; snapshot: Snapshot } | { kind: 'deleted' } | { kind: 'absent' };
const sideArb: fc.Arbitrary<SideState> = fc.oneof(
  fc.constant({ kind: 'same' as const }),
  fc.constant({ kind: 'absent' as const }),
  fc.constant({ kind: 'deleted' as const }),
  snapArb.map((snapshot) => ({ kind: 'edit' as const, snapshot })),
);
const caseArb = fc.record({
  pairs: fc.array(fc.record({ base: snapArb, crm: sideArb, graph: sideArb }), { maxLength: 8 }),
  newCrm: fc.array(snapArb, { maxLength: 3 }),
  newGraph: fc.array(fc.record({ snapshot: snapArb, marked: fc.boolean() }), { maxLength: 3 }),
  winner: fc.constantFrom('crm' as const, 'graph' as const),
});

test('property: after applying a plan both sides agree, one-sided edits survive, and a re-plan is empty', () => {
  fc.assert(
    fc.property(caseArb, ({ pairs, newCrm, newGraph, winner }) => {
      const world: World = { crm: new Map(), graph: new Map(), links: new Map() };
      const links: Link[] = [];
      const crmChanges: CrmChange[] = [];
      const graphChanges: GraphChange[] = [];
      pairs.forEach((p, i) => {
        const l = link(`c${i}`, `g${i}`, p.base);
        links.push(l);
        world.links.set(l.crmId, l);
        const crmState = p.crm.kind === 'edit' ? p.crm.snapshot : p.base;
        const graphState = p.graph.kind === 'edit' ? p.graph.snapshot : p.base;
        world.crm.set(l.crmId, { snapshot: crmState, deleted: p.crm.kind === 'deleted' });
        if (p.graph.kind !== 'deleted') world.graph.set(l.graphId, { snapshot: graphState, marker: l.crmId });
        if (p.crm.kind === 'deleted') crmChanges.push(crmDel(l.crmId));
        else if (p.crm.kind !== 'absent') crmChanges.push(crmUp(l.crmId, crmState));
        if (p.graph.kind === 'deleted') graphChanges.push(gDel(l.graphId));
        else if (p.graph.kind !== 'absent') graphChanges.push(gUp(l.graphId, graphState, l.crmId));
      });
      newCrm.forEach((s, i) => {
        world.crm.set(`n${i}`, { snapshot: s, deleted: false });
        crmChanges.push(crmUp(`n${i}`, s));
      });
      newGraph.forEach((g, i) => {
        // A marked item is one of ours whose link was lost (crash before the link was stored).
        const marker = g.marked && i < newCrm.length ? `n${i}` : null;
        world.graph.set(`h${i}`, { snapshot: g.snapshot, marker });
        graphChanges.push(gUp(`h${i}`, g.snapshot, marker));
      });

      const policy: SyncPolicy = { conflictWinner: winner, massDelete: false };
      const result = plan(links, crmChanges, graphChanges, policy);
      const after = applyPlan(world, result.actions);

      // Every live record has exactly one item with the same content, and the reverse.
      const liveCrm = [...after.crm].filter(([, c]) => !c.deleted);
      expect(after.links.size).toBe(liveCrm.length);
      expect(after.graph.size).toBe(liveCrm.length);
      for (const [crmId, c] of liveCrm) {
        const l = after.links.get(crmId);
        expect(l).toBeDefined();
        const item = after.graph.get(l!.graphId);
        expect(item).toBeDefined();
        expect(sameSnapshot(item!.snapshot, c.snapshot)).toBe(true);
        expect(sameSnapshot(l!.snapshot, c.snapshot)).toBe(true);
      }

      // Field-level: a field edited on one side only is never lost; a true conflict is recorded.
      const conflicts = result.actions.flatMap((a) => (a.type === 'update' ? a.conflicts : []));
      pairs.forEach((p, i) => {
        if (p.crm.kind !== 'edit' || p.graph.kind !== 'edit') return;
        const final = after.crm.get(`c${i}`)!.snapshot;
        for (const f of FIELDS) {
          const b = p.base[f] ?? null;
          const c = p.crm.snapshot[f] ?? null;
          const g = p.graph.snapshot[f] ?? null;
          if (c !== b && g === b) expect(final[f] ?? null).toBe(c);
          if (g !== b && c === b) expect(final[f] ?? null).toBe(g);
          if (c !== b && g !== b && c !== g) {
            expect(final[f] ?? null).toBe(winner === 'crm' ? c : g);
            expect(conflicts).toContainEqual({
              crmId: `c${i}`,
              field: f,
              crmValue: c,
              graphValue: g,
              winner,
            });
          }
        }
      });

      // An edit beats a deletion on the other side.
      pairs.forEach((p, i) => {
        const editVsDelete =
          (p.crm.kind === 'edit' && !sameSnapshot(p.crm.snapshot, p.base) && p.graph.kind === 'deleted') ||
          (p.graph.kind === 'edit' && !sameSnapshot(p.graph.snapshot, p.base) && p.crm.kind === 'deleted');
        if (editVsDelete) expect(after.crm.get(`c${i}`)!.deleted).toBe(false);
      });

      // Converged: seeing everything again plans nothing.
      const seen = everything(after);
      expect(plan([...after.links.values()], seen.crm, seen.graph, policy).actions).toEqual([]);
    }),
    { numRuns: 500 },
  );
});
