import { FlushMode, wrap, type Collection, type EntityData, type EntityManager, type EntityName } from '@mikro-orm/postgresql';

/**
 * Service calls send SQL of their own, past the unit of work of the EntityManager they are given. These functions keep
 * that unit of work true around each call, as MikroORM's own queries do: pending changes go out first, and managed
 * entities a statement wrote are brought up to date afterwards (or forgotten, when it deleted them).
 */

/**
 * Flushes what the EntityManager's flush mode says must be flushed before a statement on `touched` tables: nothing
 * under `COMMIT`, everything under `ALWAYS`; under `AUTO` (the default), everything when an entity of a touched
 * table is managed or queued for persisting or removal, so a change made and not yet flushed is never read past.
 * The mode comes from the ORM's configuration: MikroORM has no public reader for a mode set on one fork.
 */
export async function flushPending(em: EntityManager, touched: readonly EntityName[]): Promise<void> {
  const mode = em.config.get('flushMode');
  if (mode === FlushMode.COMMIT) return;
  if (mode === FlushMode.ALWAYS || touched.some((entity) => isTracked(em, entity))) {
    await em.flush();
  }
}

function isTracked(em: EntityManager, entity: EntityName): boolean {
  const meta = em.getMetadata().find(entity);
  return meta !== undefined && (em.getUnitOfWork().shouldAutoFlush(meta) || heldOf(em, entity).size > 0);
}

/** The entities of one table that the EntityManager holds, loaded or references, by primary key. */
function heldOf<Entity extends object>(em: EntityManager, entity: EntityName<Entity>): ReadonlyMap<string, Entity> {
  const meta = em.getMetadata().find(entity);
  return meta ? em.getUnitOfWork().getIdentityMap().getStore(meta) : new Map();
}

/** The managed, loaded entity with this primary key, if the EntityManager has one. */
export function managed<Entity extends object>(em: EntityManager, entity: EntityName<Entity>, id: string | number): Entity | undefined {
  const found = held(em, entity, id);
  return found && wrap(found).isInitialized() ? found : undefined;
}

/** The entity with this primary key that the EntityManager holds, loaded or a reference. */
export function held<Entity extends object>(em: EntityManager, entity: EntityName<Entity>, id: string | number): Entity | undefined {
  return em.getUnitOfWork().getById<Entity>(entity, id as never, identitySchema(em, entity));
}

/**
 * The schema under which the identity map files an entity: the one its metadata was placed in, or for an entity left
 * in the wildcard schema (a host ORM without `placeInSchema()`), the EntityManager's default schema, as MikroORM
 * loads it there.
 */
function identitySchema(em: EntityManager, entity: EntityName): string | undefined {
  const placed = em.getMetadata().find(entity)?.schema;
  return placed && placed !== '*' ? placed : (em.schema ?? em.config.getSchema());
}

/**
 * Writes what a statement stored into the managed entity with that primary key, if there is one, so its values,
 * `version` and `updatedAt` match the row and a later flush neither overwrites the write nor fails its version check.
 * Only the given properties change; an entity the EntityManager does not hold is left unloaded.
 */
export function refreshManaged<Entity extends object>(em: EntityManager, entity: EntityName<Entity>, id: string | number, data: EntityData<Entity>): void {
  if (managed(em, entity, id)) {
    em.merge(entity, data, { refresh: true });
  }
}

/**
 * Takes entities whose rows a statement deleted out of the unit of work, so a later flush never writes them again.
 * Inside a transaction the EntityManager may share its entities with the one it was forked from
 * (`em.transactional()`): there they only leave this identity map, so the parent neither writes nor re-inserts them.
 */
export function forgetDeleted(em: EntityManager, entities: Iterable<object | undefined>): void {
  const uow = em.getUnitOfWork();
  for (const entity of entities) {
    if (!entity) continue;
    if (em.isInTransaction()) {
      uow.getIdentityMap().delete(entity);
    } else {
      uow.unsetIdentity(entity);
    }
  }
}

/**
 * Whether `em.flush()` could write anything: an entity is managed or queued for persisting or removal, or a subscriber
 * listens, which may add work in its flush events. An EntityManager that only ran our statements has none of these,
 * and flushing it would still walk its unit of work and dispatch three events for nothing.
 */
export function mayHaveWorkToFlush(em: EntityManager): boolean {
  const uow = em.getUnitOfWork();
  return (
    em.getEventManager().getSubscribers().size > 0 ||
    uow.getPersistStack().size > 0 ||
    uow.getRemoveStack().size > 0 ||
    uow.getOrphanRemoveStack().size > 0 ||
    !uow.getIdentityMap()[Symbol.iterator]().next().done
  );
}

/** Whether the EntityManager holds any entity (loaded or a reference) of these tables. */
export function holdsAny(em: EntityManager, entities: readonly EntityName[]): boolean {
  return entities.some((entity) => heldOf(em, entity).size > 0);
}

/** The managed entities of one table, loaded or not, that `belongs` picks (e.g. the cams of a deleted project). */
export function* managedWhere<Entity extends object>(em: EntityManager, entity: EntityName<Entity>, belongs: (entity: Entity) => boolean): Generator<Entity> {
  // Copied first: forgetting an entity removes it from this very store.
  for (const candidate of [...heldOf(em, entity).values()]) {
    if (belongs(candidate)) yield candidate;
  }
}

/**
 * Adds rows a statement created to the parent's collection when the EntityManager holds that parent with the
 * collection loaded, so the collection keeps showing every row it has. Otherwise nothing is loaded, and `rows` is never
 * called: the entity data of ten thousand cams is made only for a collection that shows them.
 */
export function addToLoadedCollection<Parent extends object, Child extends object>(
  em: EntityManager,
  parent: EntityName<Parent>,
  parentId: string | number,
  collectionOf: (parent: Parent) => Collection<Child>,
  child: EntityName<Child>,
  rows: () => readonly EntityData<Child>[],
): void {
  const owner = managed(em, parent, parentId);
  const collection = owner && collectionOf(owner);
  if (collection?.isInitialized()) {
    collection.add(rows().map((data) => em.merge(child, data)));
  }
}
