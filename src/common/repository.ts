import { EntityRepository } from '@mikro-orm/postgresql';
import type { Compilable, Kysely } from 'kysely';
import { schemaOf } from './schema.ts';
import { runOnce, type Statement, type StatementEffect } from './statement.ts';
import type { Tables } from './tables.ts';

/** The base of our repositories: runs statements on the repository's EntityManager, in the entities' schema. */
export abstract class Repository<Entity extends object> extends EntityRepository<Entity> {
  protected run<Params extends object, Row>(statement: Statement<Params, Row>, params: Params): Promise<Row[]> {
    return statement.run(this.em, this.#schema(), params);
  }

  /** For bulk statements whose shape is new at every call: built and compiled for this call only. */
  protected runOnce<Row>(build: (db: Kysely<Tables>) => Compilable<Row>, effect?: StatementEffect): Promise<Row[]> {
    return runOnce(this.em, this.#schema(), build, effect);
  }

  #schema(): string {
    return schemaOf(this.em.getMetadata(), this.entityName, this.em.config.get('schema'));
  }
}
