import {
  AppError,
  DATE_ORDERS,
  type DateOrder,
  type ImportEntity,
  importFields,
  reason,
} from '@rollbook/domain';
import type { AppContext } from '../../context.js';
import { type Actor, requireScope, type Scope } from '../access/actor.js';
import { isUnitVisible } from '../access/scope.js';
import { recordAudit } from '../audit/audit.service.js';
import {
  deleteTemplate as removeTemplate,
  findTemplate,
  findTemplateByName,
  type ImportTemplateRow,
  insertTemplate,
  listTemplates,
  templateNameTaken,
  updateTemplate as writeTemplate,
} from './import-templates.repository.js';

export type { ImportTemplateRow } from './import-templates.repository.js';

/** Who may keep templates: whoever may import (members.write), over the same part of the tree. */
function templateScope(actor: Actor): Scope {
  return requireScope(actor, 'members.write');
}

function notFound(id: number | string): AppError {
  return new AppError('import_template_not_found', {
    params: { template: typeof id === 'number' ? `#${id}` : `“${id}”` },
  });
}

const MAX_NAME = 120;

function checkName(name: string): string {
  const trimmed = name.normalize('NFC').trim();
  if (trimmed.length === 0 || trimmed.length > MAX_NAME)
    throw new AppError('validation_failed', {
      field: 'name',
      params: { reason: reason(trimmed.length === 0 ? 'required' : 'maxLength'), max: MAX_NAME },
    });
  return trimmed;
}

/**
 * A mapping names fields of the entity and non-empty headers. Headers are not checked against a
 * file: a template outlives the file it was made from, and applying it says what a file lacks.
 */
function checkMapping(ctx: AppContext, entity: ImportEntity, mapping: Record<string, string>) {
  const keys = new Set(importFields(entity, ctx.rules.members).map((f) => f.key));
  const clean: Record<string, string> = {};
  for (const [field, header] of Object.entries(mapping)) {
    if (!keys.has(field))
      throw new AppError('validation_failed', {
        field: 'mapping',
        params: { reason: reason('import.mapping_field'), field },
      });
    if (typeof header !== 'string' || header.trim() === '' || header.length > 1000)
      throw new AppError('validation_failed', {
        field: `mapping.${field}`,
        params: { reason: reason('required') },
      });
    clean[field] = header;
  }
  if (Object.keys(clean).length === 0)
    throw new AppError('validation_failed', { field: 'mapping', params: { reason: reason('required') } });
  return clean;
}

function checkDateOrder(dateOrder: DateOrder | undefined): { dateOrder?: DateOrder } {
  if (dateOrder === undefined) return {};
  if (!DATE_ORDERS.includes(dateOrder))
    throw new AppError('validation_failed', { field: 'dateOrder', params: { reason: reason('enum') } });
  return { dateOrder };
}

function nameTaken(name: string): AppError {
  return new AppError('import_template_name_taken', { field: 'name', params: { name } });
}

/** Two saves of one name racing: the unique index refuses the second, said as the friendly error. */
function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '23505';
}

/** The part of a template an audit event keeps. */
function audited(t: Pick<ImportTemplateRow, 'entity' | 'name' | 'mapping' | 'options' | 'unitId'>) {
  return { entity: t.entity, name: t.name, mapping: t.mapping, options: t.options, unitId: t.unitId };
}

export async function findImportTemplates(
  ctx: AppContext,
  actor: Actor,
  entity: ImportEntity | null,
): Promise<ImportTemplateRow[]> {
  return listTemplates(ctx.db, templateScope(actor), ctx.today(), entity);
}

export async function getImportTemplate(
  ctx: AppContext,
  actor: Actor,
  id: number,
): Promise<ImportTemplateRow> {
  const template = await findTemplate(ctx.db, id, templateScope(actor), ctx.today());
  if (!template) throw notFound(id);
  return template;
}

/** A template by its name, among those the actor sees (the CLI's `--template NAME`). */
export async function getImportTemplateByName(
  ctx: AppContext,
  actor: Actor,
  entity: ImportEntity,
  name: string,
): Promise<ImportTemplateRow> {
  const template = await findTemplateByName(ctx.db, entity, name, templateScope(actor), ctx.today());
  if (!template) throw notFound(name.trim());
  return template;
}

/**
 * Saves a mapping under a name. It belongs to a unit like an import does: the one named, or the
 * actor's own when they have one; organization-wide (no unit) only for someone who imports anywhere.
 */
export async function createImportTemplate(
  ctx: AppContext,
  actor: Actor,
  input: {
    entity: ImportEntity;
    name: string;
    mapping: Record<string, string>;
    dateOrder?: DateOrder;
    unitId?: number | null;
  },
): Promise<ImportTemplateRow> {
  const scope = templateScope(actor);
  const name = checkName(input.name);
  const mapping = checkMapping(ctx, input.entity, input.mapping);
  const options = checkDateOrder(input.dateOrder);
  let unitId = input.unitId ?? null;
  if (unitId === null && !scope.all) {
    if (scope.roots.length !== 1)
      throw new AppError('validation_failed', { field: 'unitId', params: { reason: reason('choose_unit') } });
    unitId = scope.roots[0]!;
  }
  if (unitId !== null && !(await isUnitVisible(ctx.db, scope, unitId, ctx.today())))
    throw new AppError('unit_not_found', { field: 'unitId', params: { unit: `#${unitId}` } });
  try {
    const id = await ctx.db.transaction().execute(async (trx) => {
      if (await templateNameTaken(trx, input.entity, name, null)) throw nameTaken(name);
      const row = { entity: input.entity, name, mapping, options, unitId };
      const id = await insertTemplate(trx, { ...row, createdBy: actor.name, userId: actor.userId });
      await recordAudit(trx, actor, {
        action: 'import_template.create',
        entity: { type: 'import_template', id },
        unitIds: unitId === null ? [] : [unitId],
        after: audited(row),
      });
      return id;
    });
    return (await findTemplate(ctx.db, id, scope, ctx.today()))!;
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken(name);
    throw error;
  }
}

/** Renames a template or changes its mapping, over the version the writer read (If-Match). */
export async function updateImportTemplate(
  ctx: AppContext,
  actor: Actor,
  id: number,
  expectedVersion: number,
  patch: { name?: string; mapping?: Record<string, string>; dateOrder?: DateOrder | null },
): Promise<ImportTemplateRow> {
  const scope = templateScope(actor);
  const name = patch.name === undefined ? undefined : checkName(patch.name);
  try {
    await ctx.db.transaction().execute(async (trx) => {
      const before = await findTemplate(trx, id, scope, ctx.today(), { forUpdate: true });
      if (!before) throw notFound(id);
      if (before.version !== expectedVersion)
        throw new AppError('version_conflict', { field: 'If-Match', params: { current: before.version } });
      const mapping =
        patch.mapping === undefined ? undefined : checkMapping(ctx, before.entity, patch.mapping);
      const options =
        patch.dateOrder === undefined
          ? undefined
          : patch.dateOrder === null
            ? {}
            : { ...before.options, ...checkDateOrder(patch.dateOrder) };
      if (name !== undefined && (await templateNameTaken(trx, before.entity, name, id)))
        throw nameTaken(name);
      const change = {
        ...(name !== undefined && { name }),
        ...(mapping && { mapping }),
        ...(options && { options }),
      };
      if (!(await writeTemplate(trx, id, expectedVersion, change)))
        throw new AppError('version_conflict', {
          field: 'If-Match',
          params: { current: before.version + 1 },
        });
      await recordAudit(trx, actor, {
        action: 'import_template.update',
        entity: { type: 'import_template', id },
        unitIds: before.unitId === null ? [] : [before.unitId],
        before: audited(before),
        after: audited({ ...before, ...change }),
      });
    });
  } catch (error) {
    if (isUniqueViolation(error) && name !== undefined) throw nameTaken(name);
    throw error;
  }
  return (await findTemplate(ctx.db, id, scope, ctx.today()))!;
}

export async function deleteImportTemplate(
  ctx: AppContext,
  actor: Actor,
  id: number,
  expectedVersion: number,
): Promise<void> {
  const scope = templateScope(actor);
  await ctx.db.transaction().execute(async (trx) => {
    const before = await findTemplate(trx, id, scope, ctx.today(), { forUpdate: true });
    if (!before) throw notFound(id);
    if (before.version !== expectedVersion || !(await removeTemplate(trx, id, expectedVersion)))
      throw new AppError('version_conflict', { field: 'If-Match', params: { current: before.version } });
    await recordAudit(trx, actor, {
      action: 'import_template.delete',
      entity: { type: 'import_template', id },
      unitIds: before.unitId === null ? [] : [before.unitId],
      before: audited(before),
    });
  });
}
