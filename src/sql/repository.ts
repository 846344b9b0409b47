import { EntityRepository } from '@mikro-orm/postgresql';
import { schemaOf } from '../common/schema.ts';
import { streamsCopy, type CopyIn, type Statement, type StatementTable } from './statement.ts';

/** The base of our repositories: runs statements on the repository's EntityManager, in the entities' schema. */
export abstract class Repository<Entity extends object> extends EntityRepository<Entity> {
  #table: StatementTable | undefined;

  protected run<Params extends object, Row>(statement: Statement<Params, Row>, params: Params): Promise<Row[]> {
    return statement.run(this.em, this.table, params);
  }

  /** The repository's table: its schema, which the statements are compiled for, and its name. */
  protected get table(): StatementTable {
    return (this.#table ??= this.#tableOf());
  }

  /** Streams rows into a (staging) table with COPY: only where `canCopy()`. */
  protected async copyIn(copy: CopyIn, chunks: Iterable<string>): Promise<void> {
    await copy.run(this.em, chunks);
  }

  /** Whether the repository's EntityManager can stream COPY: on the package's own pool, not on a host's. */
  canCopy(): boolean {
    return streamsCopy(this.em);
  }

  #tableOf(): StatementTable {
    const metadata = this.em.getMetadata();
    const schema = schemaOf(metadata, this.entityName, this.em.config.get('schema'));
    const name = metadata.find(this.entityName)!.tableName;
    return { schema, name, qualified: `${quoted(schema)}.${quoted(name)}` };
  }
}

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;
