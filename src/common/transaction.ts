import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Runs `work` as one unit of work: within the caller's transaction when `em` is in one, otherwise in a new one that
 * commits when `work` returns and rolls back when it throws.
 */
export function inTransaction<T>(em: EntityManager, work: (em: EntityManager) => Promise<T>): Promise<T> {
  return em.isInTransaction() ? work(em) : em.transactional(work);
}
