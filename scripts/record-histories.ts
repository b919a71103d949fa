/**
 * Re-records the workflow histories the replay test (test/replay.test.ts) checks the workflow code
 * against, from real runs on the time-skipping server (scenarios: test/helpers/replay-histories.ts).
 *
 *   npx tsx scripts/record-histories.ts                  # every scenario
 *   npx tsx scripts/record-histories.ts waived           # only these (a new scenario), the others untouched
 *
 * Only after a deliberate workflow change that running workflows can live with (e.g. behind
 * `patched()`), or to add a scenario: a replay failure otherwise means running workflows would break.
 * Commit the changed test/histories/*.json with the workflow change.
 */
import setupTestPostgres from '../test/helpers/postgres-global-setup';
import teardownTestPostgres from '../test/helpers/postgres-global-teardown';
import { recordHistories } from '../test/helpers/replay-histories';

// The runs write their evidence like any other: the PostgreSQL jest would start (or HUIFANG_TEST_DATABASE_URL).
setupTestPostgres()
  .then(() => recordHistories((line) => console.log(line), process.argv.slice(2)))
  .then(
    async (files) => {
      await teardownTestPostgres();
      console.log(`recorded ${files.length} histories`);
    },
    async (err: unknown) => {
      console.error(err);
      await teardownTestPostgres().catch(() => undefined);
      process.exit(1);
    },
  );
