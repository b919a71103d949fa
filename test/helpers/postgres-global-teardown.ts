/** Jest's global teardown: stops the embedded PostgreSQL the setup started (none when a URL was given). */
export default async function teardown(): Promise<void> {
  await globalThis.huifangTestPostgres?.stop();
}
