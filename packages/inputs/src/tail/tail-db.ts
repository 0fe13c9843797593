import Database from 'better-sqlite3';

/** A file's row in Fluent Bit's `in_tail_files` table. */
export interface TailDbRow {
  readonly id: number;
  readonly name: string;
  readonly offset: number;
  readonly inode: number;
}

/** `DB.sync`, `DB.locking`, `DB.journal_mode` as in_tail applies them at open. */
export interface TailDbSettings {
  readonly sync: string;
  readonly locking: boolean;
  readonly journalMode: string;
}

const SYNC: Record<string, number> = { off: 0, normal: 1, full: 2, extra: 3 };
const JOURNAL_MODES = new Set(['DELETE', 'TRUNCATE', 'PERSIST', 'MEMORY', 'WAL', 'OFF']);

/**
 * in_tail's offsets database (`tail_db.c`, `tail_sql.h`), with Fluent Bit's own schema, so a
 * database Fluent Bit wrote is continued from where it stopped, and one Tributary wrote is read
 * by Fluent Bit. Rows are looked up by inode (the newest first), the stored offset is the start
 * of the partial line still buffered. The offset markers Fluent Bit ≥ 4 adds (an xxHash of the
 * bytes before the offset) are written as 0 — "no marker", which Fluent Bit then does not check —
 * and a stored marker is not checked here: an offset past the end of the file resets to 0.
 */
export class TailDb {
  private readonly db: Database.Database;
  private readonly lookupStatement: Database.Statement<[number], TailDbRow>;
  private readonly insertStatement: Database.Statement<[string, number, number, number]>;
  private readonly updateStatement: Database.Statement<[number, number]>;
  private readonly rotateStatement: Database.Statement<[string, number]>;
  private readonly deleteStatement: Database.Statement<[number]>;

  constructor(path: string, settings: TailDbSettings) {
    const sync = SYNC[settings.sync.toLowerCase()];
    if (sync === undefined) throw new Error(`db.sync must be extra, full, normal or off, got '${settings.sync}'.`);
    const journal = settings.journalMode.toUpperCase();
    if (!JOURNAL_MODES.has(journal)) throw new Error(`db.journal_mode must be DELETE, TRUNCATE, PERSIST, MEMORY, WAL or OFF, got '${settings.journalMode}'.`);
    try {
      this.db = new Database(path);
    } catch (error) {
      throw new Error(`cannot open the DB '${path}': ${(error as Error).message}`);
    }
    this.db.pragma(`synchronous = ${sync}`);
    if (settings.locking) this.db.pragma('locking_mode = EXCLUSIVE');
    this.db.pragma(`journal_mode = ${journal}`);
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS in_tail_files (id INTEGER PRIMARY KEY, name TEXT NOT NULL, offset INTEGER, inode INTEGER, created INTEGER, rotated INTEGER DEFAULT 0);',
    );
    const columns = new Set(this.db.prepare<[], { name: string }>('PRAGMA table_info(in_tail_files)').all().map((column) => column.name));
    if (!columns.has('offset_marker')) this.db.exec('ALTER TABLE in_tail_files ADD COLUMN offset_marker INTEGER DEFAULT 0;');
    if (!columns.has('offset_marker_size')) this.db.exec('ALTER TABLE in_tail_files ADD COLUMN offset_marker_size INTEGER DEFAULT 0;');
    this.lookupStatement = this.db.prepare('SELECT id, name, offset, inode FROM in_tail_files WHERE inode = ? ORDER BY id DESC LIMIT 1;');
    this.insertStatement = this.db.prepare('INSERT INTO in_tail_files (name, offset, inode, created, offset_marker, offset_marker_size) VALUES (?, ?, ?, ?, 0, 0);');
    this.updateStatement = this.db.prepare('UPDATE in_tail_files SET offset = ?, offset_marker = 0, offset_marker_size = 0 WHERE id = ?;');
    this.rotateStatement = this.db.prepare('UPDATE in_tail_files SET name = ?, rotated = 1 WHERE id = ?;');
    this.deleteStatement = this.db.prepare('DELETE FROM in_tail_files WHERE id = ?;');
  }

  lookup(inode: number): TailDbRow | undefined {
    return this.lookupStatement.get(inode);
  }

  insert(name: string, offset: number, inode: number): number {
    return Number(this.insertStatement.run(name, offset, inode, Math.floor(Date.now() / 1000)).lastInsertRowid);
  }

  /** Stores the offset; re-inserts the row when it was deleted behind our back, as in_tail does. Returns the row id. */
  updateOffset(id: number, name: string, offset: number, inode: number): number {
    if (this.updateStatement.run(offset, id).changes > 0) return id;
    return this.insert(name, offset, inode);
  }

  rotated(id: number, name: string): void {
    this.rotateStatement.run(name, id);
  }

  delete(id: number): void {
    this.deleteStatement.run(id);
  }

  /** Deletes the rows of files not found at start (in_tail's stale purge). */
  purgeExcept(inodes: ReadonlySet<number>): void {
    const rows = this.db.prepare<[], { id: number; inode: number }>('SELECT id, inode FROM in_tail_files;').all();
    const remove = this.db.transaction((ids: number[]) => {
      for (const id of ids) this.deleteStatement.run(id);
    });
    remove(rows.filter((row) => !inodes.has(row.inode)).map((row) => row.id));
  }

  close(): void {
    this.db.close();
  }
}
