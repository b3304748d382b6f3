import { RECORDABLE_EVENT_TYPES } from '@rollbook/domain';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import ar from '../../i18n/ar.json';
import en from '../../i18n/en.json';
import vi from '../../i18n/vi.json';
import { AUDIT_ACTION_GROUPS, AUDIT_ACTIONS, AUDIT_ENTITY_TYPES } from './audit-vocabulary';

/** The server's sources (not its tests), by path relative to apps/server/src. */
const SOURCES: Record<string, string> = Object.fromEntries(
  Object.entries(
    import.meta.glob<string>(['../../../../server/src/**/*.ts', '!../../../../server/src/**/*.test.ts'], {
      query: '?raw',
      import: 'default',
      eager: true,
    }),
  ).map(([path, text]) => [path.replace('../../../../server/src/', ''), text]),
);

function parse(path: string): ts.SourceFile {
  const text = SOURCES[path];
  if (text === undefined) throw new Error(`no server source ${path}`);
  return ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
}

/** The string literals of a `const NAME = [...] as const` in a server source. */
function constList(path: string, name: string): string[] {
  let found: string[] | undefined;
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === name) {
      let init = node.initializer;
      while (init && (ts.isAsExpression(init) || ts.isSatisfiesExpression(init))) init = init.expression;
      if (init && ts.isArrayLiteralExpression(init))
        found = init.elements.map((e) => {
          if (!ts.isStringLiteral(e)) throw new Error(`${path}: ${name} holds a non-literal`);
          return e.text;
        });
    }
    ts.forEachChild(node, visit);
  };
  visit(parse(path));
  if (!found) throw new Error(`${path}: no literal list ${name}`);
  return found;
}

/**
 * What a template action's placeholder can be, by file and expression. A new template action
 * fails the test until its values are listed here.
 */
const TEMPLATE_VALUES: Record<string, () => readonly string[]> = {
  // recordEvent refuses a reorganization event (its order writes it, and audits order.apply).
  'modules/members/members.service.ts ${input.type}': () => RECORDABLE_EVENT_TYPES,
  'modules/members/cards.service.ts ${input.action}': () =>
    constList('modules/members/cards.service.ts', 'CARD_ACTIONS'),
};

interface Recorded {
  actions: Map<string, string[]>;
  entityTypes: Map<string, string[]>;
  calls: number;
}

function add(map: Map<string, string[]>, key: string, where: string) {
  map.set(key, [...(map.get(key) ?? []), where]);
}

function where(node: ts.Node): string {
  const file = node.getSourceFile();
  return `${file.fileName}:${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
}

function property(object: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  for (const p of object.properties) {
    if (!p.name || !ts.isIdentifier(p.name) || p.name.text !== name) continue;
    if (ts.isPropertyAssignment(p)) return p.initializer;
    if (ts.isShorthandPropertyAssignment(p)) return p.name;
  }
  return undefined;
}

/** Every value an action expression can take; throws on a shape it cannot read. */
function actionValues(expr: ts.Expression): string[] {
  if (ts.isStringLiteral(expr) || ts.isNoSubstitutionTemplateLiteral(expr)) return [expr.text];
  if (ts.isParenthesizedExpression(expr)) return actionValues(expr.expression);
  if (ts.isConditionalExpression(expr))
    return [...actionValues(expr.whenTrue), ...actionValues(expr.whenFalse)];
  if (ts.isTemplateExpression(expr)) {
    let values = [expr.head.text];
    for (const span of expr.templateSpans) {
      const key = `${expr.getSourceFile().fileName} \${${span.expression.getText()}}`;
      const choices = TEMPLATE_VALUES[key];
      if (!choices) throw new Error(`${where(expr)}: list what ${key} can be in TEMPLATE_VALUES`);
      values = values.flatMap((v) => choices().map((c) => v + c + span.literal.text));
    }
    return values;
  }
  if (ts.isIdentifier(expr)) return passedValues(expr);
  throw new Error(`${where(expr)}: cannot read the action ${expr.getText()}`);
}

/** An action that is a parameter of the enclosing function: the values its callers in the file pass. */
function passedValues(id: ts.Identifier): string[] {
  let fn: ts.Node | undefined = id.parent;
  while (fn && !ts.isFunctionDeclaration(fn)) fn = fn.parent;
  const index = fn?.parameters.findIndex((p) => ts.isIdentifier(p.name) && p.name.text === id.text) ?? -1;
  if (!fn?.name || index < 0) throw new Error(`${where(id)}: cannot trace the action ${id.text}`);
  const name = fn.name.text;
  const values: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === name) {
      const arg = node.arguments[index];
      if (!arg) throw new Error(`${where(node)}: ${name} called without its action`);
      values.push(...actionValues(arg));
    }
    ts.forEachChild(node, visit);
  };
  visit(id.getSourceFile());
  if (!values.length) throw new Error(`${where(id)}: ${name} is never called`);
  return values;
}

/** Every action and entity type passed to recordAudit in the server's sources. */
function recorded(): Recorded {
  const result: Recorded = { actions: new Map(), entityTypes: new Map(), calls: 0 };
  for (const path of Object.keys(SOURCES)) {
    const visit = (node: ts.Node): void => {
      if (
        ts.isCallExpression(node) &&
        ts.isIdentifier(node.expression) &&
        node.expression.text === 'recordAudit'
      ) {
        result.calls++;
        const input = node.arguments[2];
        if (!input || !ts.isObjectLiteralExpression(input))
          throw new Error(`${where(node)}: recordAudit's input is not an object literal`);
        const action = property(input, 'action');
        if (!action) throw new Error(`${where(node)}: recordAudit without an action`);
        for (const value of actionValues(action)) add(result.actions, value, where(node));
        const entity = property(input, 'entity');
        const type = entity && ts.isObjectLiteralExpression(entity) ? property(entity, 'type') : undefined;
        if (!type || !ts.isStringLiteral(type))
          throw new Error(`${where(node)}: cannot read the entity type`);
        add(result.entityTypes, type.text, where(node));
      }
      ts.forEachChild(node, visit);
    };
    visit(parse(path));
  }
  return result;
}

const LANGUAGES = { en, vi, ar } as Record<string, unknown>;

function label(language: string, path: string[]): unknown {
  let at: unknown = LANGUAGES[language];
  for (const key of path)
    at = at && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined;
  return at;
}

describe('the audit vocabulary', () => {
  const server = recorded();

  it('reads the server', () => {
    expect(Object.keys(SOURCES)).toContain('modules/audit/audit.service.ts');
    expect(server.calls).toBeGreaterThan(40);
    expect(server.actions.size).toBeGreaterThan(60);
  });

  it('offers every action the server records', () => {
    const missing = [...server.actions].filter(([action]) => !AUDIT_ACTIONS.includes(action));
    expect(missing.map(([action, at]) => `${action} (${at[0]})`)).toEqual([]);
  });

  it('offers no action the server does not record, and each once', () => {
    expect(AUDIT_ACTIONS.filter((action) => !server.actions.has(action))).toEqual([]);
    expect(new Set(AUDIT_ACTIONS).size).toBe(AUDIT_ACTIONS.length);
  });

  it('offers exactly the entity types the server records', () => {
    expect([...AUDIT_ENTITY_TYPES].sort()).toEqual([...server.entityTypes.keys()].sort());
  });

  it.each(Object.keys(LANGUAGES))('labels every group, action and entity type in %s', (language) => {
    const unlabelled = [
      ...AUDIT_ACTION_GROUPS.map(({ group }) => ['audit', 'actionGroup', group]),
      ...AUDIT_ACTIONS.map((action) => {
        const dot = action.indexOf('.');
        return ['auditAction', action.slice(0, dot), action.slice(dot + 1)];
      }),
      ...AUDIT_ENTITY_TYPES.map((type) => ['auditEntity', type]),
    ].filter((path) => {
      const text = label(language, path);
      return typeof text !== 'string' || !text.trim();
    });
    expect(unlabelled.map((path) => path.join('.'))).toEqual([]);
  });
});
