/**
 * zod's verdict on a request, as the app's one kind of client error: every issue
 * becomes a field problem with a JSON pointer (body) or a parameter name (query),
 * all listed at once.
 */
import type { Hook } from '@hono/zod-openapi';
import type { z } from '@hono/zod-openapi';
import type { AppEnv } from '../types.js';
import { type FieldProblem, echoedName, invalidRequest, jsonPointer } from './problem.js';

/** Hands failed validations to the app's error handler; successes pass through. */
export const throwOnInvalid: Hook<unknown, AppEnv, string, undefined> = function throwOnInvalid(result) {
  if (!result.success) {
    throw invalidRequest(fieldProblems(result.error.issues, result.target));
  }
  return undefined;
};

export function fieldProblems(issues: readonly z.core.$ZodIssue[], target: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) problems.push(at(target, [...issue.path, key], 'unknown member'));
    } else {
      problems.push(at(target, issue.path, issue.message));
    }
  }
  return problems;
}

function at(target: string, path: readonly PropertyKey[], detail: string): FieldProblem {
  if (target === 'json') return { pointer: jsonPointer(path), detail };
  return { parameter: path.map((key) => echoedName(String(key))).join('.'), detail };
}
