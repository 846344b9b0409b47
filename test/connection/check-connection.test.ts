import { describe, expect, it } from 'vitest';
import { bundledMigrations } from '../../migrations/index.ts';
import { useTestDatabase } from '../support/test-database.ts';

describe('checkConnection() on a migrated database', () => {
  const database = useTestDatabase();

  it('reports the server, the round trip, and that nothing is missing', async () => {
    const report = await database.db.checkConnection();
    expect(report.serverVersion).toMatch(/^\d+(\.\d+)?/);
    expect(report.database).toBe(new URL(database.url).pathname.slice(1));
    expect(report.latencyMillis).toBeGreaterThan(0);
    expect(report).toMatchObject({ tablesPresent: true, missingTables: [], pendingMigrations: [] });
  });
});

describe('checkConnection() on an empty database', () => {
  const database = useTestDatabase({ migrated: false });

  it('reports the missing tables and every pending migration', async () => {
    expect(await database.db.checkConnection()).toMatchObject({
      tablesPresent: false,
      missingTables: ['users', 'projects', 'cams'],
      pendingMigrations: bundledMigrations.map((migration) => migration.name),
    });
  });
});
