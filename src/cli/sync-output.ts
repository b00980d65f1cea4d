import type { SyncProgress, SyncReport } from '../sync/engine';
import type { SyncResource } from '../sync/model';

/** What `tandem sync` prints, whichever way it reaches the CRM. */

export function containerWord(resource: SyncResource): string {
  return resource === 'calendar' ? 'calendar' : 'contact folder';
}

/** The progress bar: phase, then done/total once the work is counted. */
export function progressLine(p: SyncProgress): string {
  if (p.total <= 0) return `${p.resource}: ${p.phase}`;
  const width = 30;
  const filled = Math.round((p.done / p.total) * width);
  return `${p.resource}: ${p.phase.padEnd(9)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.done}/${p.total}`;
}

export function deactivatedLine(resource: SyncResource): string {
  return `${resource}: deactivated; the Tandem ${containerWord(resource)} was removed from Outlook, CRM records kept.`;
}

/** One line per resource: what was done, what failed, what needs the user. */
export function summary(report: SyncReport): string {
  const names: Record<string, string> = {
    createGraph: 'created in Outlook',
    createCrm: 'created in the CRM',
    update: 'updated',
    deleteGraph: 'deleted in Outlook',
    deleteCrm: 'deleted in the CRM (restorable)',
    unlink: 'unlinked',
    deleteDuplicate: 'duplicates removed',
  };
  const done = Object.entries(report.applied).map(([type, n]) => `${n} ${names[type] ?? type}`);
  const head = `${report.resource} (${report.mode}): ${report.outcome}`;
  if (report.outcome === 'refused' && report.refused) {
    const { deletions, linked } = report.refused;
    return `${head}: this run would delete ${deletions.crm} CRM records and ${deletions.graph} Outlook items of ${linked} synced. Nothing was changed; run again with --confirm-deletes to go ahead.`;
  }
  if (report.outcome === 'deactivated') {
    return `${head}: the Tandem ${containerWord(report.resource)} was deleted in Outlook, so the sync is off; CRM records kept.`;
  }
  const parts = [done.length > 0 ? done.join(', ') : 'nothing to do'];
  if (report.conflicts > 0) parts.push(`${report.conflicts} conflicts kept for review`);
  if (report.failures.length > 0) parts.push(`${report.failures.length} failed (retried next run)`);
  return `${head}: ${parts.join('; ')}`;
}

/** The exit code a report calls for: 3 when the mass-delete guard stopped it, 1 when some of it failed. */
export function exitCodeOf(report: SyncReport): number {
  if (report.outcome === 'refused') return 3;
  if (report.outcome === 'partial') return 1;
  return 0;
}
