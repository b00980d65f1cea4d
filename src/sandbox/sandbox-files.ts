import { constants as fsConstants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { GraphSandbox } from './graph-sandbox';
import type { SigningKeyRecord } from './sandbox-state';
import { applyOp, type JournalOp } from './state-changes';

/**
 * The sandbox kept on disk in a directory, durable like a real mailbox:
 * - `graph-sandbox.json`: the state at the last compaction (no private key), with its generation;
 * - `graph-sandbox.journal`: every change since, one JSON line each, appended and fsynced before the
 *   write it belongs to is answered (writes arriving meanwhile share one fsync);
 * - `graph-sandbox.key`: the token signing key, readable by its owner only.
 * Opening replays the journal onto the state and compacts; so does a clean close.
 */
export class SandboxFiles {
  private journal: fs.FileHandle | undefined;
  private queued: string[] = [];
  private waiting: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  private writing: Promise<void> | undefined;
  private generation = 0;
  /** A failed append leaves the journal's end unknown: nothing more is acknowledged after it. */
  private failure: unknown;

  private constructor(
    private readonly sandbox: GraphSandbox,
    private readonly dir: string,
  ) {}

  static files(dir: string) {
    return {
      state: path.join(dir, 'graph-sandbox.json'),
      journal: path.join(dir, 'graph-sandbox.journal'),
      key: path.join(dir, 'graph-sandbox.key'),
    };
  }

  /**
   * Loads what the directory holds into `sandbox` (which keeps its demo data when there is nothing),
   * then journals every later change. `warn` hears of a state that could not be read.
   */
  static async open(
    sandbox: GraphSandbox,
    dir: string,
    warn: (message: string) => void = console.warn,
  ): Promise<SandboxFiles> {
    await fs.mkdir(dir, { recursive: true });
    const files = new SandboxFiles(sandbox, dir);
    await files.load(warn);
    await files.compact();
    sandbox.persistWith((lines) => files.append(lines));
    return files;
  }

  private async load(warn: (message: string) => void): Promise<void> {
    const { state: stateFile, journal: journalFile, key: keyFile } = SandboxFiles.files(this.dir);
    const key = await readJson<SigningKeyRecord>(keyFile);
    const saved = await readText(stateFile);
    if (saved !== undefined) {
      try {
        const parsed = JSON.parse(saved) as { generation?: number; sandbox?: unknown };
        // Files written before the journal hold the bare state (with its key) and no generation.
        const state = (parsed.sandbox ?? parsed) as Record<string, unknown>;
        this.generation = typeof parsed.generation === 'number' ? parsed.generation : 0;
        const journal = await readText(journalFile);
        if (journal !== undefined) this.replay(state, journal);
        this.sandbox.restoreState(state);
      } catch (error) {
        warn(
          `The saved Graph sandbox state in ${stateFile} could not be read (${(error as Error).message}); starting from the demo data.`,
        );
      }
    }
    if (key) this.sandbox.useSigningKey(key);
    if (!key) await writeAtomically(keyFile, JSON.stringify(this.sandbox.state.signingKey), 0o600);
  }

  /** Applies the journal's lines of this generation; a torn last line (a crash mid-append) is dropped. */
  private replay(state: Record<string, unknown>, journal: string): void {
    const lines = journal.split('\n');
    const header = parseLine(lines[0] ?? '') as { generation?: number } | undefined;
    if (header?.generation !== this.generation) return;
    for (const line of lines.slice(1)) {
      const op = parseLine(line) as JournalOp | undefined;
      if (op && Array.isArray(op.path)) applyOp(state, op);
    }
  }

  /** Writes the whole state as the new base and starts an empty journal of the next generation. */
  async compact(): Promise<void> {
    await this.drain();
    const { state: stateFile, journal: journalFile } = SandboxFiles.files(this.dir);
    await this.journal?.close();
    this.journal = undefined;
    this.generation++;
    await writeAtomically(
      stateFile,
      `{"generation":${this.generation},"sandbox":${this.sandbox.snapshot()}}`,
      0o600,
    );
    await writeAtomically(journalFile, `${JSON.stringify({ generation: this.generation })}\n`, 0o600);
    this.journal = await fs.open(journalFile, 'a', 0o600);
  }

  /** Appends lines and resolves once they are on disk; lines queued during a write share the next fsync. */
  append(lines: string[]): Promise<void> {
    if (lines.length === 0) return Promise.resolve();
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      for (const line of lines) this.queued.push(line);
      this.waiting.push({ resolve, reject });
      if (!this.writing) this.writing = this.writeQueued();
    });
  }

  private async writeQueued(): Promise<void> {
    while (this.queued.length > 0) {
      const lines = this.queued;
      const waiting = this.waiting;
      this.queued = [];
      this.waiting = [];
      try {
        if (!this.journal) throw new Error('The Graph sandbox journal is closed.');
        await this.journal.write(`${lines.join('\n')}\n`);
        await this.journal.datasync();
        for (const w of waiting) w.resolve();
      } catch (error) {
        this.failure = error;
        for (const w of [...waiting, ...this.waiting]) w.reject(error);
        this.queued = [];
        this.waiting = [];
      }
    }
    this.writing = undefined;
  }

  private async drain(): Promise<void> {
    await this.sandbox.flush();
    while (this.writing) await this.writing;
  }

  /** Stops journalling without compacting, as a crash would (for tests). */
  async abandon(): Promise<void> {
    this.sandbox.persistWith(undefined);
    await this.journal?.close();
    this.journal = undefined;
  }

  /** Compacts and stops journalling (a clean stop). */
  async close(): Promise<void> {
    await this.compact();
    this.sandbox.persistWith(undefined);
    await this.journal?.close();
    this.journal = undefined;
  }
}

function parseLine(line: string): unknown {
  if (line.trim() === '') return undefined;
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function readJson<T>(file: string): Promise<T | undefined> {
  const text = await readText(file);
  return text === undefined ? undefined : (JSON.parse(text) as T);
}

/** Replaces `file` with `content` so that a crash leaves either the old or the new file whole. */
async function writeAtomically(file: string, content: string, mode: number): Promise<void> {
  const temporary = `${file}.tmp`;
  const handle = await fs.open(
    temporary,
    fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_TRUNC,
    mode,
  );
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(temporary, file);
  const directory = await fs.open(path.dirname(file), 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}
