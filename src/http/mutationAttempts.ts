import {
  Kind,
  parse,
  valueFromASTUntyped,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { Mutation } from '../resolvers/Mutation.js';

// What a request that never reaches a resolver (refused before GraphQL runs) was
// asking to change, so that the refusal can be audited: read from the body as well
// as a hostile body allows, never trusted for anything else.

/** The mutations that change AWS state, and so are audited: every one the gateway resolves, so a new one is never missed. */
const AUDITED_MUTATIONS = new Set(Object.keys(Mutation));

/** Root fields of a selection, through inline fragments and fragment spreads. */
function rootFields(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, seen = new Set<string>()): FieldNode[] {
  return selectionSet.selections.flatMap((selection) => {
    if (selection.kind === Kind.FIELD) return [selection];
    if (selection.kind === Kind.INLINE_FRAGMENT) return rootFields(selection.selectionSet, fragments, seen);
    const fragment = fragments.get(selection.name.value);
    if (!fragment || seen.has(fragment.name.value)) return [];
    seen.add(fragment.name.value);
    return rootFields(fragment.selectionSet, fragments, seen);
  });
}

/** The changes a request body asks for, read as well as a hostile body allows. */
export function mutationAttempts(body: unknown): Array<{ operation: string; input: unknown }> {
  if (!body || typeof body !== 'object') return [];
  const { query, variables, operationName } = body as { query?: unknown; variables?: unknown; operationName?: unknown };
  if (typeof query !== 'string') return [];
  try {
    const { definitions } = parse(query, { maxTokens: 2000 });
    const operations = definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    const fragments = new Map(
      definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]),
    );
    const chosen = operations.length === 1 ? operations[0] : operations.find((o) => o.name?.value === operationName);
    if (chosen?.operation !== 'mutation') return [];
    const vars = variablesOf(variables);
    return rootFields(chosen.selectionSet, fragments)
      .filter((field) => AUDITED_MUTATIONS.has(field.name.value))
      .map((field) => {
        const input = field.arguments?.find((a) => a.name.value === 'input');
        return { operation: field.name.value, input: input ? valueFromASTUntyped(input.value, vars) : null };
      });
  } catch {
    return [];
  }
}

/** A POST's variables object, or a GET's JSON text of one; nothing usable is no variables. */
function variablesOf(variables: unknown): Record<string, unknown> {
  if (typeof variables === 'string') {
    try {
      return variablesOf(JSON.parse(variables));
    } catch {
      return {};
    }
  }
  return variables && typeof variables === 'object' && !Array.isArray(variables) ? (variables as Record<string, unknown>) : {};
}
