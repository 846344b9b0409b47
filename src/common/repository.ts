import { EntityRepository } from '@mikro-orm/postgresql';
import { schemaOf } from './schema.ts';
import type { Statement } from './statement.ts';

/** The base of our repositories: runs statements on the repository's EntityManager, in the entities' schema. */
export abstract class Repository<Entity extends object> extends EntityRepository<Entity> {
  protected run<Params extends object, Row>(statement: Statement<Params, Row>, params: Params): Promise<Row[]> {
    return statement.run(this.em, this.#schema(), params);
  }

  #schema(): string {
    return schemaOf(this.em.getMetadata(), this.entityName, this.em.config.get('schema'));
  }
}
