import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * The projects an open transaction has created, with their owners, by transaction (`em.getTransactionContext()`): a
 * savepoint's projects are known inside it alone, and the knowledge goes with the transaction. Until it commits nothing
 * else can see or change them, and no call of the package changes a project's owner, so within the transaction a write
 * of cams into one of them needs no ownership check: a plain multi-row INSERT, cheaper for the server to plan than one
 * whose rows are filtered by the check. Should the project be gone after all (deleted in the same transaction other
 * than through this EntityManager: by the caller's own SQL, or in a savepoint), its foreign key refuses the cams and
 * the call fails with the same `NotFoundError`, the transaction then aborted as after any failed statement.
 */
const createdByTransaction = new WeakMap<object, Map<number, string>>();

/** Records that the EntityManager's transaction created the project; outside a transaction there is nothing to keep. */
export function rememberCreated(em: EntityManager, projectId: number, userId: string): void {
  const transaction = em.getTransactionContext();
  if (!transaction) return;
  let created = createdByTransaction.get(transaction);
  if (!created) createdByTransaction.set(transaction, (created = new Map()));
  created.set(projectId, userId);
}

/** Whether the EntityManager's transaction created this project for this user. */
export function createdInTransaction(em: EntityManager, userId: string, projectId: number): boolean {
  const transaction = em.getTransactionContext();
  return transaction !== undefined && createdByTransaction.get(transaction)?.get(projectId) === userId;
}

/** Forgets deleted projects: of these ids, or every project of a deleted user. */
export function forgetCreated(em: EntityManager, deleted: { projectId: number } | { userId: string }): void {
  const transaction = em.getTransactionContext();
  const created = transaction && createdByTransaction.get(transaction);
  if (!created) return;
  if ('projectId' in deleted) {
    created.delete(deleted.projectId);
    return;
  }
  for (const [projectId, owner] of created) {
    if (owner === deleted.userId) created.delete(projectId);
  }
}
