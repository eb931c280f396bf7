import type { ErrorObject } from 'ajv';
import { aliasProblem } from './aliases.js';
import { unknownKeyMessage } from './suggest.js';

/** `projects.mnist.train` from ajv's `/projects/mnist/train`; `hosts[1]` for array items. */
export function fieldName(instancePath: string, extra?: string): string {
  const parts = instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra !== undefined) parts.push(extra);
  let out = '';
  for (const part of parts) out += /^\d+$/.test(part) ? `[${part}]` : out === '' ? part : `.${part}`;
  return out === '' ? '(top level)' : out;
}

const isHostAlias = (instancePath: string) => /^\/hosts\/\d+(\/alias)?$/.test(instancePath);

function describe(error: ErrorObject): string | null {
  const parent = error.parentSchema as
    | { description?: string; properties?: Record<string, { description?: string }> }
    | undefined;
  const fix = parent?.description ? ` — fix: ${parent.description}` : '';
  switch (error.keyword) {
    case 'required': {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      const hint = parent?.properties?.[missing]?.description;
      return `${fieldName(error.instancePath, missing)} is missing${hint ? ` — fix: add ${hint}` : ''}`;
    }
    case 'additionalProperties': {
      const key = (error.params as { additionalProperty: string }).additionalProperty;
      const where = error.instancePath === '' ? null : fieldName(error.instancePath);
      return unknownKeyMessage(
        key,
        where,
        Object.keys(parent?.properties ?? {}).filter((k) => k !== '$schema'),
      );
    }
    case 'pattern':
    case 'minLength': {
      if (isHostAlias(error.instancePath) && typeof error.data === 'string') {
        const problem = aliasProblem(error.data);
        if (problem) return `${fieldName(error.instancePath)} ${problem}`;
      }
      // ajv's "must match pattern <regex>" means nothing to a person: say what the value should look like
      const what = error.data === '' ? 'is empty' : `"${String(error.data)}" is not valid here`;
      return `${fieldName(error.instancePath)} ${what}${fix}`;
    }
    case 'type':
      return `${fieldName(error.instancePath)} must be ${(error.params as { type: string }).type}${fix}`;
    case 'anyOf':
      return `${fieldName(error.instancePath)} is not valid${fix}`;
    case 'if':
      return null;
    default:
      return `${fieldName(error.instancePath)} ${error.message ?? 'is not valid'}${fix}`;
  }
}

const within = (error: ErrorObject, outer: ErrorObject) =>
  error.instancePath === outer.instancePath || error.instancePath.startsWith(`${outer.instancePath}/`);

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/**
 * For an anyOf whose value has the type of one branch (a host given as an object), that branch's
 * own errors say more than "is not valid"; otherwise the anyOf's description is the fix.
 */
function anyOfBranchErrors(anyOf: ErrorObject, errors: ErrorObject[]): ErrorObject[] | null {
  const branches = (anyOf.schema as { type?: string }[] | undefined) ?? [];
  const type = jsonType(anyOf.data);
  const index = branches.findIndex((b) => b.type === type || (b.type === 'number' && type === 'integer'));
  if (index < 0) return null;
  const prefix = `${anyOf.schemaPath}/${index}/`;
  const own = errors.filter((e) => e.schemaPath.startsWith(prefix) && within(e, anyOf));
  return own.length ? own : null;
}

/** Keeps the most useful message per field: anyOf branches otherwise repeat themselves. */
export function explain(errors: ErrorObject[]): string[] {
  const anyOfs = errors.filter((e) => e.keyword === 'anyOf');
  const lines: string[] = [];
  const add = (error: ErrorObject) => {
    const line = describe(error);
    if (line && !lines.includes(line)) lines.push(line);
  };
  for (const error of errors) {
    if (error.keyword === 'anyOf') {
      const own = anyOfBranchErrors(error, errors);
      if (own) own.forEach(add);
      else add(error);
      continue;
    }
    const underAnyOf = anyOfs.some((a) => error.schemaPath.startsWith(`${a.schemaPath}/`) && within(error, a));
    if (!underAnyOf) add(error);
  }
  return lines;
}
