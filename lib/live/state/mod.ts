/**
 * Live state: the durable store a live process writes (outbox of intents, fills, the committed
 * session state) behind one interface with SQLite and LMDB engines, the single-writer lock, the
 * schema versions and migrations, and the restore of a session from it. Part of `lib/live`; it
 * may import what `lib/live` may.
 *
 * @module
 */

export * from "./store.ts";
export * from "./open_live_store.ts";
export * from "./sqlite_schema.ts";
export * from "./sqlite_store.ts";
export * from "./writer_lock.ts";
export * from "./restore_session.ts";
export * from "./resolve_adopted.ts";
