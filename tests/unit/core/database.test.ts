import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LibraryFromFutureError, openDatabase, schemaVersion } from '../../../electron/core/db/database.ts';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../../electron/core/db/migrations.ts';
import type { Migration } from '../../../electron/core/db/migrations.ts';
import { tempDir } from '../../helpers/kit.ts';

describe('library database', () => {
  it('creates a new library in WAL mode at the latest schema version', () => {
    const file = path.join(tempDir(), 'library.db');
    const db = openDatabase(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });

  it('refuses a library written by a newer version, and leaves it untouched', () => {
    const file = path.join(tempDir(), 'library.db');
    openDatabase(file).close();
    const future = openDatabase(file);
    future.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    future.close();
    const before = fs.readFileSync(file);
    expect(() => openDatabase(file)).toThrow(LibraryFromFutureError);
    expect(() => openDatabase(file)).toThrow(/newer version of the app/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('migrates forward one transaction per version, backing up first', () => {
    const dir = tempDir();
    const file = path.join(dir, 'library.db');
    openDatabase(file).close();
    const extra: Migration = { version: MIGRATIONS.length + 1, name: 'test column', up: (db) => db.exec('ALTER TABLE people ADD COLUMN note TEXT') };
    const db = openDatabase(file, [...MIGRATIONS, extra]);
    expect(schemaVersion(db)).toBe(extra.version);
    db.prepare("INSERT INTO people (name, note) VALUES ('A', 'n')").run();
    db.close();
    expect(fs.readdirSync(dir).some((f) => f.startsWith(`library.db.v${MIGRATIONS.length}-`) && f.endsWith('.bak'))).toBe(true);
  });

  it('rolls a failing migration back completely', () => {
    const file = path.join(tempDir(), 'library.db');
    openDatabase(file).close();
    const broken: Migration = {
      version: MIGRATIONS.length + 1,
      name: 'half done',
      up: (db) => {
        db.exec('CREATE TABLE half (x)');
        throw new Error('boom');
      },
    };
    expect(() => openDatabase(file, [...MIGRATIONS, broken])).toThrow('boom');
    const db = openDatabase(file);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'half'").get()).toEqual({ n: 0 });
    db.close();
  });

  it('rejects a migration list that is not numbered 1..n', () => {
    const file = path.join(tempDir(), 'library.db');
    expect(() => openDatabase(file, [{ version: 2, name: 'gap', up: () => {} }])).toThrow(/numbered/);
  });
});
