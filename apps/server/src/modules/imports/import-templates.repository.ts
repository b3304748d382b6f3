import type { ImportEntity } from '@rollbook/domain';
import { sql } from 'kysely';
import type { Scope } from '../access/actor.js';
import { unitInScope } from '../access/scope.js';
import type { Db } from '../units/units.repository.js';

export interface ImportTemplateRow {
  id: number;
  entity: ImportEntity;
  name: string;
  /** field → column header, as an import job holds it. */
  mapping: Record<string, string>;
  options: { dateOrder?: 'dmy' | 'mdy' };
  unitId: number | null;
  version: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

const iso = (column: string) =>
  sql<string>`to_char(${sql.ref(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** SQL: the template lies inside the scope, by the same rule as an import (its unit stands there today). */
function templateInScope(scope: Scope, today: string) {
  if (scope.all) return sql<boolean>`true`;
  return sql<boolean>`(t.unit_id is not null and ${unitInScope(scope, sql`t.unit_id`, today)})`;
}

function selectTemplates(db: Db) {
  return db
    .selectFrom('import_mapping_template as t')
    .select([
      't.id',
      't.entity',
      't.name',
      't.mapping',
      't.options',
      't.unit_id as unitId',
      't.version',
      't.created_by as createdBy',
      iso('t.created_at').as('createdAt'),
      iso('t.updated_at').as('updatedAt'),
    ]);
}

export async function listTemplates(
  db: Db,
  scope: Scope,
  today: string,
  entity: ImportEntity | null,
): Promise<ImportTemplateRow[]> {
  let query = selectTemplates(db).where(templateInScope(scope, today));
  if (entity) query = query.where('t.entity', '=', entity);
  const rows = await query
    .orderBy(sql`lower(t.name)`)
    .orderBy('t.id')
    .execute();
  return rows as ImportTemplateRow[];
}

export async function findTemplate(
  db: Db,
  id: number,
  scope: Scope,
  today: string,
  options: { forUpdate?: boolean } = {},
): Promise<ImportTemplateRow | undefined> {
  let query = selectTemplates(db).where('t.id', '=', id).where(templateInScope(scope, today));
  if (options.forUpdate) query = query.forUpdate();
  return (await query.executeTakeFirst()) as ImportTemplateRow | undefined;
}

/** A template by its name (any case) among those the scope sees: the CLI's `--template NAME`. */
export async function findTemplateByName(
  db: Db,
  entity: ImportEntity,
  name: string,
  scope: Scope,
  today: string,
): Promise<ImportTemplateRow | undefined> {
  return (await selectTemplates(db)
    .where('t.entity', '=', entity)
    .where(sql<boolean>`lower(t.name) = lower(${name.trim()})`)
    .where(templateInScope(scope, today))
    .executeTakeFirst()) as ImportTemplateRow | undefined;
}

/** Whether a name is taken for the entity anywhere in the organization (names are unique there). */
export async function templateNameTaken(
  db: Db,
  entity: ImportEntity,
  name: string,
  exceptId: number | null,
): Promise<boolean> {
  const row = await db
    .selectFrom('import_mapping_template')
    .select('id')
    .where('entity', '=', entity)
    .where(sql<boolean>`lower(name) = lower(${name})`)
    .$if(exceptId !== null, (q) => q.where('id', '<>', exceptId!))
    .executeTakeFirst();
  return row !== undefined;
}

export async function insertTemplate(
  db: Db,
  template: Pick<ImportTemplateRow, 'entity' | 'name' | 'mapping' | 'options' | 'unitId' | 'createdBy'> & {
    userId: number | null;
  },
): Promise<number> {
  const row = await db
    .insertInto('import_mapping_template')
    .values({
      entity: template.entity,
      name: template.name,
      mapping: JSON.stringify(template.mapping),
      options: JSON.stringify(template.options),
      unit_id: template.unitId,
      created_by: template.createdBy,
      created_by_user_id: template.userId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Writes a change only over the version the writer read: false when someone else got there first. */
export async function updateTemplate(
  db: Db,
  id: number,
  expectedVersion: number,
  change: Partial<Pick<ImportTemplateRow, 'name' | 'mapping' | 'options'>>,
): Promise<boolean> {
  const result = await db
    .updateTable('import_mapping_template')
    .set({
      ...(change.name !== undefined && { name: change.name }),
      ...(change.mapping !== undefined && { mapping: JSON.stringify(change.mapping) }),
      ...(change.options !== undefined && { options: JSON.stringify(change.options) }),
      version: sql`version + 1`,
      updated_at: sql`now()`,
    })
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function deleteTemplate(db: Db, id: number, expectedVersion: number): Promise<boolean> {
  const result = await db
    .deleteFrom('import_mapping_template')
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}
