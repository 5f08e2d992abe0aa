import { type DocumentNode, GraphQLError, Kind, type SelectionSetNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** Field nodes in `document` (operations and fragments, each node once), stopping past `max`. */
export function countFields(document: DocumentNode, max: number): number {
  let count = 0;
  const pending: SelectionSetNode[] = [];
  for (const definition of document.definitions) {
    if ('selectionSet' in definition && definition.selectionSet) pending.push(definition.selectionSet);
  }
  for (let set = pending.pop(); set; set = pending.pop()) {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD && ++count > max) return count;
      if (selection.kind !== Kind.FRAGMENT_SPREAD && selection.selectionSet) pending.push(selection.selectionSet);
    }
  }
  return count;
}

/**
 * Refuses documents with more than `max` field selections before graphql-js validates
 * them: its OverlappingFieldsCanBeMerged rule is quadratic in repeated fields, so a
 * document within the token limit could otherwise cost hundreds of milliseconds to
 * validate, and a fresh one (the validation cache keys on the text) each time.
 */
export function useMaxFields(max: number): Plugin {
  return {
    onValidate({ params, setResult }) {
      if (countFields(params.documentAST, max) > max) {
        setResult([new GraphQLError(`Field selections limit of ${max} exceeded.`)]);
      }
    },
  };
}
