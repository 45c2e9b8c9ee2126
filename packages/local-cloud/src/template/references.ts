import { intrinsicName, subVariables } from './intrinsics.js';

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The logical IDs a value refers to (`!Ref`, `!GetAtt`, `${X}` / `${X.Attr}` in `!Sub`),
 * leaving out parameters and pseudo parameters. `!If` follows only the branch its condition
 * selects.
 */
export const collectReferences = (
  value: unknown,
  isParameter: (name: string) => boolean,
  condition: (name: string) => boolean,
  into: Set<string> = new Set(),
): Set<string> => {
  const add = (name: string) => {
    if (!name.startsWith('AWS::') && !isParameter(name)) into.add(name);
  };
  const fn = intrinsicName(value);
  if (fn !== undefined) {
    const args = (value as Json)[fn];
    // `!Ref Fn.Alias` / `!Ref Fn.Version` (SAM, with AutoPublishAlias) depend on Fn.
    if (fn === 'Ref' && typeof args === 'string') add(args.replace(/\.(Alias|Version)$/, ''));
    else if (fn === 'Fn::GetAtt' && Array.isArray(args) && typeof args[0] === 'string') {
      add(args[0]);
    } else if (fn === 'Fn::Sub') {
      const [text, variables] = Array.isArray(args) ? args : [args, {}];
      const local = isRecord(variables) ? variables : {};
      if (typeof text === 'string') {
        for (const name of subVariables(text)) {
          if (!(name in local)) add(name.split('.')[0] as string);
        }
      }
      collectReferences(local, isParameter, condition, into);
    } else if (fn === 'Fn::If' && Array.isArray(args) && typeof args[0] === 'string') {
      collectReferences(condition(args[0]) ? args[1] : args[2], isParameter, condition, into);
    } else {
      collectReferences(args, isParameter, condition, into);
    }
    return into;
  }
  if (Array.isArray(value)) {
    for (const item of value) collectReferences(item, isParameter, condition, into);
  } else if (isRecord(value)) {
    for (const item of Object.values(value)) collectReferences(item, isParameter, condition, into);
  }
  return into;
};
